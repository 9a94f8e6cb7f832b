// What agents and admins do from the debtor page. Every action is audited and written to the ERP's
// event feed: pause and resume go through the same path as PATCH /v1/receivables/{externalId}
// (applyReceivableEvent, which writes receivable.updated); a 3-term arrangement is checked against the
// corporation's limits (core/law/arrangement-plan.ts) and becomes the same monitored plan as an
// ERP-reported arrangement with terms (runtime/dossiers/arrangement-plans.ts), and is written as arrangement.recorded; a note and an opt-out are their own events.
import type { BundleConsole } from '../../core/bundle/types.js';
import { parseLocalDate } from '../../core/calendar/index.js';
import { unsafeTextErrors } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyReceivableEvent, checkedPlan, insertEvents } from '../dossiers/index.js';

export interface ActionDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

type Form = Record<string, unknown>;
const text = (form: Form, key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');

export async function addNote(
  db: Database,
  corporation: string,
  debtor: { ref: string; id: string },
  author: { subject: string; name: string | null },
  form: Form,
) {
  const body = text(form, 'body');
  if (!body || body.length > 2000)
    throw validationError([{ field: 'body', message: 'must be 1 to 2000 characters' }]);
  const unsafe = unsafeTextErrors({ body }, ['body']);
  if (unsafe.length > 0) throw validationError(unsafe);
  await db.transaction(async (tx) => {
    await tx.query(sql.unsafe`
      INSERT INTO console_notes (corporation, debtor_ref, author, author_name, body)
      VALUES (${corporation}, ${debtor.ref}, ${author.subject}, ${author.name}, ${body})`);
    await insertEvents(tx, [
      { corporation, type: 'debtor.note-added', data: { debtorId: debtor.id, source: 'console' } },
    ]);
  });
}

const CHANNEL_TYPES = new Set(['email', 'sms', 'voice', 'letter']);

export async function optOut(
  db: Database,
  corporation: string,
  debtor: { ref: string; id: string },
  form: Form,
) {
  const channel = text(form, 'channel');
  if (!CHANNEL_TYPES.has(channel))
    throw validationError([{ field: 'channel', message: 'must be email, sms, voice or letter' }]);
  await db.transaction(async (tx) => {
    await tx.query(sql.unsafe`
      UPDATE debtors SET opt_outs = array_append(opt_outs, ${channel})
      WHERE id = ${debtor.ref} AND corporation = ${corporation} AND NOT (${channel} = ANY(opt_outs))`);
    await insertEvents(tx, [
      { corporation, type: 'debtor.opted-out', data: { debtorId: debtor.id, channel, source: 'console' } },
    ]);
  });
}

/** Pauses or resumes every open (or paused) receivable of the debtor, as the ERP's PATCH would. */
export async function pauseOrResume(
  deps: ActionDeps,
  corporation: string,
  debtorRef: string,
  status: 'paused' | 'open',
) {
  const items = await deps.db.anyFirst(sql.unsafe`
    SELECT external_id FROM receivables WHERE corporation = ${corporation} AND debtor_ref = ${debtorRef}
      AND status IN ('open', 'paused') ORDER BY external_id`);
  for (const externalId of items) {
    await applyReceivableEvent(deps, corporation, externalId as string, {
      type: 'patch',
      patch: { status, reason: status === 'paused' ? 'paused in the console' : 'resumed in the console' },
    });
  }
  return items.length;
}

/** Euros as typed ("12,50", "12.5", "12") to cents; undefined for anything else. */
export function euroCents(value: string): number | undefined {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

export async function recordArrangement(
  deps: ActionDeps,
  corporation: string,
  c: BundleConsole,
  timezone: string,
  debtor: { ref: string; id: string },
  form: Form,
): Promise<void> {
  const externalId = text(form, 'externalId');
  const r = await deps.db.maybeOne(sql.unsafe`
    SELECT id, balance_minor, status FROM receivables
    WHERE corporation = ${corporation} AND debtor_ref = ${debtor.ref} AND external_id = ${externalId}`);
  if (!r || (r.status !== 'open' && r.status !== 'paused')) {
    throw validationError([{ field: 'externalId', message: "must be one of the debtor's open items" }]);
  }
  const errors: { field: string; message: string }[] = [];
  const terms = [1, 2, 3].map((n) => {
    const dueOn = parseLocalDate(text(form, `due${n}`));
    const amountCents = euroCents(text(form, `amount${n}`));
    if (!dueOn) errors.push({ field: `due${n}`, message: 'must be a date (YYYY-MM-DD)' });
    if (amountCents === undefined)
      errors.push({ field: `amount${n}`, message: 'must be an amount in euros' });
    return { dueOn: dueOn!, amountCents: amountCents ?? 0 };
  });
  if (errors.length > 0) throw validationError(errors);
  const now = deps.now?.() ?? new Date();
  const reference = `console-${now.getTime().toString(36)}`;
  // The same plan the ERP's arrangement makes: monitored by the dossier (runtime/dossiers/arrangement-plans.ts).
  const arrangements = deps.bundles.get(corporation)?.corporation.arrangements;
  const plan = checkedPlan({ timezone, ...(arrangements ? { arrangements } : {}) }, now, {
    source: 'console',
    reference,
    terms,
    totalCents: Number(r.balance_minor),
    limits: c.arrangements,
    field: (f) =>
      f.replace(
        /^terms\[(\d)\]\.(dueOn|amountCents)$/,
        (_m, i, k) => `${k === 'dueOn' ? 'due' : 'amount'}${Number(i) + 1}`,
      ),
  });
  const asText = plan.terms;
  await applyReceivableEvent(deps, corporation, externalId, {
    type: 'patch',
    patch: {
      arrangement: { reference, endsOn: asText[2]!.dueOn },
      reason: 'arrangement recorded in the console',
    },
    plan,
  });
  await deps.db.transaction((tx) =>
    insertEvents(tx, [
      {
        corporation,
        receivableId: r.id as string,
        externalId,
        type: 'arrangement.recorded',
        data: { reference, totalCents: Number(r.balance_minor), terms: asText, source: 'console' },
      },
    ]),
  );
}
