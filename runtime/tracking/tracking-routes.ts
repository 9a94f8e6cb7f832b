// The debtor-facing tracking endpoints. /t/o/<token> answers a 1x1 transparent GIF and records `opened`;
// /t/c/<token> records `clicked` and redirects to the link the message contained. A token that is forged,
// altered or expired gets the plain 404 page of every debtor page and changes nothing. A click always
// reaches its target, even when recording it fails: the debtor must never be stopped on the way to the
// payment page. Tokens are longer than fastify's path parameter limit (100), hence the wildcard routes.
// A HEAD, a prefetch or a known scanner or privacy proxy is recorded as a machine event (machine-events.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../web/index.js';
import { recordTrackingHit } from './machine-events.js';
import type { MessageEventDeps } from './message-events.js';
import { verifyTrackingToken } from './tracking-token.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface TrackingRouteDeps extends MessageEventDeps {
  trackingSecret: string | undefined;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** What the machine rules look at; kept out of logs and out of the history (no personal data). */
function fromRequest(request: FastifyRequest) {
  return {
    method: request.method,
    userAgent: header(request, 'user-agent'),
    ip: request.ip,
    purpose:
      ['sec-purpose', 'purpose', 'x-purpose', 'x-moz']
        .map((name) => header(request, name))
        .filter((v) => v !== undefined)
        .join(';') || undefined,
  };
}

export function registerTrackingRoutes(app: FastifyInstance, deps: TrackingRouteDeps): void {
  app.get<{ Params: { '*': string } }>('/t/o/*', async (request, reply) => {
    const now = new Date();
    const claim = deps.trackingSecret
      ? verifyTrackingToken(deps.trackingSecret, request.params['*'], 'open', now)
      : undefined;
    if (!claim) return notFound(request, reply);
    await recordTrackingHit(deps, {
      messageId: claim.messageId,
      kind: 'open',
      ...fromRequest(request),
      now,
    }).catch((err: unknown) => request.log.warn({ err: (err as Error).message }, 'open not recorded'));
    return reply
      .header('cache-control', 'no-store, no-cache, must-revalidate, private')
      .type('image/gif')
      .send(PIXEL);
  });

  app.get<{ Params: { '*': string } }>('/t/c/*', async (request, reply) => {
    const now = new Date();
    const claim = deps.trackingSecret
      ? verifyTrackingToken(deps.trackingSecret, request.params['*'], 'click', now)
      : undefined;
    if (!claim || !/^https?:\/\//i.test(claim.target)) return notFound(request, reply);
    let host = '';
    try {
      host = new URL(claim.target).host;
    } catch {
      return notFound(request, reply);
    }
    await recordTrackingHit(deps, {
      messageId: claim.messageId,
      kind: 'click',
      ...fromRequest(request),
      detail: { host },
      now,
    }).catch((err: unknown) => request.log.warn({ err: (err as Error).message }, 'click not recorded'));
    return reply.header('cache-control', 'no-store').redirect(claim.target, 302);
  });
}
