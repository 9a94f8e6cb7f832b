// The evidence file's summary as an A4 PDF (pdfkit, as the letters): the dossier, the debtor, the amounts,
// the 14-day letter's dates and the statutory cost calculation (evidence-costs.ts), the arrangement history
// (evidence-arrangements.ts), payments, every message with what proves it was sent and delivered, and the
// timeline. It states what the records say and nothing more: costs are shown as charged only when the dossier has a cost line.
import PDFDocument from 'pdfkit';
import { writeArrangementsSection } from './evidence-arrangements.js';
import { writeCollectionsSection } from './evidence-costs.js';
import type { EvidenceData, EvidenceMessage } from './evidence-data.js';

type Doc = InstanceType<typeof PDFDocument>;

const PT_PER_MM = 72 / 25.4;
const LEFT = 20 * PT_PER_MM;
const WIDTH = 170 * PT_PER_MM;
const BOTTOM = 297 * PT_PER_MM - 22 * PT_PER_MM;
const GREY = '#555555';

export const euros = (cents: number) =>
  `€ ${(cents / 100).toLocaleString('nl-NL', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const when = (isoTime: string | null) =>
  isoTime ? `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC` : '—';

/** What proves a message went out and what became of it, in one line per fact. */
export function proofLines(m: EvidenceMessage): string[] {
  const lines = m.history.map((h) => {
    const d = (h.detail ?? {}) as Record<string, unknown>;
    if (h.status.startsWith('registered.')) {
      const what = m.channelType === 'letter' ? 'registered letter' : 'registered email';
      const outcome = h.status === 'registered.delivered' ? 'delivered' : 'not delivered';
      const id = m.channelType === 'letter' ? 'tracking number' : 'proof';
      const from = d.file
        ? ` — print provider's return file ${String(d.file)}`
        : ` — ${h.source ?? 'provider'}`;
      return `${when(h.at)}  ${what} ${outcome} on ${String(d.date)}, ${id} ${String(d.trackingNumber)}${d.reason ? ` (${String(d.reason)})` : ''}${from}`;
    }
    if (h.status === 'handed-to-print')
      return `${when(h.at)}  handed to the print provider: file ${String(d.file)}, ${String(d.pages)} page(s)`;
    return `${when(h.at)}  ${h.status}${h.source ? ` (${h.source})` : ''}`;
  });
  if (m.providerId) lines.push(`provider id: ${m.providerId}`);
  if (m.print)
    lines.push(
      `print manifest: batch ${m.print.batch}, ${m.print.file}, registered: ${m.print.registered ? 'yes' : 'no'}`,
    );
  return lines;
}

class Writer {
  constructor(readonly doc: Doc) {}

  room(height: number): void {
    if (this.doc.y + height > BOTTOM) this.doc.addPage();
  }

  heading(text: string): void {
    this.room(40);
    this.doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#000000');
    this.doc.text(text, LEFT, this.doc.y, { width: WIDTH });
    this.doc.moveDown(0.3);
  }

