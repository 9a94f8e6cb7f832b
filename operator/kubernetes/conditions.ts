// Status conditions (Ready, Reconciling, Stalled) from what the compiler and the publisher found for one
// resource. Pure: the controller decides when to write. Conventions of the Kubernetes API: a map keyed
// by type, CamelCase reasons, a message a person can act on, observedGeneration on the status and on
// every condition, and lastTransitionTime that moves only when a condition's status changes.
import type { ErrorCode, OutputstraatError } from '../../core/errors/index.js';
import { kubeTime } from './kube-object.js';

export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface ResourceStatus {
  observedGeneration?: number;
  revision?: string;
  conditions: Condition[];
}

/** What reconciling found for one resource. */
export interface Verdict {
  /** The compiler's findings on this resource itself. */
  errors: OutputstraatError[];
  /** `namespace@revision` of every live bundle this resource is part of. */
  bundles: { corporation: string; revision: string }[];
  /** Set when the resource is fine but its corporation's bundle could not be rebuilt because of others. */
  blockedBy?: string[];
  /** The revision still live for a corporation whose new bundle was not published. */
  keptRevision?: string;
  /** Publishing to NATS failed; the operator retries. */
  publishError?: string;
}

const REASONS: Partial<Record<ErrorCode, string>> = {
  OST_ERR_RESOURCE_SCHEMA: 'InvalidSpec',
  OST_ERR_RESOURCE_DUPLICATE: 'Duplicate',
  OST_ERR_REFERENCE: 'ReferenceNotFound',
  OST_ERR_SECRET_MISSING: 'SecretNotFound',
  OST_ERR_TEMPLATE_SYNTAX: 'InvalidTemplate',
  OST_ERR_TEMPLATE_VARIABLE: 'UnknownTemplateVariable',
  OST_ERR_TEMPLATE_LOCALE: 'InvalidTemplate',
  OST_ERR_TEMPLATE_RENDER: 'InvalidTemplate',
  OST_ERR_CEL_COMPILE: 'InvalidExpression',
  OST_ERR_FLOW_STRUCTURE: 'InvalidFlow',
  OST_ERR_FLOW_PATCH: 'InvalidPatch',
  OST_ERR_WINDOW: 'InvalidWindow',
  OST_ERR_NOT_A_BASE: 'InvalidBase',
  OST_ERR_SENDER_DOMAIN: 'UndeclaredSenderDomain',
  OST_ERR_DKIM_DOMAIN: 'DkimDomainMismatch',
  OST_ERR_CLAIMED: 'AlreadyClaimed',
};

/** The condition reason for a compiler error code. */
export function reasonFor(code: ErrorCode): string {
  return REASONS[code] ?? 'InvalidSpec';
}

const MAX_MESSAGE = 4_000;

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}

type Desired = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

function desiredConditions(v: Verdict): { ready: Desired; reconciling: Desired; stalled: Desired } {
  const cond = (type: ConditionType, status: ConditionStatus, reason: string, message: string): Desired => ({
    type,
    status,
    reason,
    message: clip(message),
  });
  if (v.errors.length > 0) {
    const reason = reasonFor(v.errors[0]!.code);
    const message = v.errors.map((e) => e.message).join('\n');
    const kept = v.keptRevision ? ` The bundle stays at revision ${v.keptRevision}.` : '';
    return {
      ready: cond('Ready', 'False', reason, message),
      reconciling: cond('Reconciling', 'False', reason, 'Waiting for the resource to be fixed.'),
      stalled: cond('Stalled', 'True', reason, `${message}${kept}`),
    };
  }
  if (v.blockedBy && v.blockedBy.length > 0) {
    const message =
      `The bundle is not rebuilt while ${v.blockedBy.join(', ')} ${v.blockedBy.length === 1 ? 'is' : 'are'} invalid; ` +
      (v.keptRevision ? `revision ${v.keptRevision} stays live.` : 'no bundle is live yet.');
    return {
      ready: cond('Ready', 'False', 'DependencyInvalid', message),
      reconciling: cond('Reconciling', 'False', 'DependencyInvalid', message),
      stalled: cond('Stalled', 'True', 'DependencyInvalid', message),
    };
  }
  if (v.publishError) {
    const message = `Publishing the bundle failed, retrying: ${v.publishError}`;
    return {
      ready: cond('Ready', 'False', 'PublishFailed', message),
      reconciling: cond('Reconciling', 'True', 'PublishFailed', message),
      stalled: cond('Stalled', 'False', 'PublishFailed', 'Retrying with backoff.'),
    };
  }
  const where = v.bundles.map((b) => `${b.corporation}@${b.revision}`);
  const message =
    where.length === 0
      ? 'Valid; no corporation uses it.'
      : `Part of ${where.length === 1 ? 'the bundle' : `${where.length} bundles`}: ${where.join(', ')}.`;
  return {
    ready: cond('Ready', 'True', 'Reconciled', message),
    reconciling: cond('Reconciling', 'False', 'Reconciled', 'Up to date.'),
    stalled: cond('Stalled', 'False', 'Reconciled', 'Up to date.'),
  };
}

/** The revision field: the live bundle(s) this resource is part of, comma separated when shared. */
function revisionOf(v: Verdict, previous: ResourceStatus | undefined): string | undefined {
  if (v.errors.length === 0 && !v.blockedBy?.length && !v.publishError) {
    const revisions = [...new Set(v.bundles.map((b) => b.revision))].sort();
    return revisions.length > 0 ? revisions.join(',') : undefined;
  }
  return v.keptRevision ?? previous?.revision;
}

/**
 * The status to write for a verdict, keeping lastTransitionTime of conditions whose status did not
 * change. `changed` is false when writing it would change nothing that matters.
 */
export function nextStatus(
  v: Verdict,
  generation: number | undefined,
  previous: ResourceStatus | undefined,
  now: Date,
): { status: ResourceStatus; changed: boolean; readyTransition: boolean } {
  const d = desiredConditions(v);
  const before = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const stamp = kubeTime(now);
  const conditions = [d.ready, d.reconciling, d.stalled].map((c): Condition => {
    const old = before.get(c.type);
    return {
      ...c,
      observedGeneration: generation,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : stamp,
    };
  });
  const revision = revisionOf(v, previous);
  const status: ResourceStatus = {
    observedGeneration: generation,
    ...(revision ? { revision } : {}),
    conditions,
  };
  const comparable = (s: ResourceStatus | undefined) =>
    JSON.stringify({
      g: s?.observedGeneration,
      r: s?.revision,
      c: (s?.conditions ?? []).map((c) => [
        c.type,
        c.status,
        c.reason,
        c.message,
        c.observedGeneration,
        c.lastTransitionTime,
      ]),
    });
  return {
    status,
    changed: comparable(status) !== comparable(previous),
    readyTransition: before.get('Ready')?.status !== d.ready.status,
  };
}
