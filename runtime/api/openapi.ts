// /openapi.json (on the internal port): an OpenAPI 3.1 document built from the routes themselves. Every route carries its
// documentation in `config.openapi`, with the very schema objects it validates with (core/receivable), so
// the document cannot drift from what the API accepts. Error bodies list the codes of the one registry.
import { type ErrorCode, errorRegistry } from '../../core/errors/index.js';
import type { RouteEntry } from './route-table.js';

type Schema = Record<string, unknown>;

export interface RouteDoc {
  summary: string;
  description?: string;
  /** Whether the route needs the corporation's API key (every /v1 route does). */
  auth: boolean;
  params?: Record<string, string>;
  /** A JSON Schema object whose properties are the query parameters. */
  query?: Schema;
  body?: { schema: Schema; contentTypes: string[]; description?: string };
  responses: Record<number, { description: string; schema?: Schema; contentType?: string }>;
  /** The error codes this route answers with (401 and 429 are added for authenticated routes). */
  errors: ErrorCode[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
  interface FastifyInstance {
    /** The OpenAPI document of the app's documented routes (built once, on first use). */
    openApi(): unknown;
  }
}

const errorSchema = {
  type: 'object',
  required: ['code', 'message', 'requestId'],
  properties: {
    code: {
      type: 'string',
      enum: Object.keys(errorRegistry),
      description: 'Stable code; never match on the message.',
    },
    message: { type: 'string', description: 'What is wrong and what to do about it.' },
    requestId: { type: 'string', description: 'Quote it when you ask for help; it is in the runtime log.' },
    errors: {
      type: 'array',
      description:
        'For OST_ERR_VALIDATION: every failing field; for NDJSON, the first 1000 rejected lines by line number.',
      items: {
        type: 'object',
        required: ['message'],
        properties: {
          field: { type: 'string' },
          line: { type: 'integer' },
          externalId: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
    accepted: { type: 'integer', description: 'For NDJSON: lines accepted (0 in a 400).' },
    duplicates: { type: 'integer', description: 'For NDJSON: lines accepted before.' },
    rejected: { type: 'integer', description: 'For NDJSON: lines rejected.' },
    errorsTruncated: { type: 'boolean', description: 'For NDJSON: more lines were rejected than listed.' },
    retryAfter: { type: 'integer', description: 'For OST_ERR_RATE_LIMITED: seconds to wait.' },
  },
} as const;

/** A schema as a component: `$id` names it, and is dropped so it does not change the base URI. */
function component(schema: Schema): { name: string | undefined; body: Schema } {
  const { $id, ...body } = schema;
  return { name: typeof $id === 'string' ? $id : undefined, body };
}

/** The document of every route in the table that carries `config.openapi`. */
export function buildOpenApi(routes: readonly RouteEntry[]): Schema {
  const schemas: Record<string, Schema> = { Error: errorSchema };
  const ref = (schema: Schema): Schema => {
    const { name, body } = component(schema);
    if (!name) return body;
    schemas[name] = body;
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths: Record<string, Record<string, Schema>> = {};
  for (const { method: upper, url, doc } of routes) {
    if (!doc) continue;
    const method = upper.toLowerCase();
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][method] = operation(method, doc, ref);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outputstraat ERP API',
      version: '1',
      description:
        'Receivables in, payments and status changes in, events out. Amounts are integer cents. See docs/erp-api.md.',
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The corporation's ERP API key (the Secret named by Corporation spec.ingress.apiKeySecretRef).",
        },
      },
      schemas,
    },
    paths,
  };
}

function operation(method: string, doc: RouteDoc, ref: (s: Schema) => Schema): Schema {
  const parameters: Schema[] = [];
  if (method === 'post' && doc.auth) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Same key and same request within 24 hours: the first response again. Another request: 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  for (const [name, description] of Object.entries(doc.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  }
  const query = doc.query as { properties?: Record<string, Schema>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    const { description, ...rest } = schema;
    parameters.push({
      name,
      in: 'query',
      required: query?.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    });
  }
  const responses: Record<string, Schema> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: ref(r.schema) } } } : {}),
    };
  }
  const codes: ErrorCode[] = [
    ...doc.errors,
    ...(doc.auth ? (['OST_ERR_UNAUTHORIZED', 'OST_ERR_RATE_LIMITED'] as const) : []),
  ];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = errorRegistry[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Error: ${list.join(', ')}`,
      ...(status === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    security: doc.auth ? [{ apiKey: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            ...(doc.body.description ? { description: doc.body.description } : {}),
            content: Object.fromEntries(
              doc.body.contentTypes.map((t) => [t, { schema: ref(doc.body!.schema) }]),
            ),
          },
        }
      : {}),
    responses,
  };
}
