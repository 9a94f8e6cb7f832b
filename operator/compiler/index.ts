export {
  type CompileOptions,
  type CompileResult,
  compileStreet,
  type ResourceOutcome,
  type SecretResolver,
} from './compile-street.js';
export { canonicalJson, contentHash, sha256Hex } from './hash.js';
export { secretEnvName } from './secret-env-name.js';
