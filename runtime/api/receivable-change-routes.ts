// Payments and changes the ERP reports on a receivable it posted earlier. They take effect on every
// pending step in the same transaction as the answer (runtime/cases/case-events.ts), so a 200 means no
// step that was not already on its way will go out after it.
import type { FastifyInstance } from 'fastify';
import {
  paymentSchema,
  receivablePatchSchema,
  type Validation,
  validatePayment,
  validateReceivablePatch,
} from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyReceivableEvent } from '../dossiers/index.js';
import { externalIdParam } from './receivable-routes.js';

export interface ReceivableChangeDeps {
  db: Database;
  bundles: BundleStore;
}

const changeResultSchema = {
  $id: 'ReceivableState',
  type: 'object',
  required: ['externalId', 'status', 'balance', 'duplicate'],
  properties: {
    externalId: { type: 'string' },
    status: { type: 'string', enum: ['open', 'paid', 'cancelled', 'paused'] },
    balance: { type: 'integer', description: 'What is still open, in cents (negative: paid too much).' },
    duplicate: { type: 'boolean', description: 'This paymentId was reported before; nothing changed.' },
  },
} as const;

function valid<T>(result: Validation<T>): T {
  if (result.ok) return result.value;
  throw validationError(result.errors);
}

export function registerReceivableChangeRoutes(app: FastifyInstance, deps: ReceivableChangeDeps): void {
  app.post<{ Params: { externalId: string } }>(
    '/v1/receivables/:externalId/payments',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'postPayment',
          tag: 'receivables',
          summary: 'Report a payment',
          description:
            'Reduces the balance. At 0 or below the receivable is paid: every case stops, every scheduled step ' +
            'is cancelled and the payment link closes. Idempotent on paymentId.',
          params: externalIdParam,
          body: { schema: paymentSchema, contentTypes: ['application/json'] },
          responses: {
            200: { description: 'The receivable after the payment.', schema: changeResultSchema },
          },
          errors: [
            'OST_ERR_VALIDATION',
            'OST_ERR_NOT_FOUND',
            'OST_ERR_CONFLICT',
            'OST_ERR_UNSUPPORTED_MEDIA',
          ],
        },
      },
    },
    async (request) => {
      const payment = valid(validatePayment(request.body));
      return applyReceivableEvent(deps, request.corporation, request.params.externalId, {
        type: 'payment',
        payment,
      });
    },
  );

  app.patch<{ Params: { externalId: string } }>(
    '/v1/receivables/:externalId',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'patchReceivable',
          tag: 'receivables',
          summary: 'Change balance or status, or report a payment arrangement',
          description:
            'balance: the new open balance (0 = paid). status: paused holds every step, open resumes, ' +
            'cancelled stops for good. arrangement: pauses the flow unless it declares another course. ' +
            'A paid or cancelled receivable cannot be changed (409).',
          params: externalIdParam,
          body: { schema: receivablePatchSchema, contentTypes: ['application/json'] },
          responses: { 200: { description: 'The receivable after the change.', schema: changeResultSchema } },
          errors: [
            'OST_ERR_VALIDATION',
            'OST_ERR_NOT_FOUND',
            'OST_ERR_CONFLICT',
            'OST_ERR_UNSUPPORTED_MEDIA',
          ],
        },
      },
    },
    async (request) => {
      const patch = valid(validateReceivablePatch(request.body));
      return applyReceivableEvent(deps, request.corporation, request.params.externalId, {
        type: 'patch',
        patch,
      });
    },
  );
}
