// From a Corporation's spec.contactPolicy (durations as text, as written in YAML) to the ContactPolicy
// decideContact works with (milliseconds). Windows are rolling elapsed time: '2d' is 48 hours.
import { parseFlowDuration } from '../calendar/index.js';
import type { CorporationContactPolicy } from '../resources/types.generated.js';
import {
  CONTACT_CLASSES,
  type ContactClass,
  type ContactPolicy,
  type ContactScopePolicy,
} from './decide-contact.js';

/** Corporation spec.contactPolicy, as written (crds/corporation.yaml). */
export type ContactPolicySpec = CorporationContactPolicy;
export type ContactLimitSpec = NonNullable<ContactPolicySpec['debtor']>;

/** A duration of days, hours and minutes as milliseconds; business days have no place in a rolling window. */
export function rollingMs(text: string): number {
  const d = parseFlowDuration(text);
  if (d.businessDays) throw new TypeError(`Invalid window "${text}": use d, h or m, not business days`);
  return (((d.days ?? 0) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000;
}

function scopeOf(spec: ContactLimitSpec | undefined): ContactScopePolicy | undefined {
  if (!spec) return undefined;
  const limits = [
    ...(spec.max !== undefined && spec.window ? [{ max: spec.max, windowMs: rollingMs(spec.window) }] : []),
    ...(spec.channels ?? []).map((c) => ({ max: c.max, windowMs: rollingMs(c.window), channelType: c.type })),
  ];
  const minGapMs = spec.minGap ? rollingMs(spec.minGap) : 0;
  if (limits.length === 0 && minGapMs === 0) return undefined;
  return { limits, ...(minGapMs > 0 ? { minGapMs } : {}) };
}

/** The policy decideContact applies, or undefined when the spec limits nothing. */
export function contactPolicyOf(spec: ContactPolicySpec | undefined): ContactPolicy | undefined {
  if (!spec) return undefined;
  const debtor = scopeOf(spec.debtor);
  const household = scopeOf(spec.household);
  if (!debtor && !household) return undefined;
  const listed = (spec.priorities ?? []).filter((c): c is ContactClass =>
    (CONTACT_CLASSES as readonly string[]).includes(c),
  );
  return {
    ...(debtor ? { debtor } : {}),
    ...(household ? { household } : {}),
    priorities: listed.length > 0 ? listed : [...CONTACT_CLASSES],
  };
}

/** The longest window or gap of a policy: how far back the history must reach. */
export function lookbackMs(policy: ContactPolicy): number {
  return Math.max(
    0,
    ...[policy.debtor, policy.household].flatMap((s) =>
      s ? [...s.limits.map((l) => l.windowMs), s.minGapMs ?? 0] : [],
    ),
  );
}
