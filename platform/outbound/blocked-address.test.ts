import { describe, expect, it } from 'vitest';
import { blockedRange, isLoopbackHost } from './blocked-address.js';

describe('blocked addresses for outbound requests', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved (and broadcast)'],
    ['192.0.2.2', 'documentation'],
  ])('IPv4 %s is refused as %s', (ip, range) => {
    expect(blockedRange(ip)).toBe(range);
  });

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::2', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'IETF protocol assignments'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4-mapped)'],
    ['::ffff:0:10.0.0.1', 'private (IPv4-translated)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (NAT64)'],
    ['2002:7f00:1::1', 'loopback (6to4)'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
  ])('IPv6 %s is refused as %s', (ip, range) => {
    expect(blockedRange(ip)).toBe(range);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
  ])('the public address %s is allowed', (ip) => {
    expect(blockedRange(ip)).toBeUndefined();
  });

  it('a host name is not an address', () => {
    expect(blockedRange('example.org')).toBe('not an IP address');
  });

  it('loopback relays are localhost and loopback literals only, not names that may resolve anywhere', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      '127.0.0.1',
      '127.0.0.53',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['smtp.example.org', '10.0.0.5', 'localhost.example.org', '192.0.2.2', 'fd00::2']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
