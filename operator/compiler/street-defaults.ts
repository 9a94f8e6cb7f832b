// Street defaults (docs/adr/0007, "Street defaults"): a base namespace may hold one Corporation with
// spec.defaults true. It is not a tenant — no ingress, sender or payment host, no bundle of its own — and
// a namespace holding it is still a base. Every corporation overlaying that base gets its contactPolicy,
// field by field, where it declares none of its own.
import type { ContactPolicySpec } from '../../core/contact-budget/index.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec } from '../../core/resources/types.generated.js';

/** The street defaults of a base namespace (spec.defaults true), not a tenant. */
export const isStreetDefaults = (r: Resource): boolean =>
  r.kind === 'Corporation' && (r.spec as CorporationSpec).defaults === true;

/** A tenant's spec: the CRD's rules make sender, senderDomains and ingress required for it. */
export type TenantSpec = CorporationSpec &
  Required<Pick<CorporationSpec, 'sender' | 'senderDomains' | 'ingress'>>;

/** A tenant Corporation as checked against the CRD (its CEL rules refuse one without these fields). */
export function tenantSpec(corp: Resource<'Corporation'>): TenantSpec {
  const s = corp.spec;
  if (!s.sender || !s.senderDomains || !s.ingress) {
    throw new TypeError(`Corporation ${corp.metadata.namespace}/${corp.metadata.name} is not a tenant`);
  }
  return s as TenantSpec;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `own` over `base`, object by object; a list (channels, priorities) is taken whole. */
function overlay(base: unknown, own: unknown): unknown {
  if (own === undefined) return base;
  if (!isPlain(base) || !isPlain(own)) return own;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(own)) out[k] = overlay(base[k], v);
  return out;
}

/** The contact policy a corporation works with: its own fields over the street defaults'. */
export function effectiveContactPolicy(
  own: ContactPolicySpec | undefined,
  defaults: ContactPolicySpec | undefined,
): ContactPolicySpec | undefined {
  return overlay(defaults, own) as ContactPolicySpec | undefined;
}
