// The live config bundles from NATS KV, and the channel credentials they refer to.
// The stage's public face: other folders import from here, never from its files.
export { BundleStore } from './bundle-store.js';
export { channelSecret, requireChannelSecret, type SecretLookup } from './channel-secrets.js';
