// GET /v1/outcomes: what followed the corporation's dossiers started in a window (docs/outcomes.md) —
// per flow (dossiers) and per flow, step and channel (messages, last touch): paid in full or partly
// within 3/7/14/30 days, recovered, arrangements, replies, complaints, cost and cost per euro recovered.
// Only the caller's corporation is counted; a flow of another corporation simply has no dossiers.
import type { FastifyInstance } from 'fastify';
import { costPerEuroRecovered, DAY_MS, OUTCOME_WINDOWS } from '../../core/outcomes/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import { flowOutcomes, stepOutcomes } from '../dossiers/index.js';

export interface OutcomeRouteDeps {
  db: Database;
  now?: () => Date;
}

/** The longest window one request may cover: a year and a day (a leap year). */
const MAX_DAYS = 366;
const DEFAULT_DAYS = 90;
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const perWindow = {
  type: 'object',
  description: 'Count per window in days (3, 7, 14, 30).',
  required: OUTCOME_WINDOWS.map(String),
  properties: Object.fromEntries(OUTCOME_WINDOWS.map((d) => [String(d), { type: 'integer' }])),
} as const;

const totals = {
  paidInFull: perWindow,
  paidPartly: perWindow,
  recovered: { type: 'integer', description: 'Recovered, in cents.' },
  arrangements: { type: 'integer' },
  replies: { type: 'integer' },
  complaints: { type: 'integer', description: 'Replies classified stop or dispute.' },
  costCents: { type: 'number', description: 'Sum of the messages’ prices, in cents.' },
  costPerEuroRecovered: {
    type: ['number', 'null'],
    description: 'Cents spent per euro recovered; null when nothing was recovered.',
  },
} as const;
const totalsRequired = Object.keys(totals);

const outcomesSchema = {
  $id: 'Outcomes',
  type: 'object',
  required: ['from', 'to', 'flows', 'steps'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    flows: {
      type: 'array',
      description: 'Per flow, over its dossiers (everything from the dossier start counts).',
      items: {
        type: 'object',
        required: ['flow', 'dossiers', 'final', ...totalsRequired],
        properties: {
          flow: { type: 'string' },
          dossiers: { type: 'integer' },
          final: { type: 'integer', description: 'Dossiers paid in full or started more than 30 days ago.' },
          ...totals,
        },
      },
    },
    steps: {
      type: 'array',
      description: 'Per flow, step and channel, over its messages (last touch).',
      items: {
        type: 'object',
        required: ['flow', 'step', 'channel', 'messages', ...totalsRequired],
        properties: {
          flow: { type: 'string' },
          step: { type: 'string' },
          channel: { type: 'string' },
          messages: { type: 'integer' },
          ...totals,
        },
      },
    },
  },
} as const;

const querySchema = {
  type: 'object',
  properties: {
    from: {
      type: 'string',
      description: `Dossiers started at or after this date or time (default: ${DEFAULT_DAYS} days before \`to\`).`,
    },
    to: { type: 'string', description: 'Dossiers started before this date or time (default: now).' },
    flow: { type: 'string', description: 'Only this flow.' },
  },
} as const;

interface Checked {
  from: Date;
  to: Date;
  flow?: string;
}

function parseTime(value: unknown, field: string, errors: { field: string; message: string }[]) {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' && TIME.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    errors.push({
      field,
      message: 'must be a date (2026-11-01) or a date-time with a zone (2026-11-01T09:00:00Z)',
    });
    return undefined;
  }
  return date;
}

/** Checks a window query (from, to, and `flow` where `path` takes it); a 400 names the field. */
export function checkOutcomeQuery(
  query: Record<string, unknown>,
  now: Date,
  path = '/v1/outcomes',
  keys: readonly string[] = ['from', 'to', 'flow'],
): Checked {
  const errors: { field: string; message: string }[] = [];
  for (const key of Object.keys(query)) {
    if (!keys.includes(key)) errors.push({ field: key, message: `is not a parameter of ${path}` });
  }
  const to = parseTime(query.to, 'to', errors) ?? now;
  const from = parseTime(query.from, 'from', errors) ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (query.flow !== undefined && (typeof query.flow !== 'string' || !NAME.test(query.flow))) {
    errors.push({ field: 'flow', message: 'must be a flow name (lowercase letters, digits, -)' });
  }
  if (errors.length === 0 && from.getTime() >= to.getTime())
    errors.push({ field: 'from', message: 'must be before to' });
  if (errors.length === 0 && to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) {
    errors.push({ field: 'from', message: `must be at most ${MAX_DAYS} days before to` });
  }
  if (errors.length > 0) throw validationError(errors);
  return { from, to, ...(typeof query.flow === 'string' ? { flow: query.flow } : {}) };
}

export function registerOutcomeRoutes(app: FastifyInstance, deps: OutcomeRouteDeps): void {
  app.get(
    '/v1/outcomes',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'getOutcomes',
          tag: 'outcomes',
          summary: 'What followed your dossiers and messages',
          description:
            'For the dossiers started in [from, to): per flow and per flow, step and channel, paid in full or ' +
            'partly within 3, 7, 14 and 30 days, recovered, arrangements, replies, complaints and cost. ' +
            'docs/outcomes.md gives the attribution rules and their limits.',
          query: querySchema,
          responses: { 200: { description: 'The outcome figures.', schema: outcomesSchema } },
          errors: ['OST_ERR_VALIDATION'],
        },
      },
    },
    async (request) => {
      const now = deps.now?.() ?? new Date();
      const q = checkOutcomeQuery({ ...(request.query as object) }, now);
      const query = { corporation: request.corporation, ...q, now };
      const [flows, steps] = await Promise.all([flowOutcomes(deps.db, query), stepOutcomes(deps.db, query)]);
      const withCost = <T extends { costCents: number; recovered: number }>(t: T) => ({
        ...t,
        costPerEuroRecovered: costPerEuroRecovered(t),
      });
      return {
        from: q.from.toISOString(),
        to: q.to.toISOString(),
        flows: flows.map(withCost),
        steps: steps.map(withCost),
      };
    },
  );
}
