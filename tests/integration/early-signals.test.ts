// Early signals (Wgs vroegsignalering) on a real street: a dossier with a sent reminder that offered the
// signal, a recorded contact attempt and no objection gets exactly one signal however often it is
// evaluated, exported once as a file over SFTP; a tenant who objected never gets one; a debtor without a
// contact attempt neither. The ERP routes refuse bad input by field and another corporation's debtor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { sql } from '../../platform/db/index.js';
import { createLogger } from '../../platform/log.js';
import { environmentSecrets } from '../../platform/secrets.js';
import { EarlySignalWorker } from '../../runtime/channels/early-signal-export.js';
import { type ChannelStreet, messageEventually, receivable, startChannelStreet } from './channels-fixture.js';

const EXPORT_SECRET = 'municipality-sftp';

describe('early signals to the municipality', () => {
  let cs: ChannelStreet;
  let worker: EarlySignalWorker;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    // The fixture's SFTP server also plays the municipality's intake server (another folder).
    cs = await startChannelStreet(
      {},
      {
        corporationSpec: (sftp) => `  collections:
    earlySignal:
      enabled: true
      objectionWindowDays: 0
      offerTemplates: [storno-email]
      export:
        sftp:
          host: 127.0.0.1
          port: ${sftp.port}
          directory: /vroegsignalering
          hostKeySha256: '${sftp.hostKeySha256}'
          credentialsSecretRef: { name: ${EXPORT_SECRET} }
`,
      },
    );
    env[secretEnvName('woonstad-noord', EXPORT_SECRET, 'username')] = cs.sftp.username;
    env[secretEnvName('woonstad-noord', EXPORT_SECRET, 'password')] = cs.sftp.password;
    Object.assign(process.env, env);
    worker = new EarlySignalWorker(
      {
        db: cs.db,
        bundles: cs.bundles,
        secrets: environmentSecrets(process.env),
        log: createLogger('early-signals', 'silent'),
      },
      60_000,
    );
  });
  afterAll(async () => {
    for (const key of Object.keys(env)) delete process.env[key];
    await cs?.stop();
  });

  it('is made exactly once when every condition holds, never after an objection or without a contact attempt', async () => {
    const debtors = {
      signalled: 'D-ES-1',
      objected: 'D-ES-2',
      unreached: 'D-ES-3',
    };
    const externalIds: Record<string, string> = {};
    for (const [role, id] of Object.entries(debtors)) {
      const r = receivable({}, { id, preferredChannel: 'email' });
      externalIds[role] = r.externalId;
      expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
      // The storno reminder (template storno-email, one of offerTemplates) goes out by email.
      await messageEventually(
        cs,
        r.externalId,
        (m) => m.template === 'storno-email' && m.status === 'sent',
        'the reminder',
      );
    }
    const at = new Date(Date.now() - 3_600_000).toISOString();
    for (const id of [debtors.signalled, debtors.objected]) {
      const res = await cs.street.post(`/v1/debtors/${id}/contact-attempts`, { kind: 'call', at });
      expect(res.status).toBe(201);
    }
    const objection = await cs.street.post(`/v1/debtors/${debtors.objected}/early-signal-objection`, {
      objectedAt: at,
      how: 'phone',
    });
    expect(objection.status).toBe(200);
    expect(await objection.json()).toEqual({
      status: 'objected',
      objectedAt: at,
      how: 'phone',
      signalledBefore: false,
    });

    // Evaluated twice (two passes, as two replicas would): one signal, one event, one file.
    const first = await worker.runOnce();
    const second = await worker.runOnce();
    expect(first).toEqual({ created: 1, exported: 1 });
    expect(second).toEqual({ created: 0, exported: 0 });
    const signals = await cs.db.any(sql.unsafe`
      SELECT s.id, s.arrears_cents, s.arrears_terms, s.export_file, d.debtor_id
      FROM early_signals s JOIN debtors d ON d.id = s.debtor_ref`);
    expect(signals.map((s) => [s.debtor_id, Number(s.arrears_cents), s.arrears_terms])).toEqual([
      [debtors.signalled, 62_079, 1],
    ]);
    const events = await cs.db.any(sql.unsafe`
      SELECT type, data FROM events WHERE type LIKE 'earlySignal.%' ORDER BY seq`);
    expect(events.map((e) => e.type)).toEqual(['earlySignal.created', 'earlySignal.exported']);
    expect(events[0]!.data).toEqual({ id: signals[0]!.id, arrearsCents: 62_079, arrearsTerms: 1 });

    // The feed shows it to the ERP.
    const feed = (await (await cs.street.get('/v1/events?limit=1000')).json()) as {
      events: { type: string }[];
    };
    expect(feed.events.filter((e) => e.type.startsWith('earlySignal.')).map((e) => e.type)).toEqual([
      'earlySignal.created',
      'earlySignal.exported',
    ]);

    // The file: the tenant's contact details and the arrears, nothing else about the tenancy.
    expect(cs.sftp.files('vroegsignalering')).toEqual([signals[0]!.export_file]);
    const file = JSON.parse(
      cs.sftp.read(`vroegsignalering/${signals[0]!.export_file as string}`).toString('utf8'),
    );
    expect(file).toEqual({
      version: 1,
      signalId: signals[0]!.id,
      landlord: 'woonstad-noord',
      createdAt: expect.any(String),
      tenant: {
        name: 'K. Balogun',
        street: 'Vismarkt',
        houseNumber: '12a',
        postcode: '9712 CA',
        city: 'Groningen',
        phone: '+31612345678',
        email: 'k.balogun@example.org',
      },
      arrears: { amountCents: 62_079, currency: 'EUR', terms: 1 },
      basis: 'Besluit gemeentelijke schuldhulpverlening, art. 2',
    });
    const timeline = (await (await cs.street.get(`/v1/receivables/${externalIds.signalled}`)).json()) as {
      cases: { timeline: { text: string }[] }[];
    };
    expect(timeline.cases[0]!.timeline.map((t) => t.text)).toEqual(
      expect.arrayContaining([
        'Early signal for the municipality made: arrears of € 620,79 over 1 term(s); the tenant did not object.',
        `Early signal handed to the municipality's intake as ${signals[0]!.export_file as string}.`,
      ]),
    );

    // The unreached debtor gets a contact attempt now: the next pass signals that dossier, still none for the objector.
    expect(
      (await cs.street.post(`/v1/debtors/${debtors.unreached}/contact-attempts`, { kind: 'visit', at }))
        .status,
    ).toBe(201);
    expect(await worker.runOnce()).toEqual({ created: 1, exported: 1 });
    const after = await cs.db.anyFirst(sql.unsafe`
      SELECT d.debtor_id FROM early_signals s JOIN debtors d ON d.id = s.debtor_ref ORDER BY s.created_at`);
    expect(after).toEqual([debtors.signalled, debtors.unreached]);
  });

  it('the routes refuse bad input by field, an unknown debtor and another corporation', async () => {
    const bad = await cs.street.post('/v1/debtors/D-ES-1/contact-attempts', {
      kind: 'telepathy',
      at: 'yesterday',
      note: 'x',
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; message: string };
    expect(body.code).toBe('OST_ERR_VALIDATION');
    expect(body.message).toMatch(/kind|at/);
    const future = await cs.street.post('/v1/debtors/D-ES-1/contact-attempts', {
      kind: 'call',
      at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(((await future.json()) as { message: string }).message).toContain('at');
    const objection = { objectedAt: '2026-12-01T10:00:00Z', how: 'letter' };
    const long = await cs.street.post(`/v1/debtors/${'x'.repeat(101)}/early-signal-objection`, objection);
    expect(long.status).toBe(400);
    const empty = await cs.street.post('/v1/debtors/D-ES-1/early-signal-objection', {});
    expect(empty.status).toBe(400);
    const emptyMessage = ((await empty.json()) as { message: string }).message;
    expect(emptyMessage).toContain('objectedAt');
    expect(emptyMessage).toContain('how');
    expect((await cs.street.post('/v1/debtors/D-NOBODY/early-signal-objection', objection)).status).toBe(404);
    expect(
      (await cs.street.post('/v1/debtors/D-ES-1/early-signal-objection', objection, 'not-a-key')).status,
    ).toBe(401);
    // None of these recorded an objection: only D-ES-2 objected.
    expect(await cs.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM early_signal_objections`)).toBe(1);
  });
});
