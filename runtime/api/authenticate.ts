import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { createError } from '../../core/errors/index.js';
import type { BundleStore } from '../bundles/index.js';

export interface ApiCaller {
  corporation: string;
  /** SHA-256 (hex) of the API key: identifies the caller for rate limits without keeping the key. */
  keyHash: string;
}

/** The corporation whose bearer API key the request carries, if any; keys are compared by SHA-256 hash only. */
export function apiCaller(request: FastifyRequest, bundles: BundleStore): ApiCaller | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const keyHash = createHash('sha256').update(match[1]!).digest('hex');
  const corporation = bundles.corporationForKeyHash(keyHash);
  return corporation ? { corporation, keyHash } : undefined;
}

/** Like apiCaller, but a missing or unknown key is OST_ERR_UNAUTHORIZED. */
export function authenticate(request: FastifyRequest, bundles: BundleStore): ApiCaller {
  const caller = apiCaller(request, bundles);
  if (!caller) throw createError('OST_ERR_UNAUTHORIZED');
  return caller;
}
