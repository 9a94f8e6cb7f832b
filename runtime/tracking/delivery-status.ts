// Reads a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status) and
// finds which of our messages it is about — from the returned headers (X-Outputstraat-Message-Id, or the
// Message-ID we derived from our id) or an Original-Message-ID field — and what happened to it.

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

interface MimePart {
  type: string;
  params: Record<string, string>;
  headers: string;
  body: string;
}

function splitPart(text: string): MimePart {
  const m = /\r?\n\r?\n/.exec(text);
  const headers = m ? text.slice(0, m.index) : text;
  let body = m ? text.slice(m.index + m[0].length) : '';
  const [type = 'text/plain', ...rest] = (field(headers, 'Content-Type') ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0)
      params[p.slice(0, i).trim().toLowerCase()] = p
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  const encoding = field(headers, 'Content-Transfer-Encoding')?.toLowerCase();
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') {
    body = Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { type: type.trim().toLowerCase(), params, headers, body };
}

function childrenOf(part: MimePart): MimePart[] {
  const boundary = part.params.boundary;
  if (!boundary) return [];
  return part.body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => splitPart(chunk.replace(/^\r?\n/, '')));
}

export async function parseDeliveryReport(raw: Buffer | string): Promise<DeliveryReport | undefined> {
  const top = splitPart(typeof raw === 'string' ? raw : raw.toString('utf8'));
  if (top.type !== 'multipart/report' || top.params['report-type']?.toLowerCase() !== 'delivery-status') {
    return undefined;
  }
  const parts = childrenOf(top).map((p) => ({ type: p.type, text: p.body }));
  const status = parts.find((p) => p.type === 'message/delivery-status')?.text;
  if (!status) return undefined;
  const returned = parts
    .filter((p) => ['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers'].includes(p.type))
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
    report.diagnostic = diagnostic.replace(/[^\s<>"';]+@[^\s<>"';]+/g, '(address)').slice(0, 500);
  return report;
}
