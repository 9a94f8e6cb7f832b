// A runtime logs in to a NATS server that demands it, as a pod does: NATS_USER + NATS_PASSWORD, an NKEY
// seed file, or (mutual) TLS with a CA and certificates made by openssl. A receivable goes through; a
// runtime with no, wrong or incomplete credentials refuses to start with one line that names the
// variable to fix, and no stack trace.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type ConnectionOptions, connect, type NatsConnection, nkeys } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { BundlePublisher } from '../../operator/publisher/bundle-publisher.js';
import { DirectorySource } from '../../operator/sources/directory-source.js';
import { ensureStreams } from '../../platform/bus/index.js';
import {
  type CountingSink,
  FIXTURE_KEY,
  FIXTURE_STREET,
  fixtureReceivable,
  startCountingSink,
} from '../support/durability-street.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { type RuntimeProcess, runtimeRefusal, startRuntimeProcess } from '../support/runtime-process.js';
import { quietLog } from '../support/street.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certs.js';

const RUNTIME = { user: 'outputstraat-runtime', password: 'runtime-Secret-1' };
const STREET = { user: 'street-admin', password: 'street-Secret-2' };

interface SecuredStreet {
  nats: NatsServer;
  db: TestDatabase;
  nc: NatsConnection;
  source: DirectorySource;
}

/** Streams and the fixture street's bundles on `nats`, published over a connection with `login`. */
async function secureStreet(nats: NatsServer, login: Partial<ConnectionOptions>): Promise<SecuredStreet> {
  const db = await createTestDatabase();
  const nc = await connect({ servers: nats.url, ...login });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  const log = quietLog();
  const source = new DirectorySource([FIXTURE_STREET], new BundlePublisher(kv, log), log);
  await source.reconcile();
  return { nats, db, nc, source };
}

async function stopStreet(s: SecuredStreet | undefined) {
  if (!s) return;
  await s.source.close();
  await s.nc.close();
  await s.nats.stop();
  await s.db.drop();
}

