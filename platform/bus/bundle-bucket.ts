import { type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { findStream } from './find-stream.js';

export { BUNDLE_BUCKET };
/** Revisions kept per corporation, so a runtime can fall back to an earlier good bundle. */
export const BUNDLE_HISTORY = 10;

/** Creates the bucket, or brings an existing one to the wanted history; returns its backing stream. */
export async function ensureBundleBucket(jsm: JetStreamManager, options: { replicas?: number } = {}) {
  const kvm = new Kvm(jsm.jetstream());
  const existed = (await findStream(jsm, `KV_${BUNDLE_BUCKET}`)) !== null;
  const kv = await kvm.create(BUNDLE_BUCKET, {
    history: BUNDLE_HISTORY,
    storage: StorageType.File,
    replicas: options.replicas ?? 1,
    description: 'Compiled Outputstraat config bundles, one key per corporation',
  });
  const status = await kv.status();
  const stream = status.streamInfo.config.name;
  if (!existed) return { stream, outcome: 'created' as const };
  if (status.history === BUNDLE_HISTORY) return { stream, outcome: 'unchanged' as const };
  // Kvm.create opens an existing bucket as it is; history lives on the stream as max_msgs_per_subject.
  await jsm.streams.update(stream, { max_msgs_per_subject: BUNDLE_HISTORY });
  return { stream, outcome: 'updated' as const };
}
