// Settings of the channel adapters, tracking, bounce intake, print batches and retention, from the
// environment (twelve-factor, like runtime/settings.ts). Every one is optional; docs/channels.md lists them.
import { createError } from '../../core/errors/index.js';
import { positive } from '../../platform/settings/runtime-settings.js';

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
  /**
   * Email replies (docs/channels.md, "Replies"): the reply domain (OST_REPLY_DOMAIN) puts
   * `Reply-To: reply+<token>@<domain>` on every mail to a debtor; the inbound SMTP endpoint
   * (OST_REPLY_SMTP_PORT, OST_REPLY_SMTP_HOST) takes the replies. Both off when unset.
   */
  replyDomain: string | undefined;
  replySmtp:
    | { host: string; port: number; maxBytes: number; socketTimeoutMs: number; maxClients: number }
    | undefined;
  /** How often print batches are checked for upload (OST_PRINT_BATCH_INTERVAL_MS, default 30 s). */
  printBatchIntervalMs: number;
  /** How often print providers' return folders are read (OST_PRINT_RETURN_INTERVAL_MS, default 5 min). */
  printReturnIntervalMs: number;
  /** How often early signals are evaluated and exported (OST_EARLY_SIGNAL_INTERVAL_MS, default 15 min). */
  earlySignalIntervalMs: number;
  /** How often the retention sweep runs (OST_RETENTION_SWEEP_INTERVAL_MS, default 1 h; 0 = never). */
  retentionSweepIntervalMs: number;
  /** Provider deadlines, all well under the dispatch lease (docs/channels.md, "Timeouts"). */
  timeouts: ProviderTimeouts;
}

export interface ProviderTimeouts {
  /** OST_SMTP_CONNECTION_TIMEOUT_MS: DNS and TCP (and TLS for port 465) to the relay. */
  smtpConnectionMs: number;
  /** OST_SMTP_GREETING_TIMEOUT_MS: the relay's 220 greeting (and a STARTTLS upgrade). */
  smtpGreetingMs: number;
  /** OST_SMTP_SOCKET_TIMEOUT_MS: silence on an open connection, e.g. no answer after DATA. */
  smtpSocketMs: number;
  /** OST_SEND_TIMEOUT_MS: the whole hand-over of one message to the relay, however it trickles. */
  sendMs: number;
  /** OST_SFTP_READY_TIMEOUT_MS: TCP, SSH handshake and authentication with the print provider. */
  sftpReadyMs: number;
  /** OST_SFTP_UPLOAD_TIMEOUT_MS: the whole upload of one print batch (under its 10-minute claim). */
  sftpUploadMs: number;
}

export const TIMEOUT_DEFAULTS: ProviderTimeouts = {
  smtpConnectionMs: 10_000,
  smtpGreetingMs: 10_000,
  smtpSocketMs: 30_000,
  sendMs: 60_000,
  sftpReadyMs: 15_000,
  sftpUploadMs: 300_000,
};

/** How long a replica may hold a print batch before another one takes it over (print-batches.ts). */
export const PRINT_BATCH_LEASE_MS = 10 * 60_000;

function readTimeouts(env: NodeJS.ProcessEnv): ProviderTimeouts {
  const t: ProviderTimeouts = {
    smtpConnectionMs: positive(env, 'OST_SMTP_CONNECTION_TIMEOUT_MS', TIMEOUT_DEFAULTS.smtpConnectionMs),
    smtpGreetingMs: positive(env, 'OST_SMTP_GREETING_TIMEOUT_MS', TIMEOUT_DEFAULTS.smtpGreetingMs),
    smtpSocketMs: positive(env, 'OST_SMTP_SOCKET_TIMEOUT_MS', TIMEOUT_DEFAULTS.smtpSocketMs),
    sendMs: positive(env, 'OST_SEND_TIMEOUT_MS', TIMEOUT_DEFAULTS.sendMs),
    sftpReadyMs: positive(env, 'OST_SFTP_READY_TIMEOUT_MS', TIMEOUT_DEFAULTS.sftpReadyMs),
    sftpUploadMs: positive(env, 'OST_SFTP_UPLOAD_TIMEOUT_MS', TIMEOUT_DEFAULTS.sftpUploadMs),
  };
  // An upload that could outlive its batch claim would let a second replica upload the same batch.
  if (t.sftpUploadMs > PRINT_BATCH_LEASE_MS / 2) {
    throw createError('OST_ERR_CONFIG', [
      `OST_SFTP_UPLOAD_TIMEOUT_MS=${t.sftpUploadMs} is more than half the ${PRINT_BATCH_LEASE_MS} ms claim of a print batch`,
      `set OST_SFTP_UPLOAD_TIMEOUT_MS to ${PRINT_BATCH_LEASE_MS / 2} or less`,
    ]);
  }
  return t;
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

const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/i;

function readReplies(env: NodeJS.ProcessEnv): Pick<ChannelSettings, 'replyDomain' | 'replySmtp'> {
  const domain = env.OST_REPLY_DOMAIN || undefined;
  if (domain !== undefined && !DOMAIN.test(domain)) {
    throw createError('OST_ERR_CONFIG', [
      `OST_REPLY_DOMAIN=${domain} is not a domain name`,
      'set it to the domain whose MX points at the reply SMTP endpoint, e.g. replies.street.example',
    ]);
  }
  const port = env.OST_REPLY_SMTP_PORT;
  if (port === undefined || port === '') return { replyDomain: domain, replySmtp: undefined };
  if (domain === undefined) {
    throw createError('OST_ERR_CONFIG', [
      'OST_REPLY_SMTP_PORT is set without OST_REPLY_DOMAIN',
      'set OST_REPLY_DOMAIN to the domain of the reply addresses',
    ]);
  }
  return {
    replyDomain: domain,
    replySmtp: {
      host: env.OST_REPLY_SMTP_HOST ?? '0.0.0.0',
      port: positiveNumber(env, 'OST_REPLY_SMTP_PORT', 0),
      maxBytes: positive(env, 'OST_REPLY_SMTP_MAX_BYTES', 1024 * 1024),
      socketTimeoutMs: positive(env, 'OST_REPLY_SMTP_SOCKET_TIMEOUT_MS', 30_000),
      maxClients: positive(env, 'OST_REPLY_SMTP_MAX_CLIENTS', 50),
    },
  };
}

export function readChannelSettings(env: NodeJS.ProcessEnv = process.env): ChannelSettings {
  const bouncePort = env.OST_BOUNCE_SMTP_PORT;
  return {
    ...readReplies(env),
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
    printReturnIntervalMs: positiveNumber(env, 'OST_PRINT_RETURN_INTERVAL_MS', 300_000),
    earlySignalIntervalMs: positiveNumber(env, 'OST_EARLY_SIGNAL_INTERVAL_MS', 900_000),
    retentionSweepIntervalMs: positiveNumber(env, 'OST_RETENTION_SWEEP_INTERVAL_MS', 3_600_000),
    timeouts: readTimeouts(env),
  };
}
