// /openapi.json (on the internal port) and docs/openapi.json (`npm run generate`): an OpenAPI 3.1
// document built from the routes themselves. Every route carries its documentation in `config.openapi`,
// with the very schema objects it validates with (core/receivable), so the document cannot drift from
// what the API accepts; how a route authenticates is its own `config.auth` (route-table.ts), never
// read from the docs. Error bodies list the codes of the one registry.
import { type ErrorCode, errorRegistry } from '../../core/errors/index.js';
import type { RouteAuth, RouteEntry } from './route-table.js';

type Schema = Record<string, unknown>;

export interface RouteDoc {
  /** The method name generated clients get: camelCase, unique over the API. */
  operationId: string;
  /** Its group in the reference (one of TAGS). */
  tag: keyof typeof TAGS;
  summary: string;
  description?: string;
  params?: Record<string, string>;
  /** A JSON Schema object whose properties are the query parameters. */
  query?: Schema;
  body?: { schema: Schema; contentTypes: string[]; description?: string };
  responses: Record<number, { description: string; schema?: Schema; contentType?: string }>;
  /** The error codes this route answers with (401 and 429 are added for api-key routes, 400 for all). */
  errors: ErrorCode[];
}

/** The reference's groups, in this order. */
export const TAGS = {
  receivables:
    'Receivables in (one as JSON, many as NDJSON), their status and timeline, payments and changes.',
  events: 'The event feed: what happened to your receivables, in order, from a cursor.',
  archive: 'Every message sent, with its history and the exact bytes as sent.',
  debtors: "A debtor's data and replies; erasure (GDPR art. 17).",
  tasks: 'Work for people: replies to look at, alerts, lapsed arrangements, dead letters.',
  experiments: 'A/B tests and bandits declared on flows: per arm the outcome, differences and guardrails.',
  outcomes: 'What followed dossiers and messages: paid within N days, recovered, replies, complaints, cost.',
  'dead-letters': 'Messages the runtime gave up on, and re-driving them.',
  forms: 'Paper forms entered by staff, and what debtors filled in, as CSV.',
  providers: 'Callbacks of the delivery providers (not for ERPs): signed by the provider.',
  health: 'Liveness and readiness of the runtime process.',
} as const;

/** Refused on every route before its handler (input-guards.ts): a request without Host is a 400. */
const GUARD_ERRORS: ErrorCode[] = ['OST_ERR_VALIDATION'];

const PROVIDER_AUTH =
  'Called by the provider, not with an API key: the handler checks its signature or shared secret.';

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
  for (const { method: upper, url, doc, auth } of routes) {
    if (!doc || upper === 'HEAD') continue;
    const method = upper.toLowerCase();
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][method] = operation(method, doc, auth ?? 'none', ref);
  }
  const used = new Set(
    Object.values(paths).flatMap((ops) => Object.values(ops).map((o) => (o.tags as string[])[0])),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outputstraat ERP API',
      version: '1',
      description:
        'Receivables in, payments and status changes in, events out. Amounts are integer cents. See docs/erp-api.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: '{origin}',
        description: "The runtime's public URL (OST_PUBLIC_URL); `npm start` serves it on port 8080.",
        variables: { origin: { default: 'http://127.0.0.1:8080' } },
      },
    ],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name))
      .map(([name, description]) => ({ name, description })),
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

function operation(method: string, doc: RouteDoc, auth: RouteAuth, ref: (s: Schema) => Schema): Schema {
  const parameters: Schema[] = [];
  if (method === 'post' && auth === 'api-key') {
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
      ...(r.schema || r.contentType
        ? {
            content: {
              [r.contentType ?? 'application/json']: {
                schema: r.schema ? ref(r.schema) : { type: 'string' },
              },
            },
          }
        : {}),
    };
  }
  const codes: ErrorCode[] = [
    ...GUARD_ERRORS,
    ...doc.errors,
    ...(auth === 'api-key' ? (['OST_ERR_UNAUTHORIZED', 'OST_ERR_RATE_LIMITED'] as const) : []),
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
  const description = [doc.description, auth === 'provider' ? PROVIDER_AUTH : undefined]
    .filter(Boolean)
    .join(' ');
  return {
    operationId: doc.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    ...(description ? { description } : {}),
    security: auth === 'api-key' ? [{ apiKey: [] }] : [],
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
