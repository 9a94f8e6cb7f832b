// Proof of registered letters: the print provider puts return files (tracking number, delivered or
// returned, per letter) in the channel's spec.sftp.returnDirectory. Every OST_PRINT_RETURN_INTERVAL_MS each
// replica reads those folders; each good line becomes a `registered.delivered` / `registered.returned`
// row in the letter's status history (with the tracking number), an event in the feed and a sentence in
// its case's timeline; bad lines are reported by line number in `processed/<file>.report.txt` and the
// log. The file is then moved to `processed/`. Recording is idempotent (the same tracking event is never
// recorded twice), so two replicas reading the same file, or a file read again after a crash before its
// move, change nothing. A line naming a letter of another corporation or channel is refused like a bad one.
import { createHash } from 'node:crypto';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import { Periodic } from '../../platform/periodic.js';
import type { BundleStore } from '../bundles/index.js';
import { channelSecret, requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import { type ProviderTimeouts, TIMEOUT_DEFAULTS } from './channel-settings.js';
import {
  parseReturnFile,
  RETURN_FILE_MAX_BYTES,
  type ReturnEntry,
  type ReturnProblem,
  returnReport,
} from './print-return-file.js';
import { recordRegisteredEvent } from './registered-proof.js';
import { listFiles, moveRemoteFile, readRemoteFile, withSftp, writeRemoteFile } from './sftp-upload.js';

export interface PrintReturnDeps {
  db: Database;
  bundles: BundleStore;
  secrets: SecretLookup;
  log: Logger;
  timeouts?: ProviderTimeouts;
}

export interface ReturnFileResult {
  file: string;
  recorded: number;
  refused: number;
  refusedFile?: string;
}

// Names the provider may give (others are left where they are): no paths, no control characters.
const RETURN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.(csv|json)$/i;

/** The timeline's sentence for a tracking event (true to the return file: it says what the provider reported). */
export function registeredSentence(template: string, e: ReturnEntry): string {
  const reason = e.reason ? ` (${e.reason})` : '';
  return e.status === 'delivered'
    ? `Registered letter ${template} delivered on ${e.date}, tracking number ${e.trackingNumber}, as reported by the print provider.`
    : `Registered letter ${template} came back undelivered on ${e.date}${reason}, tracking number ${e.trackingNumber}, as reported by the print provider.`;
}

/** Records one tracking event; false when the line names no registered letter of this corporation and channel. */
const recordEntry = (
  db: Database,
  corporation: string,
  channel: string,
  file: string,
  e: ReturnEntry,
  now: Date,
) =>
  recordRegisteredEvent(db, {
    corporation,
    messageId: e.messageId,
    channel,
    printedRegistered: true,
    status: e.status,
    trackingNumber: e.trackingNumber,
    date: e.date,
    ...(e.reason ? { reason: e.reason } : {}),
    source: 'print-return',
    detail: { file, line: e.line },
    sentence: (template) => registeredSentence(template, e),
    now,
  });

export class PrintReturnWorker {
  private readonly periodic: Periodic;

  constructor(
    private readonly deps: PrintReturnDeps,
    intervalMs: number,
  ) {
    this.periodic = new Periodic(() => this.runOnce(), intervalMs, deps.log, 'print return pass failed');
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Reads every return folder of every corporation once; one channel's failure does not stop the others. */
  async runOnce(now: () => Date = () => new Date()): Promise<ReturnFileResult[]> {
    const results: ReturnFileResult[] = [];
    for (const corporation of this.deps.bundles.corporations()) {
      const channels = Object.values(this.deps.bundles.get(corporation)?.channels ?? {});
      for (const channel of channels) {
        const sftp = channel.spec.sftp;
        if (channel.spec.provider !== 'sftp-print' || !sftp?.returnDirectory) continue;
        try {
          results.push(
            ...(await this.readFolder(corporation, channel.name, sftp.returnDirectory, now, {
              host: sftp.host,
              port: sftp.port ?? 22,
              username: requireChannelSecret(this.deps.secrets, channel, 'username'),
              password: channelSecret(this.deps.secrets, channel, 'password'),
              privateKey: channelSecret(this.deps.secrets, channel, 'privateKey'),
              hostKeySha256: sftp.hostKeySha256,
              what: `Channel ${channel.source.namespace}/${channel.name}`,
            })),
          );
        } catch (err) {
          this.deps.log.warn(
            { corporation, channel: channel.name, err: (err as Error).message },
            'print return folder could not be read',
          );
        }
      }
    }
    return results;
  }

  private async readFolder(
    corporation: string,
    channel: string,
    directory: string,
    now: () => Date,
    target: Parameters<typeof withSftp>[0],
  ): Promise<ReturnFileResult[]> {
    const { db, log } = this.deps;
    const timeouts = this.deps.timeouts ?? TIMEOUT_DEFAULTS;
    const dir = directory.replace(/\/$/, '');
    return withSftp(
      target,
      { readyMs: timeouts.sftpReadyMs, uploadMs: timeouts.sftpUploadMs },
      async (sftp) => {
        const results: ReturnFileResult[] = [];
        for (const f of await listFiles(sftp, dir)) {
          if (!RETURN_NAME.test(f.name)) continue;
          const body =
            f.size > RETURN_FILE_MAX_BYTES
              ? Buffer.alloc(RETURN_FILE_MAX_BYTES + 1)
              : await readRemoteFile(sftp, `${dir}/${f.name}`);
          const parsed = parseReturnFile(f.name, body);
          const unknown: ReturnProblem[] = [];
          let recorded = 0;
          for (const entry of parsed.entries) {
            if (await recordEntry(db, corporation, channel, f.name, entry, now())) recorded++;
            else
              unknown.push({
                line: entry.line,
                reason: 'messageId names no registered letter of this channel',
              });
          }
          const refused = parsed.problems.length + unknown.length;
          await db.query(sql.unsafe`
            INSERT INTO print_return_files (corporation, channel, file_name, sha256, size, recorded, refused, refused_file)
            VALUES (${corporation}, ${channel}, ${f.name}, ${createHash('sha256').update(body).digest('hex')},
              ${f.size}, ${recorded}, ${refused}, ${parsed.refused ?? null})`);
          await moveRemoteFile(sftp, `${dir}/${f.name}`, `${dir}/processed`, f.name);
          await writeRemoteFile(
            sftp,
            `${dir}/processed/${f.name}.report.txt`,
            Buffer.from(returnReport(f.name, parsed, recorded, unknown)),
          );
          const lines = [...parsed.problems, ...unknown].map((p) => p.line).sort((a, b) => a - b);
          if (parsed.refused || lines.length > 0)
            log.warn(
              {
                corporation,
                channel,
                file: f.name,
                refusedFile: parsed.refused,
                badLines: lines.slice(0, 50),
              },
              'print return file had lines that were not recorded',
            );
          results.push({
            file: f.name,
            recorded,
            refused,
            ...(parsed.refused ? { refusedFile: parsed.refused } : {}),
          });
        }
        return results;
      },
      'return file pass',
    );
  }
}
