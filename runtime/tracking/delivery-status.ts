// Reads a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status) and
// finds which of our messages it is about — from the returned headers (X-Outputstraat-Message-Id, or the
// Message-ID we derived from our id) or an Original-Message-ID field — and what happened to it.
import { simpleParser } from 'mailparser';

export interface DeliveryReport {
  messageId: string;
  /** failed → bounced; delivered; delayed (recorded, no event). */
  action: 'failed' | 'delivered' | 'delayed';
  status?: string;
  diagnostic?: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BY_HEADER = new RegExp(`^X-Outputstraat-Message-Id:\\s*(${UUID})\\s*$`, 'im');
const BY_MESSAGE_ID = new RegExp(`^(?:Original-)?Message-ID:\\s*<(${UUID})@[^>]+>`, 'im');

function field(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.+(?:\\r?\\n[ \\t].+)*)`, 'im').exec(text);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

export async function parseDeliveryReport(raw: Buffer | string): Promise<DeliveryReport | undefined> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const contentType = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  if (
    contentType?.value !== 'multipart/report' ||
    contentType.params?.['report-type'] !== 'delivery-status'
  ) {
    return undefined;
  }
  const parts = mail.attachments.map((a) => ({ type: a.contentType, text: a.content.toString('utf8') }));
  const status = parts.find((p) => p.type === 'message/delivery-status')?.text;
  if (!status) return undefined;
  const returned = parts
    .filter(
      (p) =>
        p.type === 'message/rfc822' ||
        p.type === 'text/rfc822-headers' ||
        p.type === 'message/rfc822-headers',
    )
    .map((p) => p.text.split(/\r?\n\r?\n/)[0] ?? '')
    .join('\n');
  const messageId =
    BY_HEADER.exec(returned)?.[1] ?? BY_MESSAGE_ID.exec(returned)?.[1] ?? BY_MESSAGE_ID.exec(status)?.[1];
  if (!messageId) return undefined;
  const action = field(status, 'Action')?.toLowerCase();
  const report: DeliveryReport = {
    messageId: messageId.toLowerCase(),
    action:
      action === 'delivered' || action === 'relayed' || action === 'expanded'
        ? 'delivered'
        : action === 'delayed'
          ? 'delayed'
          : 'failed',
  };
  const code = field(status, 'Status');
  const diagnostic = field(status, 'Diagnostic-Code');
  if (code) report.status = code;
  // Relays quote the address in their diagnostics; the archive keeps the reason, not the address.
  if (diagnostic)
    report.diagnostic = diagnostic.replace(/[^\s<>"';]+@[^\s<>"';]+/g, '<address>').slice(0, 500);
  return report;
}
