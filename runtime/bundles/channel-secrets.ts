// Provider credentials of a Channel: the key `key` of the Secret `credentialsSecretRef.name` in the
// channel's namespace, looked up through platform/secrets.ts.

import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import type { BundleChannel } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';
import type { SecretLookup } from '../../platform/secrets.js';

export type { SecretLookup };

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
