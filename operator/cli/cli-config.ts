// Which street the CLI talks to, kubectl-like: --server/--api-key, else OUTPUTSTRAAT_SERVER and
// OUTPUTSTRAAT_API_KEY, else a named context of the config file (~/.config/outputstraat/config.yaml, or
// $OUTPUTSTRAAT_CONFIG). `outputstraat config set-context|use-context|get-contexts` edits that file; it
// holds API keys, so it is written with mode 0600.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { parse, stringify } from 'yaml';
import { createError } from '../../core/errors/index.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';

export interface Context {
  name: string;
  server: string;
  apiKey?: string;
}

export interface CliConfig {
  currentContext?: string;
  contexts: Context[];
}

/** Flags every street-talking command takes. */
export interface ConnectionFlags {
  server?: string;
  /** The old name of --server, still accepted. */
  url?: string;
  apiKey?: string;
  context?: string;
}

export interface Connection {
  server: string;
  apiKey: string;
  /** Where the server came from, for error messages. */
  from: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OUTPUTSTRAAT_CONFIG) return env.OUTPUTSTRAAT_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'outputstraat', 'config.yaml');
}

export function readConfig(path: string): CliConfig {
  if (!existsSync(path)) return { contexts: [] };
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw createError('OST_ERR_FILE_READ', [path, `not YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const doc = (raw ?? {}) as { currentContext?: unknown; contexts?: unknown };
  const contexts = Array.isArray(doc.contexts) ? doc.contexts : [];
  const checked: Context[] = [];
  for (const [i, c] of contexts.entries()) {
    const ctx = c as Partial<Context>;
    if (typeof ctx?.name !== 'string' || typeof ctx.server !== 'string') {
      throw createError('OST_ERR_FILE_READ', [path, `contexts[${i}] needs a name and a server`]);
    }
    checked.push({
      name: ctx.name,
      server: ctx.server,
      ...(typeof ctx.apiKey === 'string' ? { apiKey: ctx.apiKey } : {}),
    });
  }
  return {
    ...(typeof doc.currentContext === 'string' ? { currentContext: doc.currentContext } : {}),
    contexts: checked,
  };
}

function writeConfig(path: string, config: CliConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, stringify(config), { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** An http(s) base URL without a trailing slash; anything else is a usage error naming where it came from. */
export function serverUrl(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`${from} ${raw} is not an http(s) URL`, 'give it like http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${from} ${raw} is not an http(s) URL`, 'give it like http://127.0.0.1:8080');
  }
  return url.toString().replace(/\/+$/, '');
}

/** Flags first, then the environment, then the config file's context. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const path = configPath(env);
  const flagServer = flags.server ?? flags.url;
  const server = flagServer ?? env.OUTPUTSTRAAT_SERVER;
  const key = flags.apiKey ?? env.OUTPUTSTRAAT_API_KEY;
  const named = flags.context ?? env.OUTPUTSTRAAT_CONTEXT;
  // The file is read only when it is needed: flags and environment alone never depend on it.
  const config: CliConfig = server && key && !named ? { contexts: [] } : readConfig(path);
  const contextName = flags.context ?? env.OUTPUTSTRAAT_CONTEXT ?? config.currentContext;
  const context = contextName ? config.contexts.find((c) => c.name === contextName) : undefined;
  if (contextName && !context && (flags.context || env.OUTPUTSTRAAT_CONTEXT)) {
    throw usageError(
      `context ${contextName} is not in ${path}`,
      'see `outputstraat config get-contexts`; add it with `outputstraat config set-context`',
    );
  }
  const [rawServer, from] = flagServer
    ? [flagServer, '--server']
    : env.OUTPUTSTRAAT_SERVER
      ? [env.OUTPUTSTRAAT_SERVER, 'OUTPUTSTRAAT_SERVER']
      : [context?.server, `context ${context?.name}`];
  if (!rawServer) {
    throw usageError(
      '--server is missing',
      "give the runtime's base URL with --server, OUTPUTSTRAAT_SERVER or `outputstraat config set-context`",
    );
  }
  const apiKey = key ?? context?.apiKey;
  if (!apiKey) {
    throw usageError(
      '--api-key is missing',
      "give the corporation's ERP API key with --api-key, OUTPUTSTRAAT_API_KEY or a config context",
    );
  }
  return { server: serverUrl(rawServer, from), apiKey, from };
}

/** Adds --server, --api-key, --context (and the old --url, hidden) and -o to a command. */
export function connectionOptions(cmd: Command): Command {
  cmd
    .option('--server <url>', "the runtime's base URL (or OUTPUTSTRAAT_SERVER, or the config context)")
    .option('--api-key <key>', "the corporation's ERP API key (or OUTPUTSTRAAT_API_KEY)")
    .option('--context <name>', 'a context of the config file instead of its current one');
  cmd.addOption(new Option('--url <url>', 'the old name of --server').hideHelp());
  return cmd.option('-o, --output <format>', 'text, json or yaml', 'text');
}

export function configCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program
    .command('config')
    .description('named contexts (server + API key) in ~/.config/outputstraat/config.yaml, like kubectl');
  group
    .command('set-context')
    .description('add or change a context; the first one becomes the current context')
    .argument('<name>', 'a name for this street and corporation, e.g. noord-prod')
    .requiredOption('--server <url>', "the runtime's base URL")
    .option('--api-key <key>', "the corporation's ERP API key")
    .action((name: string, opts: { server: string; apiKey?: string }) =>
      run(() => {
        const path = configPath();
        const config = readConfig(path);
        const context: Context = {
          name,
          server: serverUrl(opts.server, '--server'),
          ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
        };
        const at = config.contexts.findIndex((c) => c.name === name);
        if (at >= 0) config.contexts[at] = { ...config.contexts[at], ...context };
        else config.contexts.push(context);
        config.currentContext ??= name;
        writeConfig(path, config);
        io.out(`context ${name} set in ${path}`);
        return EXIT_OK;
      }),
    );
  group
    .command('use-context')
    .description('make a context the current one')
    .argument('<name>')
    .action((name: string) =>
      run(() => {
        const path = configPath();
        const config = readConfig(path);
        if (!config.contexts.some((c) => c.name === name)) {
          throw usageError(
            `context ${name} is not in ${path}`,
            'add it with `outputstraat config set-context`',
          );
        }
        writeConfig(path, { ...config, currentContext: name });
        io.out(`switched to context ${name}`);
        return EXIT_OK;
      }),
    );
  group
    .command('get-contexts')
    .description('the contexts, the current one marked with *; API keys are never printed')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((opts: { output: string }) =>
      run(() => {
        const format = outputFormat(opts.output);
        const config = readConfig(configPath());
        const rows = config.contexts.map((c) => ({
          name: c.name,
          server: c.server,
          current: c.name === config.currentContext,
          apiKey: c.apiKey ? 'set' : 'none',
        }));
        if (format !== 'text') emit(io, format, { contexts: rows });
        else
          for (const r of rows)
            io.out(`${r.current ? '*' : ' '} ${r.name}  ${r.server}  (api key ${r.apiKey})`);
        return EXIT_OK;
      }),
    );
}
