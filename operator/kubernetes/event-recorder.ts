// Kubernetes Events (events.k8s.io/v1) about our resources, so `kubectl describe` and `kubectl events`
// show what the operator did: bundles published and retired, resources turning invalid and valid again.
// Events are best effort: a failure to record one is logged and never fails a reconcile.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../platform/log.js';
import type { KubeClient } from './kube-client.js';
import { describeKubeError } from './kube-errors.js';
import { type KubeObject, microTime } from './kube-object.js';

export const REPORTING_CONTROLLER = 'outputstraat.io/operator';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. BundlePublished, InvalidSpec. */
  reason: string;
  /** What the operator did, CamelCase: Publish, Retire, Reconcile. */
  action: string;
  note: string;
}

const MAX_NOTE_BYTES = 1_024;

function clipNote(note: string): string {
  if (Buffer.byteLength(note) <= MAX_NOTE_BYTES) return note;
  let out = note;
  while (Buffer.byteLength(out) > MAX_NOTE_BYTES - 3) out = out.slice(0, -16);
  return `${out}…`;
}

export class EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  async record(regarding: KubeObject, event: EventSpec): Promise<void> {
    const { name, namespace = 'default', uid, resourceVersion } = regarding.metadata;
    try {
      await this.client.post(`/apis/events.k8s.io/v1/namespaces/${namespace}/events`, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${name}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`, namespace },
        eventTime: microTime(new Date()),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: this.instance.slice(0, 128),
        action: event.action,
        reason: event.reason,
        note: clipNote(event.note),
        type: event.type,
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name,
          namespace,
          uid,
          resourceVersion,
        },
      });
    } catch (err) {
      this.log.warn(
        { namespace, name, reason: event.reason, error: describeKubeError(err) },
        'could not record event',
      );
    }
  }
}
