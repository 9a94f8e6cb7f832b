import {
  BUNDLE_SCHEMA_VERSION,
  type BundleChannel,
  type BundleConsole,
  type BundleCorporation,
  type BundleFlow,
  type BundleRule,
  type BundleTemplate,
  type ConfigBundle,
  RETENTION_DEFAULTS,
  type SourceRef,
} from '../../core/bundle/types.js';
import { experimentSettings } from '../../core/experiments/index.js';
import { ARRANGEMENT_DEFAULTS, PROMISE_DEFAULTS } from '../../core/law/index.js';
import { isReplyClass, type ReplyRule, type ReplyRules } from '../../core/replies/index.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec, FlowSpec } from '../../core/resources/types.generated.js';
import { contentHash } from './hash.js';
import type { OverlayView } from './resource-index.js';
import { effectiveContactPolicy, tenantSpec } from './street-defaults.js';

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
    ...(spec.scope === 'debtor' ? { scope: 'debtor' as const } : {}),
    trigger: { kinds: spec.trigger?.kinds ?? [], classifications: spec.trigger?.classifications ?? [] },
    preconditions: spec.preconditions ?? [],
    ...(w ? { window: { days: w.days, from: w.from, to: w.to, skipHolidays: w.skipHolidays ?? true } } : {}),
    ...(spec.dispatch?.spread ? { spreadPerHour: spec.dispatch.spread.maxPerHour } : {}),
    fallback: spec.channels?.fallback ?? [],
    preferDebtorChoice: spec.channels?.preferDebtorChoice ?? true,
    steps: spec.steps ?? [],
    reactions: spec.reactions ?? [],
    revisionPolicy: spec.revisionPolicy ?? 'keep',
    // Only when declared, so the revisions of flows that do not use the contact budget stay as they were.
    ...(spec.contactClass ? { contactClass: spec.contactClass } : {}),
    ...(spec.overBudget ? { overBudget: spec.overBudget } : {}),
    ...(spec.onFreezeEnd === 'alert' ? { onFreezeEnd: 'alert' as const } : {}),
    ...estateLetter(spec),
    ...(spec.arrangement?.reminder ? { arrangementReminder: { ...spec.arrangement.reminder } } : {}),
    ...(spec.experiment ? { experiment: experimentSettings(flow.metadata.name, spec.experiment) } : {}),
  };
  return { ...body, source: sourceRef(flow), revision: contentHash(body) };
}

/** Only an estate letter is kept: `stop` is what a flow does without the hook, and keeps its revision. */
function estateLetter(spec: FlowSpec): Pick<BundleFlow, 'onDeceased'> {
  const d = spec.onDeceased;
  if (d?.action !== 'estateLetter' || !d.channel || !d.template) return {};
  return { onDeceased: { action: 'estateLetter', channel: d.channel, template: d.template } };
}

/** The reply rules of a corporation (rule sets already by priority); undefined when it has none. */
function replyRules(sets: Resource<'ClassificationRule'>[]): ReplyRules | undefined {
  if (sets.length === 0) return undefined;
  const rules: ReplyRule[] = sets.flatMap((set) =>
    (set.spec.rules ?? []).flatMap((rule) =>
      rule.keywords && rule.action && isReplyClass(rule.classification)
        ? [
            {
              ruleSet: set.metadata.name,
              name: rule.name,
              classification: rule.classification,
              keywords: rule.keywords,
              action: rule.action,
            },
          ]
        : [],
    ),
  );
  const d = sets.find((s) => s.spec.default?.action)?.spec.default;
  return {
    rules,
    ...(d?.action && isReplyClass(d.classification)
      ? { default: { classification: d.classification, action: d.action } }
      : {}),
  };
}

export function buildBundle(
  corporation: Resource<'Corporation'>,
  view: OverlayView,
  flows: Map<string, { resource: Resource<'Flow'>; spec: FlowSpec }>,
  apiKeyHashes: string[],
  /** The street defaults of the corporation's base (a Corporation with spec.defaults true). */
  streetDefaults?: Resource<'Corporation'>,
): ConfigBundle {
  const c = tenantSpec(corporation);
  const contactPolicy = effectiveContactPolicy(c.contactPolicy, streetDefaults?.spec.contactPolicy);
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
  const forReceivables = ruleSets.filter((s) => (s.spec.target ?? 'receivables') === 'receivables');
  const rules: BundleRule[] = forReceivables.flatMap((set) =>
    (set.spec.rules ?? []).flatMap(({ keywords: _k, action: _a, when, flow, ...rule }) =>
      when !== undefined && flow !== undefined
        ? [{ ...rule, when, flow, ruleSet: set.metadata.name, kinds: set.spec.appliesTo?.kinds ?? [] }]
        : [],
    ),
  );
  const found = forReceivables.find((s) => s.spec.default?.flow)?.spec.default;
  const defaultRule = found?.flow ? { classification: found.classification, flow: found.flow } : undefined;
  const replies = replyRules(ruleSets.filter((s) => s.spec.target === 'replies'));
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
      ...(c.collections?.earlySignal ? { earlySignal: c.collections.earlySignal } : {}),
      ...(c.collections?.costs ? { collectionCosts: c.collections.costs } : {}),
      arrangements: bundleArrangements(c.collections?.arrangements),
      promises: {
        maxDaysAhead: c.collections?.promises?.maxDaysAhead ?? PROMISE_DEFAULTS.maxDaysAhead,
        graceDays: c.collections?.promises?.graceDays ?? PROMISE_DEFAULTS.graceDays,
        tenant: c.collections?.promises?.tenant ?? false,
      },
      ...(c.console ? { console: bundleConsole(c.console) } : {}),
      ...(contactPolicy ? { contactPolicy } : {}),
    },
    apiKeyHashes: [...apiKeyHashes].sort(),
    channels,
    templates,
    rules,
    ...(defaultRule ? { defaultRule } : {}),
    ...(replies ? { replies } : {}),
    flows: compiledFlows,
    sources: (
      [
        corporation,
        ...(streetDefaults ? [streetDefaults] : []),
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

function bundleArrangements(
  a: NonNullable<CorporationSpec['collections']>['arrangements'],
): NonNullable<BundleCorporation['arrangements']> {
  const t = a?.tenant;
  return {
    graceDays: a?.graceDays ?? ARRANGEMENT_DEFAULTS.graceDays,
    ...(t
      ? {
          tenant: {
            maxTerms: t.maxTerms,
            minTermCents: t.minTermCents,
            ...(t.maxTotalCents !== undefined ? { maxTotalCents: t.maxTotalCents } : {}),
            allowedClassifications: t.allowedClassifications ?? [],
          },
        }
      : {}),
  };
}

function bundleConsole(c: NonNullable<CorporationSpec['console']>): BundleConsole {
  return {
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecretRef: { name: c.clientSecretRef.name, key: c.clientSecretRef.key ?? 'client-secret' },
    scopes: [...new Set(['openid', ...(c.scopes ?? ['profile', 'email'])])],
    groupsClaim: c.groupsClaim ?? 'groups',
    roles: { viewer: c.roles.viewer ?? [], agent: c.roles.agent ?? [], admin: c.roles.admin ?? [] },
    idleMinutes: c.idleMinutes ?? 30,
    absoluteHours: c.absoluteHours ?? 10,
    arrangements: {
      maxTerms: c.arrangements?.maxTerms ?? 12,
      minTermCents: c.arrangements?.minTermCents ?? 2500,
      maxTotalCents: c.arrangements?.maxTotalCents ?? 1_000_000,
      firstTermWithinDays: c.arrangements?.firstTermWithinDays ?? 30,
    },
  };
}
