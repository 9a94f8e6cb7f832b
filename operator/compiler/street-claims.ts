// What belongs to one corporation of the street: its payment host (pages and links are routed by it), its
// ERP API key (requests are routed by its hash) and its sender domains (mail is sent and DKIM-signed in
// their name). When two corporations claim the same, the first claimant keeps it and every later one is
// refused with OST_ERR_CLAIMED on its Corporation, naming the first. "First", deterministically:
//   1. the corporation whose live bundle already holds the claim (so an older Corporation cannot take a
//      host, key or domain from a younger one that has it by editing its spec);
//   2. the Corporation created first (metadata.creationTimestamp);
//   3. the lower namespace/name.
// A refused corporation's new bundle is not built; its live bundle, if any, stays as it was. The runtime
// refuses a bundle that collides with one it has loaded, too (runtime/bundles/bundle-store.ts).
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type Resource, resourceId } from '../../core/resources/kinds.js';
import { overlaps } from './check-sender-domains.js';
import type { Diagnostics } from './diagnostics.js';
import { tenantSpec } from './street-defaults.js';

/** What a corporation's live bundle holds, by corporation (namespace). */
export type HeldClaims = Map<
  string,
  { paymentHost?: string; apiKeyHashes: string[]; senderDomains: string[] }
>;

export function heldBy(bundles: Iterable<ConfigBundle>): HeldClaims {
  const held: HeldClaims = new Map();
  for (const b of bundles) {
    held.set(b.corporation.id, {
      ...(b.corporation.paymentHost ? { paymentHost: b.corporation.paymentHost } : {}),
      apiKeyHashes: b.apiKeyHashes,
      senderDomains: b.corporation.senderDomains ?? [],
    });
  }
  return held;
}

export interface Claimant {
  corporation: Resource<'Corporation'>;
  /** SHA-256 of the ERP API key, when the Secret could be read. */
  apiKeyHash?: string;
}

type ClaimKind = 'paymentHost' | 'apiKey' | 'senderDomain';

interface Claim {
  kind: ClaimKind;
  value: string;
  field: string;
  /** How the claim is named in a message (never the API key itself). */
  shown: string;
  owner: Claimant;
}

function claimsOf(c: Claimant): Claim[] {
  const spec = c.corporation.spec;
  const out: Claim[] = [];
  if (spec.paymentHost) {
    out.push({
      kind: 'paymentHost',
      value: spec.paymentHost,
      field: 'spec.paymentHost',
      shown: `paymentHost "${spec.paymentHost}"`,
      owner: c,
    });
  }
  if (c.apiKeyHash) {
    const ref = tenantSpec(c.corporation).ingress.apiKeySecretRef;
    out.push({
      kind: 'apiKey',
      value: c.apiKeyHash,
      field: 'spec.ingress.apiKeySecretRef',
      shown: `the ERP API key in Secret ${ref.name} (key ${ref.key ?? 'api-key'})`,
      owner: c,
    });
  }
  (spec.senderDomains ?? []).forEach((domain, i) => {
    out.push({
      kind: 'senderDomain',
      value: domain,
      field: `spec.senderDomains[${i}]`,
      shown: `sender domain "${domain}"`,
      owner: c,
    });
  });
  return out;
}

const conflict = (a: Claim, b: Claim) =>
  a.kind === b.kind && (a.kind === 'senderDomain' ? overlaps(a.value, b.value) : a.value === b.value);

function holds(held: HeldClaims | undefined, claim: Claim): boolean {
  const h = held?.get(claim.owner.corporation.metadata.namespace);
  if (!h) return false;
  if (claim.kind === 'paymentHost') return h.paymentHost === claim.value;
  if (claim.kind === 'apiKey') return h.apiKeyHashes.includes(claim.value);
  return h.senderDomains.includes(claim.value);
}

const created = (c: Claim) => {
  const t = Date.parse(c.owner.corporation.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};
const nameOf = (c: Claim) => `${c.owner.corporation.metadata.namespace}/${c.owner.corporation.metadata.name}`;

/** Negative when claim `a` came first. */
function firstClaimant(a: Claim, b: Claim, held: HeldClaims | undefined): number {
  const holding = Number(holds(held, b)) - Number(holds(held, a));
  if (holding !== 0) return holding;
  const age = created(a) - created(b);
  if (age !== 0 && !Number.isNaN(age)) return age;
  return nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;
}

const ADVICE: Record<ClaimKind, string> = {
  paymentHost: 'choose another payment host',
  apiKey: 'give this corporation an API key of its own (a new random key in its Secret)',
  senderDomain: 'declare only domains this corporation owns and no other corporation of the street declares',
};

/** Reports every claim a later claimant makes on what a first claimant has, on the later Corporation. */
export function checkClaims(
  claimants: Claimant[],
  held: HeldClaims | undefined,
  diagnostics: Diagnostics,
): void {
  const claims = claimants.flatMap(claimsOf);
  for (const claim of claims) {
    const first = claims
      .filter((other) => other.owner !== claim.owner && conflict(claim, other))
      .filter((other) => firstClaimant(other, claim, held) < 0)
      .sort((x, y) => firstClaimant(x, y, held))[0];
    if (!first) continue;
    const what = first.value === claim.value ? claim.shown : `${claim.shown} (overlapping "${first.value}")`;
    diagnostics.add(claim.owner.corporation, claim.field, 'OST_ERR_CLAIMED', [
      what,
      resourceId(first.owner.corporation),
      ADVICE[claim.kind],
    ]);
  }
}
