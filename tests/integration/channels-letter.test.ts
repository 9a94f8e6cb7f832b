import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { guardedHttpFromEnv } from '../../platform/outbound/index.js';
import { environmentSecrets } from '../../platform/secrets.js';
import { sweepKind } from '../../runtime/archive/retention-sweep.js';
import { WebhookChannel } from '../../runtime/channels/webhook-channel.js';
import { eventually, TEST_LINKS } from '../support/street.js';
import {
  type ChannelStreet,
  HMAC_SECRET,
  historyOf,
  messageEventually,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

// Real tools, not stand-ins: .ci/run installs poppler-utils and zbar-tools.
function requireTool(tool: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is not installed: apt-get install ${debianPackage} (.ci/run does this)`);
  }
}

// jsqr is CommonJS with an ES-style default export; take the function whichever way the loader hands it over.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsqrExports = jsqrModule as unknown as { default: Decode | { default: Decode } };
const jsQR: Decode =
  typeof jsqrExports.default === 'function' ? jsqrExports.default : jsqrExports.default.default;

const pdfPages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;

describe('letters over SFTP, the webhook channel and the archive', () => {
  let cs: ChannelStreet;
  const letters: { externalId: string; id: string }[] = [];
  beforeAll(async () => {
    cs = await startChannelStreet();
  });
  afterAll(async () => {
    await cs?.stop();
  });

  it('letters reach the print provider over SFTP as a batch of PDFs and a manifest, the same bytes the archive keeps', async () => {
    const debtors = [
      {
        id: 'D-1001',
        name: 'A. de Vries',
        address: { street: 'Vismarkt', houseNumber: '12a', postalCode: '9712 CA', city: 'Groningen' },
      },
      {
        id: 'D-1002',
        name: 'B. Jansen',
        address: { street: 'Oosterstraat', houseNumber: '3', postalCode: '9711 NN', city: 'Groningen' },
      },
    ];
    for (const d of debtors) {
      const r = receivable({ kind: 'test-letter' }, d);
      expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
      const m = await messageEventually(
        cs,
        r.externalId,
        (x) => x.channel_type === 'letter' && x.status === 'sent',
        'letter',
      );
      letters.push({ externalId: r.externalId, id: m.id });
    }
    // maxLetters is 2: the batch closes with the second letter and is uploaded at once.
    const files = await eventually(
      async () =>
        cs.sftp.files('inbox').some((f) => f.endsWith('-manifest.json')) ? cs.sftp.files('inbox') : undefined,
      10_000,
      'the batch on the SFTP server',
    );
    // The upload is recorded right after the last file landed.
    await eventually(
      async () =>
        (await cs.db.maybeOneFirst(sql.unsafe`
          SELECT 1 FROM print_batches WHERE corporation = 'woonstad-noord' AND status = 'uploaded'`)) ??
        undefined,
      5_000,
      'the batch recorded as uploaded',
    );
    expect(files).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
    const manifestFile = files.find((f) => f.endsWith('-manifest.json'))!;
    const manifest = JSON.parse(cs.sftp.read(`inbox/${manifestFile}`).toString('utf8')) as {
      corporation: string;
      letters: {
        letterId: string;
        file: string;
        pages: number;
        registered: boolean;
        corporation: string;
        sha256: string;
      }[];
      totals: { letters: number; pages: number; registered: number };
    };
    expect(manifest.corporation).toBe('woonstad-noord');
    expect(manifest.letters.map((l) => l.letterId)).toEqual(letters.map((l) => l.id));
    expect(manifest.totals).toEqual({
      letters: 2,
      pages: manifest.letters.reduce((n, l) => n + l.pages, 0),
      registered: 2,
    });
    for (const entry of manifest.letters) {
      expect(entry).toMatchObject({ registered: true, corporation: 'woonstad-noord' });
      expect(files).toContain(entry.file);
      const pdf = cs.sftp.read(`inbox/${entry.file}`);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfPages(pdf)).toBe(entry.pages);
      expect(entry.pages).toBeGreaterThanOrEqual(1);
      expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(entry.sha256);
      const archived = await cs.street.get(`/v1/messages/${entry.letterId}/content`);
      expect(archived.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await archived.arrayBuffer()).equals(pdf)).toBe(true);
      const history = await historyOf(cs, entry.letterId);
      expect(history.map((h) => h.status)).toEqual(['sending', 'sent', 'handed-to-print']);
      expect(history[2]!.detail).toMatchObject({ file: entry.file, pages: entry.pages });
    }
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT status FROM print_batches WHERE corporation = 'woonstad-noord'`),
    ).toBe('uploaded');
  });

  it('a printed letter shows the QR code of its payment link (rendered with pdftoppm, read with zbarimg)', async () => {
    requireTool('pdftoppm', 'poppler-utils');
    requireTool('zbarimg', 'zbar-tools');
    const first = letters[0]!;
    const pdf = Buffer.from(await (await cs.street.get(`/v1/messages/${first.id}/content`)).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'ost-letter-'));
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '1',
      '-l',
      '1',
      join(dir, 'letter.pdf'),
      join(dir, 'page'),
    ]);
    const png = join(dir, 'page-1.png');
    const decoded = execFileSync('zbarimg', ['-q', '--raw', png], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString('utf8')
      .trim();
    const linkId = await cs.db.oneFirst(sql.unsafe`
        SELECT l.id FROM links l JOIN receivables r ON r.id = l.receivable_id WHERE r.external_id = ${first.externalId}`);
    expect(decoded).toBe(`https://betalen.woonstad-noord.example/p/${TEST_LINKS.tokenOf(linkId as string)}`);
    const image = PNG.sync.read(readFileSync(png));
    // A4 at 80 dpi: 210 x 297 mm is 661.4 x 935.4 px.
    expect(Math.abs(image.width - 661.4)).toBeLessThan(1.5);
    expect(Math.abs(image.height - 935.4)).toBeLessThan(1.5);
  });

  it('the QR code the letter draws decodes to the payment link', () => {
    const url = 'https://betalen.woonstad-noord.example/p/abcdefghijklmnopqrstuvwx';
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const scale = 4;
    const size = (qr.modules.size + 8) * scale;
    const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const row = Math.floor(y / scale) - 4;
        const col = Math.floor(x / scale) - 4;
        const dark =
          row >= 0 && col >= 0 && row < qr.modules.size && col < qr.modules.size && qr.modules.get(row, col);
        if (dark) pixels.fill(0, (y * size + x) * 4, (y * size + x) * 4 + 3);
      }
    }
    expect(jsQR(pixels, size, size)?.data).toBe(url);
  });

  it('the webhook channel posts a signed JSON message without debtor contact data, retried on failure', async () => {
    const bundle = cs.street.runtimes[0]!.bundles.get('woonstad-noord')!;
    const channel = bundle.channels.webhook!;
    const receivableId = await cs.db.oneFirst(sql.unsafe`
      SELECT id FROM receivables WHERE external_id = ${letters[0]!.externalId}`);
    const id = randomUUID();
    const content = {
      template: 'storno-sms',
      channelType: 'sms',
      locale: 'nl' as const,
      sms: 'Uw huur staat open.',
    };
    await cs.db.query(sql.unsafe`
      INSERT INTO messages (id, receivable_id, corporation, channel, channel_type, template, locale, status, recipient, content)
      VALUES (${id}, ${receivableId as string}, 'woonstad-noord', 'webhook', 'webhook', 'storno-sms', 'nl', 'sending',
        'webhook', ${sql.jsonb(content)})`);
    const adapter = new WebhookChannel({
      secrets: environmentSecrets(),
      db: cs.db,
      links: TEST_LINKS,
      http: guardedHttpFromEnv(),
    });
    const message = { id, bundle, channel, recipient: 'webhook', content };
    // The receiver answers the first delivery with 503: the adapter reports it, the dispatcher retries.
    await expect(adapter.send(message)).rejects.toMatchObject({ code: 'OST_ERR_CHANNEL_SEND' });
    expect(await adapter.send(message)).toEqual({ providerId: `http:204:${id}` });
    const [first, second] = cs.hooks.filter((h) => h.headers['idempotency-key'] === id);
    expect(second!.body).toBe(first!.body);
    for (const hook of [first!, second!]) {
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['idempotency-key']).toBe(id);
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(hook.headers['outputstraat-signature']!)!;
      expect(m).not.toBeNull();
      expect(m[2]).toBe(createHmac('sha256', HMAC_SECRET).update(`${m[1]}.${hook.body}`).digest('hex'));
      expect(Math.abs(Number(m[1]) - Date.now() / 1000)).toBeLessThan(60);
    }
    const body = JSON.parse(first!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      id,
      corporation: 'woonstad-noord',
      receivable: letters[0]!.externalId,
      debtor: 'D-1001',
      channel: 'webhook',
      template: 'storno-sms',
      content: { sms: 'Uw huur staat open.' },
    });
    expect(first!.body).not.toMatch(/Vismarkt|@example|\+316/);
    const archived = await cs.street.get(`/v1/messages/${id}/content`);
    expect(archived.headers.get('content-type')).toBe('application/json');
    expect(await archived.text()).toBe(first!.body);
  });

  it("the archive lists a receivable's and a debtor's messages with their history, per corporation only", async () => {
    const { externalId, id } = letters[1]!;
    const res = await cs.street.get(`/v1/receivables/${externalId}/messages`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as {
      messages: {
        id: string;
        channelType: string;
        history: { status: string }[];
        parts: { part: string; url: string }[];
      }[];
    };
    expect(list.messages).toHaveLength(1);
    expect(list.messages[0]).toMatchObject({
      id,
      channelType: 'letter',
      status: 'sent',
      template: 'storno-letter',
    });
    expect(list.messages[0]!.history.map((h) => h.status)).toEqual(['sending', 'sent', 'handed-to-print']);
    expect(list.messages[0]!.parts.map((p) => p.part)).toEqual(['pdf']);

    const byDebtor = (await (await cs.street.get('/v1/debtors/D-1002/messages')).json()) as {
      messages: { id: string }[];
    };
    expect(byDebtor.messages.map((m) => m.id)).toEqual([id]);
    expect((await cs.street.get(`/v1/messages/${id}/content`, 'not-a-key')).status).toBe(401);
    expect((await cs.street.get(`/v1/receivables/${externalId}/messages`, 'not-a-key')).status).toBe(401);
    expect((await cs.street.get('/v1/receivables/WN-NOPE/messages')).status).toBe(404);
    expect((await cs.street.get(`/v1/messages/${randomUUID()}/content`)).status).toBe(404);
  });

  it('after the retention period personal content is gone and the counts remain', async () => {
    const { externalId, id } = letters[0]!;
    const retentionDays =
      cs.street.runtimes[0]!.bundles.get('woonstad-noord')!.corporation.retention.messagesDays;
    const sweep = async (now: Date) =>
      (await sweepKind(cs.db, 'woonstad-noord', 'messages', retentionDays, now)).messages ?? 0;
    expect(await sweep(new Date())).toBe(0);
    const later = new Date(Date.now() + (retentionDays + 1) * 86_400_000);
    // The two letters; the webhook message above is still 'sending' (no dispatcher recorded it) and is kept.
    expect(await sweep(later)).toBe(2);
    const row = await cs.db.one(sql.unsafe`
      SELECT status, channel, template, content, recipient, subject, created_at, purged_at FROM messages WHERE id = ${id}`);
    expect(row).toMatchObject({
      status: 'sent',
      channel: 'letter',
      template: 'storno-letter',
      content: null,
      recipient: null,
      subject: null,
    });
    expect(row.purged_at).not.toBeNull();
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM message_parts WHERE message_id = ${id}`),
    ).toBe(0);
    expect((await cs.street.get(`/v1/messages/${id}/content`)).status).toBe(404);
    const history = await historyOf(cs, id);
    expect(history.map((h) => h.status)).toEqual(['sending', 'sent', 'handed-to-print']);
    expect(history.every((h) => h.detail === null)).toBe(true);
    const list = (await (await cs.street.get(`/v1/receivables/${externalId}/messages`)).json()) as {
      messages: { status: string; recipient: unknown; purgedAt: unknown; parts: unknown[] }[];
    };
    expect(list.messages[0]).toMatchObject({ status: 'sent', recipient: null, parts: [] });
    expect(list.messages[0]!.purgedAt).not.toBeNull();
    expect(await sweep(later)).toBe(0);
  });
});
