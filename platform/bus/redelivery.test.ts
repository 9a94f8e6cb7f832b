import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REDELIVERY,
  isLastDelivery,
  isUnanswered,
  redeliveryDelay,
  serverMaxDeliver,
} from './redelivery.js';

const delivered = (deliveryCount: number) => ({ info: { deliveryCount } }) as unknown as JsMsg;

describe('redelivery policy', () => {
  it('waits longer after every failed delivery, between half and all of the doubled wait, never over the cap', () => {
    const policy = { maxDeliver: 20, initialDelayMs: 1_000, maxDelayMs: 10_000 };
    for (let n = 1; n <= 10; n++) {
      const base = Math.min(10_000, 1_000 * 2 ** (n - 1));
      for (let i = 0; i < 20; i++) {
        const wait = redeliveryDelay(n, policy);
        expect(wait).toBeGreaterThanOrEqual(base / 2);
        expect(wait).toBeLessThanOrEqual(base);
      }
    }
  });

  it('acts on deliveries up to maxDeliver; the server delivers once more so an unanswered message is dead-lettered too', () => {
    const policy = { ...DEFAULT_REDELIVERY, maxDeliver: 4 };
    expect(serverMaxDeliver(policy)).toBe(5);
    expect([1, 3, 4, 5].map((n) => isLastDelivery(delivered(n), policy))).toEqual([false, false, true, true]);
    expect([4, 5].map((n) => isUnanswered(delivered(n), policy))).toEqual([false, true]);
  });

  it('by default gives up after about a minute of six deliveries', () => {
    const waits = [1, 2, 3, 4, 5].map((n) => 2_000 * 2 ** (n - 1));
    expect(DEFAULT_REDELIVERY.maxDeliver).toBe(6);
    expect(waits.reduce((a, b) => a + b)).toBe(62_000);
  });
});
