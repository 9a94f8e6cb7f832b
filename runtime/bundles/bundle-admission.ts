// What a runtime checks before it loads a corporation's bundle, whatever the operator checked before it:
// the bundle stays inside its corporation. Its names are Kubernetes names (they become Secret variables
// and file paths), its resources come from its own namespace or its base, its base is not another
// corporation, and it claims no payment host or ERP API key that another loaded corporation holds. The
// corporation that holds one keeps it; the later bundle is refused (bundle-store.ts).
import type { ConfigBundle } from '../../core/bundle/types.js';
import { isDnsLabel, isDnsSubdomain } from '../../core/resources/names.js';

export type RefusalReason =
  | 'invalid-name'
  | 'foreign-source'
  | 'base-is-corporation'
  | 'payment-host'
  | 'api-key';

export interface Refusal {
  reason: RefusalReason;
  /** What is wrong, for the log (no key, no personal data). */
  detail: string;
  /** The loaded corporation that holds what this bundle claims. */
  holder?: string;
}

/** The street as loaded: who holds which host and key hash, and which corporations there are. */
export interface LoadedClaims {
  corporationForHost(host: string): string | undefined;
  corporationForKeyHash(hash: string): string | undefined;
  has(corporation: string): boolean;
}

function nameProblem(bundle: ConfigBundle): string | undefined {
  const c = bundle.corporation;
  if (!isDnsLabel(c.id)) return `corporation id "${c.id.slice(0, 100)}" is not a namespace`;
  if (!isDnsLabel(c.base)) return `base "${c.base.slice(0, 100)}" is not a namespace`;
  for (const source of bundle.sources) {
    if (!isDnsLabel(source.namespace) || !isDnsSubdomain(source.name)) {
      return `${source.kind} ${source.namespace}/${source.name}`.slice(0, 200) + ' is not a Kubernetes name';
    }
  }
  for (const channel of Object.values(bundle.channels)) {
    const secret = channel.spec.credentialsSecretRef?.name;
    if (!isDnsLabel(channel.source.namespace) || (secret !== undefined && !isDnsSubdomain(secret))) {
      return `Channel ${channel.name.slice(0, 100)} names Secret "${String(secret).slice(0, 100)}", which is not a Kubernetes name`;
    }
  }
  return undefined;
}

export function refusalOf(bundle: ConfigBundle, loaded: LoadedClaims): Refusal | undefined {
  const c = bundle.corporation;
  const problem = nameProblem(bundle);
  if (problem) return { reason: 'invalid-name', detail: problem };
  if (c.base === c.id || loaded.has(c.base)) {
    return {
      reason: 'base-is-corporation',
      detail: `base "${c.base}" is a corporation's namespace`,
      holder: c.base,
    };
  }
  const own = new Set([c.id, c.base]);
  const foreign = [...bundle.sources, ...Object.values(bundle.channels).map((ch) => ch.source)].find(
    (s) => !own.has(s.namespace),
  );
  if (foreign) {
    return {
      reason: 'foreign-source',
      detail: `${foreign.kind} ${foreign.namespace}/${foreign.name} is neither the corporation's nor its base's`,
    };
  }
  const hostHolder = c.paymentHost ? loaded.corporationForHost(c.paymentHost) : undefined;
  if (hostHolder && hostHolder !== c.id) {
    return {
      reason: 'payment-host',
      detail: `paymentHost "${c.paymentHost}" is held by ${hostHolder}`,
      holder: hostHolder,
    };
  }
  for (const hash of bundle.apiKeyHashes) {
    const keyHolder = loaded.corporationForKeyHash(hash);
    if (keyHolder && keyHolder !== c.id) {
      return { reason: 'api-key', detail: `its ERP API key is held by ${keyHolder}`, holder: keyHolder };
    }
  }
  return undefined;
}
