import type { JetStreamClient } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { changedFields, isNewer, receivableSchema, validateReceivable } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import type { BundleStore } from '../bundles/index.js';
import { storedReceivable } from '../dossiers/index.js';
import { receivableMsgId, type SingleIntakeEnvelope } from '../intake/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { acceptNdjson, type BulkLimits, tooLargeHint } from './bulk-intake.js';
import { publishToIntake } from './publish-intake.js';
import { loadTimeline } from './timeline.js';

export interface ReceivableRouteDeps {
  bundles: BundleStore;
  js: JetStreamClient;
  db: Database;
  metrics: RuntimeMetrics;
  /** Byte caps and the per-key line budget of NDJSON posts. */
  bulk: BulkLimits;
  /** Per corporation: the single posts that go on intake's lane of single posts (singleLaneFromEnv). */
  singleLane?: TokenBuckets;
}

/**
 * One posted receivable onto intake: on the lane of single posts while its corporation posts no faster
 * than `singleLane` allows, on the bulk lane beyond that (a flood of single posts is a bulk).
 */
export async function publishReceivable(
  deps: Pick<ReceivableRouteDeps, 'js' | 'singleLane'>,
  corporation: string,
  receivable: SingleIntakeEnvelope['receivable'],
): Promise<{ duplicate: boolean }> {
  const envelope: SingleIntakeEnvelope = {
    type: 'receivable',
    corporation,
    receivedAt: new Date().toISOString(),
    receivable,
  };
  const lane = deps.singleLane && !deps.singleLane.take(corporation).ok ? 'bulk' : 'single';
  return publishToIntake(
    deps.js,
    corporation,
    JSON.stringify(envelope),
    { msgID: receivableMsgId(corporation, receivable) },
    lane,
  );
}

const acceptedSchema = {
  $id: 'Accepted',
  type: 'object',
  required: ['externalId', 'status', 'duplicate'],
  properties: {
    externalId: { type: 'string' },
    status: { const: 'accepted' },
    duplicate: {
      type: 'boolean',
      description: 'This receivable was accepted before with the same content; nothing new happens.',
    },
  },
} as const;