async function postReceivable(runtime: RuntimeProcess, n: number): Promise<number> {
  const res = await fetch(`${runtime.url}/v1/receivables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FIXTURE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(fixtureReceivable(n)),
  });
  return res.status;
}

/** The fatal line of a runtime that refused to start: one JSON log line, no stack trace. */
function fatalLine(log: string): { msg: string; code?: string } {
  const lines = log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string; code?: string; err?: unknown });
  const fatal = lines.filter((l) => l.level === 60);
  expect(fatal).toHaveLength(1);
  expect(log).not.toMatch(/\n\s+at /);
  expect(fatal[0]!.err).toBeUndefined();
  return fatal[0]!;
}

let sink: CountingSink;
const runtimes: RuntimeProcess[] = [];
let sent = 0;
const runtimeOptions = (s: SecuredStreet, name: string, env: Record<string, string>) => ({
  name,
  databaseUrl: s.db.url,
  natsUrl: s.nats.url,
  smtp: { port: sink.port },
  env,
  startTimeoutMs: 45_000,
});

beforeAll(async () => {
  sink = await startCountingSink();
});
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.kill()));
  await sink?.stop();
});

describe('a runtime logs in to NATS with a user and password, or an NKEY', () => {
  let street: SecuredStreet | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ost-nkey-'));
  const user = nkeys.createUser();
  const seedFile = join(dir, 'nkeySeed');

  beforeAll(async () => {
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
    const nats = await startNatsServer({
      authorization: { users: [RUNTIME, STREET, { nkey: user.getPublicKey() }] },
    });
    street = await secureStreet(nats, { user: STREET.user, pass: STREET.password });
  });
  afterAll(async () => {
    await stopStreet(street);
    rmSync(dir, { recursive: true, force: true });
  });

  it('with NATS_USER and NATS_PASSWORD the runtime connects and a receivable goes out as a mail', async () => {
    const runtime = await startRuntimeProcess(
      runtimeOptions(street!, 'nats-user', { NATS_USER: RUNTIME.user, NATS_PASSWORD: RUNTIME.password }),
    );
    runtimes.push(runtime);
    expect(await postReceivable(runtime, 1)).toBe(202);
    await sink.waitFor(++sent, 20_000);
    expect(sink.mails.at(-1)!.to).toBe('huurder-1@example.org');
    await runtime.stop();
  });

  it('with NATS_NKEY_SEED_FILE the runtime signs in with the NKEY and a receivable goes out', async () => {
    const runtime = await startRuntimeProcess(
      runtimeOptions(street!, 'nats-nkey', { NATS_NKEY_SEED_FILE: seedFile }),
    );
    runtimes.push(runtime);
    expect(await postReceivable(runtime, 2)).toBe(202);
    await sink.waitFor(++sent, 20_000);
    expect(sink.mails.at(-1)!.to).toBe('huurder-2@example.org');
    await runtime.stop();
  });

  it('without credentials the runtime refuses to start, saying which variables to set', async () => {
    const refused = await runtimeRefusal(runtimeOptions(street!, 'nats-anonymous', {}));
    expect(refused.code).toBe(1);
    const line = fatalLine(refused.log);
    expect(line.code).toBe('OST_ERR_BUS_AUTH');
    expect(line.msg).toBe(
      `cannot log in to NATS at 127.0.0.1:${street!.nats.port}: it requires credentials and none are set; ` +
        'set NATS_USER and NATS_PASSWORD, NATS_NKEY_SEED_FILE or NATS_CREDS_FILE',
    );
  });

  it('with a wrong password the runtime refuses to start, naming NATS_USER and NATS_PASSWORD', async () => {
    const refused = await runtimeRefusal(
      runtimeOptions(street!, 'nats-wrong', { NATS_USER: RUNTIME.user, NATS_PASSWORD: 'not-the-password' }),
    );
    expect(refused.code).toBe(1);
    const line = fatalLine(refused.log);
    expect(line.msg).toBe(
      `cannot log in to NATS at 127.0.0.1:${street!.nats.port}: it rejected the credentials ` +
        '(authorization violation); check NATS_USER and NATS_PASSWORD',
    );
    expect(refused.log).not.toContain('not-the-password');
  });

  it('with a seed file that is not there the runtime refuses to start, naming NATS_NKEY_SEED_FILE', async () => {
    const refused = await runtimeRefusal(
      runtimeOptions(street!, 'nats-no-seed', { NATS_NKEY_SEED_FILE: join(dir, 'absent') }),
    );
    expect(refused.code).toBe(1);
    expect(fatalLine(refused.log)).toMatchObject({
      code: 'OST_ERR_CONFIG',
      msg: `NATS_NKEY_SEED_FILE=${join(dir, 'absent')} cannot be read (ENOENT); mount the Secret at that path or fix NATS_NKEY_SEED_FILE`,
    });
  });
});

describe('a runtime talks to NATS over mutual TLS', () => {
  let street: SecuredStreet | undefined;
  let certs: TestCertificates;

  beforeAll(async () => {
    certs = makeTestCertificates();
    const nats = await startNatsServer({
      tls: { certFile: certs.server.certFile, keyFile: certs.server.keyFile, caFile: certs.caFile },
    });
    street = await secureStreet(nats, {
      tls: { caFile: certs.caFile, certFile: certs.client.certFile, keyFile: certs.client.keyFile },
    });
  });
  afterAll(async () => {
    await stopStreet(street);
    certs?.remove();
  });

  it('with NATS_TLS_CA_FILE, NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE a receivable goes through', async () => {
    const runtime = await startRuntimeProcess(
      runtimeOptions(street!, 'nats-mtls', {
        NATS_TLS_CA_FILE: certs.caFile,
        NATS_TLS_CERT_FILE: certs.client.certFile,
        NATS_TLS_KEY_FILE: certs.client.keyFile,
      }),
    );
    runtimes.push(runtime);
    expect(await postReceivable(runtime, 3)).toBe(202);
    await sink.waitFor(++sent, 20_000);
    expect(sink.mails.at(-1)!.to).toBe('huurder-3@example.org');
    await runtime.stop();
  });

  it('without the CA the runtime cannot verify the server and says to set NATS_TLS_CA_FILE', async () => {
    const refused = await runtimeRefusal(
      runtimeOptions(street!, 'nats-no-ca', {
        NATS_TLS_CERT_FILE: certs.client.certFile,
        NATS_TLS_KEY_FILE: certs.client.keyFile,
      }),
    );
    expect(refused.code).toBe(1);
    const line = fatalLine(refused.log);
    expect(line.code).toBe('OST_ERR_BUS_AUTH');
    expect(line.msg).toMatch(
      /^cannot log in to NATS at 127\.0\.0\.1:\d+: its TLS certificate cannot be verified \(.+\); set NATS_TLS_CA_FILE to the CA that signed the server certificate$/,
    );
  });

  it('without a client certificate the runtime is turned away and told to set NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE', async () => {
    const refused = await runtimeRefusal(
      runtimeOptions(street!, 'nats-no-client-cert', { NATS_TLS_CA_FILE: certs.caFile }),
    );
    expect(refused.code).toBe(1);
    const line = fatalLine(refused.log);
    expect(line.code).toBe('OST_ERR_BUS_AUTH');
    expect(line.msg).toMatch(/set NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE$/);
  });
});
