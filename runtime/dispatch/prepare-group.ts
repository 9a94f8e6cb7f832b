// Step 1 for the sends that arrived together (dispatch-message.ts has the order and the invariants), in
// one transaction and a fixed number of statements however many there are: the debtors FOR SHARE (in id
// order), the cases and their receivables FOR UPDATE (in case id order), the steps FOR UPDATE (in id
// order) — ADR 0007's lock order, per lock class — then the dossiers' items, the links (read, and the
// missing ones made), the steps taken, the messages recorded with their exact content, and their bytes
// archived by the channel's adapter (ChannelAdapter.archiveGroup), so the message and its archive commit
// together. A dispatcher that runs one message at a time pays each of those as a round trip per message;
// a group pays them once.
// Only the plain send goes this way: a first attempt of a send to a debtor over a channel whose adapter
// archives in groups, of a corporation without a contact budget, whose case is active, whose receivable
// is open, whose debtor neither holds nor refuses it, outside quiet hours, that renders. Every other work
// of the group — an alert, a resend, a paused or ended case, a gate, quiet hours, a budget, a render
// error, a step another dispatcher holds or that is stale — is left untouched here (the rows locked, not
// changed) and returned in `single`: prepareSend runs it one by one and records why it does not go.
import { channelQuietUntil, withholdReason } from '../../core/cases/index.js';
import { contactPolicyOf } from '../../core/contact-budget/index.js';
import { sendRefusal } from '../../core/debtors/index.js';
import { sql } from '../../platform/db/index.js';
import {
  bundleForCase,
  type CaseRow,
  type CaseSubject,
  dossierItems,
  linksForTemplates,
  type ReceivableRow,
  receivableRowOf,
  type StepRow,
  subjectOf,
  type Tx,
} from '../dossiers/index.js';
import { composeInput, composeStep, templateOf } from './compose-step.js';
import type { DispatchDeps, DispatchWork, Prepared, SendEffect } from './dispatch-types.js';
import { type NewMessage, recordNewMessages } from './record-message.js';

export interface PreparedGroup {
  /** Recorded and archived: ready for the provider. */
  prepared: { work: DispatchWork; prepared: Prepared }[];
  /** For prepareSend, one by one. */
  single: DispatchWork[];
}

interface Locked {
  debtors: Map<string, { statuses: unknown; optOuts: string[] }>;
  cases: Map<string, { c: CaseRow; r: ReceivableRow }>;
  steps: Map<string, StepRow & { status: string; free: boolean }>;
}

const uuids = (ids: Iterable<string>) => sql.array([...new Set(ids)].sort(), 'uuid');

/** The group's rows, locked in ADR 0007's order: debtors, then cases with their receivables, then steps. */
async function lockGroup(tx: Tx, works: readonly DispatchWork[], leaseMs: number): Promise<Locked> {
  const caseIds = uuids(works.map((w) => w.caseId));
  const debtorRows = await tx.any(sql.unsafe`
    SELECT c.id AS case_id, d.statuses, d.opt_outs FROM cases c
      JOIN receivables r ON r.id = c.receivable_id JOIN debtors d ON d.id = coalesce(c.debtor_ref, r.debtor_ref)
    WHERE c.id = ANY(${caseIds}) ORDER BY d.id FOR SHARE OF d`);
  const caseRows = await tx.any(sql.unsafe`
    SELECT c.id, c.receivable_id, c.corporation, c.flow, c.flow_revision, c.bundle_revision, c.classification,
      c.status, c.state, c.scope, c.debtor_ref AS case_debtor_ref, r.external_id, r.balance_minor,
      r.status AS receivable_status, r.payload, r.debtor_ref, d.contact, d.household_id
    FROM cases c JOIN receivables r ON r.id = c.receivable_id LEFT JOIN debtors d ON d.id = r.debtor_ref
    WHERE c.id = ANY(${caseIds}) ORDER BY c.id FOR UPDATE OF c, r`);
  const stepRows = await tx.any(sql.unsafe`
    SELECT s.id, s.case_id, s.corporation, s.step_id, s.kind, s.due_at, s.attempts, s.payload, s.result,
      s.status, (s.claimed_by IS NULL OR s.claimed_at < now() - make_interval(secs => ${leaseMs / 1000})) AS free
    FROM steps s WHERE s.id = ANY(${uuids(works.map((w) => w.stepRowId))}) ORDER BY s.id FOR UPDATE`);
  return {
    debtors: new Map(
      debtorRows.map((d) => [
        d.case_id as string,
        { statuses: d.statuses, optOuts: (d.opt_outs as string[] | null) ?? [] },
      ]),
    ),
    cases: new Map(
      caseRows.map((row) => {
        const c = {
          ...(row as unknown as CaseRow),
          debtor_ref: (row.case_debtor_ref as string | null) ?? null,
        };
        return [c.id, { c, r: receivableRowOf({ ...row, id: row.receivable_id }) }];
      }),
    ),
    steps: new Map(
      stepRows.map((s) => [s.id as string, s as unknown as StepRow & { status: string; free: boolean }]),
    ),
  };
}

