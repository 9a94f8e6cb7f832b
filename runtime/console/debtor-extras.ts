// The debtor page's statuses, timeline and their actions (docs/console.md): the statuses in full
// (deceased, debt assistance with its end, dispute, opt-outs), one timeline of the debtor's dossiers with
// the replies in it (what the flow did, what was sent, deferred or not sent and why, what the debtor
// wrote), and for agents: set or clear a status — through patchDebtor, the same code as
// PATCH /v1/debtors/{debtorId} — and "send the payment link again" (resend-link.ts).
import { type DebtorPatch, validateDebtorPatch } from '../../core/debtors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { patchDebtor } from '../dossiers/index.js';
import type { DebtorPicture } from './debtor-picture.js';
import { TASK_TEXTS } from './task-texts.js';

export interface TimelineLine {
  at: string;
  /** The dossier's item (externalId) a flow sentence belongs to; null for a reply without one. */
  externalId: string | null;
  kind: 'dossier' | 'reply';
  text: string;
  /** A reply's channel and class. */
  reply?: { channel: string; class: string };
}

const TIMELINE_LIMIT = 100;

/** The debtor's dossiers' timelines and replies, newest first. */
export async function debtorTimeline(
  db: Database,
  corporation: string,
  ref: string,
): Promise<TimelineLine[]> {
  const [sentences, replies] = await Promise.all([
    db.any(sql.unsafe`
      SELECT e->>'at' AS at, e->>'text' AS text, r.external_id FROM cases c
      JOIN receivables r ON r.id = c.receivable_id
      CROSS JOIN LATERAL jsonb_array_elements(c.timeline) e
      WHERE c.corporation = ${corporation} AND (c.debtor_ref = ${ref} OR r.debtor_ref = ${ref})
      ORDER BY (e->>'at')::timestamptz DESC LIMIT ${TIMELINE_LIMIT}`),
    db.any(sql.unsafe`
      SELECT p.received_at, p.channel, p.class, p.text, r.external_id FROM replies p
      LEFT JOIN messages m ON m.id = p.message_id LEFT JOIN receivables r ON r.id = m.receivable_id
      WHERE p.corporation = ${corporation} AND p.debtor_ref = ${ref}
      ORDER BY p.received_at DESC LIMIT ${TIMELINE_LIMIT}`),
  ]);
  const lines: TimelineLine[] = [
    ...sentences.map((s) => ({
      at: new Date(s.at as string).toISOString(),
      externalId: s.external_id as string,
      kind: 'dossier' as const,
      text: s.text as string,
    })),
    ...replies.map((p) => ({
      at: new Date(p.received_at as string).toISOString(),
      externalId: (p.external_id as string | null) ?? null,
      kind: 'reply' as const,
      text: (p.text as string | null) ?? '–',
      reply: { channel: p.channel as string, class: p.class as string },
    })),
  ];
  return lines.sort((a, b) => b.at.localeCompare(a.at)).slice(0, TIMELINE_LIMIT);
}

const STATUS_KEYS = ['deceased', 'debtAssistance', 'dispute'] as const;
const text = (form: Record<string, unknown>, key: string) =>
  typeof form[key] === 'string' ? (form[key] as string).trim() : '';

/** The console's status form as a debtor patch: set one status, or clear one status or opt-out. */
export function statusPatchOf(form: Record<string, unknown>): DebtorPatch {
  const clear = text(form, 'clear');
  if (clear) {
    if ((STATUS_KEYS as readonly string[]).includes(clear)) return { [clear]: null } as DebtorPatch;
    const optOut = /^optOut:(email|sms|voice|letter)$/.exec(clear);
    if (optOut) return { optOuts: { clear: [optOut[1]] } } as DebtorPatch;
    throw validationError([{ field: 'clear', message: 'must be a status or opt-out the debtor has' }]);
  }
  const status = text(form, 'status');
  const date = text(form, 'date');
  if (status === 'deceased') return { deceased: { date, source: 'console' } } as DebtorPatch;
  if (status === 'debtAssistance') {
    const until = text(form, 'until');
    return {
      debtAssistance: { kind: text(form, 'kind'), from: date, ...(until ? { until } : {}) },
    } as DebtorPatch;
  }
  if (status === 'dispute') {
    const note = text(form, 'note');
    return { dispute: { externalIds: [text(form, 'externalId')], ...(note ? { note } : {}) } } as DebtorPatch;
  }
  throw validationError([{ field: 'status', message: 'must be deceased, debtAssistance or dispute' }]);
}

/** Sets or clears a status through the same code as PATCH /v1/debtors/{debtorId}. */
export async function changeStatus(
  deps: { db: Database; bundles: BundleStore; now?: () => Date },
  corporation: string,
  debtorId: string,
  form: Record<string, unknown>,
) {
  const checked = validateDebtorPatch(statusPatchOf(form));
  if (!checked.ok) throw validationError(checked.errors);
  return patchDebtor(deps, corporation, debtorId, checked.value);
}

/** The statuses in words, for the page: "Schuldhulpverlening (wsnp) sinds 2026-11-01 tot 2027-05-01". */
export function statusLines(lang: 'nl' | 'en', d: Pick<DebtorPicture, 'statuses'>): string[] {
  const t = TASK_TEXTS[lang];
  const s = d.statuses as {
    deceased?: { date: string };
    debtAssistance?: { kind: string; from: string; until?: string };
    dispute?: { externalIds: string[]; note?: string };
  };
  const lines: string[] = [];
  if (s.deceased) lines.push(`${t.deceased} (${s.deceased.date})`);
  if (s.debtAssistance) {
    const a = s.debtAssistance;
    lines.push(
      `${t.debtAssistance} (${a.kind}) ${t.since} ${a.from}${a.until ? ` ${t.until} ${a.until}` : ''}`,
    );
  }
  if (s.dispute) {
    lines.push(
      `${t.dispute}: ${s.dispute.externalIds.join(', ')}${s.dispute.note ? ` – ${s.dispute.note}` : ''}`,
    );
  }
  return lines;
}
