// The fixture corporation's bundle exactly as our runtimes get it (NATS KV), for what the bench does
// beside them: the SMTP floor sends the email they render, the peers render it themselves.
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUNDLE_BUCKET, bundleKey, type ConfigBundle } from '../core/bundle/types.js';
import { FIXTURE_CORPORATION } from '../tests/support/durability-street.js';
import type { StreetUnderTest } from './ours.js';

/** The bundle as JSON text, as it sits in the bucket. */
export async function benchBundleJson(street: StreetUnderTest): Promise<string> {
  const kv = await new Kvm(jetstream(street.nc)).open(BUNDLE_BUCKET);
  const entry = await kv.get(bundleKey(FIXTURE_CORPORATION));
  if (!entry) throw new Error(`no bundle for ${FIXTURE_CORPORATION} in ${BUNDLE_BUCKET}`);
  return entry.string();
}

export async function benchBundle(street: StreetUnderTest): Promise<ConfigBundle> {
  return JSON.parse(await benchBundleJson(street)) as ConfigBundle;
}