/** Whether a work may go in a group at all, before anything is read (the rest is checked under the locks). */
function groupable(deps: DispatchDeps, work: DispatchWork): boolean {
  const bundle = deps.bundles.get(work.corporation);
  if (work.attempt !== 1 || !bundle || contactPolicyOf(bundle.corporation.contactPolicy)) return false;
  const provider = bundle.channels[work.channel]?.spec.provider;
  return provider !== undefined && hasGroupArchive(deps, provider);
}

function hasGroupArchive(deps: DispatchDeps, provider: string): boolean {
  try {
    return typeof deps.channels.adapter(provider).archiveGroup === 'function';
  } catch {
    return false;
  }
}

interface Candidate {
  work: DispatchWork;
  step: StepRow;
  c: CaseRow;
  subject: CaseSubject;
  bundle: Awaited<ReturnType<typeof bundleForCase>>;
  send: SendEffect;
}

export async function prepareGroup(
  deps: DispatchDeps,
  works: readonly DispatchWork[],
  now: Date,
): Promise<PreparedGroup> {
  const single: DispatchWork[] = [];
  const wanted: DispatchWork[] = [];
  const seen = new Set<string>();
  for (const work of works) {
    // A step named twice (a duplicate message) is prepared once; the other copy finds it stale.
    if (!seen.has(work.stepRowId) && groupable(deps, work)) wanted.push(work);
    else single.push(work);
    seen.add(work.stepRowId);
  }
  if (wanted.length === 0) return { prepared: [], single };
  // What the transaction leaves to prepareSend is its own (slonik may run it again after a deadlock).
  const done = await deps.db.transaction(async (tx) => {
    const left: DispatchWork[] = [];
    const locked = await lockGroup(tx, wanted, deps.leaseMs);
    const dossierIds = [...locked.cases.values()].filter((x) => x.c.scope === 'debtor').map((x) => x.c.id);
    const dossiers = await dossierItems(tx, dossierIds);
    const candidates: Candidate[] = [];
    for (const work of wanted) {
      const candidate = await plainSend(deps, work, locked, dossiers, now);
      if (candidate) candidates.push(candidate);
      else left.push(work);
    }
    const linkSets = await linksForTemplates(
      tx,
      deps.links,
      deps.publicUrl,
      candidates.map((x) => ({
        bundle: x.bundle,
        template: templateOf(x.step),
        receivableId: x.subject.receivable.id,
        channelType: x.bundle.channels[x.send.channel]?.spec.type,
      })),
    );
    const messages: NewMessage[] = [];
    const going: Candidate[] = [];
    candidates.forEach((x, i) => {
      const { c, subject, bundle, step } = x;
      const links = linkSets[i]!;
      let composed: ReturnType<typeof composeStep>;
      try {
        composed = composeStep(step, composeInput(bundle, c, subject, links.urls, now), subject.receivable);
      } catch {
        // prepareSend renders it again and records the failure.
        left.push(x.work);
        return;
      }
      if (composed.kind === 'skip') {
        left.push(x.work);
        return;
      }
      going.push(x);
      // Every message here is archived by its adapter below, in this transaction (archiveTogether).
      messages.push({
        ...composed,
        seal: links.seal,
        bundle,
        c,
        step,
        about: subject.receivable,
        now,
        bytesArchived: true,
      });
    });
    if (going.length === 0) return { prepared: [], left };
    // Taken for this attempt: checked under the lock above (queued, this attempt, nobody's lease).
    await tx.query(sql.unsafe`
      UPDATE steps SET claimed_by = ${deps.instanceId}, claimed_at = now()
      WHERE id = ANY(${uuids(going.map((x) => x.step.id))})`);
    const recorded = await recordNewMessages(tx, messages);
    await archiveTogether(deps, tx, recorded, messages);
    return { prepared: recorded.map((p, i) => ({ work: going[i]!.work, prepared: p })), left };
  });
  return { prepared: done.prepared, single: [...single, ...done.left] };
}

