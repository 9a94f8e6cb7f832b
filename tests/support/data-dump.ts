// Everything a street stores, as text to search: the whole database through pg_dump --data-only, and
// every message of every JetStream stream read back without consuming it. The privacy suites grep these
// for a debtor's name, address, email and phone after an erasure.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

const run = promisify(execFile);

/** The data of the database at `url`, as pg_dump writes it (bytea as hex). */
export async function dumpDatabase(url: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--data-only', '--no-owner', `--dbname=${url}`], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout;
}

export interface StoredMessage {
  stream: string;
  seq: number;
  subject: string;
  data: string;
}

/** Every message still stored in every stream (KV buckets included), read by sequence. */
export async function readAllStreams(nc: NatsConnection): Promise<StoredMessage[]> {
  const jsm = await jetstreamManager(nc);
  const out: StoredMessage[] = [];
  for await (const stream of jsm.streams.names()) {
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) continue;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq });
      if (msg) out.push({ stream, seq, subject: msg.subject, data: Buffer.from(msg.data).toString('utf8') });
    }
  }
  return out;
}

/** A string as it can appear in a dump: as is, and hex-encoded the way pg_dump writes bytea. */
export const forms = (needle: string) => [needle, Buffer.from(needle, 'utf8').toString('hex')];

/** The needles (in any of their forms) that occur in `text`. */
export const found = (text: string, needles: readonly string[]) =>
  needles.filter((n) => forms(n).some((f) => text.includes(f)));
