// `outputstraat events tail [--follow]`: the corporation's event feed (GET /v1/events) from a cursor kept
// in a file, so the next run continues after the last event printed. With --follow it asks again every
// --interval seconds until stopped (Ctrl-C). json prints one event per line (NDJSON), yaml one document each.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, outputFormat, type Runner, usageError } from './cli-io.js';
import { StreetApi } from './street-api.js';

interface FeedEvent {
  cursor: string;
  type: string;
  at: string;
  externalId: string | null;
  data: unknown;
}

type Flags = ConnectionFlags & {
  output: string;
  follow?: boolean;
  cursorFile: string;
  type?: string;
  limit: string;
  interval: string;
};

function whole(raw: string, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`${name} ${raw} is not ${min}-${max}`);
  return n;
}

async function tail(io: CliIo, opts: Flags): Promise<number> {
  const format = outputFormat(opts.output);
  const limit = whole(opts.limit, '--limit', 1, 1000);
  const intervalMs = whole(opts.interval, '--interval', 1, 3600) * 1000;
  const api = new StreetApi(resolveConnection(opts));
  const cursorFile = resolve(io.cwd, opts.cursorFile);
  let after = existsSync(cursorFile) ? readFileSync(cursorFile, 'utf8').trim() : undefined;
  for (;;) {
    const page = await api.json<{ events: FeedEvent[]; next: string }>('GET', '/v1/events', {
      query: { after: after || undefined, limit, type: opts.type },
    });
    for (const e of page.events) {
      if (format === 'json') io.out(JSON.stringify(e));
      else if (format === 'yaml') io.out(`---\n${stringify(e).replace(/\n$/, '')}`);
      else io.out(`${e.at}  ${e.type}  ${e.externalId ?? '-'}  ${JSON.stringify(e.data)}`);
    }
    after = page.next;
    writeFileSync(`${cursorFile}.tmp`, `${after}\n`);
    renameSync(`${cursorFile}.tmp`, cursorFile);
    if (page.events.length === limit) continue;
    if (!opts.follow) return EXIT_OK;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function eventsCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program.command('events').description("the corporation's event feed on a running street");
  connectionOptions(group.command('tail'))
    .description('print the events after the cursor in --cursor-file and keep the new cursor there')
    .option('-f, --follow', 'keep asking for new events until stopped')
    .option('--cursor-file <path>', 'where the cursor is kept between runs', 'events.cursor')
    .option('--type <types>', 'only these event types, comma separated (e.g. message.sent,receivable.paid)')
    .option('--limit <n>', 'events per request (1-1000)', '100')
    .option('--interval <seconds>', 'with --follow: seconds between requests when up to date', '2')
    .action((opts: Flags) => run(() => tail(io, opts)));
}
