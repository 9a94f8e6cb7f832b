// Wires the delivery side of one runtime: the adapters per provider (each behind its channel's rate
// limit), the print batch uploader, the optional inbound SMTP endpoint for bounces, the retention sweep,
// and the HTTP routes for tracking and provider callbacks (one encapsulated fastify plugin).
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { GuardedHttp } from '../../platform/outbound/index.js';
import { environmentSecrets, type SecretLookup } from '../../platform/secrets.js';
import { RetentionSweeper } from '../archive/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type ReplySmtpServer, startReplySmtpServer } from '../replies/index.js';
import {
  type BounceSmtpServer,
  registerEmailBounceRoutes,
  registerTrackingRoutes,
  startBounceSmtpServer,
} from '../tracking/index.js';
import { ChannelRegistry } from './channel-registry.js';
import { type ChannelSettings, readChannelSettings } from './channel-settings.js';
import { EarlySignalWorker } from './early-signal-export.js';
import { PrintBatchWorker } from './print-batches.js';
import { PrintChannel } from './print-channel.js';
import { PrintReturnWorker } from './print-returns.js';
import { rateLimited } from './rate-limiter.js';
import { RegisteredEmailChannel, registerRegisteredEmailRoutes } from './registered-email.js';
import { SmtpChannel } from './smtp-channel.js';
import { TwilioChannel } from './twilio-channel.js';
import { registerTwilioInboundRoute } from './twilio-inbound-route.js';
import { registerTwilioRoutes } from './twilio-routes.js';
import { WebhookChannel } from './webhook-channel.js';

export interface ChannelsDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  publicUrl: string;
  /** Recomputes payment links that letters print and voice messages offer by SMS. */
  links: LinkTokens;
  instanceId: string;
  /** Development and tests: every SMTP channel delivers here. */
  smtpRedirect?: { host: string; port: number } | undefined;
  /** Webhook channels post through it (the SSRF guard). */
  http: GuardedHttp;
  /** Counts replies by class. */
  metrics?: RuntimeMetrics;
  env?: NodeJS.ProcessEnv;
}

export interface RunningChannels {
  registry: ChannelRegistry;
  settings: ChannelSettings;
  printBatches: PrintBatchWorker;
  /** Reads the print providers' return files of registered letters. */
  printReturns: PrintReturnWorker;
  /** Makes early signals and exports them to the municipality. */
  earlySignals: EarlySignalWorker;
  bounceSmtp: BounceSmtpServer | undefined;
  replySmtp: ReplySmtpServer | undefined;
  /** Register on the runtime's fastify app: `await app.register(channels.routes)`. */
  routes(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

export async function startChannels(deps: ChannelsDeps): Promise<RunningChannels> {
  const settings = readChannelSettings(deps.env);
  const secrets: SecretLookup = environmentSecrets(deps.env);
  const { db, bundles, log, publicUrl, links } = deps;
  const printBatches = new PrintBatchWorker(
    { db, bundles, secrets, log, instanceId: deps.instanceId, timeouts: settings.timeouts },
    settings.printBatchIntervalMs,
  );
  const twilio = new TwilioChannel({ secrets, db, links, publicUrl, apiBase: settings.twilioApiBase });
  const adapters = {
    smtp: new SmtpChannel({
      redirect: deps.smtpRedirect,
      secrets,
      db,
      links,
      publicUrl,
      replyDomain: settings.replyDomain,
      tracking: settings.trackingSecret
        ? { secret: settings.trackingSecret, ttlDays: settings.trackingTtlDays }
        : undefined,
      timeouts: settings.timeouts,
    }),
    twilio,
    'sftp-print': new PrintChannel({ db, publicUrl, links, onBatchClosed: () => printBatches.kick() }),
    http: new WebhookChannel({ secrets, db, links, http: deps.http }),
    'registered-email': new RegisteredEmailChannel({ secrets, db, links, http: deps.http, publicUrl }),
  };
  const registry = new ChannelRegistry(
    Object.fromEntries(Object.entries(adapters).map(([provider, a]) => [provider, rateLimited(a)])),
  );
  printBatches.start();
  const printReturns = new PrintReturnWorker(
    { db, bundles, secrets, log, timeouts: settings.timeouts },
    settings.printReturnIntervalMs,
  );
  printReturns.start();
  const earlySignals = new EarlySignalWorker(
    { db, bundles, secrets, log, timeouts: settings.timeouts },
    settings.earlySignalIntervalMs,
  );
  earlySignals.start();
  const sweeper = new RetentionSweeper({ db, bundles, log }, settings.retentionSweepIntervalMs);
  sweeper.start();
  const events = { db, bundles, log };
  const bounceSmtp = settings.bounceSmtp
    ? await startBounceSmtpServer(events, settings.bounceSmtp, log)
    : undefined;
  const replies = { db, bundles, log, ...(deps.metrics ? { metrics: deps.metrics } : {}) };
  const replySmtp =
    settings.replySmtp && settings.replyDomain
      ? await startReplySmtpServer(replies, { ...settings.replySmtp, domain: settings.replyDomain })
      : undefined;
  if (!settings.trackingSecret)
    log.warn('OST_TRACKING_SECRET is not set: emails go out without open and click tracking');

  return {
    registry,
    settings,
    printBatches,
    printReturns,
    earlySignals,
    bounceSmtp,
    replySmtp,
    async routes(app) {
      registerTrackingRoutes(app, { ...events, trackingSecret: settings.trackingSecret });
      registerEmailBounceRoutes(app, { ...events, emailWebhookSecret: settings.emailWebhookSecret });
      registerTwilioRoutes(app, { ...events, secrets, publicUrl, links, sms: twilio });
      registerTwilioInboundRoute(app, { ...replies, secrets, publicUrl });
      registerRegisteredEmailRoutes(app, { db, bundles, secrets });
    },
    async close() {
      await printBatches.stop();
      await printReturns.stop();
      await earlySignals.stop();
      await sweeper.stop();
      await bounceSmtp?.close();
      await replySmtp?.close();
      await registry.close();
    },
  };
}
