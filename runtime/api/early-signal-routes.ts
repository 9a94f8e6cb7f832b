// The ERP's part in early signalling (docs/collections-law.md § 4): the tenant's objection to having the
// contact details passed on, and an effort to reach the tenant in person. The corporation's own API key;
// a debtor of another corporation is 404 exactly like one that never existed.
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { recordContactAttempt, recordEarlySignalObjection } from '../dossiers/index.js';
import { authenticate } from './authenticate.js';

export interface EarlySignalRouteDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

const KINDS = ['call', 'visit', 'other'] as const;
const HOW = ['letter', 'email', 'phone', 'in-person', 'form', 'other'] as const;

function debtorIdOf(raw: string): string {
  if (raw.length < 1 || raw.length > 100) {
    throw validationError([
      { field: 'debtorId', message: 'must be 1 to 100 characters, the debtor.id you posted' },
    ]);
  }
  return raw;
}

type FieldErrors = { field: string; message: string }[];

const objectOf = (body: unknown) =>
  (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

/** An ISO 8601 time, not in the future (a minute's clock skew allowed); pushes the error otherwise. */
function pastTime(value: unknown, field: string, now: Date, errors: FieldErrors): Date | undefined {
  const at =
    typeof value === 'string' && value.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(value)
      ? new Date(value)
      : undefined;
  if (!at || Number.isNaN(at.getTime()))
    errors.push({ field, message: 'must be an ISO 8601 time, e.g. 2026-12-01T10:30:00+01:00' });
  else if (at.getTime() > now.getTime() + 60_000)
    errors.push({ field, message: 'must not be in the future' });
  else return at;
  return undefined;
}

function fieldsOf(b: Record<string, unknown>, allowed: readonly string[], what: string, errors: FieldErrors) {
  for (const key of Object.keys(b))
    if (!allowed.includes(key)) errors.push({ field: key, message: `is not a field of ${what}` });
}

/** { kind, at } of a contact attempt. */
function contactAttemptOf(body: unknown, now: Date): { kind: (typeof KINDS)[number]; at: Date } {
  const b = objectOf(body);
  const errors: FieldErrors = [];
  if (typeof b.kind !== 'string' || !(KINDS as readonly string[]).includes(b.kind))
    errors.push({ field: 'kind', message: `must be one of ${KINDS.join(', ')}` });
  const at = pastTime(b.at, 'at', now, errors);
  fieldsOf(b, ['kind', 'at'], 'a contact attempt', errors);
  if (errors.length > 0) throw validationError(errors);
  return { kind: b.kind as (typeof KINDS)[number], at: at! };
}

/** { objectedAt, how } of an objection. */
function objectionOf(body: unknown, now: Date): { objectedAt: Date; how: (typeof HOW)[number] } {
  const b = objectOf(body);
  const errors: FieldErrors = [];
  const objectedAt = pastTime(b.objectedAt, 'objectedAt', now, errors);
  if (typeof b.how !== 'string' || !(HOW as readonly string[]).includes(b.how))
    errors.push({ field: 'how', message: `must be one of ${HOW.join(', ')}` });
  fieldsOf(b, ['objectedAt', 'how'], 'an objection', errors);
  if (errors.length > 0) throw validationError(errors);
  return { objectedAt: objectedAt!, how: b.how as (typeof HOW)[number] };
}

const objectionSchema = {
  $id: 'EarlySignalObjection',
  type: 'object',
  required: ['objectedAt', 'how'],
  additionalProperties: false,
  properties: {
    objectedAt: { type: 'string', format: 'date-time', description: 'When the tenant objected.' },
    how: { type: 'string', enum: HOW, description: 'How the objection reached the corporation.' },
  },
} as const;

const contactAttemptSchema = {
  $id: 'ContactAttempt',
  type: 'object',
  required: ['kind', 'at'],
  additionalProperties: false,
  properties: {
    kind: {
      type: 'string',
      enum: KINDS,
      description: 'How: a call, a home visit, or another way in person.',
    },
    at: { type: 'string', format: 'date-time', description: 'When the attempt was made.' },
  },
} as const;

export function registerEarlySignalRoutes(app: FastifyInstance, deps: EarlySignalRouteDeps): void {
  const now = deps.now ?? (() => new Date());
  app.post<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId/early-signal-objection',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'postEarlySignalObjection',
          tag: 'debtors',
          summary: 'Record that the tenant objects to an early signal',
          description:
            'The tenant refused to have the contact details passed on to the municipality. From now on no ' +
            'early signal is made for any dossier of this debtor. Idempotent: the first objection stays. A signal ' +
            'made before the objection is not recalled (signalledBefore says whether there was one).',
          params: { debtorId: 'The debtor.id the ERP posted with its receivables.' },
          body: { schema: objectionSchema, contentTypes: ['application/json'] },
          responses: { 200: { description: 'Recorded (now or earlier).' } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const { corporation } = authenticate(request, deps.bundles);
      const debtorId = debtorIdOf(request.params.debtorId);
      const objection = objectionOf(request.body, now());
      const result = await recordEarlySignalObjection(deps.db, corporation, debtorId, objection);
      if (!result) throw createError('OST_ERR_NOT_FOUND', ['debtor']);
      return { status: 'objected', ...result };
    },
  );
  app.post<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId/contact-attempts',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'postContactAttempt',
          tag: 'debtors',
          summary: 'Record an effort to reach the tenant in person',
          description:
            'A call or home visit about the arrears: one of the conditions of an early signal. (A call the ' +
            'street placed itself, a voice message, counts without this.)',
          params: { debtorId: 'The debtor.id the ERP posted with its receivables.' },
          body: { schema: contactAttemptSchema, contentTypes: ['application/json'] },
          responses: { 201: { description: 'Recorded.' } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request, reply) => {
      const { corporation } = authenticate(request, deps.bundles);
      const debtorId = debtorIdOf(request.params.debtorId);
      const attempt = contactAttemptOf(request.body, now());
      const result = await recordContactAttempt(deps.db, corporation, debtorId, attempt);
      if (!result) throw createError('OST_ERR_NOT_FOUND', ['debtor']);
      return reply.code(201).send({ id: result.id, kind: attempt.kind, at: attempt.at.toISOString() });
    },
  );
}
