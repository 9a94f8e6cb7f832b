// Draws a letter (core/letters model) as an A4 PDF with pdfkit: colour bar and name in the corporation's
// branding, the address in the envelope window, date and references, subject, body, QR codes drawn as
// vector squares (sharp at any print resolution), a payment box and a footer with page numbers.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import {
  A4_MM,
  ADDRESS_TOP_MM,
  COLOUR_BAR_MM,
  INFO_MM,
  type LetterModel,
  MARGIN_MM,
  MM_TO_PT,
  QR_SIZE_MM,
  REGISTERED_TOP_MM,
  RETURN_LINE_TOP_MM,
  SUBJECT_TOP_MM,
  WINDOW_MM,
} from '../../core/letters/index.js';

export interface RenderedLetter {
  pdf: Buffer;
  pages: number;
}

const mm = (v: number) => v * MM_TO_PT;
const PAGE_W = mm(A4_MM.width);
const PAGE_H = mm(A4_MM.height);
const LEFT = mm(MARGIN_MM.left);
const TEXT_W = PAGE_W - LEFT - mm(MARGIN_MM.right);
const BOTTOM = PAGE_H - mm(MARGIN_MM.bottom);
const GREY = '#555555';
const INK = '#111111';

type Doc = InstanceType<typeof PDFDocument>;

function drawQr(doc: Doc, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + quiet * 2);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(row, col)) doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
}

function header(doc: Doc, m: LetterModel): void {
  doc.rect(0, 0, PAGE_W, mm(COLOUR_BAR_MM)).fill(m.corporation.primaryColor);
  if (m.corporation.accentColor)
    doc.rect(0, mm(COLOUR_BAR_MM), PAGE_W, mm(1)).fill(m.corporation.accentColor);
  doc.font('Helvetica-Bold').fontSize(18).fillColor(m.corporation.primaryColor);
  doc.text(m.corporation.name, mm(INFO_MM.left), mm(16), { width: mm(INFO_MM.width), lineBreak: false });
  doc.font('Helvetica').fontSize(8).fillColor(GREY);
  doc.text(m.corporation.contactLines.join('\n'), mm(INFO_MM.left), mm(25), { width: mm(INFO_MM.width) });
}

function windowBlock(doc: Doc, m: LetterModel): void {
  const x = mm(WINDOW_MM.left + 5);
  const width = mm(WINDOW_MM.width - 10);
  doc.font('Helvetica').fontSize(6.5).fillColor(GREY);
  doc.text(m.corporation.returnLine, x, mm(RETURN_LINE_TOP_MM), { width, lineBreak: false, underline: true });
  if (m.registered) {
    doc.font('Helvetica-Bold').fontSize(9).fillColor(INK);
    const label = m.locale === 'en' ? 'REGISTERED' : 'AANGETEKEND';
    const w = doc.widthOfString(label) + mm(3);
    doc
      .rect(x - mm(1.5), mm(REGISTERED_TOP_MM) - mm(1), w, mm(5))
      .lineWidth(0.8)
      .stroke(INK);
    doc.text(label, x, mm(REGISTERED_TOP_MM), { lineBreak: false });
  }
  doc.font('Helvetica').fontSize(10.5).fillColor(INK);
  doc.text(m.addressLines.join('\n'), x, mm(ADDRESS_TOP_MM), { width, lineGap: 1.5 });
}

function infoColumn(doc: Doc, m: LetterModel): void {
  let y = mm(INFO_MM.top);
  for (const { label, value } of m.info) {
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(GREY)
      .text(label, mm(INFO_MM.left), y, { lineBreak: false });
    doc.font('Helvetica').fontSize(9.5).fillColor(INK);
    doc.text(value, mm(INFO_MM.left), y + mm(3.2), { width: mm(INFO_MM.width), lineBreak: false });
    y += mm(8.5);
  }
}

export async function renderLetterPdf(m: LetterModel, now: Date): Promise<RenderedLetter> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: mm(20), left: LEFT, right: mm(MARGIN_MM.right), bottom: mm(MARGIN_MM.bottom) },
    bufferPages: true,
    autoFirstPage: true,
    info: { Title: m.subject, Author: m.corporation.name, Creator: 'Outputstraat', CreationDate: now },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  header(doc, m);
  windowBlock(doc, m);
  infoColumn(doc, m);

  let y = mm(SUBJECT_TOP_MM);
  const room = (h: number) => {
    if (y + h <= BOTTOM) return;
    doc.addPage();
    doc.rect(0, 0, PAGE_W, mm(3)).fill(m.corporation.primaryColor);
    y = mm(20);
  };
  doc.font('Helvetica-Bold').fontSize(12).fillColor(INK);
  doc.text(m.subject, LEFT, y, { width: TEXT_W });
  y += doc.heightOfString(m.subject, { width: TEXT_W }) + mm(6);

  let qrDrawn = false;
  const qrSize = mm(QR_SIZE_MM);
  for (const block of m.blocks) {
    if (block.kind === 'qr') {
      room(qrSize + mm(4));
      drawQr(doc, block.url, LEFT, y, qrSize);
      doc.font('Helvetica').fontSize(8).fillColor(GREY);
      doc.text(`${m.payment.qrCaption}\n${block.url}`, LEFT + qrSize + mm(5), y + qrSize / 2 - mm(4), {
        width: TEXT_W - qrSize - mm(5),
      });
      y += qrSize + mm(4);
      qrDrawn = true;
      continue;
    }
    doc.font('Helvetica').fontSize(10.5).fillColor(INK);
    const h = doc.heightOfString(block.text, { width: TEXT_W, lineGap: 2 });
    room(Math.min(h, mm(30)));
    doc.text(block.text, LEFT, y, { width: TEXT_W, lineGap: 2 });
    y = doc.y + mm(4);
  }

  // The payment box: amount and reference, with a QR code unless the body already has one.
  const withQr = !qrDrawn && m.payment.url !== undefined;
  const boxH = withQr ? qrSize + mm(8) : mm(24);
  room(boxH + mm(4));
  y += mm(2);
  doc.roundedRect(LEFT, y, TEXT_W, boxH, 4).lineWidth(1).stroke(m.corporation.primaryColor);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(m.corporation.primaryColor);
  doc.text(m.payment.title, LEFT + mm(5), y + mm(4), { lineBreak: false });
  let ly = y + mm(10);
  for (const line of m.payment.lines) {
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(GREY)
      .text(line.label, LEFT + mm(5), ly, { lineBreak: false });
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor(INK)
      .text(line.value, LEFT + mm(45), ly, { lineBreak: false });
    ly += mm(5.5);
  }
  if (withQr && m.payment.url) {
    drawQr(doc, m.payment.url, LEFT + TEXT_W - qrSize - mm(4), y + mm(4), qrSize);
    doc.font('Helvetica').fontSize(7).fillColor(GREY);
    doc.text(m.payment.qrCaption, LEFT + mm(5), y + boxH - mm(7), { lineBreak: false });
  }

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    doc.font('Helvetica').fontSize(7.5).fillColor(GREY);
    // Writing inside the bottom margin must not start a new page.
    const oldBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(m.footer, LEFT, PAGE_H - mm(14), { width: TEXT_W - mm(30), lineBreak: false });
    doc.text(m.pageLabel(i + 1, range.count), LEFT + TEXT_W - mm(30), PAGE_H - mm(14), {
      width: mm(30),
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = oldBottom;
  }
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), pages: range.count };
}
