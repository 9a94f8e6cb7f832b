import { type Logger, pino } from 'pino';

/** Structured JSON logs; LOG_LEVEL sets the level. Never log message contents or debtor data. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { component: name } });
}

export type { Logger };
