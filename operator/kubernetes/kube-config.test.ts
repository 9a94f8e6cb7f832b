import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionFromKubeconfig, kubeConfigAt } from './kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ost-kubeconfig-'));
const CA = Buffer.from('not really a certificate').toString('base64');

function file(name: string, doc: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...doc }));
  return path;
}

const cluster = (name: string, server: string) => ({
  name,
  cluster: { server, 'certificate-authority-data': CA },
});
const context = (name: string, clusterName: string, user: string) => ({
  name,
  context: { cluster: clusterName, user },
});

describe('kubeconfig loading', () => {
  it('merges several KUBECONFIG files as kubectl does: the first that names a cluster, user or context wins', () => {
    const first = file('first', {
      clusters: [cluster('prod', 'https://prod.example:6443/')],
      users: [{ name: 'me', user: { token: 'first' } }],
      contexts: [context('prod', 'prod', 'me')],
      'current-context': 'prod',
    });
    const second = file('second', {
      clusters: [cluster('prod', 'https://elsewhere.example'), cluster('dev', 'https://dev.example')],
      users: [{ name: 'me', user: { token: 'second' } }],
      contexts: [context('dev', 'dev', 'me')],
      'current-context': 'dev',
    });
    const conn = connectionFromKubeconfig([first, second]);
    expect(conn.server).toBe('https://prod.example:6443');
    expect(conn.source).toBe(first);
    expect(conn.ca?.toString()).toBe('not really a certificate');
    expect(conn.config.getCurrentUser()?.token).toBe('first');
    expect(connectionFromKubeconfig([first, second], 'dev').server).toBe('https://dev.example');
  });

  it('reads a tokenFile next to the kubeconfig on every request, trimmed, so a rotated token is used', async () => {
    writeFileSync(join(dir, 'sa.token'), 'token-one\n');
    const conn = connectionFromKubeconfig([
      file('token-file', {
        clusters: [cluster('c', 'https://c.example')],
        users: [{ name: 'u', user: { tokenFile: 'sa.token' } }],
        contexts: [context('x', 'c', 'u')],
        'current-context': 'x',
      }),
    ]);
    const authorization = async () => {
      const opts: { headers?: Record<string, string> } = {};
      await conn.config.applyToHTTPSOptions(opts);
      return opts.headers?.Authorization;
    };
    expect(await authorization()).toBe('Bearer token-one');
    writeFileSync(join(dir, 'sa.token'), 'token-two');
    expect(await authorization()).toBe('Bearer token-two');
    // Pointed elsewhere (a proxy in front of the apiserver), it still reads the file.
    const moved = kubeConfigAt({ ...conn, server: 'https://127.0.0.1:1' });
    expect(moved.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
    const opts: { headers?: Record<string, string> } = {};
    await moved.applyToHTTPSOptions(opts);
    expect(opts.headers?.Authorization).toBe('Bearer token-two');
  });

  it('names the file and what is missing when the current context points nowhere', () => {
    const broken = file('broken', {
      clusters: [cluster('c', 'https://c.example')],
      users: [],
      contexts: [context('x', 'c', 'nobody')],
      'current-context': 'x',
    });
    expect(() => connectionFromKubeconfig([broken])).toThrow(
      `kubeconfig ${broken} has no user named "nobody"`,
    );
    expect(() => connectionFromKubeconfig([broken], 'y')).toThrow('has no context named "y"');
    expect(() => connectionFromKubeconfig([join(dir, 'absent')])).toThrow('no kubeconfig found at');
  });
});
