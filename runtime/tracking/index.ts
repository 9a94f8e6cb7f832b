// Tracking: what happened to a message after it left (delivered, opened, clicked, bounced).
// The stage's public face: other folders import from here, never from its files.
export { type BounceSmtpServer, startBounceSmtpServer } from './bounce-smtp-server.js';
export { registerEmailBounceRoutes } from './email-bounce-routes.js';
export {
  type MessageEventDeps,
  type MessageEventType,
  recordMessageEvent,
  recordProviderStatus,
} from './message-events.js';
export { trackHtml } from './track-html.js';
export { registerTrackingRoutes } from './tracking-routes.js';
