// Demo secrets for the local street only. In a cluster these come from Kubernetes Secrets (the chart
// mounts them); here a value is set for each one the examples need and the environment does not give,
// so a first start tracks opens and clicks, signs webhooks and prints no warnings about missing secrets.
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import type { ConfigBundle } from '../../core/bundle/types.js';

const DEMO = 'local-street-demo-secret-not-for-production';

/** Sets the missing demo secrets in `env`; returns the names of the variables it set. */
export function setDemoSecrets(
  bundles: readonly ConfigBundle[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const wanted = new Set<string>(['OST_TRACKING_SECRET']);
  for (const bundle of bundles) {
    for (const channel of Object.values(bundle.channels)) {
      const ref = channel.spec.credentialsSecretRef;
      if (channel.spec.type === 'webhook' && ref) {
        wanted.add(secretEnvName(channel.source.namespace, ref.name, 'hmacSecret'));
      }
    }
  }
  const set: string[] = [];
  for (const name of wanted) {
    if (env[name]) continue;
    env[name] = `${DEMO}-${name.toLowerCase()}`;
    set.push(name);
  }
  return set;
}
