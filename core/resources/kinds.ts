import type {
  ChannelSpec,
  ClassificationRuleSpec,
  CorporationSpec,
  FlowSpec,
  TemplateSpec,
} from './types.generated.js';

export const API_GROUP = 'outputstraat.io';
export const API_VERSION = 'outputstraat.io/v1alpha1';
export const KINDS = ['Corporation', 'Flow', 'Template', 'Channel', 'ClassificationRule'] as const;
export type Kind = (typeof KINDS)[number];

export const PLURALS: Record<Kind, string> = {
  Corporation: 'corporations',
  Flow: 'flows',
  Template: 'templates',
  Channel: 'channels',
  ClassificationRule: 'classificationrules',
};

export interface SpecOf {
  Corporation: CorporationSpec;
  Flow: FlowSpec;
  Template: TemplateSpec;
  Channel: ChannelSpec;
  ClassificationRule: ClassificationRuleSpec;
}

export interface ResourceMeta {
  name: string;
  namespace: string;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
  /** When the object was created (RFC 3339); absent for resources read from files. */
  creationTimestamp?: string;
}

/** A resource of one of our kinds, as read from a file or from the Kubernetes API. */
export interface Resource<K extends Kind = Kind> {
  apiVersion: string;
  kind: K;
  metadata: ResourceMeta;
  spec: SpecOf[K];
  /** Where it was read from; absent for resources from the API. */
  origin?: ResourceOrigin;
}

export interface ResourceOrigin {
  file: string;
  /** 1-based line of the document start. */
  line: number;
  /** Line of a field path such as `spec.steps[2].send.template`, when the source knows it. */
  lineOf?: (fieldPath: string) => number | undefined;
}

export function isKind(kind: unknown): kind is Kind {
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind);
}

export const resourceId = (r: { kind: string; metadata: { namespace: string; name: string } }) =>
  `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`;

/** `spec.steps[2].send` from an ajv instance path `/spec/steps/2/send`. */
export function fieldPathFromPointer(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

/** Inverse of fieldPathFromPointer, as a key path for YAML documents. */
export function keyPathOf(fieldPath: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const m of fieldPath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    keys.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  }
  return keys;
}
