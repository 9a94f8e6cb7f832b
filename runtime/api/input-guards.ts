// Input refused on every route (ERP API, provider callbacks and debtor pages alike) before a handler sees
// it, so that no route has to remember it:
//   - an HTTP/1.1 request without a Host header (RFC 9112 §3.2): 400;
//   - a path parameter of a debtor page or provider callback with text PostgreSQL cannot hold (U+0000,
//     an unpaired UTF-16 surrogate): no token or id contains one, so 404, like any other that does not
//     exist (the /v1 API names such a parameter in a 400: safe-params.ts);
//   - a JSON body outside the /v1 API (whose contracts check every field: core/receivable) with such
//     text anywhere (field names included), or nested deeper than any request the API knows: 400 naming
//     the field;
//   - a body in a content type the route does not document (`config.openapi.body.contentTypes`): 415.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { type FieldError, isStorableText } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';

/** Deeper than any body the API accepts (a receivable is four levels deep). */
export const MAX_JSON_DEPTH = 32;

const UNSTORABLE = 'must not contain U+0000 or an unpaired UTF-16 surrogate';

/** The first field (in `debtor.name`, `paymentHistory[2].amount` notation) the API must refuse, if any. */
export function findUnstorableField(body: unknown): FieldError | undefined {
  const stack: [value: unknown, field: string, depth: number][] = [[body, '', 0]];
  while (stack.length > 0) {
    const [value, field, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return { field: field || '(body)', message: UNSTORABLE };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { field: field || '(body)', message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    }
    const children: [unknown, string][] = Array.isArray(value)
      ? value.map((v, i) => [v, `${field}[${i}]`])
      : Object.entries(value).map(([k, v]) => [v, field ? `${field}.${k}` : k]);
    for (const [child, name] of children.reverse()) {
      if (!Array.isArray(value) && !isStorableText(name)) {
        return { field: name, message: `is a field name that ${UNSTORABLE}` };
      }
      stack.push([child, name, depth + 1]);
    }
  }
  return undefined;
}

const mediaType = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw validationError([{ field: 'Host', message: 'is required in HTTP/1.1' }]);
    }
  });

  app.addHook('preValidation', async (request) => {
    for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
      if (request.url.startsWith('/v1/')) break;
      if (typeof value === 'string' && !isStorableText(value)) {
        throw createError('OST_ERR_NOT_FOUND', [`${name} ${JSON.stringify(value)}`]);
      }
    }
    if (request.body === undefined) return;
    const type = mediaType(request);
    const accepted = request.routeOptions.config.openapi?.body?.contentTypes;
    if (accepted && type !== '' && !accepted.includes(type)) {
      throw createError('OST_ERR_UNSUPPORTED_MEDIA', [type]);
    }
    // /v1 bodies are checked field by field by their contract (core/receivable: every text field, every
    // problem at once); the guard covers the routes without one (provider callbacks, debtor pages).
    if (!request.url.startsWith('/v1/') && (type === 'application/json' || type.endsWith('+json'))) {
      const bad = findUnstorableField(request.body);
      if (bad) throw validationError([bad]);
    }
  });
}
