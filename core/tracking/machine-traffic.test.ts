import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classifyTrackingRequest,
  inCidr,
  ipv4ToInt,
  MACHINE_RULES,
  MACHINE_WINDOW_SECONDS,
  type TrackingRequest,
} from './machine-traffic.js';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const base: TrackingRequest = {
  kind: 'click',
  method: 'GET',
  userAgent: CHROME,
  ip: '198.51.100.7',
  purpose: undefined,
  secondsSinceDelivery: 3600,
};
const classify = (over: Partial<TrackingRequest>) => classifyTrackingRequest({ ...base, ...over });

describe('machine opens and clicks', () => {
  it('a person in a browser, however soon after delivery, is a person', () => {
    expect(classify({})).toEqual({ machine: false });
    expect(classify({ secondsSinceDelivery: 1 })).toEqual({ machine: false });
    expect(classify({ kind: 'open', secondsSinceDelivery: 0 })).toEqual({ machine: false });
  });

  it('HEAD and other non-GET methods and prefetch hints are machines', () => {
    expect(classify({ method: 'HEAD' })).toEqual({ machine: true, rule: 'method-head' });
    expect(classify({ method: 'options' })).toEqual({ machine: true, rule: 'method-options' });
    expect(classify({ purpose: 'prefetch' })).toEqual({ machine: true, rule: 'prefetch' });
    expect(classify({ purpose: 'prefetch;prerender' })).toEqual({ machine: true, rule: 'prefetch' });
  });

  it('scanners are machines by user agent, at any time', () => {
    expect(classify({ userAgent: 'Barracuda Sentinel (EE)', secondsSinceDelivery: 2 })).toEqual({
      machine: true,
      rule: 'barracuda',
    });
    expect(classify({ userAgent: 'Mozilla/5.0 (compatible; Mimecast URL Protect)' })).toMatchObject({
      rule: 'mimecast',
    });
    expect(classify({ userAgent: 'Mozilla/5.0 HeadlessChrome/120.0' })).toMatchObject({
      rule: 'headless-or-crawler',
    });
  });

  it('scanners are machines by address range, with a browser-like user agent', () => {
    expect(classify({ ip: '40.107.22.9' })).toMatchObject({ machine: true, rule: 'microsoft-safe-links' });
    expect(classify({ ip: '::ffff:148.163.130.1' })).toMatchObject({ rule: 'proofpoint' });
    expect(classify({ ip: '40.106.255.255' })).toEqual({ machine: false });
  });

  it("Apple's privacy proxy opens are machines; its bare user agent on a click is not a rule for clicks", () => {
    expect(classify({ kind: 'open', userAgent: 'Mozilla/5.0' })).toMatchObject({
      rule: 'apple-mail-privacy-protection',
    });
    expect(classify({ kind: 'open', ip: '17.58.1.1' })).toMatchObject({
      rule: 'apple-mail-privacy-protection',
    });
    expect(classify({ kind: 'click', userAgent: 'Mozilla/5.0' })).toEqual({ machine: false });
  });

  it("Gmail's image proxy is a machine near delivery and a person's open later", () => {
    const ua = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    expect(
      classify({ kind: 'open', userAgent: ua, secondsSinceDelivery: MACHINE_WINDOW_SECONDS }),
    ).toMatchObject({
      rule: 'gmail-image-proxy',
    });
    expect(
      classify({ kind: 'open', userAgent: ua, secondsSinceDelivery: MACHINE_WINDOW_SECONDS + 1 }),
    ).toEqual({
      machine: false,
    });
    expect(classify({ kind: 'open', userAgent: ua, secondsSinceDelivery: undefined })).toEqual({
      machine: false,
    });
  });

  it('no user agent is a machine near delivery only', () => {
    expect(classify({ userAgent: undefined, secondsSinceDelivery: 2 })).toMatchObject({
      rule: 'no-user-agent-near-delivery',
    });
    expect(classify({ userAgent: '  ', secondsSinceDelivery: 2 })).toMatchObject({ machine: true });
    expect(classify({ userAgent: undefined, secondsSinceDelivery: 600 })).toEqual({ machine: false });
  });

  it('hostile addresses and user agents neither throw nor match', () => {
    for (const ip of ['', '1.2.3', '256.1.1.1', '1.2.3.4.5', 'fe80::1', '01x.2.3.4', 'a'.repeat(10_000)]) {
      expect(classify({ ip })).toEqual({ machine: false });
    }
    expect(classify({ userAgent: `${'x'.repeat(100_000)}` })).toEqual({ machine: false });
  });

  it('CIDR arithmetic: boundaries of known ranges', () => {
    expect(ipv4ToInt('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(ipv4ToInt('0.0.0.0')).toBe(0);
    expect(inCidr(ipv4ToInt('104.47.127.255')!, '104.47.0.0/17')).toBe(true);
    expect(inCidr(ipv4ToInt('104.47.128.0')!, '104.47.0.0/17')).toBe(false);
    expect(inCidr(ipv4ToInt('9.9.9.9')!, '0.0.0.0/0')).toBe(true);
    expect(inCidr(1, 'nonsense')).toBe(false);
  });

  it('every rule has a documented source and a valid range, and docs/channels.md lists it', () => {
    const docs = readFileSync(new URL('../../docs/channels.md', import.meta.url), 'utf8');
    for (const rule of MACHINE_RULES) {
      expect(rule.source.length, rule.name).toBeGreaterThan(10);
      expect(rule.userAgent ?? rule.cidrs, rule.name).toBeDefined();
      expect(docs, rule.name).toContain(`| \`${rule.name}\` |`);
      for (const c of rule.cidrs ?? []) expect(ipv4ToInt(c.split('/')[0]!), c).toBeDefined();
    }
  });
});
