// TLS towards the SMTP relay: a relay on loopback (the local street, a sidecar) may be plaintext; a
// Channel that says `tls: required` gets TLS or nothing, even on loopback — the rule every relay elsewhere
// follows without being told (runtime/channels/smtp-security.test.ts). The relay here is the real SMTP
// sink, which offers no STARTTLS; no OST_SMTP_REDIRECT is set, so the Channel's own host and port are used.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import type { RunningRuntime } from '../../runtime/start-runtime.js';
import { FIXTURE_KEY, FIXTURE_STREET, fixtureReceivable } from '../support/durability-street.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const emailChannel = (port: number, tls?: string) => `apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: email, namespace: durable-wonen }
spec:
  type: email
  provider: smtp
  smtp:
    host: 127.0.0.1
    port: ${port}
${tls ? `    tls: ${tls}\n` : ''}`;

describe('TLS towards the SMTP relay', () => {
  let street: TestStreet;
  let runtime: RunningRuntime;
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ost-smtp-tls-'));
    cpSync(FIXTURE_STREET, join(dir, 'street'), { recursive: true });
    writeFileSync(join(dir, 'street', 'email-channel.yaml'), emailChannel(2525));
    street = await startStreet([join(dir, 'street')]);
    writeFileSync(join(dir, 'street', 'email-channel.yaml'), emailChannel(street.smtp.port));
    await street.source.reconcile();
    runtime = await street.startRuntime({ smtpRedirect: undefined });
    db = await createDatabase(street.db.url);
  });
  afterAll(async () => {
    await db?.end();
    await street?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const stepOf = (externalId: string) =>
    db.maybeOne(sql.unsafe`
      SELECT s.status, s.attempts, s.reason FROM steps s JOIN cases c ON c.id = s.case_id
      JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = ${externalId} AND s.kind = 'send'`);
  const useChannel = async (tls: string | undefined) => {
    writeFileSync(join(dir, 'street', 'email-channel.yaml'), emailChannel(street.smtp.port, tls));
    await street.source.reconcile();
    await eventually(
      async () => runtime.bundles.get('durable-wonen')?.channels.email?.spec.smtp?.tls === tls,
      10_000,
      `the email channel with tls: ${tls ?? '(unset)'}`,
    );
  };

  it('a plaintext relay on loopback delivers when the Channel does not ask for TLS', async () => {
    await useChannel(undefined);
    const r = fixtureReceivable(1);
    expect((await street.post('/v1/receivables', r, FIXTURE_KEY)).status).toBe(202);
    await street.smtp.waitForMessages(1, 10_000);
    await eventually(async () => (await stepOf(r.externalId))?.status === 'sent', 10_000, 'the step sent');
  });

  it('tls: required refuses a relay that cannot do STARTTLS, with an error that says what to change', async () => {
    await useChannel('required');
    const before = street.smtp.messages.length;
    const r = fixtureReceivable(2);
    expect((await street.post('/v1/receivables', r, FIXTURE_KEY)).status).toBe(202);
    const step = await eventually(
      async () => {
        const s = await stepOf(r.externalId);
        return s?.status === 'scheduled' && s.attempts === 1 ? s : undefined;
      },
      10_000,
      'the refused attempt',
    );
    expect(step.reason).toContain('the relay does not speak TLS');
    expect(step.reason).toContain('and the Channel requires it (TLS required)');
    expect(step.reason).toContain('set spec.smtp.tls: none on the Channel');
    expect(street.smtp.messages.length).toBe(before);
  });
});
