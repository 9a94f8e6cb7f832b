// A corporation overlays one base namespace: the shared library, a namespace without a Corporation. A
// namespace that holds a Corporation is never a base, neither through spec.base nor through a Flow's
// extends.namespace: otherwise one corporation would inherit another's Channels, their credentials and
// DKIM key, its templates and flows. A namespace whose only Corporation is the street defaults
// (spec.defaults true, street-defaults.ts) is a base.
import { type Resource, resourceId } from '../../core/resources/kinds.js';
import type { Diagnostics } from './diagnostics.js';
import type { ResourceIndex } from './resource-index.js';
import { isStreetDefaults } from './street-defaults.js';

export const DEFAULT_BASE = 'outputstraat-base';

export class BaseNamespaces {
  /** The Corporation of each namespace that has one. */
  private readonly corporations = new Map<string, Resource<'Corporation'>>();

  constructor(index: ResourceIndex) {
    for (const c of index.list('Corporation')) {
      // Street defaults are not a tenant: their namespace stays a base.
      if (isStreetDefaults(c)) continue;
      if (!this.corporations.has(c.metadata.namespace)) this.corporations.set(c.metadata.namespace, c);
    }
  }

  /** Whether `namespace` may be inherited from by resources in `from`: its own, or one without a Corporation. */
  mayInherit(from: string, namespace: string): boolean {
    return namespace === from || !this.corporations.has(namespace);
  }

  /**
   * The base namespace a corporation overlays, or undefined when spec.base names a corporation's
   * namespace (reported on the Corporation, naming the other one; it then inherits nothing).
   */
  baseOf(corp: Resource<'Corporation'>, diagnostics: Diagnostics): string | undefined {
    const base = corp.spec.base ?? DEFAULT_BASE;
    const holder = this.corporations.get(base);
    if (!holder) return base;
    diagnostics.add(corp, 'spec.base', 'OST_ERR_NOT_A_BASE', ['spec.base', base, resourceId(holder)]);
    return undefined;
  }

  /** Reports a Flow whose extends.namespace is another corporation's namespace; true when it may resolve. */
  checkExtends(flow: Resource<'Flow'>, diagnostics: Diagnostics): boolean {
    const target = flow.spec.extends?.namespace;
    if (target === undefined || this.mayInherit(flow.metadata.namespace, target)) return true;
    diagnostics.add(flow, 'spec.extends.namespace', 'OST_ERR_NOT_A_BASE', [
      'spec.extends.namespace',
      target,
      resourceId(this.corporations.get(target)!),
    ]);
    return false;
  }
}
