import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import type { SecretResolver } from '../compiler/index.js';
import type { SecretManifest } from './read-resource-files.js';

/** Secrets for the directory source: the environment wins over Secret manifests found in the folders. */
export function directorySecretResolver(
  manifests: SecretManifest[],
  env: NodeJS.ProcessEnv = process.env,
): SecretResolver {
  return (namespace, name, key) =>
    env[secretEnvName(namespace, name, key)] ??
    manifests.find((s) => s.namespace === namespace && s.name === name)?.data[key];
}
