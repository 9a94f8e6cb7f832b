// The corporation's own systems and staff: paper return forms typed in by staff go into the same meter
// readings as the tenants' forms (POST /v1/forms/meter-readings), and both kinds of form results can be
// fetched as CSV. Authenticated with the corporation's ERP API key, scoped to that corporation.
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { unsafeTextErrors } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import {
  endCampaignRequest,
  implausibleReadingError,
  isPastOrToday,
  METER_NUMBER,
  meterBaseline,
  recordMeterReading,
  toCsv,
  today,
} from '../forms/index.js';
import { authenticate } from './authenticate.js';

export interface StaffRouteDeps {
  db: Database;
  bundles: BundleStore;
}

interface StaffReading {
  meterNumber: string;
  reading: number;
  readOn: string;
  address?: string;
  externalId?: string;
  confirm: boolean;
}

function validateStaffReading(body: unknown): StaffReading {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: { field: string; message: string }[] = unsafeTextErrors(b);
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : undefined);
  const meterNumber = str('meterNumber');
  if (!meterNumber || !METER_NUMBER.test(meterNumber)) {
    errors.push({ field: 'meterNumber', message: 'must be the meter number (letters, digits, up to 40)' });
  }
  const reading = b.reading;
  if (typeof reading !== 'number' || !Number.isSafeInteger(reading) || reading < 0) {
    errors.push({ field: 'reading', message: 'must be a whole number ≥ 0' });
  }
  const readOn = str('readOn') ?? today();
  if (!isPastOrToday(readOn))
    errors.push({ field: 'readOn', message: 'must be a date (YYYY-MM-DD), not in the future' });
  const address = str('address');
  const externalId = str('externalId');
  if (!address && !externalId) errors.push({ field: 'address', message: 'is required without externalId' });
  if (b.confirm !== undefined && typeof b.confirm !== 'boolean') {
    errors.push({ field: 'confirm', message: 'must be true or false' });
  }
  if (errors.length > 0) {
    throw createError('OST_ERR_VALIDATION', [errors.map((e) => `${e.field} ${e.message}`).join('; ')], {
      details: { errors },
    });
  }
  return {
    meterNumber: meterNumber!,
    reading: reading as number,
    readOn,
    ...(address ? { address } : {}),
    ...(externalId ? { externalId } : {}),
    confirm: b.confirm === true,
  };
}

function since(query: unknown): string {
  const value = (query as { since?: string }).since;
  if (value === undefined) return '1970-01-01T00:00:00Z';
  if (Number.isNaN(Date.parse(value))) {
    throw validationError([{ field: 'since', message: 'must be an ISO 8601 date or time' }]);
  }
  return new Date(value).toISOString();
}

const meterReadingSchema = {
  $id: 'MeterReading',
  type: 'object',
  additionalProperties: false,
  required: ['meterNumber', 'reading'],
  properties: {
    meterNumber: { type: 'string', description: 'The number printed on the meter.' },
    reading: { type: 'integer', minimum: 0, description: 'The reading, whole units.' },
    readOn: { type: 'string', format: 'date', description: 'When it was read; default today.' },
    address: { type: 'string', description: "The meter's address; default the receivable's debtor address." },
    externalId: { type: 'string', description: 'The receivable (campaign) the paper form answered, if any.' },
    confirm: {
      type: 'boolean',
      description: 'Record an implausible reading anyway, flagged for review (otherwise 422).',
    },
  },
} as const;

const sinceQuery = {
  type: 'object',
  properties: {
    since: { type: 'string', format: 'date-time', description: 'Only rows submitted from then on.' },
  },
} as const;

const csvResponse = (what: string) => ({
  200: { description: `${what} as CSV (RFC 4180, UTF-8).`, contentType: 'text/csv' },
});

