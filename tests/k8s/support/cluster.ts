// Reading our resources and bundles in the suites: the operator's own API client, the NATS KV bucket.
import type { KV } from '@nats-io/kv';
import { bundleKey, type ConfigBundle } from '../../../core/bundle/types.js';
import { KINDS, type Kind } from '../../../core/resources/kinds.js';
import type { Condition, ResourceStatus } from '../../../operator/kubernetes/conditions.js';
import type { KubeClient } from '../../../operator/kubernetes/kube-client.js';
import type { KubeObject } from '../../../operator/kubernetes/kube-object.js';
import { collectionPath } from '../../../operator/kubernetes/kube-paths.js';

export interface OurObject extends KubeObject {
  kind: Kind;
  status?: ResourceStatus & Record<string, unknown>;
}

export { objectPath } from '../../../operator/kubernetes/kube-paths.js';

export async function listOurs(kube: KubeClient): Promise<OurObject[]> {
  const all: OurObject[] = [];
  for (const kind of KINDS) {
    const list = await kube.get<{ items: OurObject[] }>(collectionPath(kind));
    all.push(...list.items.map((o) => ({ ...o, kind })));
  }
  return all;
}

export const condition = (o: KubeObject | undefined, type: Condition['type']) =>
  (o?.status as ResourceStatus | undefined)?.conditions?.find((c) => c.type === type);

/** Ready=True for the current generation. */
export function isReady(o: KubeObject): boolean {
  const ready = condition(o, 'Ready');
  const status = o.status as ResourceStatus | undefined;
  return (
    ready?.status === 'True' &&
    ready.observedGeneration === o.metadata.generation &&
    status?.observedGeneration === o.metadata.generation
  );
}

export const idOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

export async function liveBundle(kv: KV, corporation: string): Promise<ConfigBundle | undefined> {
  const entry = await kv.get(bundleKey(corporation));
  if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
  return entry.json<ConfigBundle>();
}

export interface KubeEvent {
  reason: string;
  type: string;
  note?: string;
  regarding?: { kind?: string; name?: string };
}

export async function eventsAbout(kube: KubeClient, namespace: string, name: string): Promise<KubeEvent[]> {
  const list = await kube.get<{ items: KubeEvent[] }>(
    `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
  );
  return list.items.filter((e) => e.regarding?.name === name);
}
