// Which hops' X-Forwarded-For fastify believes (its `trustProxy`), from OST_TRUST_PROXY. Unset, the
// client address (request.ip) is the TCP peer: right when tenants reach the runtime directly, but behind
// an ingress or load balancer that peer is the proxy, and per-address limits (runtime/pages) would count
// every tenant together. Trust only the proxies in front of the runtime: a client that can reach the
// runtime directly could otherwise claim any address in X-Forwarded-For.
import { isIP } from 'node:net';
import { createError } from '../../core/errors/index.js';

/** What fastify's trustProxy takes: all or none, a list, or a function of (address, hop index). */
export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/** Names proxy-addr knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * OST_TRUST_PROXY: unset or `false` (the TCP peer is the client), a comma-separated list of proxy
 * addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal` (recommended), a number of proxy hops,
 * or `true` (trust every hop: only when nothing but the proxy can reach the runtime).
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  const raw = env.OST_TRUST_PROXY?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return (_address, hop) => hop < hops;
  }
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isAddressOrRange(e));
  if (bad !== undefined) {
    throw createError('OST_ERR_CONFIG', [
      `OST_TRUST_PROXY names "${bad}", which is not an address, a CIDR range or loopback/linklocal/uniquelocal`,
      'set it to the addresses of the proxies in front of the runtime, e.g. 10.0.0.0/8, or to a number of hops',
    ]);
  }
  return entries.join(',');
}
