// Channel rate limits (spec.rateLimit perSecond / perMinute). One limiter per channel per corporation in
// each runtime replica: a street with N replicas may send up to N times the limit in total, which the
// platform team accounts for (docs/channels.md). A message over the limit waits; it is never dropped.
import { WindowPacer } from '../../platform/rate-limit/window-pacer.js';
import type { ChannelAdapter, OutgoingMessage, SendOptions, SendResult } from './channel-adapter.js';

/** Wraps an adapter so every channel with a rateLimit waits for its limiter before sending. */
export function rateLimited(adapter: ChannelAdapter): ChannelAdapter {
  const limiters = new Map<string, { key: string; limiter: WindowPacer }>();
  return {
    async send(message: OutgoingMessage, options?: SendOptions): Promise<SendResult> {
      const limit = message.channel.spec.rateLimit;
      if (limit?.perSecond || limit?.perMinute) {
        const id = `${message.bundle.corporation.id}/${message.channel.name}`;
        const key = `${limit.perSecond ?? ''}/${limit.perMinute ?? ''}`;
        let entry = limiters.get(id);
        if (!entry || entry.key !== key) {
          entry = { key, limiter: new WindowPacer(limit) };
          limiters.set(id, entry);
        }
        await entry.limiter.acquire();
      }
      return adapter.send(message, options);
    },
    close: () => adapter.close(),
    // Making and archiving the bytes sends nothing: only the hand-over waits for the limiter.
    ...(adapter.archiveGroup ? { archiveGroup: adapter.archiveGroup.bind(adapter) } : {}),
  };
}
