// GET /v1/replay-records: the corporation's receivables accepted in [from, to) with what happened to them,
// one replay record per NDJSON line (core/replay; `outputstraat replay export` writes it to a file and
// `outputstraat replay` runs a flow version over it). The caller's corporation only; streamed in pages.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import { replayRecords } from '../dossiers/index.js';
import { checkOutcomeQuery } from './outcome-routes.js';

export interface ReplayRouteDeps {
  db: Database;
  now?: () => Date;
}

const recordSchema = {
  $id: 'ReplayRecord',
  type: 'object',
  description: 'One line of the NDJSON answer.',
  required: ['receivable', 'acceptedAt', 'until', 'events', 'sent', 'alerts'],
  properties: {
    receivable: {
      type: 'object',
      description: 'The receivable as the ERP posted it (POST /v1/receivables).',
    },
    acceptedAt: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time', description: 'The end of the history (the export time).' },
    events: {
      type: 'array',
      description:
        'Payments (paid, partiallyPaid with the balance after) at their paidAt, and events of its messages ' +
        '(bounced, delivered, opened, clicked, failed; with step and channel), in time order.',
      items: {
        type: 'object',
        required: ['at', 'type'],
        properties: { at: { type: 'string' }, type: { type: 'string' } },
      },
    },
    sent: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'step', 'channel', 'channelType', 'costCents'],
        properties: {
          at: { type: 'string' },
          step: { type: 'string' },
          channel: { type: 'string' },
          channelType: { type: 'string' },
          costCents: { type: 'number' },
        },
      },
    },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'step'],
        properties: { at: { type: 'string' }, step: { type: 'string' } },
      },
    },
  },
} as const;

export function registerReplayRoutes(app: FastifyInstance, deps: ReplayRouteDeps): void {
  app.get(
    '/v1/replay-records',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'exportReplayRecords',
          tag: 'outcomes',
          summary: 'Past receivables with what happened to them, for replay',
          description:
            'NDJSON, one line per receivable accepted in [from, to) (default: the 90 days before now; at most ' +
            '366 days): as posted, its payments, its messages’ events and what was sent. docs/outcomes.md, "Replay".',
          query: {
            type: 'object',
            properties: {
              from: { type: 'string', description: 'Receivables accepted at or after this date or time.' },
              to: {
                type: 'string',
                description: 'Receivables accepted before this date or time (default: now).',
              },
            },
          },
          responses: {
            200: {
              description: 'One replay record per line.',
              schema: recordSchema,
              contentType: 'application/x-ndjson',
            },
          },
          errors: ['OST_ERR_VALIDATION'],
        },
      },
    },
    async (request, reply) => {
      const now = deps.now?.() ?? new Date();
      const q = checkOutcomeQuery({ ...(request.query as object) }, now, '/v1/replay-records', [
        'from',
        'to',
      ]);
      const records = replayRecords(deps.db, request.corporation, q.from, q.to, now);
      const lines = Readable.from(
        (async function* () {
          for await (const r of records) yield `${JSON.stringify(r)}\n`;
        })(),
      );
      return reply.type('application/x-ndjson').send(lines);
    },
  );
}
