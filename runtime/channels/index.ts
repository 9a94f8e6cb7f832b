// Channels: the provider adapters (SMTP, Twilio, print over SFTP, webhooks) and their callbacks.
// The stage's public face: other folders import from here, never from its files.
export { ChannelRegistry } from './channel-registry.js';
export { startChannels } from './start-channels.js';
export { registerTwilioRoutes } from './twilio-routes.js';
