// The compiled configuration of one corporation: everything the runtime needs, resolved (overlays
// applied, references checked, expressions compiled once at load) and content-hashed. The operator
// publishes it to the NATS KV bucket `outputstraat-bundles` under `corp.<namespace>`; runtime pods watch it.

import type { BundleExperiment } from '../experiments/settings.js';
import type { ArrangementLimits } from '../law/arrangement-plan.js';
import type { ReplyRules } from '../replies/index.js';
import type {
  ChannelSpec,
  ClassificationRuleEntry,
  CorporationContactPolicy,
  CorporationSpec,
  FlowPrecondition,
  FlowReaction,
  FlowStep,
  TemplateSpec,
} from '../resources/types.generated.js';

export const BUNDLE_SCHEMA_VERSION = 1;
export const BUNDLE_BUCKET = 'outputstraat-bundles';
export const bundleKey = (corporation: string) => `corp.${corporation}`;

/** Where a compiled piece came from, so errors and status can point at the resource. */
export interface SourceRef {
  kind: 'Corporation' | 'Flow' | 'Template' | 'Channel' | 'ClassificationRule';
  namespace: string;
  name: string;
  generation?: number;
  file?: string;
}

export interface BundleCorporation {
  /** The corporation's namespace: its identity throughout the street. */
  id: string;
  displayName: string;
  base: string;
  locale: 'nl' | 'en';
  timezone: string;
  branding: NonNullable<CorporationSpec['branding']>;
  contact: NonNullable<CorporationSpec['contact']>;
  sender: { name: string; email: string };
  replyTo?: string;
  /** The mail domains the corporation declared (spec.senderDomains); absent in bundles of before. */
  senderDomains?: string[];
  paymentHost?: string;
  alerts: NonNullable<NonNullable<CorporationSpec['alerts']>['recipients']>;
  retention: BundleRetention;
  paused: boolean;
  /** Early signalling to the municipality (spec.collections.earlySignal); absent when not configured. */
  earlySignal?: NonNullable<NonNullable<CorporationSpec['collections']>['earlySignal']>;
  /** Statutory costs and the 14-day letter (spec.collections.costs); absent: the law's defaults. */
  collectionCosts?: NonNullable<NonNullable<CorporationSpec['collections']>['costs']>;
  /** Monitoring of payment arrangements (spec.collections.arrangements, defaults applied). */
  arrangements?: { graceDays: number; tenant?: TenantPlanLimits };
  /** Promises to pay (spec.collections.promises, defaults applied); tenant: offered on the payment page. */
  promises?: { maxDaysAhead: number; graceDays: number; tenant?: boolean };
  /** The staff console's identity provider and roles (spec.console); absent: no console. */
  console?: BundleConsole;
  /** The contact budget (spec.contactPolicy over the street defaults'); absent: no budget. */
  contactPolicy?: CorporationContactPolicy;
}

/** What a tenant may choose on the payment page (spec.collections.arrangements.tenant). */
export interface TenantPlanLimits {
  maxTerms: number;
  minTermCents: number;
  maxTotalCents?: number;
  /** Empty: every classification. */
  allowedClassifications: string[];
}

/** Corporation spec.console with its defaults applied (docs/console.md). */
export interface BundleConsole {
  issuer: string;
  clientId: string;
  clientSecretRef: { name: string; key: string };
  scopes: string[];
  groupsClaim: string;
  roles: { viewer: string[]; agent: string[]; admin: string[] };
  idleMinutes: number;
  absoluteHours: number;
  /** Limits of an arrangement recorded in the console (core/law/arrangement-plan.ts). */
  arrangements: ArrangementLimits;
}

/** Days personal data is kept, per kind of data (Corporation spec.retention; docs/privacy.md). */
export interface BundleRetention {
  messagesDays: number;
  dossiersDays: number;
  formsDays: number;
  eventsDays: number;
}

/** What a Corporation gets when it sets no retention: seven years of archive, a year of the rest, 90 days of feed. */
export const RETENTION_DEFAULTS: BundleRetention = {
  messagesDays: 2555,
  dossiersDays: 365,
  formsDays: 365,
  eventsDays: 90,
};

export interface BundleChannel {
  name: string;
  source: SourceRef;
  spec: ChannelSpec;
}

export interface BundleTemplate {
  name: string;
  source: SourceRef;
  spec: TemplateSpec;
}

/** A rule of a rule set with `target: receivables` (the CRD makes `when` and `flow` required there). */
export interface BundleRule extends Omit<ClassificationRuleEntry, 'when' | 'flow' | 'keywords' | 'action'> {
  when: string;
  flow: string;
  ruleSet: string;
  kinds: string[];
}

export interface BundleFlow {
  name: string;
  source: SourceRef;
  /** Content hash of this flow and everything it uses; cases remember it. */
  revision: string;
  description?: string;
  /** `debtor`: one dossier per debtor, new open receivables join it (ADR 0007); absent: per receivable. */
  scope?: 'debtor';
  trigger: { kinds: string[]; classifications: string[] };
  preconditions: FlowPrecondition[];
  window?: { days: string[]; from: string; to: string; skipHolidays: boolean };
  spreadPerHour?: number;
  fallback: string[];
  preferDebtorChoice: boolean;
  steps: FlowStep[];
  reactions: FlowReaction[];
  revisionPolicy: 'keep' | 'latest';
  /** For the contact budget; absent means 'reminder'. */
  contactClass?: 'legal' | 'arrears' | 'reminder' | 'campaign';
  /** A send over the contact budget; absent means 'defer'. */
  overBudget?: 'defer' | 'skip';
  /** When a debtor's freeze reaches its end date; absent means 'resume'. */
  onFreezeEnd?: 'resume' | 'alert';
  /**
   * When the debtor is reported deceased: besides stopping and alerting, one final letter to the estate
   * through this letter channel and template; absent means stop only.
   */
  onDeceased?: { action: 'estateLetter'; channel: string; template: string };
  /** A reminder before each instalment of a running arrangement (spec.arrangement.reminder). */
  arrangementReminder?: { daysBefore: number; template: string; channel?: string };
  /** An A/B test or bandit that new cases of this flow are assigned in (docs/experiments.md). */
  experiment?: BundleExperiment;
}

export interface ConfigBundle {
  schemaVersion: typeof BUNDLE_SCHEMA_VERSION;
  /** Content hash of the whole bundle (without this field). */
  revision: string;
  corporation: BundleCorporation;
  /** SHA-256 (hex) of each accepted ERP API key; the keys themselves never leave the Secret. */
  apiKeyHashes: string[];
  channels: Record<string, BundleChannel>;
  templates: Record<string, BundleTemplate>;
  rules: BundleRule[];
  defaultRule?: { classification: string; flow: string };
  /** Rule sets with `target: replies`, by priority; absent in bundles of before (every reply is `other`). */
  replies?: ReplyRules;
  flows: Record<string, BundleFlow>;
  sources: SourceRef[];
}
