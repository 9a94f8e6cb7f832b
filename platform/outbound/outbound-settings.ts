// Settings of requests to tenant-configured URLs, from the environment (docs/channels.md lists them).
import { positive } from '../settings/runtime-settings.js';
import { GuardedHttp } from './guarded-http.js';
import { parseAllowHosts } from './webhook-url.js';

export interface OutboundSettings {
  /** OST_WEBHOOK_ALLOW_HOSTS: hosts (`host` or `host:port`) that may use http and private addresses. */
  allowHosts: string[];
  /** OST_WEBHOOK_TIMEOUT_MS (default 10 s): the whole of one webhook request. */
  timeoutMs: number;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

export function readOutboundSettings(env: NodeJS.ProcessEnv = process.env): OutboundSettings {
  return {
    allowHosts: parseAllowHosts(env.OST_WEBHOOK_ALLOW_HOSTS),
    timeoutMs: positive(env, 'OST_WEBHOOK_TIMEOUT_MS', WEBHOOK_TIMEOUT_MS),
  };
}

/** The guarded client every webhook (message channel and ERP event feed) goes out through. */
export function guardedHttpFromEnv(env: NodeJS.ProcessEnv = process.env): GuardedHttp {
  return new GuardedHttp(readOutboundSettings(env));
}
