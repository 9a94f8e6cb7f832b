// Command-line flags of the long-running processes (operator/main.ts, runtime/main.ts): node's parseArgs,
// strict, plus --help. `--help` prints the usage and exits 0; an unknown flag or a bad value prints one
// line saying what is wrong, then the usage, and exits 2: never a stack trace.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ArgsIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
}

const processIo: ArgsIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

export function parseProcessArgs<O extends Options>(
  name: string,
  usage: string,
  options: O,
  args: string[] = process.argv.slice(2),
  io: ArgsIo = processIo,
) {
  const withHelp: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed: { values: Record<string, unknown> };
  try {
    parsed = parseArgs({ options: withHelp, strict: true, args });
  } catch (err) {
    io.err(`${name}: ${(err as Error).message.split('\n')[0]}\n\n${usage.trimEnd()}\n`);
    return io.exit(2);
  }
  if (parsed.values.help) {
    io.out(`${usage.trimEnd()}\n`);
    return io.exit(0);
  }
  // Every flag of the two processes has a default, so a string flag always has a value.
  return parsed.values as { [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean | undefined : string };
}
