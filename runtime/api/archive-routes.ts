// The archive for ERPs and collections staff, with the corporation's API key (same bearer key as the
// receivable API; a key of one corporation never sees another's messages):
//   GET /v1/receivables/{externalId}/messages   every message of a receivable, history and parts
//   GET /v1/debtors/{debtorId}/messages         every message to a debtor over all receivables (404 for a
//                                               debtor the corporation has no receivable of)
//   GET /v1/messages/{id}/content[?part=...]    the exact bytes as sent (message/rfc822, application/pdf, …)
//   GET /v1/dossiers/{caseId}/evidence          the dossier's evidence file: a ZIP with a PDF summary, every
//                                               message as sent with its proof, SHA-256 manifest
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { PartName } from '../archive/index.js';
import {
  archivedContent,
  debtorKnown,
  dossierEvidenceZip,
  listArchivedMessages,
  receivableIdOf,
} from '../archive/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { authenticate } from './authenticate.js';

export interface ArchiveRouteDeps {
  db: Database;
  bundles: BundleStore;
  /** Puts the link tokens back into the archived bytes. */
  links: LinkTokens;
  now?: () => Date;
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
    // A debtor of another corporation, or of none, is not found: the same answer as for a receivable.
    if (!(await debtorKnown(deps.db, corporation, request.params.debtorId))) {
      throw createError('OST_ERR_NOT_FOUND', [`debtor ${request.params.debtorId}`]);
    }
    const messages = await listArchivedMessages(deps.db, corporation, { debtorId: request.params.debtorId });
    return { debtorId: request.params.debtorId, messages };
  });

  app.get<{ Params: { id: string }; Querystring: { part?: string } }>(
    '/v1/messages/:id/content',
    async (request, reply) => {
      const { corporation } = authenticate(request, deps.bundles);
      const part = request.query.part;
      if (part !== undefined && !PARTS.has(part as PartName)) {
        throw validationError([{ field: 'part', message: `must be one of ${[...PARTS].join(', ')}` }]);
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

  app.get<{ Params: { caseId: string } }>(
    '/v1/dossiers/:caseId/evidence',
    {
      config: {
        openapi: {
          summary: "A dossier's evidence file",
          description:
            'One ZIP for a bailiff or court: summary.pdf (dossier, amounts, the statutory cost calculation, ' +
            'payments, every message with its proof, the timeline), dossier.json, every message part exactly ' +
            'as sent with proof.json (status history: SMTP acceptance, DSNs, Twilio callbacks, print manifest ' +
            'line, registered-letter tracking) and manifest.json with the SHA-256 of every file. A dossier of ' +
            'another corporation is 404 like one that never existed. docs/collections-law.md describes it.',
          auth: true,
          params: { caseId: 'The dossier (case) id, as in GET /v1/receivables/{externalId} cases[].id.' },
          responses: { 200: { description: 'The ZIP.', contentType: 'application/zip' } },
          errors: ['OST_ERR_NOT_FOUND', 'OST_ERR_ARCHIVE_INTEGRITY'],
        },
      },
    },
    async (request, reply) => {
      const { corporation } = authenticate(request, deps.bundles);
      if (!UUID.test(request.params.caseId)) throw createError('OST_ERR_NOT_FOUND', ['dossier']);
      const displayName = deps.bundles.get(corporation)?.corporation.displayName ?? corporation;
      const zip = await dossierEvidenceZip(
        deps.db,
        deps.links,
        { id: corporation, displayName },
        request.params.caseId.toLowerCase(),
        (deps.now ?? (() => new Date()))(),
      );
      if (!zip) throw createError('OST_ERR_NOT_FOUND', ['dossier']);
      return reply
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `attachment; filename="dossier-${request.params.caseId.toLowerCase()}.zip"`,
        )
        .type('application/zip')
        .send(zip);
    },
  );
}
