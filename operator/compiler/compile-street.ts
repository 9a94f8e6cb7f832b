// The pure compiler: resources in, one config bundle per corporation out, plus every finding attached
// to the resource that caused it. Shared by the CLI, the directory source and the Kubernetes operator.

import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { compileExpression } from '../../core/cel/index.js';
import type { OutputstraatError } from '../../core/errors/index.js';
import { type Resource, resourceId } from '../../core/resources/kinds.js';
import { isDnsLabel, isDnsSubdomain, NAME_RULES } from '../../core/resources/names.js';
import type { FlowSpec } from '../../core/resources/types.generated.js';
import { validateAgainstCrd } from '../../core/resources/validate-schema.js';
import { BaseNamespaces } from './base-namespaces.js';
import { buildBundle } from './build-bundle.js';
import { checkChannel } from './check-channel.js';
import { checkFlow } from './check-flow.js';
import { checkSenderDomains } from './check-sender-domains.js';
import { checkTemplate } from './check-template.js';
import { Diagnostics } from './diagnostics.js';
import { sha256Hex } from './hash.js';
import { resolveFlow } from './merge-flow.js';
import { OverlayView, ResourceIndex } from './resource-index.js';
import { type Claimant, checkClaims, type HeldClaims } from './street-claims.js';
import { isStreetDefaults, tenantSpec } from './street-defaults.js';

export type SecretResolver = (namespace: string, name: string, key: string) => string | undefined;

export interface ResourceOutcome {
  resource: Resource;
  errors: OutputstraatError[];
  /** Revisions of the bundles this resource is part of (one per corporation using it). */
  revisions: string[];
}

export interface CompileResult {
  bundles: ConfigBundle[];
  /** Corporations whose bundle could not be built, with the errors that stopped it. */
  failedCorporations: Map<string, OutputstraatError[]>;
  errors: OutputstraatError[];
  outcomes: ResourceOutcome[];
}

export interface CompileOptions {
  /** Resolves Secret values; without it secrets are not checked (offline validation of a git repo). */
  secrets?: SecretResolver;
  /** What each corporation's live bundle holds: a claim it holds stays with it (street-claims.ts). */
  held?: HeldClaims;
}

function withDefaults(r: Resource, diagnostics: Diagnostics): Resource | undefined {
  // The apiserver checks these itself; a folder of YAML files is checked here.
  const badNames = [
    ...(isDnsSubdomain(r.metadata.name) ? [] : [['metadata.name', NAME_RULES.name]]),
    ...(isDnsLabel(r.metadata.namespace) ? [] : [['metadata.namespace', NAME_RULES.namespace]]),
  ];
  for (const [field, rule] of badNames) {
    diagnostics.add(r, field!, 'OST_ERR_RESOURCE_SCHEMA', [`is not valid: ${rule}`]);
  }
  if (badNames.length > 0) return undefined;
  const copy = structuredClone({
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: r.metadata,
    spec: r.spec,
  });
  const violations = validateAgainstCrd(r.kind, copy as unknown as Record<string, unknown>);
  for (const v of violations) diagnostics.add(r, v.fieldPath, 'OST_ERR_RESOURCE_SCHEMA', [v.message]);
  return violations.length > 0 ? undefined : ({ ...r, spec: copy.spec } as Resource);
}