const staleSchema = {
  $id: 'Stale',
  type: 'object',
  description:
    'A re-post with changed content that is not newer than the stored receivable (version, else updatedAt): ' +
    'nothing changed.',
  required: ['externalId', 'status', 'storedVersion'],
  properties: {
    externalId: { type: 'string' },
    status: { const: 'stale' },
    storedVersion: { type: ['integer', 'null'], description: 'The version stored (null: none).' },
    storedUpdatedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const timelineSchema = {
  $id: 'Timeline',
  type: 'object',
  description: 'Status, cases, messages, steps and events of one receivable, oldest first.',
  required: [
    'externalId',
    'kind',
    'status',
    'amount',
    'balance',
    'currency',
    'dueDate',
    'cases',
    'messages',
    'steps',
    'events',
  ],
  properties: {
    externalId: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['open', 'paid', 'cancelled', 'paused'] },
    amount: { type: 'integer' },
    balance: { type: 'integer' },
    currency: { type: 'string' },
    dueDate: { type: 'string', format: 'date' },
    acceptedAt: { type: 'string', format: 'date-time' },
    cases: { type: 'array', items: { type: 'object' } },
    messages: { type: 'array', items: { type: 'object' } },
    steps: { type: 'array', items: { type: 'object' } },
    events: { type: 'array', items: { type: 'object' } },
    dossiers: {
      type: 'array',
      description:
        'The dossiers (scope debtor) the receivable is or was an item of, with total and open items.',
      items: { type: 'object' },
    },
  },
} as const;

export const externalIdParam = { externalId: 'The id the ERP gave the receivable.' };

export function registerReceivableRoutes(app: FastifyInstance, deps: ReceivableRouteDeps): void {
  app.post(
    '/v1/receivables',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'postReceivables',
          tag: 'receivables',
          summary: 'Post a receivable, or many as NDJSON',
          description:
            'Answers 202 once the receivable is durably on JetStream; idempotent on externalId per corporation. ' +
            'application/x-ndjson: one receivable per line, streamed, with errors by line number; a line ' +
            'over OST_NDJSON_MAX_LINE_BYTES is one of those errors, a request over OST_NDJSON_MAX_BODY_BYTES ' +
            'is 413 (split the file), and lines are paced to the key’s OST_RATE_LIMIT_LINES_PER_SECOND. ' +
            '202 with the counts when any line was accepted or was a duplicate, otherwise 400 ' +
            'OST_ERR_VALIDATION with the counts. A re-post of a known externalId with changed content corrects it ' +
            'when it is newer (a higher version, else a later updatedAt, else any change); a JSON re-post that ' +
            'is not newer is answered 200 stale and changes nothing (docs/erp-api.md, "Corrections").',
          body: { schema: receivableSchema, contentTypes: ['application/json', 'application/x-ndjson'] },
          responses: {
            202: {
              description: 'Accepted (JSON: this receivable; NDJSON: the counts).',
              schema: acceptedSchema,
            },
            200: {
              description: 'Stale: a changed re-post that is not newer; nothing changed.',
              schema: staleSchema,
            },
          },
          errors: [
            'OST_ERR_VALIDATION',
            'OST_ERR_BODY_TOO_LARGE',
            'OST_ERR_UNSUPPORTED_MEDIA',
            'OST_ERR_BUS',
            'OST_ERR_CONFLICT',
          ],
        },
      },
    },
    async (request, reply) => {
      const corporation = request.corporation;
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type === 'application/x-ndjson') {
        // A body announced as too large is refused before any of it is read: nothing changes.
        if (Number(request.headers['content-length']) > deps.bulk.maxBodyBytes) {
          throw createError('OST_ERR_BODY_TOO_LARGE', [deps.bulk.maxBodyBytes, tooLargeHint(deps.bulk)]);
        }
        const result = await acceptNdjson(request.body as NodeJS.ReadableStream, corporation, {
          ...deps,
          keyHash: request.apiKeyHash,
        });
        // A repeat of an accepted body is answered like it (its lines now count as duplicates).
        if (result.accepted + result.duplicates > 0 || result.rejected === 0)
          return reply.code(202).send(result);
        const first = result.errors[0]!;
        const more = result.rejected > 1 ? ` (and ${result.rejected - 1} more lines, listed in errors)` : '';
        throw createError(
          'OST_ERR_VALIDATION',
          [`no line was accepted: line ${first.line} ${first.message}${more}`],
          {
            details: { ...result },
          },
        );
      }
      const checked = validateReceivable(request.body);
      if (!checked.ok) {
        deps.metrics.receivablesRejected.inc({ corporation, reason: 'validation' });
        throw validationError(checked.errors);
      }
      // A changed re-post that is already older than what is stored is answered now; a race between two
      // posts is decided by intake (receivable.correction-ignored).
      const stored = await storedReceivable(deps.db, corporation, checked.value.externalId);
      if (
        stored &&
        changedFields(stored.payload, checked.value).length > 0 &&
        !isNewer(checked.value, stored)
      ) {
        return reply.code(200).send({
          externalId: checked.value.externalId,
          status: 'stale',
          storedVersion: stored.version,
          storedUpdatedAt: stored.updatedAt,
        });
      }
      const { duplicate } = await publishReceivable(deps, corporation, checked.value);
      if (!duplicate) deps.metrics.receivablesAccepted.inc({ corporation });
      return reply.code(202).send({ externalId: checked.value.externalId, status: 'accepted', duplicate });
    },
  );

  app.get<{ Params: { externalId: string } }>(
    '/v1/receivables/:externalId',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'getReceivable',
          tag: 'receivables',
          summary: 'Status and full timeline of a receivable',
          params: externalIdParam,
          responses: { 200: { description: 'The receivable.', schema: timelineSchema } },
          errors: ['OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const timeline = await loadTimeline(deps.db, request.corporation, request.params.externalId);
      if (!timeline) throw createError('OST_ERR_NOT_FOUND', [`receivable ${request.params.externalId}`]);
      return timeline;
    },
  );
}
