// `outputstraat debtors erase DEBTOR_ID --url URL --api-key KEY`: asks a running street to erase a
// debtor's personal data (DELETE /v1/debtors/{debtorId}, docs/privacy.md). The CLI talks to the runtime
// only over its HTTP API, with the corporation's ERP API key; it never touches the database itself.
import type { Command } from 'commander';
import { createError } from '../../core/errors/index.js';
import { type CliIo, EXIT_FAILED, EXIT_OK, outputFormat, type Runner, usageError } from './cli-io.js';

const TIMEOUT_MS = 60_000;

interface EraseOptions {
  url?: string;
  apiKey?: string;
  output: string;
}

/** The runtime API from --url: http or https, without a trailing slash. */
export function baseUrl(raw: string | undefined): string {
  if (!raw)
    throw usageError('--url is required', 'pass the runtime API, e.g. --url https://outputstraat.example');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(
      `--url ${raw} is not a URL`,
      'pass it with its scheme, e.g. https://outputstraat.example',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(
      `--url ${raw} is not http or https`,
      'pass the runtime API, e.g. https://outputstraat.example',
    );
  }
  return url.toString().replace(/\/$/, '');
}

function debtorId(raw: string): string {
  if (raw.length < 1 || raw.length > 100) {
    throw usageError(
      `DEBTOR_ID must be 1 to 100 characters, got ${raw.length}`,
      'pass the debtor.id your ERP posted',
    );
  }
  return raw;
}

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

async function deleteDebtor(url: string, key: string, id: string): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(`${url}/v1/debtors/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
    const reason = inner?.code ?? inner?.message ?? (cause as Error).message;
    throw createError('OST_ERR_CLI_REQUEST', [url, reason], { cause });
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, body: undefined };
  }
}

async function erase(io: CliIo, id: string, opts: EraseOptions): Promise<number> {
  const format = outputFormat(opts.output);
  const url = baseUrl(opts.url);
  const key = opts.apiKey ?? process.env.OST_API_KEY;
  if (!key)
    throw usageError('--api-key is required', "pass the corporation's ERP API key, or set OST_API_KEY");
  const answer = await deleteDebtor(url, key, debtorId(id));
  if (answer.status === 200 && answer.body) {
    const b = answer.body;
    if (format === 'json') io.out(JSON.stringify(b, null, 2));
    else {
      io.out(
        `erased debtor ${String(b.debtorId)}: ${String(b.receivables)} receivable(s), ${String(b.rows)} row(s) ` +
          `(erasure ${String(b.erasure)} at ${String(b.erasedAt)})`,
      );
    }
    return EXIT_OK;
  }
  const code = typeof answer.body?.code === 'string' ? answer.body.code : `HTTP_${answer.status}`;
  const message =
    typeof answer.body?.message === 'string'
      ? answer.body.message
      : `the runtime at ${url} answered ${answer.status}; check --url points at the runtime API`;
  io.err(`error ${code} ${message}`);
  return EXIT_FAILED;
}

export function debtorsCommand(program: Command, io: CliIo, run: Runner): void {
  const debtors = program.command('debtors').description("a debtor's data on a running street");
  debtors
    .command('erase')
    .description("erase a debtor's personal data (GDPR art. 17); amounts, dates and counts stay")
    .argument('<debtorId>', 'the debtor.id your ERP posted with its receivables')
    .option('--url <url>', 'the runtime API, e.g. https://outputstraat.example')
    .option('--api-key <key>', "the corporation's ERP API key (or set OST_API_KEY)")
    .option('-o, --output <format>', 'text or json', 'text')
    .action((id: string, opts: EraseOptions) => run(() => erase(io, id, opts)));
}
