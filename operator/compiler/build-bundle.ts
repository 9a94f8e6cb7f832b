import {
  BUNDLE_SCHEMA_VERSION,
  type BundleChannel,
  type BundleFlow,
  type BundleRule,
  type BundleTemplate,
  type ConfigBundle,
  RETENTION_DEFAULTS,
  type SourceRef,
} from '../../core/bundle/types.js';
import { experimentSettings } from '../../core/experiments/index.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { FlowSpec } from '../../core/resources/types.generated.js';
import { contentHash } from './hash.js';
import type { OverlayView } from './resource-index.js';

export function sourceRef(r: Resource): SourceRef {
  return {
    kind: r.kind,
    namespace: r.metadata.namespace,
    name: r.metadata.name,
    ...(r.metadata.generation !== undefined ? { generation: r.metadata.generation } : {}),
    ...(r.origin ? { file: r.origin.file } : {}),
  };
}

export function bundleFlow(flow: Resource<'Flow'>, spec: FlowSpec): BundleFlow {
  const w = spec.dispatch?.window;
  const body = {
    name: flow.metadata.name,
    ...(spec.description ? { description: spec.description } : {}),
    trigger: { kinds: spec.trigger?.kinds ?? [], classifications: spec.trigger?.classifications ?? [] },
    preconditions: spec.preconditions ?? [],
    ...(w ? { window: { days: w.days, from: w.from, to: w.to, skipHolidays: w.skipHolidays ?? true } } : {}),
    ...(spec.dispatch?.spread ? { spreadPerHour: spec.dispatch.spread.maxPerHour } : {}),
    fallback: spec.channels?.fallback ?? [],
    preferDebtorChoice: spec.channels?.preferDebtorChoice ?? true,
    steps: spec.steps ?? [],
    reactions: spec.reactions ?? [],
    revisionPolicy: spec.revisionPolicy ?? 'keep',
    ...(spec.experiment ? { experiment: experimentSettings(flow.metadata.name, spec.experiment) } : {}),
  };
  return { ...body, source: sourceRef(flow), revision: contentHash(body) };
}

export function buildBundle(
  corporation: Resource<'Corporation'>,
  view: OverlayView,
  flows: Map<string, { resource: Resource<'Flow'>; spec: FlowSpec }>,
  apiKeyHashes: string[],
): ConfigBundle {
  const c = corporation.spec;
  const channels: Record<string, BundleChannel> = {};
  for (const r of view.list('Channel')) {
    channels[r.metadata.name] = { name: r.metadata.name, source: sourceRef(r), spec: r.spec };
  }
  const templates: Record<string, BundleTemplate> = {};
  for (const r of view.list('Template')) {
    templates[r.metadata.name] = { name: r.metadata.name, source: sourceRef(r), spec: r.spec };
  }
  const ruleSets = view
    .list('ClassificationRule')
    .sort(
      (a, b) =>
        (a.spec.priority ?? 100) - (b.spec.priority ?? 100) || a.metadata.name.localeCompare(b.metadata.name),
    );
  const rules: BundleRule[] = ruleSets.flatMap((set) =>
    (set.spec.rules ?? []).map((rule) => ({
      ...rule,
      ruleSet: set.metadata.name,
      kinds: set.spec.appliesTo?.kinds ?? [],
    })),
  );
  const defaultRule = ruleSets.find((s) => s.spec.default)?.spec.default;
  const compiledFlows: Record<string, BundleFlow> = {};
  for (const [name, { resource, spec }] of [...flows].sort(([a], [b]) => a.localeCompare(b))) {
    compiledFlows[name] = bundleFlow(resource, spec);
  }
  const body: Omit<ConfigBundle, 'revision'> = {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    corporation: {
      id: corporation.metadata.namespace,
      displayName: c.displayName,
      base: c.base ?? 'outputstraat-base',
      locale: c.locale ?? 'nl',
      timezone: c.timezone ?? 'Europe/Amsterdam',
      branding: c.branding ?? {},
      contact: c.contact ?? {},
      sender: { name: c.sender.name ?? c.displayName, email: c.sender.email },
      ...(c.replyTo ? { replyTo: c.replyTo } : {}),
      senderDomains: [...c.senderDomains].sort(),
      ...(c.paymentHost ? { paymentHost: c.paymentHost } : {}),
      alerts: c.alerts?.recipients ?? [],
      retention: {
        messagesDays:
          c.retention?.messagesDays ?? c.archive?.retentionDays ?? RETENTION_DEFAULTS.messagesDays,
        dossiersDays: c.retention?.dossiersDays ?? RETENTION_DEFAULTS.dossiersDays,
        formsDays: c.retention?.formsDays ?? RETENTION_DEFAULTS.formsDays,
        eventsDays: c.retention?.eventsDays ?? RETENTION_DEFAULTS.eventsDays,
      },
      paused: c.paused ?? false,
    },
    apiKeyHashes: [...apiKeyHashes].sort(),
    channels,
    templates,
    rules,
    ...(defaultRule ? { defaultRule } : {}),
    flows: compiledFlows,
    sources: (
      [
        corporation,
        ...view.list('Channel'),
        ...view.list('Template'),
        ...view.list('ClassificationRule'),
      ] as Resource[]
    )
      .concat([...flows.values()].map((f) => f.resource))
      .map((r) => {
        // generation and file change without changing what the runtime does; keep them out of the hash
        const { generation: _g, file: _f, ...ref } = sourceRef(r);
        return ref;
      }),
  };
  return { ...body, revision: contentHash(body) };
}
