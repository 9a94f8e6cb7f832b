// The variables a CEL expression may read, per environment. This table is the single source of truth:
// the compile-time check, the activation conversion and the documentation below all derive from it.
//
// Environments: C = classification (ClassificationRule), P = precondition (Flow), B = branch (Flow step).
//
// | variable                    | CEL type       | envs  | meaning                                                    |
// |-----------------------------|----------------|-------|------------------------------------------------------------|
// | receivable                  | map            | C P B | the receivable as the ERP sent it                          |
// |   .externalId               | string         |       | the ERP's id                                               |
// |   .kind                     | string         |       | rent, invoice, storno, …                                   |
// |   .amount                   | int            |       | original amount in minor units (cents)                     |
// |   .balance                  | int            |       | still open, minor units (cents)                            |
// |   .currency                 | string         |       | ISO 4217, e.g. EUR                                         |
// |   .dueDate                  | string         |       | YYYY-MM-DD                                                 |
// |   .stornoReasonCode         | string         |       | SEPA reason code (AM04, MS02, …); '' when none             |
// |   .source                   | string         |       | 'production' | 'test' | 'acceptance'                       |
// |   .paid                     | bool           |       | the ERP or PSP reported it paid                            |
// |   .classification           | string         |       | classification the ERP attached; '' when none              |
// | debtor                      | map            | C P B | the tenant                                                 |
// |   .id                       | string         |       | the ERP's debtor id                                        |
// |   .locale                   | string         |       | e.g. nl-NL; '' when unknown                                |
// |   .preferredChannel         | string         |       | email, sms, letter, …; '' when none                        |
// |   .hasEmail/.hasPhone/.hasAddress | bool     |       | whether a contact route is known                           |
// |   .tenancyStartDate         | string         |       | YYYY-MM-DD; '' when unknown                                |
// | history                     | map            | C P B | summary of the last six months (summarizePaymentHistory)   |
// |   .periods                  | int            |       | payments due in the window                                 |
// |   .timesLate                | int            |       | paid after the due date, or still unpaid past it           |
// |   .maxDaysLate              | int            |       | worst delay in days (unpaid: counted up to now)            |
// |   .avgDaysLate              | double         |       | mean delay over the late ones; 0 when none                 |
// |   .unpaidCount              | int            |       | past due and still unpaid                                  |
// |   .totalLateAmount          | int            |       | sum of the late ones' amounts, minor units                 |
// |   .onTimeStreak             | int            |       | most recent consecutive periods paid on time               |
// | classification              | string         |   P B | the result of classification                               |
// | now                         | timestamp      | C P B | evaluation time (the simulator may set it)                 |
// | daysOverdue                 | int            | C P B | calendar days past receivable.dueDate; 0 when not yet due  |
// | case                        | map            |     B | the running case                                           |
// |   .stepsSent                | int            |       | steps sent so far                                          |
// |   .opened/.clicked/.bounced | bool           |       | what happened to the messages sent so far                  |
// |   .channelsTried            | list<string>   |       | channel types tried so far, in order                       |
// |   .costsAdded               | int            |       | collection costs the case added (addCosts), minor units    |

export type CelEnvName = 'classification' | 'precondition' | 'branch';

export const CEL_ENV_NAMES: readonly CelEnvName[] = ['classification', 'precondition', 'branch'];

/** CEL types this module reasons about. `dyn` means: not known before evaluation. */
export type CelStaticKind =
  | 'bool'
  | 'int'
  | 'uint'
  | 'double'
  | 'string'
  | 'bytes'
  | 'timestamp'
  | 'duration'
  | 'list'
  | 'map'
  | 'null'
  | 'type'
  | 'dyn';

/** Field types inside the declared maps. */
export type CelFieldType = 'int' | 'double' | 'string' | 'bool' | 'list<string>';

export type CelVariableType =
  | { readonly kind: 'int' | 'string' | 'timestamp' }
  | { readonly kind: 'map'; readonly fields: Readonly<Record<string, CelFieldType>> };

export interface CelVariableSpec {
  readonly type: CelVariableType;
  readonly envs: readonly CelEnvName[];
}

const ALL: readonly CelEnvName[] = CEL_ENV_NAMES;

export const RECEIVABLE_FIELDS = {
  externalId: 'string',
  kind: 'string',
  amount: 'int',
  balance: 'int',
  currency: 'string',
  dueDate: 'string',
  stornoReasonCode: 'string',
  source: 'string',
  paid: 'bool',
  classification: 'string',
} as const satisfies Record<string, CelFieldType>;

export const DEBTOR_FIELDS = {
  id: 'string',
  locale: 'string',
  preferredChannel: 'string',
  hasEmail: 'bool',
  hasPhone: 'bool',
  hasAddress: 'bool',
  tenancyStartDate: 'string',
} as const satisfies Record<string, CelFieldType>;

export const HISTORY_FIELDS = {
  periods: 'int',
  timesLate: 'int',
  maxDaysLate: 'int',
  avgDaysLate: 'double',
  unpaidCount: 'int',
  totalLateAmount: 'int',
  onTimeStreak: 'int',
} as const satisfies Record<string, CelFieldType>;

export const CASE_FIELDS = {
  stepsSent: 'int',
  opened: 'bool',
  clicked: 'bool',
  bounced: 'bool',
  channelsTried: 'list<string>',
  costsAdded: 'int',
} as const satisfies Record<string, CelFieldType>;

/** In the order error hints list them. */
export const CEL_VARIABLES: Readonly<Record<string, CelVariableSpec>> = {
  receivable: { type: { kind: 'map', fields: RECEIVABLE_FIELDS }, envs: ALL },
  debtor: { type: { kind: 'map', fields: DEBTOR_FIELDS }, envs: ALL },
  history: { type: { kind: 'map', fields: HISTORY_FIELDS }, envs: ALL },
  classification: { type: { kind: 'string' }, envs: ['precondition', 'branch'] },
  now: { type: { kind: 'timestamp' }, envs: ALL },
  daysOverdue: { type: { kind: 'int' }, envs: ALL },
  case: { type: { kind: 'map', fields: CASE_FIELDS }, envs: ['branch'] },
};

/** The variables declared in one environment, in table order. */
export function variablesOf(env: CelEnvName): string[] {
  return Object.entries(CEL_VARIABLES)
    .filter(([, spec]) => spec.envs.includes(env))
    .map(([name]) => name);
}