export function registerStaffFormRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  const doc = (operationId: string, summary: string, rest: Record<string, unknown>) => ({
    config: {
      auth: 'api-key' as const,
      openapi: { operationId, tag: 'forms', summary, errors: ['OST_ERR_VALIDATION'], ...rest } as never,
    },
  });
  app.post(
    '/v1/forms/meter-readings',
    doc('postMeterReading', 'Record a meter reading from a paper return form', {
      body: { schema: meterReadingSchema, contentTypes: ['application/json'] },
      responses: { 201: { description: 'Recorded; needsReview when it was implausible and confirmed.' } },
      errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND', 'OST_ERR_IMPLAUSIBLE_READING'],
    }),
    async (request, reply) => {
      const corporation = authenticate(request, deps.bundles).corporation;
      const input = validateStaffReading(request.body);
      let receivable: { id: string; address: string | null; vars: Record<string, never> } | undefined;
      if (input.externalId) {
        const row = await deps.db.maybeOne(sql.unsafe`
        SELECT id, debtor->'address' AS address, coalesce(payload->'vars', '{}'::jsonb) AS vars
        FROM receivables WHERE corporation = ${corporation} AND external_id = ${input.externalId}`);
        if (!row) throw createError('OST_ERR_NOT_FOUND', [`receivable ${input.externalId}`]);
        const a = row.address as {
          street: string;
          houseNumber: string;
          postalCode: string;
          city: string;
        } | null;
        receivable = {
          id: row.id as string,
          address: a ? `${a.street} ${a.houseNumber}, ${a.postalCode} ${a.city}` : null,
          vars: row.vars as Record<string, never>,
        };
      }
      const address = input.address ?? receivable?.address;
      if (!address) {
        throw createError(
          'OST_ERR_VALIDATION',
          ['address is required: the receivable has no debtor address'],
          {
            details: { errors: [{ field: 'address', message: 'is required' }] },
          },
        );
      }
      const baseline = await meterBaseline(deps.db, corporation, input.meterNumber, receivable?.vars);
      const result = await recordMeterReading(
        deps.db,
        {
          corporation,
          receivableId: receivable?.id,
          externalId: input.externalId,
          address,
          meterNumber: input.meterNumber,
          reading: input.reading,
          readOn: input.readOn,
          source: 'staff',
          confirmed: input.confirm,
        },
        baseline,
      );
      if (!result.recorded) {
        throw implausibleReadingError(input.meterNumber, input.reading, result.check);
      }
      // A reading for a campaign request ends it, as the tenant's form and the console's paper entry do.
      if (input.externalId) {
        await endCampaignRequest(
          deps,
          corporation,
          input.externalId,
          'meter',
          'meter reading received on paper',
        );
      }
      return reply.code(201).send({
        id: result.id,
        needsReview: result.needsReview,
        ...(result.check.ok ? {} : { reviewReason: result.check.reason }),
      });
    },
  );

  app.get(
    '/v1/forms/meter-readings.csv',
    doc('exportMeterReadings', 'Meter readings from forms and staff, as CSV', {
      query: sinceQuery,
      responses: csvResponse('Meter readings'),
    }),
    async (request, reply) => {
      const corporation = authenticate(request, deps.bundles).corporation;
      const rows = await deps.db.any(sql.unsafe`
      SELECT submitted_at, external_id, address, meter_number, reading, read_on, source, needs_review, review_reason
      FROM meter_readings WHERE corporation = ${corporation} AND submitted_at >= ${since(request.query)}
      ORDER BY submitted_at, id`);
      const csv = toCsv(
        [
          'submittedAt',
          'externalId',
          'address',
          'meterNumber',
          'reading',
          'readOn',
          'source',
          'needsReview',
          'reviewReason',
        ],
        rows.map((r) => [
          r.submitted_at as Date,
          r.external_id as string | null,
          r.address as string,
          r.meter_number as string,
          Number(r.reading),
          r.read_on as string,
          r.source as string,
          r.needs_review as boolean,
          r.review_reason as string | null,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="meter-readings.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

  app.get(
    '/v1/forms/contact-updates.csv',
    doc('exportContactUpdates', 'Contact data from the contact form, as CSV', {
      query: sinceQuery,
      responses: csvResponse('Contact updates'),
    }),
    async (request, reply) => {
      const corporation = authenticate(request, deps.bundles).corporation;
      const rows = await deps.db.any(sql.unsafe`
      SELECT submitted_at, external_id, debtor_id, email, phone, source
      FROM contact_updates WHERE corporation = ${corporation} AND submitted_at >= ${since(request.query)}
      ORDER BY submitted_at, id`);
      const csv = toCsv(
        ['submittedAt', 'externalId', 'debtorId', 'email', 'phone', 'source'],
        rows.map((r) => [
          r.submitted_at as Date,
          r.external_id as string | null,
          r.debtor_id as string,
          r.email as string | null,
          r.phone as string | null,
          r.source as string,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contact-updates.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}
