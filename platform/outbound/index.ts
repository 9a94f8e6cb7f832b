// Outbound requests to addresses that come from tenants' configuration: the SSRF guard (public https
// targets only, checked after DNS and pinned for the connection, no redirects) and the address ranges
// it refuses.
export { blockedRange, isLoopbackHost } from './blocked-address.js';
export { GuardedHttp, type GuardedPost, type Resolver } from './guarded-http.js';
export { guardedHttpFromEnv, type OutboundSettings, readOutboundSettings } from './outbound-settings.js';
export { checkWebhookUrl, originOf, parseAllowHosts } from './webhook-url.js';
