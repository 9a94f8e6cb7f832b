// Settings of the channel adapters, tracking, bounce intake, print batches and retention, from the
// environment (twelve-factor, like runtime/settings.ts). Every one is optional; docs/channels.md lists them.
import { createError } from '../../core/errors/index.js';

export interface ChannelSettings {
  /** HMAC key of tracking tokens (OST_TRACKING_SECRET); without it mails go out untracked. */
  trackingSecret: string | undefined;
  /** How long open and click links work (OST_TRACKING_TTL_DAYS, default 180). */
  trackingTtlDays: number;
  /** Development and tests: Twilio's REST API at this origin instead of https://api.twilio.com. */
  twilioApiBase: string | undefined;
  /** Shared secret of POST /v1/providers/email/bounces (OST_EMAIL_WEBHOOK_SECRET); unset refuses every call. */
  emailWebhookSecret: string | undefined;
  /** Inbound SMTP endpoint for delivery status notifications (OST_BOUNCE_SMTP_PORT); off when unset. */
  bounceSmtp: { host: string; port: number } | undefined;
  /** How often print batches are checked for upload (OST_PRINT_BATCH_INTERVAL_MS, default 30 s). */
  printBatchIntervalMs: number;
  /** How often the retention sweep runs (OST_RETENTION_SWEEP_INTERVAL_MS, default 1 h; 0 = never). */
  retentionSweepIntervalMs: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw createError('OST_ERR_CONFIG', [`${name}=${raw} is not a number`, `set ${name} to a number`]);
  }
  return value;
}

export function readChannelSettings(env: NodeJS.ProcessEnv = process.env): ChannelSettings {
  const bouncePort = env.OST_BOUNCE_SMTP_PORT;
  return {
    trackingSecret: env.OST_TRACKING_SECRET || undefined,
    trackingTtlDays: positiveNumber(env, 'OST_TRACKING_TTL_DAYS', 180),
    twilioApiBase: env.OST_TWILIO_API_BASE?.replace(/\/$/, '') || undefined,
    emailWebhookSecret: env.OST_EMAIL_WEBHOOK_SECRET || undefined,
    bounceSmtp:
      bouncePort === undefined || bouncePort === ''
        ? undefined
        : {
            host: env.OST_BOUNCE_SMTP_HOST ?? '0.0.0.0',
            port: positiveNumber(env, 'OST_BOUNCE_SMTP_PORT', 0),
          },
    printBatchIntervalMs: positiveNumber(env, 'OST_PRINT_BATCH_INTERVAL_MS', 30_000),
    retentionSweepIntervalMs: positiveNumber(env, 'OST_RETENTION_SWEEP_INTERVAL_MS', 3_600_000),
  };
}
