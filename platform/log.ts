import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Structured JSON logs to stdout (or `destination`, e.g. the local street's log file); LOG_LEVEL sets the
 * level. Never log message contents or debtor data.
 */
export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = { name, level, base: { component: name } };
  return destination ? pino(options, destination) : pino(options);
}

/** A log file for processes whose stdout is for people (the local street). */
export function logFile(path: string): DestinationStream {
  return pino.destination({ dest: path, mkdir: true, sync: false });
}

export type { DestinationStream, Logger };