export function compileStreet(resources: Resource[], options: CompileOptions = {}): CompileResult {
  const diagnostics = new Diagnostics();
  const valid = resources.flatMap((r) => withDefaults(r, diagnostics) ?? []);
  const index = new ResourceIndex(valid, diagnostics);
  const everyCorporation = index.list('Corporation');
  const corporations = everyCorporation.filter((c) => !isStreetDefaults(c));
  const streetDefaults = new Map(
    everyCorporation.filter(isStreetDefaults).map((c) => [c.metadata.namespace, c] as const),
  );
  const bases = new BaseNamespaces(index);
  const baseOf = new Map<string, string | undefined>();
  for (const c of everyCorporation) {
    if (index.list('Corporation', c.metadata.namespace).length > 1) {
      diagnostics.add(c, 'metadata.name', 'OST_ERR_FLOW_STRUCTURE', [
        'a namespace holds more than one Corporation',
        'keep one Corporation per namespace',
      ]);
    }
    if (!isStreetDefaults(c)) baseOf.set(c.metadata.namespace, bases.baseOf(c, diagnostics));
  }
  const views = new Map<string, OverlayView>();
  for (const ns of index.namespaces) views.set(ns, new OverlayView(index, ns, baseOf.get(ns)));

  // Check each resource once, in the view of its own namespace.
  const resolvedFlows = new Map<string, FlowSpec>();
  for (const [ns, view] of views) {
    for (const c of index.list('Channel', ns)) checkChannel(c, diagnostics);
    for (const t of index.list('Template', ns)) checkTemplate(t, view, diagnostics);
    for (const f of index.list('Flow', ns)) {
      if (!bases.checkExtends(f, diagnostics)) continue;
      const findBase = (n: string, name: string) =>
        bases.mayInherit(f.metadata.namespace, n) ? index.get('Flow', n, name) : undefined;
      const resolved = resolveFlow(f, view, findBase, diagnostics);
      if (!resolved) continue;
      resolvedFlows.set(resourceId(f), resolved.spec);
      checkFlow(f, resolved.spec, view, diagnostics, (i) => resolved.stepPaths[i] ?? `spec.steps[${i}]`);
    }
    for (const set of index.list('ClassificationRule', ns)) {
      // Reply rules are keywords and actions only; the CRD's rules check their shape.
      if (set.spec.target === 'replies') continue;
      set.spec.rules?.forEach((rule, i) => {
        if (rule.when === undefined || rule.flow === undefined) return;
        const compiled = compileExpression(rule.when, 'classification');
        if (compiled instanceof Error) {
          diagnostics.add(set, `spec.rules[${i}].when`, 'OST_ERR_CEL_COMPILE', [
            compiled.described,
            compiled.hint,
          ]);
        }
        if (!view.get('Flow', rule.flow)) {
          diagnostics.add(set, `spec.rules[${i}].flow`, 'OST_ERR_REFERENCE', [
            'Flow',
            rule.flow,
            'create the Flow or name an existing one',
          ]);
        }
      });
      if (set.spec.default?.flow && !view.get('Flow', set.spec.default.flow)) {
        diagnostics.add(set, 'spec.default.flow', 'OST_ERR_REFERENCE', [
          'Flow',
          set.spec.default.flow,
          'create the Flow or name an existing one',
        ]);
      }
    }
  }

  const claimants: Claimant[] = [];
  for (const corp of corporations) {
    const ns = corp.metadata.namespace;
    const base = baseOf.get(ns);
    if (base !== undefined && !index.namespaces.has(base)) {
      diagnostics.add(corp, 'spec.base', 'OST_ERR_REFERENCE', [
        'base namespace',
        base,
        'apply the base street (flows/) to that namespace, or correct spec.base',
      ]);
    }
    checkSenderDomains(corp, views.get(ns)!, diagnostics);
    const ref = tenantSpec(corp).ingress.apiKeySecretRef;
    const key = ref.key ?? 'api-key';
    const apiKey = options.secrets?.(ns, ref.name, key);
    if (options.secrets && !apiKey) {
      diagnostics.add(corp, 'spec.ingress.apiKeySecretRef', 'OST_ERR_SECRET_MISSING', [
        ref.name,
        key,
        secretEnvName(ns, ref.name, key),
      ]);
    }
    claimants.push({ corporation: corp, ...(apiKey ? { apiKeyHash: sha256Hex(apiKey) } : {}) });
  }
  checkClaims(claimants, options.held, diagnostics);

  const bundles: ConfigBundle[] = [];
  const failedCorporations = new Map<string, OutputstraatError[]>();
  const revisionsOf = new Map<string, string[]>();
  for (const { corporation: corp, apiKeyHash } of claimants) {
    const ns = corp.metadata.namespace;
    const view = views.get(ns)!;
    const base = baseOf.get(ns);
    const defaults = base === undefined ? undefined : streetDefaults.get(base);
    // The street defaults as written, valid or not: broken defaults block the bundle (which keeps its
    // previous revision) instead of compiling it without a contact budget.
    const defaultsAsWritten = resources.filter((r) => isStreetDefaults(r) && r.metadata.namespace === base);
    const members: Resource[] = [
      corp,
      ...defaultsAsWritten,
      ...view.list('Channel'),
      ...view.list('Template'),
      ...view.list('ClassificationRule'),
      ...view.list('Flow'),
    ];
    const blocking = members.flatMap((m) => diagnostics.of(m));
    if (blocking.length > 0) {
      failedCorporations.set(ns, blocking);
      continue;
    }
    const flows = new Map(
      view
        .list('Flow')
        .map((f) => [f.metadata.name, { resource: f, spec: resolvedFlows.get(resourceId(f))! }]),
    );
    const bundle = buildBundle(corp, view, flows, apiKeyHash ? [apiKeyHash] : [], defaults);
    bundles.push(bundle);
    for (const m of members) {
      const id = resourceId(m);
      revisionsOf.set(id, [...(revisionsOf.get(id) ?? []), bundle.revision]);
    }
  }

  const outcomes: ResourceOutcome[] = resources.map((r) => ({
    resource: r,
    errors: diagnostics.of(r),
    revisions: revisionsOf.get(resourceId(r)) ?? [],
  }));
  return { bundles, failedCorporations, errors: diagnostics.errors, outcomes };
}
