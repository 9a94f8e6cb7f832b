// The debtor-facing web: payment pages, forms and QR codes under each corporation's payment host (and
// under /c/<corporation>/ on the runtime's own host, for development) and the PSP's webhook.
// Registered by the API app when the runtime passes `pages` options.
import type { FastifyInstance } from 'fastify';
import { type ErrorCode, isOutputstraatError } from '../../core/errors/index.js';
import type { SendMessage } from '../../core/messages/index.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { registerFormRoutes } from '../forms/index.js';
import type { PspAdapter } from '../payments/index.js';
import { registerPspWebhook } from '../payments/index.js';
import { sendErrorPage } from '../web/index.js';
import { registerArrangementRoutes } from './arrangement-routes.js';
import {
  limitPagePosts,
  PagePostLimiter,
  type PageRateLimits,
  pageRateLimitsFromEnv,
} from './page-rate-limits.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { registerQrRoute } from './qr.js';

export interface PagesOptions {
  psp: PspAdapter;
  /** The runtime's public URL: the PSP's webhook, and links of corporations without a payment host. */
  publicUrl: string;
  /** For the confirmation email of the contact form; without it the message is only recorded. */
  send?: SendMessage | undefined;
  /** Limits of page POSTs per token and per client address; from the environment when not given. */
  rateLimits?: PageRateLimits | undefined;
}

export interface PagesDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  pages?: PagesOptions | undefined;
  /** The runtime's clock: what "today" is for a promise's dates and a plan's terms (default: the system's). */
  now?: (() => Date) | undefined;
}

const FORM_BODY_LIMIT = 16 * 1024;

/** The code shown for an error of fastify's own (a body it cannot parse, one too large). */
function pageErrorCode(status: number): ErrorCode {
  if (status === 413) return 'OST_ERR_BODY_TOO_LARGE';
  if (status === 415) return 'OST_ERR_UNSUPPORTED_MEDIA';
  return status < 500 ? 'OST_ERR_VALIDATION' : 'OST_ERR_INTERNAL';
}

export async function registerPages(app: FastifyInstance, deps: PagesDeps): Promise<void> {
  if (!deps.pages) return;
  const all = { db: deps.db, bundles: deps.bundles, log: deps.log, now: deps.now, ...deps.pages };
  // One limiter for both addresses of a page (the payment host and the development prefix).
  const limiter = new PagePostLimiter(deps.pages.rateLimits ?? pageRateLimitsFromEnv());
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    registerPspWebhook(scope, all);
    for (const prefix of ['', '/c/:corporation']) {
      await scope.register(
        async (site) => {
          site.setErrorHandler((error, request, reply) => {
            const ours = isOutputstraatError(error) ? error : undefined;
            const code = ours?.statusCode ?? (error as { statusCode?: number }).statusCode;
            const status = code !== undefined && code >= 400 && code < 500 ? code : 503;
            if (status >= 500)
              request.log.warn({ code: (error as { code?: string }).code }, 'debtor page failed');
            return sendErrorPage(request, reply, status, ours?.code ?? pageErrorCode(status));
          });
          limitPagePosts(site, limiter);
          registerPaymentRoutes(site, all);
          registerArrangementRoutes(site, all);
          registerFormRoutes(site, all);
          registerQrRoute(site, all);
        },
        { prefix },
      );
    }
  });
}
