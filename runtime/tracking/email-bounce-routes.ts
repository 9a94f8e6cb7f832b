// POST /v1/providers/email/bounces: an email provider (or the relay's webhook) reports a bounce or a
// delivery. Authenticated by the shared secret in `X-Outputstraat-Webhook-Secret` (OST_EMAIL_WEBHOOK_SECRET);
// without that setting every call is refused. Body: {"messageId": "<our id>"} or {"providerId": "<the
// Message-ID>"}, and "type": bounced | hard-bounce | soft-bounce | delivered | complaint.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import { type MessageEventDeps, recordMessageEvent, recordProviderStatus } from './message-events.js';

export interface EmailBounceRouteDeps extends MessageEventDeps {
  emailWebhookSecret: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface BounceBody {
  messageId?: unknown;
  providerId?: unknown;
  type?: unknown;
  status?: unknown;
  diagnostic?: unknown;
}

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function findMessage(db: Database, body: BounceBody): Promise<string | undefined> {
  if (typeof body.messageId === 'string' && UUID.test(body.messageId)) {
    const row = await db.maybeOne(sql.unsafe`SELECT id FROM messages WHERE id = ${body.messageId}`);
    return row ? (row.id as string) : undefined;
  }
  if (typeof body.providerId === 'string' && body.providerId.length > 0) {
    const bare = body.providerId.replace(/^<|>$/g, '');
    const row = await db.maybeOne(sql.unsafe`
      SELECT id FROM messages WHERE channel_type = 'email' AND provider_id IN (${bare}, ${`<${bare}>`}) LIMIT 1`);
    return row ? (row.id as string) : undefined;
  }
  return undefined;
}

const EVENT: Record<string, 'bounced' | 'delivered' | undefined> = {
  bounced: 'bounced',
  bounce: 'bounced',
  'hard-bounce': 'bounced',
  delivered: 'delivered',
};
const NOTE = new Set(['soft-bounce', 'deferred', 'complaint']);

export function registerEmailBounceRoutes(app: FastifyInstance, deps: EmailBounceRouteDeps): void {
  const recorded = {
    $id: 'BounceRecorded',
    type: 'object',
    required: ['messageId', 'recorded'],
    properties: { messageId: { type: 'string', format: 'uuid' }, recorded: { type: 'string' } },
  };
  const doc = {
    auth: 'provider' as const,
    openapi: {
      operationId: 'postEmailBounce',
      tag: 'providers' as const,
      summary: 'An email provider reports a bounce or a delivery',
      description:
        'Header X-Outputstraat-Webhook-Secret: the shared secret OST_EMAIL_WEBHOOK_SECRET (unset refuses ' +
        'every call). JSON body: `messageId` (ours) or `providerId` (the Message-ID), and `type`: bounced, ' +
        'hard-bounce, soft-bounce, delivered or complaint; optional `status` and `diagnostic`.',
      responses: { 202: { description: 'Recorded on the message.', schema: recorded } },
      errors: [
        'OST_ERR_PROVIDER_SIGNATURE' as const,
        'OST_ERR_VALIDATION' as const,
        'OST_ERR_NOT_FOUND' as const,
      ],
    },
  };
  app.post('/v1/providers/email/bounces', { config: doc }, async (request, reply) => {
    const header = request.headers['x-outputstraat-webhook-secret'];
    if (!sameSecret(typeof header === 'string' ? header : undefined, deps.emailWebhookSecret)) {
      throw createError('OST_ERR_PROVIDER_SIGNATURE', ['email bounce']);
    }
    const body = (request.body ?? {}) as BounceBody;
    const type = typeof body.type === 'string' ? body.type.toLowerCase() : '';
    if (!EVENT[type] && !NOTE.has(type)) {
      throw validationError([
        { field: 'type', message: 'must be one of bounced, hard-bounce, soft-bounce, delivered, complaint' },
      ]);
    }
    const messageId = await findMessage(deps.db, body);
    if (!messageId) throw createError('OST_ERR_NOT_FOUND', ['message']);
    const detail = {
      type,
      ...(typeof body.status === 'string' ? { status: body.status.slice(0, 20) } : {}),
      ...(typeof body.diagnostic === 'string'
        ? { diagnostic: body.diagnostic.replace(/[^\s<>"';]+@[^\s<>"';]+/g, '(address)').slice(0, 500) }
        : {}),
    };
    const event = EVENT[type];
    if (event) {
      await recordMessageEvent(deps, {
        messageId,
        type: event,
        source: 'email-webhook',
        detail,
        now: new Date(),
      });
    } else {
      await recordProviderStatus(deps.db, messageId, type, 'email-webhook', detail);
    }
    return reply.code(202).send({ messageId, recorded: event ?? type });
  });
}
