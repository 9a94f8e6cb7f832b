// The street-talking CLI's own parts, without a street: config contexts, where the server and key come
// from, the NDJSON chunker of `receivables push`, completion and output formats. Against a running
// street: tests/integration/cli-push.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageVersion } from '../../platform/package-root.js';
import { resolveConnection } from './cli-config.js';
import { type NdjsonChunk, ndjsonChunks } from './ndjson-chunks.js';
import { Progress, type PushState } from './receivables-push-command.js';
import { cli, isolatedCliEnv } from './test-kit.js';

describe('CLI config contexts and connection', () => {
  let restore: ReturnType<typeof isolatedCliEnv>;
  beforeEach(() => {
    restore = isolatedCliEnv();
  });
  afterEach(() => restore());

  it('set-context writes a 0600 file, the first context is current, use-context switches, keys are never printed', async () => {
    expect(
      (
        await cli(
          '.',
          'config',
          'set-context',
          'noord',
          '--server',
          'http://a.example:8080/',
          '--api-key',
          'secret-noord',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          '.',
          'config',
          'set-context',
          'zuid',
          '--server',
          'https://b.example',
          '--api-key',
          'secret-zuid',
        )
      ).code,
    ).toBe(0);
    expect(statSync(restore.configFile).mode & 0o777).toBe(0o600);
    const listed = await cli('.', 'config', 'get-contexts');
    expect(listed.out).toBe(
      '* noord  http://a.example:8080  (api key set)\n  zuid  https://b.example  (api key set)',
    );
    expect(listed.out).not.toContain('secret');
    expect(resolveConnection({})).toEqual({
      server: 'http://a.example:8080',
      apiKey: 'secret-noord',
      from: 'context noord',
    });
    expect((await cli('.', 'config', 'use-context', 'zuid')).out).toBe('switched to context zuid');
    expect(resolveConnection({}).apiKey).toBe('secret-zuid');
    const yaml = await cli('.', 'config', 'get-contexts', '-o', 'yaml');
    expect(parse(yaml.out)).toEqual({
      contexts: [
        { name: 'noord', server: 'http://a.example:8080', current: false, apiKey: 'set' },
        { name: 'zuid', server: 'https://b.example', current: true, apiKey: 'set' },
      ],
    });
    const unknown = await cli('.', 'config', 'use-context', 'west');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`context west is not in ${restore.configFile}`);
    expect(parse(readFileSync(restore.configFile, 'utf8')).currentContext).toBe('zuid');
  });

  it('flags beat the environment, the environment beats the context; a named context must exist', async () => {
    await cli(
      '.',
      'config',
      'set-context',
      'noord',
      '--server',
      'http://ctx.example',
      '--api-key',
      'ctx-key',
    );
    process.env.OUTPUTSTRAAT_SERVER = 'http://env.example';
    process.env.OUTPUTSTRAAT_API_KEY = 'env-key';
    expect(resolveConnection({})).toMatchObject({ server: 'http://env.example', apiKey: 'env-key' });
    expect(resolveConnection({ server: 'http://flag.example', apiKey: 'flag-key' })).toMatchObject({
      server: 'http://flag.example',
      apiKey: 'flag-key',
    });
    expect(() => resolveConnection({ context: 'west' })).toThrow(/context west is not in/);
  });

  it('a config file that is not YAML, or a context without a server, is named with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ost-cli-bad-'));
    process.env.OUTPUTSTRAAT_CONFIG = join(dir, 'config.yaml');
    writeFileSync(process.env.OUTPUTSTRAAT_CONFIG, 'contexts: [ {name: x} ]\n');
    const run = await cli('.', 'events', 'tail');
    expect(run.code).toBe(2);
    expect(run.err).toContain('contexts[0] needs a name and a server');
    writeFileSync(process.env.OUTPUTSTRAAT_CONFIG, 'contexts: [\n');
    expect((await cli('.', 'events', 'tail')).err).toMatch(
      /OST_ERR_FILE_READ cannot read .*config\.yaml: not YAML/,
    );
    // Server and key given: the broken file is not read.
    expect(resolveConnection({ server: 'http://x.example', apiKey: 'k' })).toMatchObject({ apiKey: 'k' });
  });

  it('version without a street prints the CLI version; -o must be text, json or yaml', async () => {
    const v = await cli('.', 'version', '-o', 'json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toEqual({ cli: packageVersion() });
    const bad = await cli('.', 'version', '-o', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--output must be text, json or yaml, not "xml"');
  });

  it('receivables push refuses a missing file, a bad --chunk-lines and a --resume with nothing to resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ost-cli-push-'));
    const key = ['--server', 'http://127.0.0.1:9', '--api-key', 'k'];
    expect((await cli(dir, 'receivables', 'push', 'nope.ndjson', ...key)).err).toContain(
      'cannot read nope.ndjson',
    );
    writeFileSync(join(dir, 'r.ndjson'), '{}\n');
    const chunk = await cli(dir, 'receivables', 'push', 'r.ndjson', '--chunk-lines', '5000', ...key);
    expect(chunk.code).toBe(2);
    expect(chunk.err).toContain('--chunk-lines 5000 is not 1-1000');
    const resume = await cli(dir, 'receivables', 'push', 'r.ndjson', '--resume', ...key);
    expect(resume.code).toBe(2);
    expect(resume.err).toContain('there is no interrupted push of r.ndjson to resume');
  });
});

