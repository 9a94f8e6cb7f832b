import { createError } from '../../core/errors/index.js';
import type { ChannelAdapter } from './channel-adapter.js';

/** Adapters by provider name (smtp, twilio, sftp-print, http). */
export class ChannelRegistry {
  constructor(private readonly adapters: Record<string, ChannelAdapter>) {}

  adapter(provider: string): ChannelAdapter {
    const adapter = this.adapters[provider];
    if (!adapter) {
      throw createError('OST_ERR_CONFIG', [
        `no adapter for provider ${provider} in this runtime`,
        'use a provider this runtime version supports',
      ]);
    }
    return adapter;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.adapters).map((a) => a.close()));
  }
}