  line(text: string, opts: { bold?: boolean; grey?: boolean; indent?: number } = {}): void {
    this.room(14);
    this.doc
      .font(opts.bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor(opts.grey ? GREY : '#111111');
    this.doc.text(text, LEFT + (opts.indent ?? 0), this.doc.y, { width: WIDTH - (opts.indent ?? 0) });
  }

  /** A row of cells at fixed x offsets (mm from the left margin). */
  row(cells: string[], at: number[], bold = false): void {
    this.room(14);
    const y = this.doc.y;
    this.doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor('#111111');
    cells.forEach((cell, i) => {
      const x = LEFT + at[i]! * PT_PER_MM;
      const next = i + 1 < at.length ? LEFT + at[i + 1]! * PT_PER_MM : LEFT + WIDTH;
      this.doc.text(cell, x, y, { width: next - x - 4, lineBreak: false, ellipsis: true });
    });
    this.doc.text('', LEFT, y + 13);
  }
}

export function renderEvidencePdf(e: EvidenceData, now: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    bufferPages: true,
    margins: { top: 20 * PT_PER_MM, bottom: 20 * PT_PER_MM, left: LEFT, right: LEFT },
    info: { Title: `Dossier ${e.caseId}`, Author: e.corporation.displayName, CreationDate: now },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const w = new Writer(doc);

  doc.font('Helvetica-Bold').fontSize(16).text(`Evidence file — ${e.corporation.displayName}`, LEFT, doc.y);
  w.line(
    `Dossier ${e.caseId}, made ${when(now.toISOString())}. Every file in this archive is listed with its SHA-256 in manifest.json.`,
    { grey: true },
  );

  w.heading('Dossier');
  w.line(
    `Flow ${e.flow}; status ${e.status}; started ${when(e.startedAt)}${e.endedAt ? `; ended ${when(e.endedAt)}${e.endReason ? ` (${e.endReason})` : ''}` : ''}.`,
  );
  w.line(`Debtor: ${e.debtor.name ?? '(erased)'}${e.debtor.id ? `, debtor id ${e.debtor.id}` : ''}`);
  for (const l of e.debtor.addressLines) w.line(l, { indent: 40 });

  w.heading('Amounts');
  const cols = [0, 45, 75, 105, 135];
  w.row(['Receivable', 'Due date', 'Amount', 'Paid', 'Open'], cols, true);
  for (const i of e.items)
    w.row(
      [
        i.externalId,
        i.dueDate,
        euros(i.amountCents),
        euros(i.amountCents - i.balanceCents),
        euros(i.balanceCents),
      ],
      cols,
    );
  const open = e.items.reduce((n, i) => n + i.balanceCents, 0);
  const principal = e.items.reduce((n, i) => n + i.amountCents, 0);
  w.row(['Total', '', euros(principal), euros(principal - open), euros(open)], cols, true);

  const costs = e.costs.reduce((n, l) => n + l.amountCents, 0);
  if (costs > 0) {
    w.row(['Collection costs', '', '', '', euros(costs)], cols);
    w.row(['Total with costs', '', '', '', euros(open + costs)], cols, true);
  }
  writeCollectionsSection(w, e, open, euros);
  writeArrangementsSection(w, e, euros);

  w.heading('Payments');
  if (e.payments.length === 0) w.line('No payments recorded.');
  else {
    const pc = [0, 40, 75, 105, 135];
    w.row(['Received', 'Payment', 'Amount', 'Open after', 'Method'], pc, true);
    for (const p of e.payments)
      w.row(
        [
          when(p.paidAt ?? p.receivedAt),
          p.paymentId,
          euros(p.amountCents),
          euros(p.balanceAfterCents),
          p.method ?? '—',
        ],
        pc,
      );
  }

  w.heading('Messages as sent, with their proof');
  if (e.messages.length === 0) w.line('No messages were sent in this dossier.');
  for (const [n, m] of e.messages.entries()) {
    w.line(
      `${n + 1}. ${m.channelType} "${m.template ?? m.channel}" to ${m.recipient ?? '(erased)'} — sent ${when(m.sentAt)}, status ${m.status}${m.subject ? `; subject: ${m.subject}` : ''}`,
      { bold: true },
    );
    for (const p of proofLines(m)) w.line(p, { indent: 12, grey: true });
    w.line(
      `files: ${m.files.map((f) => `${f.part} (${f.body.length} bytes)`).join(', ') || 'purged by retention'}`,
      { indent: 12, grey: true },
    );
  }

  w.heading('Timeline');
  for (const t of e.timeline) w.line(`${when(t.at)}  ${t.text}`);

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    doc.font('Helvetica').fontSize(7).fillColor(GREY);
    doc.text(`Dossier ${e.caseId} — page ${i + 1} of ${range.count}`, LEFT, BOTTOM + 8 * PT_PER_MM, {
      width: WIDTH,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.end();
  return done;
}
