// A payment provider that does not answer cannot hold the debtor's payment page: a call to Mollie gives up
// at its deadline (OST_MOLLIE_TIMEOUT_MS) with OST_ERR_PSP, and the page can offer to try again. The
// "provider" here accepts the TCP connection and never says a word, through the official SDK unchanged.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MollieAdapter, mollieKeyEnvName } from '../../runtime/payments/mollie-adapter.js';

describe('Mollie that never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('creating a payment gives up after the deadline with a PSP error instead of hanging the page', async () => {
    const env = { [mollieKeyEnvName('woonstad-noord', {})]: 'test_0123456789abcdefghijklmnopqrst' };
    const mollie = new MollieAdapter({
      env,
      apiEndpoint: `https://127.0.0.1:${(silent.address() as { port: number }).port}/v2/`,
      timeoutMs: 1_000,
    });
    const started = Date.now();
    await expect(
      mollie.createPayment('woonstad-noord', {
        paymentId: 'pay-timeout-1',
        amountMinor: 62_079,
        currency: 'EUR',
        description: 'Huur',
        redirectUrl: 'https://betalen.woonstad-noord.example/p/x/klaar',
        webhookUrl: 'https://betalen.woonstad-noord.example/v1/providers/mollie/webhook',
        locale: 'nl',
      }),
    ).rejects.toMatchObject({
      code: 'OST_ERR_PSP',
      message: expect.stringContaining('no answer within 1000 ms (OST_MOLLIE_TIMEOUT_MS)'),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sockets.size).toBe(1);
  });
});
