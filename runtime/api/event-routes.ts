import type { FastifyInstance } from 'fastify';
import { eventFeedQuerySchema, validateEventFeedQuery } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import { formatCursor, parseCursor, readEvents } from '../dossiers/index.js';

const feedSchema = {
  $id: 'EventFeed',
  type: 'object',
  required: ['events', 'next'],
  properties: {
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cursor', 'seq', 'type', 'at', 'externalId', 'caseId', 'data'],
        properties: {
          cursor: { type: 'string', description: 'Opaque; pass it as `after` to continue after this event.' },
          seq: { type: 'integer', description: 'Unique id of the event.' },
          type: {
            type: 'string',
            description: 'payment.received, receivable.paid, message.sent, timeline, …',
          },
          at: { type: 'string', format: 'date-time' },
          externalId: { type: ['string', 'null'] },
          caseId: { type: ['string', 'null'] },
          data: { type: 'object' },
        },
      },
    },
    next: {
      type: 'string',
      description: 'Pass as `after` for the next page (the same cursor when none came).',
    },
  },
} as const;

export function registerEventRoutes(app: FastifyInstance, deps: { db: Database }): void {
  app.get(
    '/v1/events',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'listEvents',
          tag: 'events',
          summary: "The corporation's events, in order, from a cursor",
          description:
            'Every event exactly once across pages, also while events are being written. Keep the `next` ' +
            'cursor and ask again; an empty page means you are up to date.',
          query: eventFeedQuerySchema,
          responses: { 200: { description: 'A page of events.', schema: feedSchema } },
          errors: ['OST_ERR_VALIDATION'],
        },
      },
    },
    async (request) => {
      const checked = validateEventFeedQuery({ ...(request.query as object) });
      if (!checked.ok) throw validationError(checked.errors);
      const { after, limit = 100, type } = checked.value;
      const from = parseCursor(after);
      const events = await readEvents(deps.db, request.corporation, from, limit, type?.split(','));
      return { events, next: events.at(-1)?.cursor ?? formatCursor(from) };
    },
  );
}
