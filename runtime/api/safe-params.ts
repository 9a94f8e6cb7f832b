// Path and query parameters of the /v1 API reach SQL as text, like body fields: a control character or
// half a surrogate pair in them (`/v1/receivables/A%00B`) is a 400 naming the parameter, the same check
// core/receivable applies to every body, instead of a database error.
import type { FastifyInstance } from 'fastify';
import { unsafeTextErrors } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';

export function registerSafeParams(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    const errors = unsafeTextErrors({
      ...(request.params as Record<string, unknown> | undefined),
      ...(request.query as Record<string, unknown> | undefined),
    });
    if (errors.length > 0) throw validationError(errors);
  });
}
