// `outputstraat debtor show|erase DEBTOR_ID` (also spelled `debtors`): a debtor on a running street,
// through its HTTP API with the corporation's ERP API key (street-api.ts); the CLI never touches the
// database. `show` reads GET /v1/debtors/{debtorId}; a street without that route is said so, and the
// debtor's messages (GET /v1/debtors/{debtorId}/messages) are shown instead. `erase` is DELETE
// /v1/debtors/{debtorId} (docs/privacy.md).
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';
import { isMissingRoute, StreetApi } from './street-api.js';

type Flags = ConnectionFlags & { output: string };

interface ArchivedMessage {
  id: string;
  receivable: string | null;
  channel: string;
  template: string | null;
  status: string;
  createdAt: string;
  sentAt: string | null;
}

function debtorPath(raw: string, suffix = ''): string {
  if (raw.length < 1 || raw.length > 100) {
    throw usageError(
      `DEBTOR_ID must be 1 to 100 characters, got ${raw.length}`,
      'pass the debtor.id your ERP posted',
    );
  }
  return `/v1/debtors/${encodeURIComponent(raw)}${suffix}`;
}

async function show(io: CliIo, id: string, opts: Flags): Promise<number> {
  const format = outputFormat(opts.output);
  const path = debtorPath(id);
  const api = new StreetApi(resolveConnection(opts));
  const debtor = await api.request('GET', path, { accept: [404, 405] });
  if (debtor.status < 300) {
    if (format !== 'text') emit(io, format, debtor.body);
    else io.out(stringify(debtor.body).replace(/\n$/, ''));
    return EXIT_OK;
  }
  if (!isMissingRoute(debtor, 'GET') && debtor.status !== 405) {
    // The route is there and the debtor is not: its own error answer.
    await api.request('GET', path);
  }
  io.err(
    `note: the street at ${api.server} does not offer GET /v1/debtors/{debtorId}; showing the debtor's messages (GET /v1/debtors/{debtorId}/messages)`,
  );
  const listed = await api.request('GET', debtorPath(id, '/messages'), { accept: [404] });
  if (isMissingRoute(listed, 'GET')) {
    throw usageError(
      `this street does not offer GET /v1/debtors/{debtorId} nor GET /v1/debtors/{debtorId}/messages`,
      'upgrade the runtime, or look the debtor up in your ERP',
    );
  }
  if (listed.status === 404) await api.request('GET', debtorPath(id, '/messages'));
  const body = listed.body as { debtorId: string; messages: ArchivedMessage[] };
  if (format !== 'text') emit(io, format, body);
  else {
    io.out(`debtor ${body.debtorId}: ${body.messages.length} message(s)`);
    for (const m of body.messages) {
      io.out(
        `  ${m.sentAt ?? m.createdAt}  ${m.status.padEnd(10)} ${m.channel}  ${m.template ?? '-'}  receivable ${m.receivable ?? '-'}  ${m.id}`,
      );
    }
  }
  return EXIT_OK;
}

async function erase(io: CliIo, id: string, opts: Flags): Promise<number> {
  const format = outputFormat(opts.output);
  const path = debtorPath(id);
  const api = new StreetApi(resolveConnection(opts));
  const b = await api.json<Record<string, unknown>>('DELETE', path);
  if (format !== 'text') emit(io, format, b);
  else {
    io.out(
      `erased debtor ${String(b.debtorId)}: ${String(b.receivables)} receivable(s), ${String(b.rows)} row(s) ` +
        `(erasure ${String(b.erasure)} at ${String(b.erasedAt)})`,
    );
  }
  return EXIT_OK;
}

export function debtorsCommand(program: Command, io: CliIo, run: Runner): void {
  const debtors = program
    .command('debtor')
    .alias('debtors')
    .description("a debtor's data on a running street");
  connectionOptions(debtors.command('show'))
    .description(
      "a debtor as the street knows it (or, on a street without that route, the debtor's messages)",
    )
    .argument('<debtorId>', 'the debtor.id your ERP posted with its receivables')
    .action((id: string, opts: Flags) => run(() => show(io, id, opts)));
  connectionOptions(debtors.command('erase'))
    .description("erase a debtor's personal data (GDPR art. 17); amounts, dates and counts stay")
    .argument('<debtorId>', 'the debtor.id your ERP posted with its receivables')
    .action((id: string, opts: Flags) => run(() => erase(io, id, opts)));
}
