// Which IP addresses an outbound request from a tenant's configuration may never reach: everything that
// is not a public unicast address (IANA special-purpose registries for IPv4 and IPv6). IPv6 forms that
// carry an IPv4 address (IPv4-mapped, -compatible, -translated, NAT64, 6to4) are judged by that address,
// so ::ffff:127.0.0.1 is loopback like 127.0.0.1.
import { isIP } from 'node:net';

interface Range {
  prefix: number[];
  bits: number;
  name: string;
}

const V4_RANGES: Range[] = (
  [
    ['0.0.0.0', 8, 'unspecified ("this network")'],
    ['10.0.0.0', 8, 'private'],
    ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
    ['127.0.0.0', 8, 'loopback'],
    ['169.254.0.0', 16, 'link-local'],
    ['172.16.0.0', 12, 'private'],
    ['192.0.0.0', 24, 'IETF protocol assignments'],
    ['192.0.2.0', 24, 'documentation'],
    ['192.88.99.0', 24, '6to4 relay anycast'],
    ['192.168.0.0', 16, 'private'],
    ['198.18.0.0', 15, 'benchmarking'],
    ['198.51.100.0', 24, 'documentation'],
    ['203.0.113.0', 24, 'documentation'],
    ['224.0.0.0', 4, 'multicast'],
    ['240.0.0.0', 4, 'reserved (and broadcast)'],
  ] as const
).map(([ip, bits, name]) => ({ prefix: parseV4(ip)!, bits, name }));

const V6_RANGES: Range[] = (
  [
    ['::', 128, 'unspecified'],
    ['::1', 128, 'loopback'],
    ['::', 96, 'IPv4-compatible (deprecated)'],
    ['64:ff9b:1::', 48, 'local-use NAT64'],
    ['100::', 64, 'discard-only'],
    ['2001::', 23, 'IETF protocol assignments'],
    ['2001:db8::', 32, 'documentation'],
    ['3fff::', 20, 'documentation'],
    ['5f00::', 16, 'segment routing'],
    ['fc00::', 7, 'unique-local'],
    ['fe80::', 10, 'link-local'],
    ['fec0::', 10, 'site-local (deprecated)'],
    ['ff00::', 8, 'multicast'],
  ] as const
).map(([ip, bits, name]) => ({ prefix: parseV6(ip)!, bits, name }));

/** IPv6 prefixes whose last 32 bits (or, for 6to4, bits 16..47) are an IPv4 address. */
const EMBEDDING: { prefix: number[]; bits: number; form: string; at: number }[] = [
  { prefix: parseV6('::ffff:0:0')!, bits: 96, form: 'IPv4-mapped', at: 12 },
  { prefix: parseV6('::ffff:0:0:0')!, bits: 96, form: 'IPv4-translated', at: 12 },
  { prefix: parseV6('64:ff9b::')!, bits: 96, form: 'NAT64', at: 12 },
  { prefix: parseV6('2002::')!, bits: 16, form: '6to4', at: 2 },
];

function parseV4(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

/** The 16 bytes of an IPv6 address (a zone id such as %eth0 is ignored). */
function parseV6(input: string): number[] | undefined {
  let ip = input.replace(/%.*$/, '');
  let tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    ip = `${ip.slice(0, dotted.index)}:0:0`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(Math.max(missing, 0)).fill('0'), ...rest];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const words = all.map((g) => Number.parseInt(g, 16));
  if (tail.length > 0) words.splice(6, 2, ...tail);
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function inRange(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i / 8]! & mask) !== (prefix[i / 8]! & mask)) return false;
  }
  return true;
}

function v4Range(bytes: number[]): string | undefined {
  return V4_RANGES.find((r) => inRange(bytes, r.prefix, r.bits))?.name;
}

/**
 * The name of the special-purpose range an IP address is in (`loopback`, `private`, `link-local`,
 * `unique-local`, `multicast`, `unspecified`, …), or undefined for a public unicast address. Something
 * that is not an IP address at all is reported as `not an IP address`.
 */
export function blockedRange(address: string): string | undefined {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 4) return v4Range(parseV4(address)!);
  if (family !== 6) return 'not an IP address';
  const bytes = parseV6(address);
  if (!bytes) return 'not an IP address';
  for (const e of EMBEDDING) {
    if (!inRange(bytes, e.prefix, e.bits)) continue;
    const inner = v4Range(bytes.slice(e.at, e.at + 4));
    return inner ? `${inner} (${e.form})` : undefined;
  }
  return V6_RANGES.find((r) => inRange(bytes, r.prefix, r.bits))?.name;
}

/** `localhost`, or an IP literal on the loopback interface (127.0.0.0/8, ::1, ::ffff:127.x.y.z). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  return isIP(h.replace(/%.*$/, '')) !== 0 && blockedRange(h)?.startsWith('loopback') === true;
}
