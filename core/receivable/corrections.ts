// Corrections: the ERP re-posts a receivable it posted before (docs/adr/0007, "Corrections"). Pure: which
// fields changed, and whether the re-post is newer than what is stored. The ingress (a clear `stale`
// answer) and intake (the correction itself, or `receivable.correction-ignored`) both decide with these.
import type { ReceivableInput } from './schema.js';

/** What decides the order of two versions of one receivable: the ERP's `version`, else `updatedAt`. */
export interface VersionMark {
  version?: number | null | undefined;
  updatedAt?: string | null | undefined;
}

/** Fields that only say which version this is: a re-post differing in them alone changes nothing. */
const MARKS: ReadonlySet<string> = new Set(['version', 'updatedAt']);

/** JSON with object keys sorted at every level: equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The names of the fields a re-post changes, sorted: top-level fields by name, the debtor's as
 * `debtor.<field>`. Empty: the same receivable (a no-op), whatever its version marks say.
 */
export function changedFields(stored: ReceivableInput, posted: ReceivableInput): string[] {
  const changed = new Set<string>();
  const before = stored as unknown as Record<string, unknown>;
  const after = posted as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (MARKS.has(key) || canonicalJson(before[key]) === canonicalJson(after[key])) continue;
    if (key !== 'debtor') {
      changed.add(key);
      continue;
    }
    const d0 = (before.debtor ?? {}) as Record<string, unknown>;
    const d1 = (after.debtor ?? {}) as Record<string, unknown>;
    for (const k of new Set([...Object.keys(d0), ...Object.keys(d1)])) {
      if (canonicalJson(d0[k]) !== canonicalJson(d1[k])) changed.add(`debtor.${k}`);
    }
  }
  return [...changed].sort();
}

/**
 * Whether a changed re-post is newer than what is stored: by `version` when both have one, else by
 * `updatedAt` when both have one (a later time is newer), else it is (without marks any change is newer).
 */
export function isNewer(posted: VersionMark, stored: VersionMark): boolean {
  if (posted.version != null && stored.version != null) return posted.version > stored.version;
  if (posted.updatedAt && stored.updatedAt)
    return Date.parse(posted.updatedAt) > Date.parse(stored.updatedAt);
  return true;
}

/** The open balance a receivable was posted with (the ERP's view, before payments reported here). */
export const postedBalance = (r: Pick<ReceivableInput, 'amount' | 'balance'>) => r.balance ?? r.amount;

/** The timeline sentence of an applied correction: field names only, never the values. */
export function correctionSentence(fields: readonly string[], mark: VersionMark): string {
  const which = mark.version != null ? ` (version ${mark.version})` : '';
  return `Receivable corrected by the ERP${which}: ${fields.join(', ')} changed`;
}
