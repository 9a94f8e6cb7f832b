// `outputstraat dead-letters list|retry`: a corporation's dead letters through the runtime's HTTP API
// (GET /v1/dead-letters, POST /v1/dead-letters/{id}/retry) with its ERP API key (street-api.ts).
import type { Command } from 'commander';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';
import { StreetApi } from './street-api.js';

interface DeadLetter {
  id: string;
  stream: string;
  externalId: string | null;
  code: string;
  reason: string;
  deliveries: number;
  deadAt: string;
  redrivenAt: string | null;
  redriveCount: number;
}

type Flags = ConnectionFlags & { output: string };

function describe(d: DeadLetter): string {
  const redriven = d.redrivenAt ? `, re-driven ${d.redriveCount}x (last ${d.redrivenAt})` : '';
  return `${d.id}  ${d.deadAt}  ${d.stream}  ${d.externalId ?? '-'}  ${d.code}  after ${d.deliveries} deliveries${redriven}\n    ${d.reason}`;
}

export function deadLettersCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program
    .command('dead-letters')
    .description("list and re-drive a corporation's dead letters, through the runtime's HTTP API");

  connectionOptions(group.command('list'))
    .description('the dead letters, newest first')
    .option('--limit <n>', 'how many (1-1000)', '100')
    .action((opts: Flags & { limit: string }) =>
      run(async () => {
        const format = outputFormat(opts.output);
        const api = new StreetApi(resolveConnection(opts));
        if (!/^[1-9][0-9]{0,3}$/.test(opts.limit) || Number(opts.limit) > 1000) {
          throw usageError(`--limit ${opts.limit} is not 1-1000`);
        }
        const body = await api.json<{ deadLetters: DeadLetter[] }>('GET', '/v1/dead-letters', {
          query: { limit: opts.limit },
        });
        if (format !== 'text') emit(io, format, body);
        else {
          for (const d of body.deadLetters) io.out(describe(d));
          io.out(`${body.deadLetters.length} dead letter(s)`);
        }
        return EXIT_OK;
      }),
    );

  connectionOptions(group.command('retry'))
    .description('re-drive dead letters: intake messages are published again, dispatch steps rescheduled')
    .argument('<ids...>', 'dead letter ids from `dead-letters list`')
    .action((ids: string[], opts: Flags) =>
      run(async () => {
        const format = outputFormat(opts.output);
        const api = new StreetApi(resolveConnection(opts));
        const results: unknown[] = [];
        for (const id of ids) {
          const body = await api.json<{ status: string }>(
            'POST',
            `/v1/dead-letters/${encodeURIComponent(id)}/retry`,
          );
          results.push(body);
          if (format === 'text') io.out(`${body.status} ${id}`);
        }
        if (format !== 'text') emit(io, format, results);
        return EXIT_OK;
      }),
    );
}
