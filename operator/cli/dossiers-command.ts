// `outputstraat dossiers evidence CASE_ID -o file.zip --url URL --api-key KEY`: fetches a dossier's
// evidence file (GET /v1/dossiers/{caseId}/evidence, docs/collections-law.md) from a running street and
// writes the ZIP. The CLI talks to the runtime only over its HTTP API, with the corporation's ERP API key.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createError } from '../../core/errors/index.js';
import { type CliIo, EXIT_FAILED, EXIT_OK, type Runner, usageError } from './cli-io.js';
import { baseUrl } from './debtors-command.js';

const TIMEOUT_MS = 120_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EvidenceOptions {
  url?: string;
  apiKey?: string;
  output?: string;
}

async function evidence(io: CliIo, caseId: string, opts: EvidenceOptions): Promise<number> {
  if (!UUID.test(caseId))
    throw usageError(
      `CASE_ID ${caseId.slice(0, 60)} is not a dossier id`,
      'pass the case id (a UUID) of GET /v1/receivables/{externalId}',
    );
  if (!opts.output)
    throw usageError('-o, --output is required', 'name the ZIP file to write, e.g. -o dossier.zip');
  const url = baseUrl(opts.url);
  const key = opts.apiKey ?? process.env.OST_API_KEY;
  if (!key)
    throw usageError('--api-key is required', "pass the corporation's ERP API key, or set OST_API_KEY");
  let res: Response;
  try {
    res = await fetch(`${url}/v1/dossiers/${caseId.toLowerCase()}/evidence`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/zip, application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
    throw createError(
      'OST_ERR_CLI_REQUEST',
      [url, inner?.code ?? inner?.message ?? (cause as Error).message],
      {
        cause,
      },
    );
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status === 200 && res.headers.get('content-type')?.startsWith('application/zip')) {
    const file = resolve(io.cwd, opts.output);
    writeFileSync(file, body);
    io.out(
      `wrote the evidence file of dossier ${caseId.toLowerCase()} to ${opts.output} (${body.length} bytes)`,
    );
    return EXIT_OK;
  }
  let answer: { code?: unknown; message?: unknown } = {};
  try {
    answer = JSON.parse(body.toString('utf8')) as typeof answer;
  } catch {
    // not a JSON error body
  }
  const code = typeof answer.code === 'string' ? answer.code : `HTTP_${res.status}`;
  const message =
    typeof answer.message === 'string'
      ? answer.message
      : `the runtime at ${url} answered ${res.status}; check --url points at the runtime API`;
  io.err(`error ${code} ${message}`);
  return EXIT_FAILED;
}

export function dossiersCommand(program: Command, io: CliIo, run: Runner): void {
  const dossiers = program.command('dossiers').description('dossiers on a running street');
  dossiers
    .command('evidence')
    .description(
      "write a dossier's evidence file: a ZIP with a PDF summary, every message as sent with its proof, SHA-256 manifest",
    )
    .argument('<caseId>', 'the dossier (case) id')
    .option('-o, --output <file>', 'the ZIP file to write')
    .option('--url <url>', 'the runtime API, e.g. https://outputstraat.example')
    .option('--api-key <key>', "the corporation's ERP API key (or set OST_API_KEY)")
    .action((caseId: string, opts: EvidenceOptions) => run(() => evidence(io, caseId, opts)));
}
