// The one registry of where a debtor's personal data lives in PostgreSQL and how each column is erased.
// Erasure (DELETE /v1/debtors/{debtorId}, erase-debtor.ts) and retention (runtime/archive/retention-sweep.ts)
// both run from it; tests/integration/privacy-registry.test.ts fails when a column of a migrated database
// is neither here nor in NOT_PERSONAL, and when docs/privacy.md does not name a column registered here.
//
// A table is one entry. A root table is found by debtor (`ofDebtor`) and swept by its own retention kind;
// a child table is erased in the same statement as the rows of its parent it links to. Fragments below
// refer to columns unqualified or qualified by the table's own name (statements never alias the table).
import type { FragmentSqlToken } from 'slonik';
import { sql } from '../../platform/db/index.js';
import { eventFactsOnly } from './event-facts.js';

/** The kinds of data a Corporation sets a retention for (spec.retention.<kind>Days). */
export type RetentionKind = 'messages' | 'dossiers' | 'forms' | 'events';
export const RETENTION_KINDS: readonly RetentionKind[] = ['messages', 'dossiers', 'forms', 'events'];

/** What identifies one debtor's rows within a corporation. */
export interface DebtorRows {
  debtorId: string;
  receivableIds: readonly string[];
  /** The ERP's externalIds of those receivables. */
  externalIds: readonly string[];
}

export interface PersonalColumn {
  column: string;
  /** What personal data it can hold (docs/privacy.md says the same). */
  holds: string;
  /** How it is erased, in words. */
  erased: string;
  /** The value it gets; absent when the table deletes its rows. */
  set?: FragmentSqlToken;
  /** The value an erasure gives it when retention gives another (retention keeps what erasure needs). */
  onErasure?: FragmentSqlToken;
}

interface TableEntry {
  table: string;
  columns: readonly PersonalColumn[];
  /** Rows that still hold personal data; erasure and retention touch only these. */
  pending: FragmentSqlToken;
  /** Other assignments made on an erased row (markers such as purged_at). */
  marks?: readonly FragmentSqlToken[];
  /** Erased by deleting the row (nothing in it is worth keeping). */
  deletes?: true;
}

export interface RootTable extends TableEntry {
  /**
   * A column that identifies a row within the corporation, found through a unique index on it (alone or
   * after `corporation`): erase-rows.ts updates the rows it picked by `key = picked.k`. `ctid` where no
   * such column exists.
   */
  key: string;
  /** The rows of one debtor. */
  ofDebtor(rows: DebtorRows): FragmentSqlToken;
  /** Swept after `kind`'s days, counted from `since`, for rows matching `only`; or kept short elsewhere. */
  retention:
    | { kind: RetentionKind; since: string; only?: FragmentSqlToken }
    | { elsewhere: string; kind?: undefined };
}

export interface ChildTable extends TableEntry {
  parent: string;
  /** The column holding the parent's key. */
  link: string;
}

const NULL = sql.fragment`NULL`;
const ids = (rows: DebtorRows) => sql.array(rows.receivableIds, 'uuid');
const erasedMark = sql.fragment`erased_at = coalesce(erased_at, now())`;
const ERASED_DEBTOR = sql.fragment`'{"erased": true}'::jsonb`;

