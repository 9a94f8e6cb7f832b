// Payments: the payment service provider (Mollie) and its webhook.
// The stage's public face: other folders import from here, never from its files.
export { MollieAdapter, mollieOptionsFromEnv } from './mollie-adapter.js';
export type { CreatePaymentRequest, PspAdapter, PspPayment, PspStatus } from './psp.js';
export { type PaymentRow, type PspDeps, paymentById, startPayment, syncPayment } from './psp-payments.js';
export { registerPspWebhook } from './webhook-routes.js';
