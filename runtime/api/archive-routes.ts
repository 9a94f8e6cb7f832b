// The archive for ERPs and collections staff, with the corporation's API key (same bearer key as the
// receivable API; a key of one corporation never sees another's messages):
//   GET /v1/receivables/{externalId}/messages   every message of a receivable, history and parts
//   GET /v1/debtors/{debtorId}/messages         every message to a debtor over all receivables
//   GET /v1/messages/{id}/content[?part=...]    the exact bytes as sent (message/rfc822, application/pdf, …)
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import type { Database } from '../../platform/db/index.js';
import type { PartName } from '../archive/index.js';
import { archivedContent, listArchivedMessages, receivableIdOf } from '../archive/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { authenticate } from './authenticate.js';

export interface ArchiveRouteDeps {
  db: Database;
  bundles: BundleStore;
  /** Puts the link tokens back into the archived bytes. */
  links: LinkTokens;
}

const PARTS = new Set<PartName>(['eml', 'html', 'text', 'sms', 'voice', 'twiml', 'pdf', 'json']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerArchiveRoutes(app: FastifyInstance, deps: ArchiveRouteDeps): void {
  app.get<{ Params: { externalId: string } }>('/v1/receivables/:externalId/messages', async (request) => {
    const { corporation } = authenticate(request, deps.bundles);
    const id = await receivableIdOf(deps.db, corporation, request.params.externalId);
    if (!id) throw createError('OST_ERR_NOT_FOUND', [`receivable ${request.params.externalId}`]);
    return {
      externalId: request.params.externalId,
      messages: await listArchivedMessages(deps.db, corporation, { receivableId: id }),
    };
  });

  app.get<{ Params: { debtorId: string } }>('/v1/debtors/:debtorId/messages', async (request) => {
    const { corporation } = authenticate(request, deps.bundles);
    const messages = await listArchivedMessages(deps.db, corporation, { debtorId: request.params.debtorId });
    return { debtorId: request.params.debtorId, messages };
  });

  app.get<{ Params: { id: string }; Querystring: { part?: string } }>(
    '/v1/messages/:id/content',
    async (request, reply) => {
      const { corporation } = authenticate(request, deps.bundles);
      const part = request.query.part;
      if (part !== undefined && !PARTS.has(part as PartName)) {
        throw createError('OST_ERR_VALIDATION', [`(query) part must be one of ${[...PARTS].join(', ')}`]);
      }
      if (!UUID.test(request.params.id)) throw createError('OST_ERR_NOT_FOUND', ['message']);
      const content = await archivedContent(
        deps.db,
        deps.links,
        corporation,
        request.params.id,
        part as PartName | undefined,
      );
      if (!content) throw createError('OST_ERR_NOT_FOUND', ['message content']);
      return reply
        .header('cache-control', 'private, no-store')
        .header('x-content-sha256', content.sha256)
        .type(content.contentType)
        .send(content.body);
    },
  );
}
