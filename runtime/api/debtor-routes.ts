// /v1/debtors/{debtorId}. GET: the whole picture of a debtor (debtor-view.ts). PATCH: contact details,
// statuses and opt-outs, fed to every running dossier (runtime/dossiers/debtor-status.ts, ADR 0007).
// DELETE: the ERP asks to erase a debtor's personal data (GDPR art. 17); docs/privacy.md says what is
// erased, what stays and why; runtime/dossiers/erase-debtor.ts does it. Always the corporation's own API
// key; a debtor of another corporation is 404 exactly like one that never existed.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { debtorPatchSchema, validateDebtorPatch } from '../../core/debtors/index.js';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { eraseDebtor, patchDebtor } from '../dossiers/index.js';
import { debtorInIntake } from '../intake/index.js';
import { debtorViewSchema, loadDebtorView } from './debtor-view.js';

export interface DebtorRouteDeps {
  db: Database;
  js: JetStreamClient;
  bundles: BundleStore;
}

const debtorIdParam = { debtorId: 'The debtor.id the ERP posted with its receivables.' };

const patchResultSchema = {
  $id: 'DebtorPatched',
  type: 'object',
  required: ['debtorId', 'statuses', 'optOuts', 'dossiers'],
  properties: {
    debtorId: { type: 'string' },
    statuses: { type: 'object', description: 'The statuses now set.' },
    optOuts: { type: 'array', items: { type: 'string' } },
    dossiers: { type: 'integer', description: 'Running dossiers the change paused, resumed or stopped.' },
  },
} as const;

const erasureSchema = {
  $id: 'Erasure',
  type: 'object',
  required: ['debtorId', 'status', 'erasure', 'erasedAt', 'receivables', 'rows'],
  properties: {
    debtorId: { type: 'string' },
    status: { const: 'erased' },
    erasure: { type: 'string', format: 'uuid', description: 'The record of this erasure.' },
    erasedAt: { type: 'string', format: 'date-time' },
    receivables: {
      type: 'integer',
      description: 'Receivables whose personal data was erased; they stay with amounts, dates and statuses.',
    },
    rows: { type: 'integer', description: 'Rows changed over all tables.' },
  },
} as const;

/** The ERP's debtor.id: 1 to 100 characters (core/receivable/schema.ts). */
function debtorIdOf(raw: string): string {
  if (raw.length < 1 || raw.length > 100) {
    throw validationError([
      { field: 'debtorId', message: 'must be 1 to 100 characters, the debtor.id you posted' },
    ]);
  }
  return raw;
}

async function refuseWhileInIntake(deps: DebtorRouteDeps, corporation: string, debtorId: string) {
  const backlog = await debtorInIntake(await deps.js.jetstreamManager(), corporation, debtorId).catch(
    (cause: unknown) => {
      throw createError('OST_ERR_BUS', ['cannot check the intake stream; nothing was erased'], { cause });
    },
  );
  if (backlog.state === 'holds-debtor') {
    throw createError('OST_ERR_CONFLICT', [
      `a receivable of debtor ${debtorId} was accepted and is still being taken in`,
      'erase again in a minute, once GET /v1/receivables/{externalId} finds it',
    ]);
  }
  if (backlog.state === 'behind') {
    throw createError('OST_ERR_CONFLICT', [
      `intake is behind: ${backlog.waiting} accepted messages of your corporation wait to be stored`,
      'erase again once they are stored (a receivable of this debtor may be among them)',
    ]);
  }
}

export function registerDebtorRoutes(app: FastifyInstance, deps: DebtorRouteDeps): void {
  app.get<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'getDebtor',
          tag: 'debtors',
          summary: 'Everything about one debtor',
          description:
            'Contact details, statuses and opt-outs; open receivables with their balances and the total ' +
            '(disputed items left out); dossiers with their flow, status and next step; messages with what ' +
            'tracking saw (delivered, opened, clicked, bounced); payments.',
          params: debtorIdParam,
          responses: { 200: { description: 'The debtor.', schema: debtorViewSchema } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const debtorId = debtorIdOf(request.params.debtorId);
      const view = await loadDebtorView(deps.db, request.corporation, debtorId);
      if (!view) throw createError('OST_ERR_NOT_FOUND', [`debtor ${debtorId}`]);
      return view;
    },
  );

  app.patch<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'patchDebtor',
          tag: 'debtors',
          summary: "Change a debtor's contact details, statuses or opt-outs",
          description:
            'Takes effect on every running dossier of the debtor in the same transaction as the answer: ' +
            'deceased stops them and alerts the consultants (and, where the Flow says onDeceased: ' +
            'estateLetter, sends one letter addressed to the estate, "De erven van <naam>"); debtAssistance freezes them until `until` (or ' +
            'until cleared with null); a dispute holds a dossier whose open items are all disputed; an opt-out ' +
            'makes the next step of that channel type fall back to the next channel. A 200 means no message ' +
            'that was not already on its way goes out against it, other than that letter to the estate. Events: debtor.updated, ' +
            'debtor.status-changed.',
          params: debtorIdParam,
          body: { schema: debtorPatchSchema, contentTypes: ['application/json'] },
          responses: { 200: { description: 'The debtor after the change.', schema: patchResultSchema } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND', 'OST_ERR_UNSUPPORTED_MEDIA'],
        },
      },
    },
    async (request) => {
      const debtorId = debtorIdOf(request.params.debtorId);
      const checked = validateDebtorPatch(request.body);
      if (!checked.ok) throw validationError(checked.errors);
      const result = await patchDebtor(deps, request.corporation, debtorId, checked.value);
      // Which statuses, not their contents: nothing personal in the log.
      request.log.info(
        {
          corporation: request.corporation,
          statuses: Object.keys(result.statuses),
          dossiers: result.dossiers,
        },
        'debtor changed',
      );
      return result;
    },
  );

  app.delete<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'eraseDebtor',
          tag: 'debtors',
          summary: "Erase a debtor's personal data",
          description:
            'Erases or pseudonymises the personal data of every receivable, message, archived part, form ' +
            'record, event and link of this debtor; amounts, dates, statuses and message counts stay. Refused ' +
            '(409) while a receivable is open or paused: cancel or settle it first. Idempotent: once erased, ' +
            'the same answer again. A debtor.erased event goes on the feed. docs/privacy.md has the details.',
          params: debtorIdParam,
          responses: { 200: { description: 'Erased (now or earlier).', schema: erasureSchema } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND', 'OST_ERR_CONFLICT', 'OST_ERR_BUS'],
        },
      },
    },
    async (request) => {
      const debtorId = debtorIdOf(request.params.debtorId);
      await refuseWhileInIntake(deps, request.corporation, debtorId);
      const result = await eraseDebtor(deps.db, request.corporation, debtorId);
      // The id is the ERP's, the counts are not personal; nothing else about the debtor is logged.
      request.log.info(
        { corporation: request.corporation, erasure: result.erasure, rows: result.rows },
        'debtor erased',
      );
      return result;
    },
  );
}
