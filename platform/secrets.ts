// Secret values for a process: from the environment (the spelling of core/bundle/secret-env-name.ts), else
// from files mounted at OST_SECRETS_DIR/<namespace>/<name>/<key> (how the chart mounts Kubernetes Secrets).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretEnvName } from '../core/bundle/secret-env-name.js';

export type SecretLookup = (namespace: string, name: string, key: string) => string | undefined;

export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretLookup {
  return (namespace, name, key) => {
    const fromEnv = env[secretEnvName(namespace, name, key)];
    if (fromEnv) return fromEnv;
    const dir = env.OST_SECRETS_DIR;
    if (!dir) return undefined;
    try {
      return readFileSync(join(dir, namespace, name, key), 'utf8');
    } catch {
      return undefined;
    }
  };
}
