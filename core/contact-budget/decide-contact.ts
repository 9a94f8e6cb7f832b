// The contact budget (docs/adr/0007, "Contact budget"; docs/contact-budget.md): whether a send may go
// out now, given what the debtor's household already received and which other sends are due. One pure
// function shared by the runtime's dispatcher (under the household's advisory lock) and the simulator, so
// the live street and `outputstraat test` defer the same sends to the same moments.
//
// The rules, in order:
//   - every limit of the policy that applies to the candidate (the debtor's or the household's, in total or
//     for the candidate's channel type) counts the messages of its scope in the rolling window before the
//     moment considered; the candidate fits when fewer than `max` are in it, and when none is closer than
//     `minGap` before it;
//   - a contender (another pending send of the household) ranked higher — by contact class, then the
//     earlier due time, then the id — that is due by the time the candidate could go, goes first: it is
//     placed at its own earliest moment and the candidate comes after it;
//   - the candidate goes at the earliest moment that satisfies all of that: now (allow), later (defer, on
//     the next whole minute), or, when its flow says `overBudget: skip`, not at all (skip).

export const CONTACT_CLASSES = ['legal', 'arrears', 'reminder', 'campaign'] as const;
export type ContactClass = (typeof CONTACT_CLASSES)[number];

/** At most `max` messages per rolling `windowMs`, optionally only of one channel type. */
export interface ContactLimit {
  max: number;
  windowMs: number;
  channelType?: string;
}

/** The limits of one scope: a debtor, or all debtors of a household. */
export interface ContactScopePolicy {
  limits: ContactLimit[];
  minGapMs?: number;
}

export interface ContactPolicy {
  debtor?: ContactScopePolicy;
  household?: ContactScopePolicy;
  /** Highest first; classes not listed rank after the listed ones, in CONTACT_CLASSES order. */
  priorities: ContactClass[];
}

/** A message the household received (or that is on its way): it counts against the budget. */
export interface ContactRecord {
  at: Date;
  debtor: string;
  channelType: string;
}

/** A send that wants to go out: the candidate, or another pending send of the household. */
export interface ContactSend {
  /** Stable and unique (the step row's id): the last tie-breaker. */
  id: string;
  debtor: string;
  channelType: string;
  contactClass: ContactClass;
  dueAt: Date;
}

export interface ContactCandidate extends ContactSend {
  overBudget: 'defer' | 'skip';
}

/** Why a send waits; `code` is a fixed word for metric labels, `text` the timeline's words. */
export type ContactReasonCode =
  | 'household-limit'
  | 'household-channel-limit'
  | 'household-min-gap'
  | 'debtor-limit'
  | 'debtor-channel-limit'
  | 'debtor-min-gap'
  | 'priority';

export interface ContactReason {
  code: ContactReasonCode;
  text: string;
}

