// `outputstraat dead-letters list|retry`: a corporation's dead letters through the runtime's HTTP API
// (GET /v1/dead-letters, POST /v1/dead-letters/{id}/retry) with its ERP API key. The CLI never imports
// the runtime; it speaks to a running one, like the ERP does.
import type { Command } from 'commander';
import { createError } from '../../core/errors/index.js';
import { type CliIo, EXIT_OK, outputFormat, type Runner, usageError } from './cli-io.js';

interface Connection {
  url: string;
  apiKey: string;
}

export interface ConnectionFlags {
  url?: string;
  apiKey?: string;
  output: string;
}

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

/** --url and --api-key, or OUTPUTSTRAAT_URL and OUTPUTSTRAAT_API_KEY (keeps the key out of `ps`). */
export function connection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = flags.url ?? env.OUTPUTSTRAAT_URL;
  const apiKey = flags.apiKey ?? env.OUTPUTSTRAAT_API_KEY;
  if (!url)
    throw usageError('--url is missing', "give the runtime's base URL, e.g. --url http://127.0.0.1:8080");
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw usageError(`--url ${url} is not an http(s) URL`, 'give it like http://127.0.0.1:8080');
  }
  if (!apiKey) {
    throw usageError(
      '--api-key is missing',
      "give the corporation's ERP API key with --api-key or in OUTPUTSTRAAT_API_KEY",
    );
  }
  return { url: url.replace(/\/+$/, ''), apiKey };
}

/** The API's answer as JSON; an error answer becomes its own code and message (exit 1). */
export async function call(c: Connection, method: 'GET' | 'POST', path: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${c.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${c.apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw usageError(
      `cannot reach the runtime at ${c.url}: ${why}`,
      'check --url and that the runtime is running and reachable from here',
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw createError('OST_ERR_CLI_USAGE', [
      `${c.url}${path} answered ${res.status} without JSON`,
      "--url must be the Outputstraat runtime's base URL, not another service",
    ]);
  }
  if (!res.ok) throw apiError(res.status, body);
  return body;
}

/** An error answer, printed as `error <code> <message>` like every other CLI error. */
function apiError(status: number, body: unknown): Error {
  const b = body as { code?: unknown; message?: unknown };
  const code = typeof b.code === 'string' ? b.code : 'OST_ERR_INTERNAL';
  const err = new Error(typeof b.message === 'string' ? b.message : `the runtime answered ${status}`);
  return Object.assign(err, { code });
}

function describe(d: DeadLetter): string {
  const redriven = d.redrivenAt ? `, re-driven ${d.redriveCount}x (last ${d.redrivenAt})` : '';
  return `${d.id}  ${d.deadAt}  ${d.stream}  ${d.externalId ?? '-'}  ${d.code}  after ${d.deliveries} deliveries${redriven}\n    ${d.reason}`;
}

export function deadLettersCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program
    .command('dead-letters')
    .description("list and re-drive a corporation's dead letters, through the runtime's HTTP API");
  const connectionOptions = (cmd: Command) =>
    cmd
      .option('--url <url>', "the runtime's base URL (or OUTPUTSTRAAT_URL)")
      .option('--api-key <key>', "the corporation's ERP API key (or OUTPUTSTRAAT_API_KEY)")
      .option('-o, --output <format>', 'text or json', 'text');

  connectionOptions(group.command('list'))
    .description('the dead letters, newest first')
    .option('--limit <n>', 'how many (1-1000)', '100')
    .action((opts: ConnectionFlags & { limit: string }) =>
      run(async () => {
        const format = outputFormat(opts.output);
        const c = connection(opts);
        if (!/^[1-9][0-9]{0,3}$/.test(opts.limit)) throw usageError(`--limit ${opts.limit} is not 1-1000`);
        const body = (await call(c, 'GET', `/v1/dead-letters?limit=${opts.limit}`)) as {
          deadLetters: DeadLetter[];
        };
        if (format === 'json') io.out(JSON.stringify(body, null, 2));
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
    .action((ids: string[], opts: ConnectionFlags) =>
      run(async () => {
        const format = outputFormat(opts.output);
        const c = connection(opts);
        const results: unknown[] = [];
        for (const id of ids) {
          const body = (await call(c, 'POST', `/v1/dead-letters/${encodeURIComponent(id)}/retry`)) as {
            status: string;
          };
          results.push(body);
          if (format === 'text') io.out(`${body.status} ${id}`);
        }
        if (format === 'json') io.out(JSON.stringify(results, null, 2));
        return EXIT_OK;
      }),
    );
}
