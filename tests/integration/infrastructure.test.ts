import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type NatsConnection, nanos, type Status } from '@nats-io/transport-node';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_BUCKET,
  BUNDLE_HISTORY,
  connectBus,
  DUPLICATE_WINDOW_MS,
  EVENTS_STREAM,
  ensureStreams,
  INTAKE_STREAM,
  intakeSubject,
} from '../../platform/bus/index.js';
import { createDatabase, loadMigrations, runMigrations, sql } from '../../platform/db/index.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startSmtpSink } from '../support/smtp-sink.js';

const log = pino({ level: 'silent' });

describe('PostgreSQL migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('three replicas starting at once apply each migration exactly once', async () => {
    const pools = await Promise.all([1, 2, 3].map(() => createDatabase(db.url, { log })));
    try {
      const reports = await Promise.all(pools.map((pool) => runMigrations(pool, { log })));
      const versions = (await loadMigrations()).map((migration) => migration.version);

      expect(reports.flatMap((report) => report.applied).sort((a, b) => a - b)).toEqual(versions);
      for (const report of reports) expect(report.version).toBe(versions.at(-1));
      const recorded = await pools[0]!.any(
        sql.unsafe`SELECT version, count(*)::int AS times FROM schema_migrations GROUP BY version ORDER BY version`,
      );
      expect(recorded).toEqual(versions.map((version) => ({ version, times: 1 })));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('running the migrations again on a current schema changes nothing', async () => {
    const pool = await createDatabase(db.url, { log });
    try {
      const before = await pool.any(sql.unsafe`SELECT * FROM schema_migrations ORDER BY version`);
      const report = await runMigrations(pool, { log });
      expect(report.applied).toEqual([]);
      expect(await pool.any(sql.unsafe`SELECT * FROM schema_migrations ORDER BY version`)).toEqual(before);
    } finally {
      await pool.end();
    }
  });

  it('the schema keeps one step per dedupe key and reads money, dates and times back as typed', async () => {
    const pool = await createDatabase(db.url, { log });
    try {
      const receivable = await pool.one(sql.unsafe`
        INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor, payload)
        VALUES ('woonstad', 'R-1001', 'rent', 73450, 73450, '2025-03-01', ${sql.jsonb({ locale: 'nl' })}, '{}')
        RETURNING id, amount_minor, due_date, status, accepted_at`);
      expect(receivable).toMatchObject({ amount_minor: 73_450, due_date: '2025-03-01', status: 'open' });
      expect(receivable.accepted_at).toBeInstanceOf(Date);

      const caseId = await pool.oneFirst(sql.unsafe`
        INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision)
        VALUES (${receivable.id}, 'woonstad', 'rent-reminder', 'r1', 'b1') RETURNING id`);
      const step = sql.fragment`(${caseId}, 'woonstad', 'first-reminder', 'send', now(), 'case-1/first-reminder/0')`;
      await pool.query(sql.unsafe`
        INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key) VALUES ${step}`);
      await expect(
        pool.query(sql.unsafe`
          INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key) VALUES ${step}`),
      ).rejects.toThrow();
      await expect(
        pool.query(sql.unsafe`UPDATE receivables SET status = 'settled' WHERE id = ${receivable.id}`),
      ).rejects.toThrow();
    } finally {
      await pool.end();
    }
  });
});

describe('the Postgres test launcher', () => {
  it('drops a test database even while a connection to it is open', async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    const open = new pg.Client({ connectionString: db.url });
    open.on('error', () => {});
    await open.connect();
    await db.drop();

    const admin = new pg.Client({
      connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
      await open.end().catch(() => {});
    }
  });
});

describe('JetStream streams', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus(server.url, { name: 'infrastructure-test', log, reconnectTimeWait: 100 });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('are created on first start and left as they are by every later start', async () => {
    const jsm = await jetstreamManager(nc);
    expect(await ensureStreams(jsm, { log })).toEqual({
      OST_INTAKE: 'created',
      OST_DISPATCH: 'created',
      OST_EVENTS: 'created',
      'KV_outputstraat-bundles': 'created',
    });
    const later = await Promise.all([ensureStreams(jsm), ensureStreams(jsm)]);
    for (const outcomes of later) expect(new Set(Object.values(outcomes))).toEqual(new Set(['unchanged']));

    const intake = await jsm.streams.info(INTAKE_STREAM);
    expect(intake.config).toMatchObject({
      subjects: ['ost.intake.>'],
      retention: 'workqueue',
      storage: 'file',
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
    const bundles = await new Kvm(nc).open(BUNDLE_BUCKET);
    expect((await bundles.status()).history).toBe(BUNDLE_HISTORY);
  });

  it('a stream whose settings drifted is brought back on the next start', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.update(EVENTS_STREAM, { max_age: nanos(24 * 60 * 60_000) });
    await jsm.streams.update(`KV_${BUNDLE_BUCKET}`, { max_msgs_per_subject: 2 });

    const outcomes = await ensureStreams(jsm);
    expect(outcomes).toMatchObject({ OST_EVENTS: 'updated', 'KV_outputstraat-bundles': 'updated' });
    expect((await jsm.streams.info(EVENTS_STREAM)).config.max_age).toBe(nanos(30 * 24 * 60 * 60_000));
    expect((await jsm.streams.info(`KV_${BUNDLE_BUCKET}`)).config.max_msgs_per_subject).toBe(BUNDLE_HISTORY);
  });

  it('an accepted message survives a nats-server restart and its msgID still counts as a duplicate', async () => {
    const js = jetstream(nc);
    const subject = intakeSubject('woonstad');
    const body = JSON.stringify({ externalId: 'R-1001', amountMinor: 73_450 });
    const first = await js.publish(subject, body, { msgID: 'woonstad/R-1001' });
    expect(first.duplicate).toBe(false);

    const reconnected = nextStatus(nc, 'reconnect');
    await server.restart();
    await reconnected;

    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(INTAKE_STREAM, { seq: first.seq });
    expect(stored?.string()).toBe(body);

    const again = await js.publish(subject, body, { msgID: 'woonstad/R-1001' });
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    expect((await jsm.streams.info(INTAKE_STREAM)).state.messages).toBe(1);
  });
});

describe('SMTP sink', () => {
  it('receives a message sent with nodemailer byte for byte', async () => {
    const sink = await startSmtpSink();
    try {
      const composer = nodemailer.createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'windows',
      });
      const composed = await composer.sendMail({
        from: 'Woonstad Incasso <incasso@woonstad.example>',
        to: 'huurder@example.org',
        subject: 'Herinnering: huur maart € 734,50',
        // Lines starting with a dot exercise SMTP dot-stuffing on the way in and out.
        text: 'Geachte huurder,\r\n.\r\n..twee punten\r\nMet vriendelijke groet',
        html: '<p>Betaal € 734,50 vóór 1 maart.</p>',
      });
      const raw = (composed.message as Buffer).toString('utf8');

      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        ignoreTLS: true,
      });
      await smtp.sendMail({
        envelope: {
          from: 'bounces@woonstad.example',
          to: ['huurder@example.org', 'archief@woonstad.example'],
        },
        raw,
      });

      const [received] = await sink.waitForMessages(1);
      expect(received).toEqual({
        from: 'bounces@woonstad.example',
        to: ['huurder@example.org', 'archief@woonstad.example'],
        raw,
      });
    } finally {
      await sink.stop();
    }
  });
});

function nextStatus(nc: NatsConnection, type: Status['type']): Promise<void> {
  return (async () => {
    for await (const status of nc.status()) if (status.type === type) return;
  })();
}