describe('ndjsonChunks', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'ost-chunks-')), 'f.ndjson');
    writeFileSync(path, text);
    return path;
  };
  const all = async (path: string, start = { line: 1, byte: 0 }, maxLines = 2, maxLineBytes = 10) => {
    const out: NdjsonChunk[] = [];
    for await (const c of ndjsonChunks(path, start, { maxLines, maxBytes: 1 << 20, maxLineBytes }))
      out.push(c);
    return out;
  };

  it('cuts whole lines, numbers them as the file does (empty lines too) and ends at the byte after each chunk', async () => {
    const path = file('a\n\nbé\nlast');
    const chunks = await all(path);
    expect(chunks.map((c) => [c.firstLine, c.lines, c.body.toString(), c.lineNumbers, c.endByte])).toEqual([
      [1, 2, 'a\n\n', [1, 2], 3],
      [3, 2, 'bé\nlast\n', [3, 4], 11],
    ]);
    // Resuming at a chunk's end gives the same rest.
    const rest = await all(path, { line: 3, byte: 3 });
    expect(rest.map((c) => [c.firstLine, c.body.toString(), c.lineNumbers])).toEqual([
      [3, 'bé\nlast\n', [3, 4]],
    ]);
  });

  it('never holds a line over the cap: it is skipped and named by number', async () => {
    const path = file(`ok\n${'x'.repeat(100_000)}\nfine\n`);
    const chunks = await all(path, { line: 1, byte: 0 }, 10, 10);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.oversized).toEqual([2]);
    expect(chunks[0]!.lineNumbers).toEqual([1, 3]);
    expect(chunks[0]!.body.toString()).toBe('ok\nfine\n');
  });
});

describe('outputstraat completion', () => {
  it('bash: valid shell that completes commands, subcommands and their options', async () => {
    const run = await cli('.', 'completion', 'bash');
    expect(run.code).toBe(0);
    execFileSync('bash', ['-n'], { input: run.out });
    const complete = (line: string) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${run.out}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _outputstraat; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(complete("outputstraat rec ''").split(' ')).toContain('receivables');
    expect(complete('outputstraat receivables push --re').split(' ')).toEqual(['--resume']);
    expect(complete("outputstraat dead-letters ''").split(' ')).toEqual(
      expect.arrayContaining(['list', 'retry']),
    );
    const zsh = await cli('.', 'completion', 'zsh');
    expect(zsh.out).toContain('bashcompinit');
    expect((await cli('.', 'completion', 'fish')).code).toBe(2);
  });
});

describe('push progress', () => {
  const state = (nextByte: number, nextLine: number): PushState => ({
    file: 'f',
    size: 1000,
    mtimeMs: 0,
    server: 'http://x',
    nextLine,
    nextByte,
    accepted: nextLine - 1,
    duplicates: 0,
    errors: 0,
    errorsBytes: 0,
  });

  it('on a terminal: one bar redrawn in place, ended by a newline', () => {
    const raw: string[] = [];
    const progress = new Progress(
      { out: () => {}, err: () => {}, cwd: '.', tty: { write: (t) => raw.push(t) } },
      1000,
    );
    progress.show(state(500, 51));
    progress.show(state(1000, 101), true);
    expect(raw).toEqual([
      `\r[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  line 50  accepted 50  duplicates 0  errors 0`,
      `\r[${'#'.repeat(30)}] 100%  line 100  accepted 100  duplicates 0  errors 0\n`,
    ]);
  });

  it('on a pipe: a plain line each time another 10 % is done', () => {
    const lines: string[] = [];
    const progress = new Progress({ out: () => {}, err: (l) => lines.push(l), cwd: '.' }, 1000);
    for (const byte of [10, 50, 120, 150, 990]) progress.show(state(byte, byte));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['1%', '12%', '99%']);
    expect(lines[0]).toBe('progress 1% line 9  accepted 9  duplicates 0  errors 0');
  });
});
