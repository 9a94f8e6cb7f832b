// DELETE /v1/debtors/{debtorId}: the ERP asks to erase a debtor's personal data (GDPR art. 17). The
// corporation's own API key; a debtor of another corporation is 404 exactly like one that never existed.
// docs/privacy.md says what is erased, what stays and why; runtime/dossiers/erase-debtor.ts does it.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import { eraseDebtor } from '../dossiers/index.js';
import { debtorInIntake } from '../intake/index.js';

export interface DebtorRouteDeps {
  db: Database;
  js: JetStreamClient;
}

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
          params: { debtorId: 'The debtor.id the ERP posted with its receivables.' },
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
