// `outputstraat version`: the CLI's version and, when a street is given (flags, env or config context),
// the runtime's, from its /healthz answer. Without a street it prints the CLI's alone.
import type { Command } from 'commander';
import { isOutputstraatError } from '../../core/errors/index.js';
import { packageVersion } from '../../platform/package-root.js';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner } from './cli-io.js';
import { StreetApi } from './street-api.js';

type Flags = ConnectionFlags & { output: string };

async function version(io: CliIo, opts: Flags): Promise<number> {
  const format = outputFormat(opts.output);
  const cli = packageVersion();
  let connection: ReturnType<typeof resolveConnection> | undefined;
  try {
    connection = resolveConnection(opts);
  } catch (err) {
    // No street configured: the CLI's version is still an answer.
    if (!isOutputstraatError(err, 'OST_ERR_CLI_USAGE') || opts.server || opts.url) throw err;
  }
  const server = connection
    ? await new StreetApi(connection, 10_000).json<{ version?: string }>('GET', '/healthz')
    : undefined;
  const result = {
    cli,
    ...(connection ? { server: connection.server, serverVersion: server?.version ?? 'unknown' } : {}),
  };
  if (format !== 'text') emit(io, format, result);
  else {
    io.out(`outputstraat CLI ${cli}`);
    if (connection) io.out(`runtime at ${connection.server}: ${result.serverVersion}`);
  }
  return EXIT_OK;
}

export function versionCommand(program: Command, io: CliIo, run: Runner): void {
  connectionOptions(program.command('version'))
    .description("the CLI's version, and the runtime's when a street is given or configured")
    .action((opts: Flags) => run(() => version(io, opts)));
}
