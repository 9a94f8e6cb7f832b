// The configuration a case runs on: the corporation's bundle and the flow revision it started with.
import type { BundleFlow, ConfigBundle } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { CaseRow } from './case-repository.js';

export async function bundleForCase(bundles: BundleStore, c: CaseRow): Promise<ConfigBundle> {
  const bundle = bundles.get(c.corporation) ?? (await bundles.revision(c.corporation, c.bundle_revision));
  if (!bundle) throw createError('OST_ERR_NO_BUNDLE', [c.corporation]);
  return bundle;
}

export async function flowForCase(bundles: BundleStore, c: CaseRow): Promise<BundleFlow> {
  const flow = await bundles.flowFor(c.corporation, c.bundle_revision, c.flow, c.flow_revision);
  if (!flow)
    throw createError('OST_ERR_CONFIG', [`flow ${c.flow} of case ${c.id} is gone`, 'restore the Flow']);
  return flow;
}
