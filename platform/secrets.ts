// Secret values for a process: from the environment (the spelling of core/bundle/secret-env-name.ts), else
// from files mounted at OST_SECRETS_DIR/<namespace>/<name>/<key> (how the chart mounts Kubernetes Secrets).
// A reference that is not a Kubernetes namespace, Secret name and Secret key is refused with
// OST_ERR_UNSAFE_NAME before it becomes a variable or a path, and the file path is checked to stay below
// OST_SECRETS_DIR, whatever the CRDs, the compiler and the bundle store let through before.
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { secretEnvName } from '../core/bundle/secret-env-name.js';
import { createError } from '../core/errors/index.js';

export type SecretLookup = (namespace: string, name: string, key: string) => string | undefined;

/** `root/namespace/name/key`, or OST_ERR_UNSAFE_NAME when that would not be a file below `root`. */
export function secretFilePath(root: string, namespace: string, name: string, key: string): string {
  const base = resolve(root);
  const prefix = base.endsWith(sep) ? base : `${base}${sep}`;
  const file = resolve(base, namespace, name, key);
  const depth = (p: string) => p.split(sep).filter(Boolean).length;
  if (!file.startsWith(prefix) || depth(file) !== depth(base) + 3) {
    throw createError('OST_ERR_UNSAFE_NAME', [
      'Secret path',
      `${namespace}/${name}/${key}`.slice(0, 100),
      'path below OST_SECRETS_DIR',
      'each of namespace, Secret name and key is one folder or file name',
    ]);
  }
  return file;
}

export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretLookup {
  return (namespace, name, key) => {
    const fromEnv = env[secretEnvName(namespace, name, key)]; // refuses a reference that is not a name
    if (fromEnv) return fromEnv;
    const dir = env.OST_SECRETS_DIR;
    if (!dir) return undefined;
    const file = secretFilePath(dir, namespace, name, key);
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
}
