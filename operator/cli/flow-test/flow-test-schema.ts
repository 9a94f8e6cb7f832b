// The FlowTest format (docs/flow-tests.md) as one JSON Schema: the reader validates every test file with
// it, and the type the runner works with is written next to it.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fieldPathFromPointer } from '../../../core/resources/kinds.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const FLOW_TEST_KIND = 'FlowTest';

const TIME = {
  type: 'string',
  pattern: '^(\\+\\s*([0-9]+\\s*(bd|d|h|m)\\s*)+|[0-9]{4}-[0-9]{2}-[0-9]{2}T.+)$',
  description: "An offset from spec.start like '+1h', '+3d', '+1d2h', or an ISO 8601 time with a zone.",
} as const;

const STEP_ID = { type: 'string', minLength: 1 } as const;

const event = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'type'],
  properties: {
    at: TIME,
    type: {
      enum: [
        'bounced',
        'delivered',
        'opened',
        'clicked',
        'failed',
        'paid',
        'partiallyPaid',
        'balanceChanged',
        'arrangement',
        'paused',
        'resumed',
        'cancelled',
        'receivable',
        'deceased',
        'frozen',
        'unfrozen',
        'optOut',
      ],
    },
    step: STEP_ID,
    channel: { type: 'string', minLength: 1 },
    balance: { type: 'integer', minimum: 0 },
    note: { type: 'string' },
    item: { type: 'string', minLength: 1 },
    receivable: {
      type: 'object',
      description:
        "Another receivable of the debtor: fields over the test's receivable (externalId at least).",
      required: ['externalId'],
    },
    kind: { enum: ['debt-assistance', 'moratorium', 'wsnp'] },
    until: TIME,
    terms: {
      type: 'array',
      minItems: 1,
      maxItems: 60,
      description: 'arrangement: the instalments the dossier monitors (due date, amount in cents).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dueOn', 'amount'],
        properties: {
          dueOn: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
          amount: { type: 'integer', minimum: 1 },
        },
      },
    },
    promise: { type: 'boolean', description: 'arrangement: a promise to pay (one term).' },
  },
  allOf: [
    {
      if: { properties: { type: { enum: ['bounced', 'delivered', 'opened', 'clicked', 'failed'] } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
      then: { required: ['step'] },
    },
    {
      if: { properties: { type: { const: 'receivable' } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
      then: { required: ['receivable'] },
    },
    {
      if: { properties: { type: { enum: ['partiallyPaid', 'balanceChanged'] } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
      then: { required: ['balance'] },
    },
    {
      if: { properties: { type: { const: 'optOut' } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
      then: { required: ['channel'], properties: { channel: { enum: ['email', 'sms', 'voice', 'letter'] } } },
    },
  ],
} as const;

export const flowTestSchema = {
  $id: 'FlowTest',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'outputstraat.io/v1alpha1' },
    kind: { const: FLOW_TEST_KIND },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        namespace: { type: 'string', minLength: 1 },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['start', 'expect'],
      properties: {
        description: { type: 'string' },
        corporation: { type: 'string', minLength: 1 },
        start: { type: 'string', format: 'date-time' },
        receivable: { type: 'object' },
        receivableFile: { type: 'string', minLength: 1 },
        override: { type: 'object' },
        events: { type: 'array', items: event },
        until: TIME,
        /** Other receivables of the same household, arriving at start: the contact budget is shared. */
        household: {
          type: 'array',
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['receivable'],
            properties: { receivable: { type: 'object' } },
          },
        },
        /** Replaces the corporation's contact policy for this test (Corporation spec.contactPolicy). */
        contactPolicy: { type: 'object' },
        expect: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            classification: { type: 'string' },
            flow: { type: 'string' },
            messages: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['step'],
                properties: {
                  step: STEP_ID,
                  channel: { type: 'string' },
                  template: { type: 'string' },
                  at: TIME,
                  addressee: { type: 'string', minLength: 1 },
                  /** Texts the rendered message must hold (subject, text, SMS, voice or letter), any case. */
                  contains: { type: 'array', items: { type: 'string', minLength: 1 } },
                },
              },
            },
            allowMore: { type: 'boolean' },
            skipped: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['step'],
                properties: { step: STEP_ID, reason: { type: 'string' } },
              },
            },
            deferred: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['step'],
                properties: { step: STEP_ID, until: TIME, reason: { type: 'string' } },
              },
            },
            /** The cost lines addCosts steps added, in order; [] for none (docs/collections-law.md). */
            costs: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['amount'],
                properties: { step: STEP_ID, amount: { type: 'integer', minimum: 1 }, at: TIME },
              },
            },
            alerts: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  step: STEP_ID,
                  action: { enum: ['call', 'home-visit', 'bailiff-referral', 'review'] },
                  at: TIME,
                },
              },
            },
            end: {
              type: 'object',
              additionalProperties: false,
              required: ['status'],
              properties: {
                status: { enum: ['active', 'paused', 'stopped', 'completed'] },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
      oneOf: [
        { required: ['receivable'], not: { required: ['receivableFile'] } },
        { required: ['receivableFile'], not: { required: ['receivable'] } },
      ],
    },
  },
} as const;

