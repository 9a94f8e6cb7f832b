// `outputstraat dossiers evidence CASE_ID --file dossier.zip`: fetches a dossier's evidence file
// (GET /v1/dossiers/{caseId}/evidence, docs/collections-law.md § 7) from a running street through its
// HTTP API with the corporation's ERP API key (street-api.ts) and writes the ZIP. Nothing is written
// when the street refuses.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';
import { StreetApi } from './street-api.js';

const TIMEOUT_MS = 120_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type EvidenceFlags = ConnectionFlags & { output: string; file?: string };

async function evidence(io: CliIo, caseId: string, opts: EvidenceFlags): Promise<number> {
  const format = outputFormat(opts.output);
  if (!UUID.test(caseId))
    throw usageError(
      `CASE_ID ${caseId.slice(0, 60)} is not a dossier id`,
      'pass the case id (a UUID) of GET /v1/receivables/{externalId}',
    );
  if (!opts.file)
    throw usageError('--file is required', 'name the ZIP file to write, e.g. --file dossier.zip');
  const api = new StreetApi(resolveConnection(opts), TIMEOUT_MS);
  const id = caseId.toLowerCase();
  const zip = await api.bytes(`/v1/dossiers/${id}/evidence`, 'application/zip');
  const file = resolve(io.cwd, opts.file);
  writeFileSync(file, zip);
  const result = { dossier: id, file, bytes: zip.length };
  if (format !== 'text') emit(io, format, result);
  else io.out(`wrote the evidence file of dossier ${id} to ${opts.file} (${zip.length} bytes)`);
  return EXIT_OK;
}

export function dossiersCommand(program: Command, io: CliIo, run: Runner): void {
  const dossiers = program.command('dossiers').description('dossiers on a running street');
  connectionOptions(
    dossiers
      .command('evidence')
      .description(
        "write a dossier's evidence file: a ZIP with a PDF summary, every message as sent with its proof, SHA-256 manifest",
      )
      .argument('<caseId>', 'the dossier (case) id')
      .option('-f, --file <zip>', 'the ZIP file to write'),
  ).action((caseId: string, opts: EvidenceFlags) => run(() => evidence(io, caseId, opts)));
}
