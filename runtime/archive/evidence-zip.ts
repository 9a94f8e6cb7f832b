// The evidence file of a dossier as one ZIP (fflate): summary.pdf, dossier.json (the same facts as data),
// each message's archived parts byte for byte as sent with its delivery proof (proof.json: the status
// history, the provider id, the print manifest line, registered-letter tracking), and manifest.json with
// the SHA-256 of every other file. A message part's hash is the one recorded when it was sent; the
// bytes are checked against it here, and a mismatch is refused rather than packed.
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import type { CommonQueryMethods } from 'slonik';
import { createError } from '../../core/errors/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { type EvidenceData, loadEvidence } from './evidence-data.js';
import { renderEvidencePdf } from './evidence-pdf.js';

const EXTENSION: Record<string, string> = {
  eml: 'eml',
  html: 'html',
  text: 'txt',
  sms: 'txt',
  voice: 'txt',
  twiml: 'xml',
  pdf: 'pdf',
  json: 'json',
};

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface EvidenceManifest {
  dossier: string;
  corporation: string;
  createdAt: string;
  algorithm: 'SHA-256';
  files: { path: string; bytes: number; sha256: string }[];
}

/** The files of the archive (path → bytes), manifest.json last. */
export async function evidenceFiles(e: EvidenceData, now: Date): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  files.set('summary.pdf', await renderEvidencePdf(e, now));
  const { messages, ...dossier } = e;
  const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 2)}\n`);
  files.set(
    'dossier.json',
    json({ ...dossier, messages: messages.map(({ files: _parts, ...m }) => ({ ...m })) }),
  );
  for (const [n, m] of messages.entries()) {
    const dir = `messages/${String(n + 1).padStart(3, '0')}-${m.channelType}-${m.id}`;
    for (const f of m.files) {
      if (sha256(f.body) !== f.sha256) {
        throw createError('OST_ERR_ARCHIVE_INTEGRITY', [f.part, m.id]);
      }
      files.set(`${dir}/${f.part}.${EXTENSION[f.part] ?? 'bin'}`, f.body);
    }
    files.set(
      `${dir}/proof.json`,
      json({
        messageId: m.id,
        channel: m.channel,
        channelType: m.channelType,
        template: m.template,
        recipient: m.recipient,
        subject: m.subject,
        providerId: m.providerId,
        createdAt: m.createdAt,
        sentAt: m.sentAt,
        status: m.status,
        history: m.history,
        ...(m.print ? { printManifestLine: m.print } : {}),
        parts: m.files.map((f) => ({ part: f.part, contentType: f.contentType, sha256AtSend: f.sha256 })),
      }),
    );
  }
  const manifest: EvidenceManifest = {
    dossier: e.caseId,
    corporation: e.corporation.id,
    createdAt: now.toISOString(),
    algorithm: 'SHA-256',
    files: [...files].map(([path, body]) => ({ path, bytes: body.length, sha256: sha256(body) })),
  };
  files.set('manifest.json', json(manifest));
  return files;
}

/** The ZIP of one of the corporation's dossiers; undefined when it has no such dossier. */
export async function dossierEvidenceZip(
  db: CommonQueryMethods,
  links: LinkTokens,
  corporation: { id: string; displayName: string },
  caseId: string,
  now: Date,
): Promise<Buffer | undefined> {
  const evidence = await loadEvidence(db, links, corporation, caseId);
  if (!evidence) return undefined;
  const files = await evidenceFiles(evidence, now);
  const mtime = now;
  return Buffer.from(
    zipSync(Object.fromEntries([...files].map(([path, body]) => [path, [body, { mtime }]]))),
  );
}
