// Webhooks: signed delivery of the event feed to the ERP.
// The stage's public face: other folders import from here, never from its files.
export { webhookSignature } from './webhook-signature.js';
export { WebhookWorker } from './webhook-worker.js';
