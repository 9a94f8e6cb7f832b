// The one job every peer runs, so the peers and our dispatch do the same work per message: render the
// bench's reminder (about 5 KB of HTML: the fixture street with bench/fixtures/street's layout) with our
// own renderer (core/messages, the bundle the runtime uses), hand it to a nodemailer pool of 5
// connections to the bench's SMTP sink, and write one archive row of the rendered content into a table of
// the peer's own in the same database (a committed INSERT: fsync and synchronous_commit are on for the
// peers as for us).
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type ComposedMessage, composeMessage, linkPath } from '../../core/messages/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';

/** The template the fixture street's `reminder` flow sends (the one our dispatch renders in the bench). */
export const PEER_TEMPLATE = 'reminder-email';

/** What a peer's queue carries per job: the receivable to remind (as a job payload would). */
export interface EmailJob {
  /** Travels as X-Outputstraat-Message-Id, so the sink counts each peer's mails apart. */
  ref: string;
  receivable: ReceivableInput;
}

/** Runs one job; `db` is the peer's own transaction when it has one (the SKIP LOCKED loop). */
export type EmailJobRunner = (job: EmailJob, db?: pg.ClientBase) => Promise<void>;

export interface EmailJobOptions {
  bundle: ConfigBundle;
  smtpPort: number;
  pool: pg.Pool;
  archiveTable: string;
}

/** The archive table a peer writes: one row per message, the rendered content. */
export const archiveTableSql = (table: string) => `
  CREATE TABLE IF NOT EXISTS ${table} (
    id         bigserial   PRIMARY KEY,
    job_ref    text        NOT NULL,
    recipient  text        NOT NULL,
    subject    text        NOT NULL,
    html       text        NOT NULL,
    body_text  text        NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now()
  )`;

/** The reminder as our dispatch renders it, with a payment link with an unguessable token (ours also stores it). */
export function renderReminder(bundle: ConfigBundle, r: ReceivableInput): ComposedMessage {
  const token = randomBytes(18).toString('base64url');
  return composeMessage({
    bundle,
    template: PEER_TEMPLATE,
    receivable: { ...r, balance: r.amount, currency: r.currency ?? 'EUR' },
    links: { payment: `http://127.0.0.1${linkPath('payment', token)}` },
    now: new Date(),
  });
}

export function createEmailJob(options: EmailJobOptions): { run: EmailJobRunner; close(): void } {
  const { bundle } = options;
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: options.smtpPort,
    maxConnections: 5,
    ignoreTLS: true,
  });
  const sender = bundle.corporation.sender;
  const insert = `INSERT INTO ${options.archiveTable} (job_ref, recipient, subject, html, body_text)
    VALUES ($1, $2, $3, $4, $5)`;
  const run: EmailJobRunner = async (job, db) => {
    const r = job.receivable;
    const content = renderReminder(bundle, r);
    await transport.sendMail({
      from: { name: sender.name, address: sender.email },
      to: r.debtor.email,
      subject: content.subject ?? '',
      text: content.text ?? '',
      html: content.html ?? '',
      headers: { 'X-Outputstraat-Message-Id': job.ref },
    });
    await (db ?? options.pool).query(insert, [
      job.ref,
      r.debtor.email,
      content.subject ?? '',
      content.html ?? '',
      content.text ?? '',
    ]);
  };
  return { run, close: () => transport.close() };
}
