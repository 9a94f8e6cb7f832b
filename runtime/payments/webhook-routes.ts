// The PSP's webhook: Mollie posts `id=tr_…` and nothing else, so the body is only a hint to go and ask.
// We look the payment up among ours and fetch its status with the owning corporation's key; an id we do
// not know gets 200 and changes nothing (so the endpoint reveals nothing). When the PSP cannot be
// reached we answer 503 and Mollie tries again later.
import type { FastifyInstance } from 'fastify';
import { isOutputstraatError } from '../../core/errors/index.js';
import { type PspDeps, paymentByProviderId, syncPayment, webhookPath } from './psp-payments.js';

export function registerPspWebhook(app: FastifyInstance, deps: PspDeps): void {
  app.post(webhookPath(deps.psp.name), async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const id = typeof body.id === 'string' ? body.id : '';
    if (!/^[A-Za-z0-9_]{1,64}$/.test(id)) return reply.code(200).send();
    const row = await paymentByProviderId(deps.db, deps.psp.name, id);
    if (!row) return reply.code(200).send();
    try {
      await syncPayment(deps, row);
    } catch (err) {
      if (!isOutputstraatError(err, 'OST_ERR_PSP')) throw err;
      request.log.warn({ code: err.code, corporation: row.corporation }, 'PSP webhook: status not available');
      return reply.code(503).send();
    }
    return reply.code(200).send();
  });
}
