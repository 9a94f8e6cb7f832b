// Machine opens and clicks: the one place that decides whether an open pixel or a tracked link was
// fetched by a person or by a machine (a mail-privacy proxy, a link scanner, a prefetch). A machine
// event is kept in the message's history but drives no reaction and no outcome. Pure: the request's
// method, headers, address and the seconds since delivery come in as arguments. docs/channels.md
// ("Machine opens and clicks") shows the table below and its sources.

export type TrackingKind = 'open' | 'click';

export interface TrackingRequest {
  kind: TrackingKind;
  method: string;
  userAgent: string | undefined;
  /** The client address as the runtime sees it (after OST_TRUST_PROXY); IPv4 or IPv4-mapped IPv6. */
  ip: string | undefined;
  /** Prefetch hints: `purpose`, `sec-purpose`, `x-moz`, `x-purpose` header values. */
  purpose: string | undefined;
  /** Seconds between the message's delivery (or hand-over to the provider) and this request; undefined if unknown. */
  secondsSinceDelivery: number | undefined;
}

export type MachineVerdict = { machine: false } | { machine: true; rule: string };

/** Within this many seconds of delivery, a fetch from a proxy that also serves people counts as a machine. */
export const MACHINE_WINDOW_SECONDS = 10;

export interface MachineRule {
  /** Stable name, kept in the history's detail (`rule`). */
  name: string;
  who: string;
  kinds: readonly TrackingKind[];
  userAgent?: RegExp;
  cidrs?: readonly string[];
  /** Only a machine when within MACHINE_WINDOW_SECONDS of delivery (the proxy also fetches for people). */
  onlyNearDelivery?: boolean;
  source: string;
}

/**
 * The table. Order matters only for the rule name reported; any match makes the event a machine event.
 * IP ranges are vendors' published mail/security egress ranges at the time of writing: they change, so
 * the user-agent rules carry most of the weight and the docs say where to refresh them.
 */
export const MACHINE_RULES: readonly MachineRule[] = [
  {
    name: 'apple-mail-privacy-protection',
    who: 'Apple Mail Privacy Protection',
    kinds: ['open'],
    // MPP fetches every remote image on delivery with a bare "Mozilla/5.0"; real browsers add a platform.
    userAgent: /^Mozilla\/5\.0$/,
    cidrs: ['17.0.0.0/8'],
    source: 'Apple, "Mail Privacy Protection" (support.apple.com/102580); ARIN: 17.0.0.0/8 is Apple Inc.',
  },
  {
    name: 'gmail-image-proxy',
    who: 'Gmail image proxy',
    kinds: ['open'],
    userAgent: /GoogleImageProxy/i,
    // Gmail fetches through the proxy when a person opens the mail, and sometimes on arrival.
    onlyNearDelivery: true,
    source:
      'Google, "Images in Gmail" (support.google.com/mail/answer/145919); UA "(via ggpht.com GoogleImageProxy)"',
  },
  {
    name: 'yahoo-mail-proxy',
    who: 'Yahoo Mail image proxy',
    kinds: ['open'],
    userAgent: /YahooMailProxy/i,
    onlyNearDelivery: true,
    source: 'UA "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"',
  },
  {
    name: 'microsoft-safe-links',
    who: 'Microsoft Defender for Office 365 Safe Links / Exchange Online Protection',
    kinds: ['open', 'click'],
    userAgent: /SafeLinks|Microsoft Office Protection/i,
    cidrs: ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17'],
    source: 'Microsoft, "Microsoft 365 URLs and IP address ranges", Exchange Online ID 9/10 (EOP)',
  },
  {
    name: 'proofpoint',
    who: 'Proofpoint URL Defense',
    kinds: ['open', 'click'],
    userAgent: /Proofpoint|urldefense/i,
    cidrs: ['148.163.128.0/19', '67.231.144.0/20'],
    source: 'Proofpoint Essentials / pphosted egress ranges (help.proofpoint.com, "IP addresses to allow")',
  },
  {
    name: 'mimecast',
    who: 'Mimecast URL Protect',
    kinds: ['open', 'click'],
    userAgent: /Mimecast/i,
    cidrs: ['205.139.110.0/24', '207.211.30.0/24', '195.130.217.0/24', '91.220.42.0/24'],
    source: 'Mimecast, "Data Centers and URLs" (community.mimecast.com), inbound/outbound ranges',
  },
  {
    name: 'barracuda',
    who: 'Barracuda Link Protection / Sentinel',
    kinds: ['open', 'click'],
    userAgent: /Barracuda/i,
    cidrs: ['209.222.80.0/21', '64.235.144.0/20'],
    source: 'Barracuda Campus, "Barracuda Email Security Service IP ranges"',
  },
  {
    name: 'headless-or-crawler',
    who: 'headless browsers, crawlers and link-preview bots',
    kinds: ['open', 'click'],
    userAgent:
      /HeadlessChrome|PhantomJS|\bbot\b|crawler|spider|Slackbot|facebookexternalhit|WhatsApp|TelegramBot/i,
    source: 'self-declared user agents of automation and link previews',
  },
];

const PREFETCH = /prefetch|preview|prerender/i;

/** Is this open or click a machine's? The first matching reason wins. */
export function classifyTrackingRequest(req: TrackingRequest): MachineVerdict {
  const method = req.method.toUpperCase();
  if (method !== 'GET') return { machine: true, rule: `method-${method.toLowerCase()}` };
  if (req.purpose && PREFETCH.test(req.purpose)) return { machine: true, rule: 'prefetch' };
  const near = req.secondsSinceDelivery !== undefined && req.secondsSinceDelivery <= MACHINE_WINDOW_SECONDS;
  const ua = req.userAgent?.trim();
  // No user agent at all within seconds of delivery: an automated fetcher; no browser omits it.
  if (!ua && near) return { machine: true, rule: 'no-user-agent-near-delivery' };
  const ip = req.ip ? ipv4ToInt(req.ip) : undefined;
  for (const rule of MACHINE_RULES) {
    if (!rule.kinds.includes(req.kind)) continue;
    if (rule.onlyNearDelivery && !near) continue;
    const byAgent = ua !== undefined && rule.userAgent?.test(ua) === true;
    const byAddress = ip !== undefined && (rule.cidrs ?? []).some((c) => inCidr(ip, c));
    if (byAgent || byAddress) return { machine: true, rule: rule.name };
  }
  return { machine: false };
}

/** An IPv4 address (or IPv4-mapped IPv6 `::ffff:a.b.c.d`) as an unsigned 32-bit number; undefined otherwise. */
export function ipv4ToInt(address: string): number | undefined {
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  const parts = bare.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function inCidr(ip: number, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const start = ipv4ToInt(base ?? '');
  const bits = Number(bitsText);
  if (start === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  const first = Math.floor(start / size) * size;
  return ip >= first && ip < first + size;
}
