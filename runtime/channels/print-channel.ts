// Letters (provider sftp-print): render the PDF, archive it, and put it in the open print batch of its
// corporation and channel. `sent` for a letter means "in a print batch"; the PrintBatchWorker uploads the
// batch when it is full (spec.sftp.batch.maxLetters) or at the daily cutoff, and records 'handed-to-print'.
// A letter is in at most one batch (print_letters is keyed by message id), so a resend after a crash
// returns the same batch place and never prints a letter twice.
import type { BundleChannel } from '../../core/bundle/types.js';
import { fromZonedParts, toZonedParts } from '../../core/calendar/index.js';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import { letterModel } from '../../core/letters/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { archiveParts, readPart } from '../archive/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel-adapter.js';
import { renderLetterPdf } from './letter-pdf.js';
import { messageFacts, paymentUrl } from './message-facts.js';

export interface PrintChannelOptions {
  db: Database;
  publicUrl: string;
  /** Recomputes the payment link the letter prints (text and QR code). */
  links: LinkTokens;
  /** Called when a batch closed because it is full, so it is uploaded without waiting for the next tick. */
  onBatchClosed?: () => void;
}

export const DEFAULT_MAX_LETTERS = 500;
export const DEFAULT_CUTOFF = '16:00';

/** The next daily cutoff (HH:MM local) strictly after `now` in `timezone`. */
export function nextCutoff(now: Date, cutoff: string, timezone: string): Date {
  const [hour, minute] = cutoff.split(':').map(Number) as [number, number];
  const local = toZonedParts(now, timezone);
  const today = fromZonedParts({ ...local, hour, minute, second: 0, millisecond: 0 }, timezone);
  if (today.getTime() > now.getTime()) return today;
  const tomorrow = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return fromZonedParts(
    {
      year: tomorrow.getUTCFullYear(),
      month: tomorrow.getUTCMonth() + 1,
      day: tomorrow.getUTCDate(),
      hour,
      minute,
      second: 0,
      millisecond: 0,
    },
    timezone,
  );
}

/** Pages of a PDF as pdfkit writes it (one `/Type /Page` dictionary per page). */
export function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

export class PrintChannel implements ChannelAdapter {
  constructor(private readonly options: PrintChannelOptions) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { db } = this.options;
    try {
      const placed = await db.maybeOne(sql.unsafe`
        SELECT b.file_prefix, l.file_name FROM print_letters l JOIN print_batches b ON b.id = l.batch_id
        WHERE l.message_id = ${message.id}`);
      if (placed) return { providerId: `${placed.file_prefix as string}/${placed.file_name as string}` };
      const { pdf, registered } = await this.pdfOf(message);
      return await this.enqueue(message, pdf, registered);
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw createError(
        'OST_ERR_CHANNEL_SEND',
        [message.channel.name, 'sftp-print', (cause as Error).message, 'the step is retried'],
        { cause },
      );
    }
  }

  /** The archived PDF, or a new one rendered and archived now. */
  private async pdfOf(message: OutgoingMessage): Promise<{ pdf: Buffer; registered: boolean }> {
    const { db, publicUrl } = this.options;
    const facts = await messageFacts(db, message.id);
    const registered = facts?.registered ?? false;
    const existing = await readPart(db, this.options.links, message.id, 'pdf');
    if (existing) return { pdf: existing.body, registered };
    const receivable = facts?.receivable;
    const letter = message.content.letter;
    if (!facts || !receivable?.debtor.address || !letter) {
      throw createError('OST_ERR_CONFIG', [
        `letter ${message.id} has no ${letter ? 'postal address' : 'letter content'}`,
        'a letter needs a letter template and a debtor address',
      ]);
    }
    const now = new Date();
    const model = letterModel({
      corporation: message.bundle.corporation,
      receivable,
      locale: message.content.locale,
      subject: letter.subject,
      blocks: letter.blocks,
      registered,
      toEstate: facts.estate,
      paymentUrl: paymentUrl(facts, message.bundle, publicUrl, this.options.links),
      now,
    });
    const { pdf } = await renderLetterPdf(model, now);
    await archiveParts(db, this.options.links, message.bundle.corporation.id, message.id, [
      { part: 'pdf', contentType: 'application/pdf', body: pdf },
    ]);
    return { pdf: (await readPart(db, this.options.links, message.id, 'pdf'))?.body ?? pdf, registered };
  }

  private async enqueue(message: OutgoingMessage, pdf: Buffer, registered: boolean): Promise<SendResult> {
    const corporation = message.bundle.corporation;
    const batchSpec = message.channel.spec.sftp?.batch ?? {};
    const maxLetters = batchSpec.maxLetters ?? DEFAULT_MAX_LETTERS;
    const result = await this.options.db.transaction(async (tx) => {
      const batch = await openBatch(
        tx,
        corporation.id,
        corporation.timezone,
        message.channel,
        batchSpec.cutoff,
      );
      const seq = (batch.letters as number) + 1;
      const fileName = `${batch.file_prefix as string}-${String(seq).padStart(5, '0')}.pdf`;
      await tx.query(sql.unsafe`
        INSERT INTO print_letters (message_id, batch_id, corporation, seq, file_name, pages, registered)
        VALUES (${message.id}, ${batch.id as string}, ${corporation.id}, ${seq}, ${fileName}, ${countPdfPages(pdf)}, ${registered})`);
      const full = seq >= maxLetters;
      await tx.query(sql.unsafe`
        UPDATE print_batches SET letters = ${seq},
          status = CASE WHEN ${full} THEN 'closed' ELSE status END,
          closed_at = CASE WHEN ${full} THEN now() ELSE closed_at END
        WHERE id = ${batch.id as string}`);
      return { providerId: `${batch.file_prefix as string}/${fileName}`, full };
    });
    if (result.full) this.options.onBatchClosed?.();
    return { providerId: result.providerId };
  }

  async close(): Promise<void> {}
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

async function openBatch(
  tx: Tx,
  corporation: string,
  timezone: string,
  channel: BundleChannel,
  cutoff?: string,
) {
  for (;;) {
    const open = await tx.maybeOne(sql.unsafe`
      SELECT id, letters, file_prefix FROM print_batches
      WHERE corporation = ${corporation} AND channel = ${channel.name} AND status = 'open' FOR UPDATE`);
    if (open) return open;
    const now = new Date();
    const closeAt = nextCutoff(now, cutoff ?? DEFAULT_CUTOFF, timezone);
    const day = now.toISOString().slice(0, 10).replace(/-/g, '');
    // The unique index on open batches makes a concurrent insert a no-op; the loop then finds that batch.
    await tx.query(sql.unsafe`
      INSERT INTO print_batches (corporation, channel, close_at, file_prefix)
      SELECT ${corporation}, ${channel.name}, ${closeAt.toISOString()},
        ${`${corporation}-${day}-`} || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8)
      ON CONFLICT (corporation, channel) WHERE status = 'open' DO NOTHING`);
  }
}
