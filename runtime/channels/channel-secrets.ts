// Provider credentials of a Channel: the key `key` of the Secret `credentialsSecretRef.name` in the
// channel's namespace. A pod gets them from the environment (OST_SECRET_<NAMESPACE>_<NAME>_<KEY>, the same
// name the operator's directory source reads) or from files mounted at OST_SECRETS_DIR/<namespace>/<name>/<key>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleChannel } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';

export type SecretLookup = (namespace: string, name: string, key: string) => string | undefined;

/** Mirrors operator/compiler/secret-env-name.ts (the runtime does not import the operator). */
export function secretEnvName(namespace: string, name: string, key: string): string {
  return `OST_SECRET_${namespace}_${name}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

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

/** The value of `key` in the channel's credentials Secret, or undefined when the channel has none. */
export function channelSecret(
  secrets: SecretLookup,
  channel: BundleChannel,
  key: string,
): string | undefined {
  const ref = channel.spec.credentialsSecretRef;
  if (!ref) return undefined;
  return secrets(channel.source.namespace, ref.name, key);
}

/** Like channelSecret, but a missing value is an error that names the Secret, the key and the variable. */
export function requireChannelSecret(secrets: SecretLookup, channel: BundleChannel, key: string): string {
  const value = channelSecret(secrets, channel, key);
  if (value) return value;
  const ref = channel.spec.credentialsSecretRef?.name ?? '(no credentialsSecretRef)';
  throw createError('OST_ERR_CHANNEL_CREDENTIALS', [
    `Channel ${channel.source.namespace}/${channel.name}`,
    ref,
    key,
    secretEnvName(channel.source.namespace, ref, key),
  ]);
}