export type ContactDecision =
  | { decision: 'allow' }
  | { decision: 'defer'; until: Date; reason: ContactReason }
  | { decision: 'skip'; reason: ContactReason };

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** '1 day', '2 days', '36 hours', '90 minutes': an elapsed time in the largest whole unit. */
export function spanText(ms: number): string {
  const [n, unit] =
    ms % DAY === 0
      ? [ms / DAY, 'day']
      : ms % HOUR === 0
        ? [ms / HOUR, 'hour']
        : [Math.ceil(ms / 60_000), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function rankOf(policy: ContactPolicy, c: ContactClass): number {
  const i = policy.priorities.indexOf(c);
  return i >= 0 ? i : policy.priorities.length + CONTACT_CLASSES.indexOf(c);
}

/** Negative when `a` goes before `b`: class, then earlier due, then id. */
export function compareSends(policy: ContactPolicy, a: ContactSend, b: ContactSend): number {
  return (
    rankOf(policy, a.contactClass) - rankOf(policy, b.contactClass) ||
    a.dueAt.getTime() - b.dueAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

interface Bound {
  at: number;
  reason: ContactReason;
  /** The rule that binds, e.g. 'at most 1 message per 2 days'. */
  rule: string;
}

type Scope = 'debtor' | 'household';

function scopeWord(scope: Scope): string {
  return scope === 'debtor' ? 'the debtor' : 'the household';
}

function agoText(ms: number): string {
  if (ms < MINUTE) return 'just now';
  const [n, unit] =
    ms >= DAY
      ? [Math.floor(ms / DAY), 'day']
      : ms >= HOUR
        ? [Math.floor(ms / HOUR), 'hour']
        : [Math.floor(ms / MINUTE), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** The earliest moment ≥ `from` at which `send` fits the policy, given `records` all at or before `from`. */
function earliest(
  policy: ContactPolicy,
  records: readonly ContactRecord[],
  send: ContactSend,
  from: number,
  now: number,
): Bound | undefined {
  let best: Bound | undefined;
  const raise = (b: Bound) => {
    if (b.at > from && (!best || b.at > best.at)) best = b;
  };
  for (const scope of ['debtor', 'household'] as const) {
    const p = policy[scope];
    if (!p) continue;
    const mine = records
      .filter((r) => scope === 'household' || r.debtor === send.debtor)
      .map((r) => ({ ...r, t: r.at.getTime() }))
      .sort((a, b) => b.t - a.t);
    for (const limit of p.limits) {
      if (limit.channelType && limit.channelType !== send.channelType) continue;
      const counted = limit.channelType ? mine.filter((r) => r.channelType === limit.channelType) : mine;
      if (limit.max < 1) {
        // A limit of none: nothing of this kind ever fits.
        raise({ at: Number.POSITIVE_INFINITY, ...limitReason(scope, limit, undefined, now) });
        continue;
      }
      const pivot = counted[limit.max - 1];
      if (pivot) raise({ at: pivot.t + limit.windowMs, ...limitReason(scope, limit, counted[0]!.t, now) });
    }
    const last = mine[0];
    if (p.minGapMs && last) {
      raise({
        at: last.t + p.minGapMs,
        reason: {
          code: `${scope}-min-gap`,
          text: `${scopeWord(scope)} had a message ${agoText(now - last.t)} (at least ${spanText(p.minGapMs)} between messages)`,
        },
        rule: `at least ${spanText(p.minGapMs)} between messages`,
      });
    }
  }
  return best;
}

function limitReason(
  scope: Scope,
  limit: ContactLimit,
  lastAt: number | undefined,
  now: number,
): { reason: ContactReason; rule: string } {
  const kind = limit.channelType ? `${limit.channelType} message` : 'message';
  const rule = `at most ${limit.max} ${kind}${limit.max === 1 ? '' : 's'} per ${spanText(limit.windowMs)}`;
  const code: ContactReasonCode = limit.channelType ? `${scope}-channel-limit` : `${scope}-limit`;
  const had = lastAt === undefined ? 'may get none' : `had a ${kind} ${agoText(now - lastAt)}`;
  return { reason: { code, text: `${scopeWord(scope)} ${had} (${rule})` }, rule };
}

/** Whether a message `other` counts against a limit that applies to `send`. */
function shares(policy: ContactPolicy, other: { debtor: string; channelType: string }, send: ContactSend) {
  const applies = (p: ContactScopePolicy | undefined) =>
    !!p &&
    ((p.minGapMs ?? 0) > 0 ||
      p.limits.some(
        (l) => !l.channelType || (l.channelType === send.channelType && l.channelType === other.channelType),
      ));
  return applies(policy.household) || (other.debtor === send.debtor && applies(policy.debtor));
}

/**
 * Whether `candidate` may go out at `now`. `history`: the household's messages of the longest window
 * (any debtor of it; the debtor's own when it has no household). `contenders`: the household's other
 * pending sends (the candidate itself is ignored if present).
 */
export function decideContact(
  policy: ContactPolicy,
  history: readonly ContactRecord[],
  contenders: readonly ContactSend[],
  candidate: ContactCandidate,
  now: Date,
): ContactDecision {
  const nowMs = now.getTime();
  const ahead = contenders
    .filter(
      (c) => c.id !== candidate.id && compareSends(policy, c, candidate) < 0 && shares(policy, c, candidate),
    )
    .sort((a, b) => compareSends(policy, a, b));
  const placed: ContactRecord[] = [];
  const placedIds = new Set<string>();
  let from = nowMs;
  // A moment later than now is taken on the next whole minute: the moment the timeline names is the
  // moment it goes, a message counted a few milliseconds after the decision that placed it has left the
  // window by then, and replicas deciding a few milliseconds apart reach the same moments.
  const up = (t: number) => (t > nowMs && Number.isFinite(t) ? Math.ceil(t / MINUTE) * MINUTE : t);
  let bound = earliest(policy, history, candidate, from, nowMs);
  let at = up(bound?.at ?? from);
  let first: ContactSend | undefined;
  // Place the higher-ranked contenders that are due by the candidate's moment, in rank order; each one
  // placed can push the candidate later and bring more of them in, so start over until nothing changes.
  for (let changed = true; changed && Number.isFinite(at); ) {
    changed = false;
    for (const c of ahead) {
      if (placedIds.has(c.id) || c.dueAt.getTime() > at) continue;
      const cFrom = Math.max(nowMs, c.dueAt.getTime(), ...placed.map((p) => p.at.getTime()));
      const cAt = up(earliest(policy, [...history, ...placed], c, cFrom, nowMs)?.at ?? cFrom);
      if (!Number.isFinite(cAt) || cAt > at) continue; // it cannot go before the candidate could
      placed.push({ at: new Date(cAt), debtor: c.debtor, channelType: c.channelType });
      placedIds.add(c.id);
      from = Math.max(from, cAt);
      bound = earliest(policy, [...history, ...placed], candidate, from, nowMs);
      const next = up(bound?.at ?? from);
      if (next > at) {
        first = c;
        at = next;
        changed = true;
        break;
      }
    }
  }
  if (at <= nowMs) return { decision: 'allow' };
  const reason: ContactReason = first
    ? {
        code: 'priority',
        text: `${/^[aeiou]/.test(first.contactClass) ? 'an' : 'a'} ${first.contactClass} message of the household goes first${bound ? ` (${bound.rule})` : ''}`,
      }
    : bound!.reason;
  if (candidate.overBudget === 'skip' || !Number.isFinite(at)) return { decision: 'skip', reason };
  return { decision: 'defer', until: new Date(at), reason };
}
