// A tenant's webhook Channel cannot make the street call into its own network. Each URL below is refused
// before any connection is made — for a host name, after resolving it and checking every address — and
// the refusal is recorded on the message (its history and the step's reason) and, for the ERP event feed
// that goes to the same URLs, on the channel's cursor. Local receivers count every TCP connection they
// get: none may arrive. A receiver listed in OST_WEBHOOK_ALLOW_HOSTS answers with a redirect to one of
// them, which is not followed.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { GuardedHttp } from '../../platform/outbound/index.js';
import { insertSteps } from '../../runtime/dossiers/index.js';
import { FIXTURE_KEY, FIXTURE_STREET, fixtureReceivable } from '../support/durability-street.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const SECRET_ENV = secretEnvName('durable-wonen', 'hooks', 'hmacSecret');

interface Counter {
  port: number;
  connections: number;
  server: NetServer;
}

async function startCounter(host: string): Promise<Counter> {
  const counter: Counter = { port: 0, connections: 0, server: createServer() };
  counter.server.on('connection', (socket) => {
    counter.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => counter.server.listen(0, host, resolve));
  counter.port = (counter.server.address() as { port: number }).port;
  return counter;
}

const channel = (name: string, url: string) => `---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: ${name}, namespace: durable-wonen }
spec:
  type: webhook
  provider: http
  credentialsSecretRef: { name: hooks }
  http: { url: '${url}' }
`;

describe('webhook URLs that point into the street', () => {
  let street: TestStreet;
  let db: Database;
  let dir: string;
  let v4: Counter;
  let v6: Counter;
  let redirector: Server;
  let redirected = 0;
  let targets: Record<string, { url: string; refusal: string }>;

  beforeAll(async () => {
    v4 = await startCounter('127.0.0.1');
    v6 = await startCounter('::1');
    redirector = createHttpServer((req, res) => {
      redirected++;
      req.resume();
      res.writeHead(302, { location: `http://localhost:${v4.port}/elsewhere` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const redirectPort = (redirector.address() as { port: number }).port;
    targets = {
      'hook-plain-http': { url: `http://127.0.0.1:${v4.port}/hook`, refusal: 'plain http is not allowed' },
      'hook-metadata': {
        url: 'https://169.254.169.254/latest/meta-data/',
        refusal: 'it is a link-local address',
      },
      'hook-ipv6-loopback': { url: `https://[::1]:${v6.port}/hook`, refusal: 'it is a loopback address' },
      'hook-mapped': {
        url: `https://[::ffff:127.0.0.1]:${v4.port}/hook`,
        refusal: 'a loopback (IPv4-mapped) address',
      },
      'hook-localhost': {
        url: `https://localhost:${v4.port}/hook`,
        refusal: 'localhost resolves to 127.0.0.1, a loopback address',
      },
      'hook-redirect': {
        url: `http://127.0.0.1:${redirectPort}/hook`,
        refusal: 'it answered 302, a redirect; redirects are not followed',
      },
    };
    dir = mkdtempSync(join(tmpdir(), 'ost-webhook-targets-'));
    cpSync(FIXTURE_STREET, join(dir, 'street'), { recursive: true });
    writeFileSync(
      join(dir, 'street', 'hooks.yaml'),
      Object.entries(targets)
        .map(([name, t]) => channel(name, t.url))
        .join(''),
    );
    process.env[SECRET_ENV] = 'whsec-webhook-targets';
    // The redirecting receiver is plain http on loopback, so the test lists it; nothing else is listed.
    process.env.OST_WEBHOOK_ALLOW_HOSTS = `127.0.0.1:${redirectPort}`;
    street = await startStreet([join(dir, 'street')]);
    const runtime = await street.startRuntime();
    await eventually(
      async () => Object.keys(runtime.bundles.get('durable-wonen')?.channels ?? {}).length === 7,
      10_000,
      'the bundle with the webhook channels',
    );
    db = await createDatabase(street.db.url);
  });
  afterAll(async () => {
    await db?.end();
    await street?.stop();
    for (const c of [v4, v6]) await new Promise((resolve) => c?.server.close(resolve));
    await new Promise((resolve) => redirector?.close(resolve));
    delete process.env[SECRET_ENV];
    delete process.env.OST_WEBHOOK_ALLOW_HOSTS;
    rmSync(dir, { recursive: true, force: true });
  });

  it('private, link-local, loopback (IPv4, IPv6, IPv4-mapped, by name) and redirecting URLs are refused without a connection; the error is on the message', async () => {
    const receivable = fixtureReceivable(1);
    expect((await street.post('/v1/receivables', receivable, FIXTURE_KEY)).status).toBe(202);
    const c = await eventually(
      async () =>
        (await db.maybeOne(sql.unsafe`
          SELECT c.id, c.flow FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ${receivable.externalId}`)) ?? undefined,
      10_000,
      'the case',
    );
    // A send step per webhook channel, as a flow would schedule it (no Template can target webhooks yet).
    await db.transaction((tx) =>
      insertSteps(
        tx,
        Object.keys(targets).map((name) => ({
          case_id: c.id as string,
          corporation: 'durable-wonen',
          flow: c.flow as string,
          step_id: `notify-${name}`,
          kind: 'send' as const,
          due_at: new Date().toISOString(),
          dedupe_key: `webhook-targets:${name}`,
          payload: { channel: name, template: 'reminder-email' },
          status: 'scheduled' as const,
          reason: null,
        })),
      ),
    );

    for (const [name, target] of Object.entries(targets)) {
      const step = await eventually(
        async () => {
          const row = await db.maybeOne(sql.unsafe`
            SELECT s.status, s.attempts, s.reason, m.id AS message_id, m.status AS message_status
            FROM steps s LEFT JOIN messages m ON m.step_row_id = s.id
            WHERE s.dedupe_key = ${`webhook-targets:${name}`}`);
          return row && row.attempts === 1 && row.status === 'scheduled' ? row : undefined;
        },
        15_000,
        `the refused attempt on ${name}`,
      );
      expect(step.reason, name).toContain(`webhook URL ${new URL(target.url).origin} is refused`);
      expect(step.reason, name).toContain(target.refusal);
      expect(step.message_status, name).toBe('sending');
      const history = await db.any(sql.unsafe`
        SELECT status, source, detail FROM message_status_history
        WHERE message_id = ${step.message_id as string} ORDER BY id`);
      expect(history.map((h) => h.status)).toEqual(['sending', 'attempt-failed']);
      expect(history[1]).toMatchObject({
        source: 'dispatch',
        detail: { attempt: 1, code: 'OST_ERR_WEBHOOK_TARGET' },
      });
      expect(String((history[1]!.detail as { error: string }).error)).toContain(target.refusal);
    }

    // The ERP event feed goes to the same URLs: refused the same way, the reason on its cursor.
    for (const [name, target] of Object.entries(targets)) {
      const cursor = await eventually(
        async () =>
          (await db.maybeOne(sql.unsafe`
            SELECT last_error FROM webhook_cursors WHERE corporation = 'durable-wonen' AND channel = ${name}
              AND last_error IS NOT NULL`)) ?? undefined,
        10_000,
        `the event feed's refusal on ${name}`,
      );
      expect(cursor.last_error, name).toContain(target.refusal);
    }

    expect(v4.connections).toBe(0);
    expect(v6.connections).toBe(0);
    // The listed receiver was asked (that is how its 302 is known); where it pointed was never contacted.
    expect(redirected).toBeGreaterThanOrEqual(1);
  });

  it('a host name is resolved once and the connection is pinned to the address that was checked (no DNS rebinding)', async () => {
    const requests: string[] = [];
    const receiver = createHttpServer((req, res) => {
      requests.push(String(req.headers.host));
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    try {
      // A listed name only this resolver knows: the request can only arrive through its first answer.
      let lookups = 0;
      const pinned = new GuardedHttp({
        allowHosts: [`pinned.invalid:${port}`],
        timeoutMs: 5_000,
        resolve: async () =>
          ++lookups === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }],
      });
      expect(await pinned.post(`http://pinned.invalid:${port}/hook`, { headers: {}, body: '{}' })).toEqual({
        status: 204,
      });
      expect(lookups).toBe(1);
      expect(requests).toEqual([`pinned.invalid:${port}`]);

      // An unlisted name with one private address among public ones is refused before connecting.
      const guarded = new GuardedHttp({
        allowHosts: [],
        timeoutMs: 5_000,
        resolve: async () => [
          { address: '93.184.215.14', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ],
      });
      await expect(
        guarded.post(`https://rebind.invalid:${v4.port}/hook`, { headers: {}, body: '{}' }),
      ).rejects.toMatchObject({
        code: 'OST_ERR_WEBHOOK_TARGET',
        message: expect.stringContaining('rebind.invalid resolves to 127.0.0.1, a loopback address'),
      });
      expect(v4.connections).toBe(0);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
