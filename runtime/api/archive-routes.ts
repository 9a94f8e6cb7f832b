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
import type { RouteDoc } from './openapi.js';

export interface ArchiveRouteDeps {
  db: Database;
  bundles: BundleStore;
  /** Puts the link tokens back into the archived bytes. */
  links: LinkTokens;
  now?: () => Date;
}

const PARTS = new Set<PartName>(['eml', 'html', 'text', 'sms', 'voice', 'twiml', 'pdf', 'json']);

const messageSchema = {
  type: 'object',
  required: ['id', 'receivable', 'channel', 'channelType', 'status', 'createdAt', 'history', 'parts'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    receivable: { type: ['string', 'null'], description: 'The externalId of its receivable.' },
    caseId: { type: ['string', 'null'] },
    stepId: { type: ['string', 'null'] },
    channel: { type: 'string' },
    channelType: { type: 'string', description: 'email, sms, voice, letter, webhook' },
    template: { type: ['string', 'null'] },
    locale: { type: ['string', 'null'] },
    status: { type: 'string', description: 'queued, sent, delivered, bounced, failed, …' },
    providerId: { type: ['string', 'null'] },
    recipient: { type: ['string', 'null'] },
    subject: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    sentAt: { type: ['string', 'null'], format: 'date-time' },
    purgedAt: { type: ['string', 'null'], format: 'date-time' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status', 'at'],
        properties: {
          status: { type: 'string' },
          source: { type: ['string', 'null'] },
          detail: {},
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
    parts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['part', 'contentType', 'bytes', 'sha256', 'url'],
        properties: {
          part: { type: 'string' },
          contentType: { type: 'string' },
          bytes: { type: 'integer' },
          sha256: { type: 'string' },
          url: { type: 'string', description: 'GET it with your API key: /v1/messages/{id}/content?part=…' },
        },
      },
    },
  },
} as const;

const messageList = (id: string, name: string) => ({
  $id: name,
  type: 'object',
  required: [id, 'messages'],
  properties: { [id]: { type: 'string' }, messages: { type: 'array', items: messageSchema } },
});

const archiveDoc = (
  operationId: string,
  summary: string,
  rest: Omit<RouteDoc, 'operationId' | 'tag' | 'summary' | 'errors'> & Partial<Pick<RouteDoc, 'errors'>>,
): { config: { auth: 'api-key'; openapi: RouteDoc } } => ({
  config: {
    auth: 'api-key',
    openapi: { operationId, tag: 'archive', summary, errors: ['OST_ERR_NOT_FOUND'], ...rest },
  },
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerArchiveRoutes(app: FastifyInstance, deps: ArchiveRouteDeps): void {
  app.get<{ Params: { externalId: string } }>(
    '/v1/receivables/:externalId/messages',
    archiveDoc('listReceivableMessages', 'Every message of a receivable, with its history and parts', {
      params: { externalId: 'The id the ERP gave the receivable.' },
      responses: {
        200: {
          description: 'The messages, oldest first.',
          schema: messageList('externalId', 'ReceivableMessages'),
        },
      },
    }),
    async (request) => {
      const { corporation } = authenticate(request, deps.bundles);
      const id = await receivableIdOf(deps.db, corporation, request.params.externalId);
      if (!id) throw createError('OST_ERR_NOT_FOUND', [`receivable ${request.params.externalId}`]);
      return {
        externalId: request.params.externalId,
        messages: await listArchivedMessages(deps.db, corporation, { receivableId: id }),
      };
    },
  );

  app.get<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId/messages',
    archiveDoc('listDebtorMessages', 'Every message to a debtor, over all receivables', {
      description: 'A debtor the corporation has no receivable of (or one of another corporation) is 404.',
      params: { debtorId: 'The debtor.id the ERP posted with its receivables.' },
      responses: {
        200: {
          description: 'The messages, oldest first.',
          schema: messageList('debtorId', 'DebtorMessages'),
        },
      },
    }),
    async (request) => {
      const { corporation } = authenticate(request, deps.bundles);
      // A debtor of another corporation, or of none, is not found: the same answer as for a receivable.
      if (!(await debtorKnown(deps.db, corporation, request.params.debtorId))) {
        throw createError('OST_ERR_NOT_FOUND', [`debtor ${request.params.debtorId}`]);
      }
      const messages = await listArchivedMessages(deps.db, corporation, {
        debtorId: request.params.debtorId,
      });
      return { debtorId: request.params.debtorId, messages };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { part?: string } }>(
    '/v1/messages/:id/content',
    archiveDoc('getMessageContent', 'The exact bytes of a message part, as sent', {
      description:
        'message/rfc822 for an email (eml), application/pdf for a letter, text for SMS and voice; the ' +
        'X-Content-Sha256 header is the archived hash. Without `part`, the message as sent.',
      params: { id: 'The message id from a message list.' },
      query: {
        type: 'object',
        properties: {
          part: { type: 'string', enum: [...PARTS], description: 'Which part; default the whole message.' },
        },
      },
      responses: {
        200: {
          description: 'The bytes, in the content type of the part.',
          contentType: 'application/octet-stream',
        },
      },
      errors: ['OST_ERR_NOT_FOUND', 'OST_ERR_VALIDATION'],
    }),
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
        auth: 'api-key',
        openapi: {
          operationId: 'getDossierEvidence',
          tag: 'archive',
          summary: "A dossier's evidence file",
          description:
            'One ZIP for a bailiff or court: summary.pdf (dossier, amounts, the statutory cost calculation, ' +
            'payments, every message with its proof, the timeline), dossier.json, every message part exactly ' +
            'as sent with proof.json (status history: SMTP acceptance, DSNs, Twilio callbacks, print manifest ' +
            'line, registered-letter tracking) and manifest.json with the SHA-256 of every file. A dossier of ' +
            'another corporation is 404 like one that never existed. docs/collections-law.md describes it.',
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