export type FlowTestTime = string;

export type FlowTestEvent = {
  at: FlowTestTime;
  type: string;
  step?: string;
  channel?: string;
  balance?: number;
  note?: string;
  /** The dossier item (externalId) a payment or status event is about. */
  item?: string;
  /** For `receivable`: fields over the test's receivable. */
  receivable?: Record<string, unknown>;
  /** frozen: the kind of debt assistance and when it ends. */
  kind?: string;
  until?: FlowTestTime;
  /** arrangement: the instalments the dossier monitors; promise: a promise to pay (one term). */
  terms?: { dueOn: string; amount: number }[];
  promise?: boolean;
};

export interface ExpectedMessage {
  step: string;
  channel?: string;
  template?: string;
  at?: FlowTestTime;
  /** The letter is addressed to someone other than the debtor, starting with this (e.g. 'De erven van'). */
  addressee?: string;
  contains?: string[];
}

export interface FlowTestExpect {
  classification?: string;
  flow?: string;
  messages?: ExpectedMessage[];
  allowMore?: boolean;
  skipped?: { step: string; reason?: string }[];
  deferred?: { step: string; until?: FlowTestTime; reason?: string }[];
  alerts?: { step?: string; action?: string; at?: FlowTestTime }[];
  costs?: { step?: string; amount: number; at?: FlowTestTime }[];
  end?: { status: 'active' | 'paused' | 'stopped' | 'completed'; reason?: string };
}

export interface FlowTestSpec {
  description?: string;
  corporation?: string;
  start: string;
  receivable?: Record<string, unknown>;
  receivableFile?: string;
  override?: Record<string, unknown>;
  events?: FlowTestEvent[];
  until?: FlowTestTime;
  household?: { receivable: Record<string, unknown> }[];
  contactPolicy?: Record<string, unknown>;
  expect: FlowTestExpect;
}

export interface FlowTestDocument {
  apiVersion: string;
  kind: typeof FLOW_TEST_KIND;
  metadata: { name: string; namespace?: string };
  spec: FlowTestSpec;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile<FlowTestDocument>(flowTestSchema);

export interface SchemaProblem {
  /** `spec.events[1].step` */
  field: string;
  message: string;
}

function problemOf(e: ErrorObject): SchemaProblem {
  const base = fieldPathFromPointer(e.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  switch (e.keyword) {
    case 'required':
      return { field: join(String(e.params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: join(String(e.params.additionalProperty)), message: 'is not a field of a FlowTest' };
    case 'enum':
      return {
        field: base,
        message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { field: base, message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'pattern':
      return {
        field: base,
        message: "must be an offset like '+1h', '+3d', '+1d2h', or an ISO time with a zone",
      };
    case 'format':
      return {
        field: base,
        message: `must be a ${e.params.format} with a zone, e.g. 2026-03-02T09:00:00+01:00`,
      };
    case 'oneOf':
      return { field: base, message: 'needs exactly one of receivable and receivableFile' };
    case 'minProperties':
      return { field: base, message: 'must expect something' };
    default:
      return { field: base || '(document)', message: e.message ?? 'is invalid' };
  }
}

/** Problems of one FlowTest document, most useful first; empty when it is valid. */
export function checkFlowTest(doc: unknown): SchemaProblem[] {
  if (validate(doc)) return [];
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of validate.errors ?? []) {
    // if/then and allOf only repeat what the `required` inside them already said.
    if (e.keyword === 'if' || e.keyword === 'allOf') continue;
    // oneOf's branches report their own `required`/`not`; the oneOf line says it better.
    if (/\/oneOf\//.test(e.schemaPath)) continue;
    const p = problemOf(e);
    const key = `${p.field}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}
