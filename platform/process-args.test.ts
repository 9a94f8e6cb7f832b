import { describe, expect, it } from 'vitest';
import { type ArgsIo, parseProcessArgs } from './process-args.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: ArgsIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  try {
    const values = parseProcessArgs(
      'proc',
      'Usage: proc [--speed N]\n',
      { speed: { type: 'string', default: '1' } },
      args,
      io,
    );
    return { code: undefined, values, out: out.join(''), err: err.join('') };
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    return { code: e.code, values: undefined, out: out.join(''), err: err.join('') };
  }
}

describe('parseProcessArgs', () => {
  it('gives the flags with their defaults', () => {
    expect(run([]).values).toMatchObject({ speed: '1' });
    expect(run(['--speed', '3']).values).toMatchObject({ speed: '3' });
  });

  it('--help and -h print the usage and exit 0', () => {
    for (const flag of ['--help', '-h'])
      expect(run([flag])).toMatchObject({ code: 0, out: 'Usage: proc [--speed N]\n', err: '' });
  });

  it('an unknown flag, a stray argument or a missing value: one line, the usage, exit 2, no stack', () => {
    for (const args of [['--sped', '3'], ['extra'], ['--speed']]) {
      const r = run(args);
      expect(r.code).toBe(2);
      const [first, blank, usage] = r.err.split('\n');
      expect(first).toMatch(/^proc: /);
      expect(blank).toBe('');
      expect(usage).toBe('Usage: proc [--speed N]');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(run(['--sped']).err).toContain("Unknown option '--sped'");
  });
});