export const PERSONAL_DATA: readonly (RootTable | ChildTable)[] = [
  {
    table: 'receivables',
    key: 'id',
    // Retention keeps the debtor id, so that an erasure can still find the debtor's messages, which the
    // archive keeps longer; an erasure removes it.
    pending: sql.fragment`debtor ? 'id'`,
    marks: [erasedMark],
    ofDebtor: (rows) => sql.fragment`id = ANY(${ids(rows)})`,
    retention: {
      kind: 'dossiers',
      since: 'updated_at',
      only: sql.fragment`erased_at IS NULL AND status IN ('paid', 'cancelled')`,
    },
    columns: [
      {
        column: 'debtor',
        holds: 'name, salutation, email, phone, postal address, locale and channel preference',
        erased: 'replaced by {"id": …, "erased": true} on retention, {"erased": true} on erasure',
        set: sql.fragment`jsonb_build_object('id', debtor -> 'id', 'erased', true)`,
        onErasure: ERASED_DEBTOR,
      },
      {
        column: 'payload',
        holds: "the receivable as posted: the debtor, the description and the ERP's free vars",
        erased:
          'debtor, description and vars removed (the debtor as in `debtor`); amounts, dates and references stay',
        set: sql.fragment`(payload - 'debtor' - 'description' - 'vars')
          || jsonb_build_object('debtor', jsonb_build_object('id', payload -> 'debtor' -> 'id', 'erased', true))`,
        onErasure: sql.fragment`(payload - 'debtor' - 'description' - 'vars') || '{"debtor": {"erased": true}}'::jsonb`,
      },
      {
        column: 'description',
        holds: "the ERP's free text about the receivable",
        erased: 'set to NULL',
        set: NULL,
      },
    ],
  },
  {
    table: 'links',
    parent: 'receivables',
    link: 'receivable_id',
    pending: sql.fragment`(derived OR closed_at IS NULL OR expires_at > now())`,
    marks: [
      sql.fragment`closed_at = coalesce(closed_at, now())`,
      sql.fragment`expires_at = least(expires_at, now())`,
      sql.fragment`derived = false`,
    ],
    columns: [
      {
        column: 'token_sha256',
        holds: "the SHA-256 of the bearer token of the debtor's payment and form pages (ADR 0008)",
        erased:
          'replaced by the hash of a random value that is never handed out; the link is closed, expired and no longer derived',
        set: sql.fragment`sha256(convert_to(gen_random_uuid()::text, 'UTF8'))`,
      },
    ],
  },
  {
    table: 'payments',
    parent: 'receivables',
    link: 'receivable_id',
    pending: sql.fragment`method IS NOT NULL`,
    columns: [
      {
        column: 'method',
        holds: 'how it was paid, as the ERP wrote it (a slug, but an account number fits in one)',
        erased: 'set to NULL; amount, dates and the payment id stay',
        set: NULL,
      },
    ],
  },
  {
    table: 'psp_payments',
    parent: 'receivables',
    link: 'receivable_id',
    pending: sql.fragment`checkout_url IS NOT NULL`,
    columns: [
      {
        column: 'checkout_url',
        holds: "the PSP's checkout page of this payment",
        erased: 'set to NULL',
        set: NULL,
      },
    ],
  },
  {
    table: 'replies',
    key: 'id',
    pending: sql.fragment`erased_at IS NULL`,
    marks: [erasedMark],
    // Erased before the debtor row (below), which the first half finds them by.
    ofDebtor: (rows) => sql.fragment`(debtor_ref IN (SELECT d.id FROM debtors d
        WHERE d.corporation = replies.corporation AND d.debtor_id = ${rows.debtorId})
      OR message_id IN (SELECT m.id FROM messages m WHERE m.receivable_id = ANY(${ids(rows)})))`,
    retention: { kind: 'messages', since: 'received_at' },
    columns: [
      {
        column: 'sender',
        holds: 'the phone number or email address a reply came from',
        erased: 'NULL',
        set: NULL,
      },
      {
        column: 'text',
        holds: 'what the debtor wrote (an SMS, or the new text of an email reply)',
        erased: 'NULL; class, action, channel and time stay',
        set: NULL,
      },
    ],
  },
  {
    table: 'debtors',
    key: 'id',
    pending: sql.fragment`TRUE`,
    deletes: true,
    ofDebtor: (rows) => sql.fragment`debtor_id = ${rows.debtorId}`,
    retention: {
      kind: 'dossiers',
      since: 'updated_at',
      // Kept while any receivable of the debtor still holds the debtor's data; goes with the last of them.
      only: sql.fragment`NOT EXISTS (SELECT 1 FROM receivables r
        WHERE r.debtor_ref = debtors.id AND (r.erased_at IS NULL OR r.status IN ('open', 'paused')))`,
    },
    columns: [
      { column: 'debtor_id', holds: "the ERP's id of the debtor", erased: 'row deleted' },
      {
        column: 'contact',
        holds: 'the current name, salutation, email, phone, postal address, locale and channel preference',
        erased: 'row deleted',
      },
      {
        column: 'household_id',
        holds: "the ERP's household id, or the postcode and house number",
        erased: 'row deleted',
      },
      { column: 'opt_outs', holds: 'the channel types the debtor refused', erased: 'row deleted' },
      {
        column: 'statuses',
        holds: 'deceased, debt assistance, disputes (dates, notes)',
        erased: 'row deleted',
      },
    ],
  },
  {
    table: 'messages',
    key: 'id',
    pending: sql.fragment`purged_at IS NULL`,
    marks: [sql.fragment`purged_at = coalesce(purged_at, now())`],
    ofDebtor: (rows) => sql.fragment`receivable_id = ANY(${ids(rows)})`,
    retention: {
      kind: 'messages',
      since: 'created_at',
      // A send in progress keeps its content (it may be handed over again), and so does a letter whose
      // print batch has not been uploaded yet.
      only: sql.fragment`status <> 'sending' AND NOT EXISTS (
        SELECT 1 FROM print_letters l JOIN print_batches b ON b.id = l.batch_id
        WHERE l.message_id = messages.id AND b.status <> 'uploaded')`,
    },
    columns: [
      {
        column: 'recipient',
        holds: 'email address, phone number or postal address',
        erased: 'NULL',
        set: NULL,
      },
      { column: 'subject', holds: 'the subject line, which may name the debtor', erased: 'NULL', set: NULL },
      {
        column: 'household_id',
        holds: "the ERP's household id, or the postcode and house number (for the contact budget)",
        erased: 'NULL',
        set: NULL,
      },
      {
        column: 'content',
        holds: 'the rendered message: name, salutation, address, amounts, links',
        erased: 'NULL',
        set: NULL,
      },
    ],
  },
  {
    table: 'message_parts',
    parent: 'messages',
    link: 'message_id',
    pending: sql.fragment`TRUE`,
    deletes: true,
    columns: [
      {
        column: 'body',
        holds: 'the exact bytes sent: the email, the SMS text, the TwiML, the letter PDF',
        erased: 'row deleted',
      },
      { column: 'sha256', holds: 'the hash of those bytes', erased: 'row deleted' },
      {
        column: 'views',
        holds: "the size and hash of an email's HTML and text, read out of its bytes",
        erased: 'row deleted',
      },
    ],
  },
  {
    table: 'message_status_history',
    parent: 'messages',
    link: 'message_id',
    pending: sql.fragment`detail IS NOT NULL`,
    columns: [
      {
        column: 'detail',
        holds: "the provider's report (a bounce names the address)",
        erased: 'NULL; the statuses and their times stay',
        set: NULL,
      },
    ],
  },
  {
    table: 'event_rows',
    // By the row's place: no index has seq alone (migration 037 made the feed's order the key), and a
    // match by seq read the whole table for every batch. The rows picked are locked by retention's FOR
    // UPDATE; a row another statement changed meanwhile has moved and is left to that statement.
    key: 'ctid',
    pending: sql.fragment`personal`,
    marks: [sql.fragment`personal = false`],
    // A debtor's own events (debtor.updated, debtor.status-changed) name it by its id, not a receivable.
    ofDebtor: (rows) => sql.fragment`(receivable_id = ANY(${ids(rows)})
      OR (receivable_id IS NULL AND type LIKE 'debtor.%' AND data->>'debtorId' = ${rows.debtorId}))`,
    retention: { kind: 'events', since: 'at' },
    columns: [
      {
        column: 'data',
        holds: 'new contact data, a meter address, free-text reasons and notes, a debtor id',
        erased: 'everything but the facts of EVENT_FACTS removed',
        set: eventFactsOnly,
      },
    ],
  },
  {
    table: 'dead_letters',
    key: 'id',
    pending: sql.fragment`TRUE`,
    deletes: true,
    // By the receivable's externalId; a dead letter whose receivable was never stored names no stored
    // receivable of the debtor and goes with event retention.
    ofDebtor: (rows) => sql.fragment`external_id = ANY(${sql.array(rows.externalIds, 'text')})`,
    retention: { kind: 'events', since: 'dead_at' },
    columns: [
      {
        column: 'payload',
        holds: 'the message as it was published: the receivable as posted, with the debtor',
        erased: 'row deleted',
      },
    ],
  },
  {
    table: 'contact_updates',
    key: 'id',
    pending: sql.fragment`erased_at IS NULL`,
    marks: [erasedMark],
    ofDebtor: (rows) => sql.fragment`(receivable_id = ANY(${ids(rows)}) OR debtor_id = ${rows.debtorId})`,
    retention: { kind: 'forms', since: 'submitted_at' },
    columns: [
      { column: 'debtor_id', holds: "the ERP's id of the debtor", erased: 'NULL', set: NULL },
      { column: 'email', holds: 'the email address the tenant entered', erased: 'NULL', set: NULL },
      { column: 'phone', holds: 'the mobile number the tenant entered', erased: 'NULL', set: NULL },
    ],
  },
  {
    table: 'meter_readings',
    key: 'id',
    pending: sql.fragment`erased_at IS NULL`,
    marks: [erasedMark],
    ofDebtor: (rows) => sql.fragment`receivable_id = ANY(${ids(rows)})`,
    retention: { kind: 'forms', since: 'submitted_at' },
    columns: [
      {
        column: 'address',
        holds: "the dwelling's address",
        erased: 'NULL; meter, reading and date stay (the meter history of the dwelling)',
        set: NULL,
      },
    ],
  },
  {
    table: 'idempotency_keys',
    key: 'key',
    pending: sql.fragment`TRUE`,
    deletes: true,
    // A stored answer names the receivable it was about. Answers are kept as their exact text (a JSON
    // string); older rows hold the JSON itself.
    ofDebtor: (rows) => sql.fragment`EXISTS (SELECT 1 FROM unnest(${sql.array(rows.externalIds, 'text')}) x
      WHERE position('"' || x || '"' in CASE WHEN jsonb_typeof(idempotency_keys.response) = 'string'
        THEN idempotency_keys.response #>> '{}' ELSE idempotency_keys.response::text END) > 0)`,
    retention: { elsewhere: 'deleted 24 hours after the request (runtime/api/idempotency.ts)' },
    columns: [
      { column: 'key', holds: "the ERP's Idempotency-Key, free text", erased: 'row deleted' },
      { column: 'request_hash', holds: 'a hash of the request body', erased: 'row deleted' },
      { column: 'response', holds: 'the stored answer', erased: 'row deleted' },
    ],
  },
  {
    table: 'console_notes',
    key: 'id',
    pending: sql.fragment`TRUE`,
    deletes: true,
    ofDebtor: (rows) => sql.fragment`debtor_ref IN (SELECT d.id FROM debtors d
      WHERE d.corporation = console_notes.corporation AND d.debtor_id = ${rows.debtorId})`,
    retention: { kind: 'dossiers', since: 'created_at' },
    columns: [
      { column: 'body', holds: "a staff member's note about the debtor (free text)", erased: 'row deleted' },
      { column: 'debtor_ref', holds: 'which debtor the note is about', erased: 'row deleted' },
    ],
  },
  {
    table: 'console_audit',
    key: 'id',
    pending: sql.fragment`(debtor_id IS NOT NULL OR debtor_ref IS NOT NULL OR detail <> '{}'::jsonb)`,
    ofDebtor: (rows) => sql.fragment`debtor_id = ${rows.debtorId}`,
    retention: { kind: 'dossiers', since: 'at' },
    columns: [
      {
        column: 'debtor_id',
        holds: "the ERP's id of the debtor whose page was viewed or changed",
        erased: 'NULL',
        set: NULL,
      },
      { column: 'debtor_ref', holds: 'the debtor row viewed or changed', erased: 'NULL', set: NULL },
      {
        column: 'detail',
        holds: 'what was done (counts, a message id, the action refused)',
        erased: "'{}'; who, when, the role and the action stay",
        set: sql.fragment`'{}'::jsonb`,
      },
    ],
  },
];

export const isRoot = (t: RootTable | ChildTable): t is RootTable => 'key' in t;

/** Root tables, each with the child tables erased along with it. */
export const ROOT_TABLES: readonly { root: RootTable; children: ChildTable[] }[] = PERSONAL_DATA.filter(
  isRoot,
).map((root) => ({
  root,
  children: PERSONAL_DATA.filter((t): t is ChildTable => !isRoot(t) && t.parent === root.table),
}));

/** Every registered column as `table.column`. */
export const personalColumns = (): { table: string; column: string; erased: string }[] =>
  PERSONAL_DATA.flatMap((t) =>
    t.columns.map((c) => ({ table: t.table, column: c.column, erased: c.erased })),
  );