/** The plain send `work` asks for, or undefined when prepareSend must handle it. */
async function plainSend(
  deps: DispatchDeps,
  work: DispatchWork,
  locked: Locked,
  dossiers: Awaited<ReturnType<typeof dossierItems>>,
  now: Date,
): Promise<Candidate | undefined> {
  const step = locked.steps.get(work.stepRowId);
  const found = locked.cases.get(work.caseId);
  if (!step || !found || step.case_id !== work.caseId || step.kind !== 'send') return undefined;
  if (step.status !== 'queued' || step.attempts !== work.attempt || !step.free) return undefined;
  const { c, r } = found;
  const send = step.payload as unknown as SendEffect;
  if (step.payload.duringPause === true || step.payload.estate === true) return undefined;
  const bundle = await bundleForCase(deps.bundles, c);
  const channel = bundle.channels[send.channel];
  if (!channel || !hasGroupArchive(deps, channel.spec.provider)) return undefined;
  const items = c.scope === 'debtor' ? dossiers.get(c.id) : undefined;
  const subject = subjectOf(r, items?.rows ?? [], items?.statuses);
  if (withholdReason(c.status, subject.state.status, bundle.corporation.paused)) return undefined;
  const debtor = locked.debtors.get(c.id);
  if (debtor && sendRefusal(debtor.statuses as never, debtor.optOuts, channel.spec.type, now))
    return undefined;
  if (channelQuietUntil(bundle, send.channel, now)) return undefined;
  return { work, step, c, subject, bundle, send };
}

/** Each adapter makes and archives the bytes of its messages in the group's transaction. */
async function archiveTogether(
  deps: DispatchDeps,
  tx: Tx,
  recorded: Prepared[],
  messages: readonly NewMessage[],
): Promise<void> {
  const byProvider = new Map<string, number[]>();
  recorded.forEach((p, i) => {
    const list = byProvider.get(p.channel.spec.provider) ?? [];
    list.push(i);
    byProvider.set(p.channel.spec.provider, list);
  });
  for (const [provider, indexes] of byProvider) {
    const adapter = deps.channels.adapter(provider);
    const raw = await adapter.archiveGroup!(
      tx,
      indexes.map((i) => {
        const p = recorded[i]!;
        return {
          message: {
            id: p.messageId,
            bundle: p.bundle,
            channel: p.channel,
            recipient: p.recipients[0]!,
            content: p.content,
            firstSend: true,
          },
          seal: messages[i]!.seal,
        };
      }),
    );
    for (const i of indexes) {
      const bytes = raw.get(recorded[i]!.messageId);
      if (bytes) recorded[i]!.raw = bytes;
    }
  }
}
