export { secretEnvName } from '../../core/bundle/secret-env-name.js';
export {
  type CompileOptions,
  type CompileResult,
  compileStreet,
  type ResourceOutcome,
  type SecretResolver,
} from './compile-street.js';
export { canonicalJson, contentHash, sha256Hex } from './hash.js';
export { type HeldClaims, heldBy } from './street-claims.js';
export { effectiveContactPolicy, isStreetDefaults } from './street-defaults.js';
