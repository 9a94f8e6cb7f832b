import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { createError } from '../../core/errors/index.js';
import type { BundleStore } from '../bundles/bundle-store.js';

/** The corporation whose API key the request carries; keys are compared by SHA-256 hash only. */
export function corporationOf(request: FastifyRequest, bundles: BundleStore): string {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw createError('OST_ERR_UNAUTHORIZED');
  const hash = createHash('sha256').update(match[1]!).digest('hex');
  const corporation = bundles.corporationForKeyHash(hash);
  if (!corporation) throw createError('OST_ERR_UNAUTHORIZED');
  return corporation;
}
