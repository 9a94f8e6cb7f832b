// Reading and compiling the resources under the command line's paths, once, and picking the bundle a
// command works on. Base flows without a corporation get the built-in test corporation, so a base
// library can be rendered, simulated and tested on its own.
import { dirname, resolve, sep } from 'node:path';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import { API_VERSION, type Resource } from '../../core/resources/kinds.js';
import { type CompileResult, compileStreet, isStreetDefaults } from '../compiler/index.js';
import { type ReadResult, readResourceFiles } from '../sources/read-resource-files.js';
import { type CliIo, errorLine, existingPaths, usageError } from './cli-io.js';

export const DEFAULT_BASE = 'outputstraat-base';

export interface Street {
  read: ReadResult;
  compiled: CompileResult;
  /** Read and compile errors together. */
  errors: OutputstraatError[];
}

/** The namespace the built-in test corporation lives in when it overlays `base`. */
export function testNamespace(base: string): string {
  return `flowtest-${base}`;
}

/**
 * The built-in test Corporation over a base namespace: Testcorporatie, nl, Europe/Amsterdam, sender
 * noreply@<base>.test.example, alerts to team@<base>.test.example. Its domain and payment host are its
 * own, so test corporations over several bases never claim what another has.
 */
export function testCorporation(base: string): Resource<'Corporation'> {
  return {
    apiVersion: API_VERSION,
    kind: 'Corporation',
    metadata: { name: 'testcorporatie', namespace: testNamespace(base) },
    spec: {
      displayName: 'Testcorporatie',
      base,
      locale: 'nl',
      timezone: 'Europe/Amsterdam',
      sender: { name: 'Testcorporatie', email: `noreply@${base}.test.example` },
      senderDomains: [`${base}.test.example`],
      paymentHost: `betalen.${base}.test.example`,
      ingress: { apiKeySecretRef: { name: 'flowtest-api-key' } },
      alerts: { recipients: [{ name: 'Testteam', email: `team@${base}.test.example` }] },
    },
  };
}

/** Reads and compiles `paths` (plus a test corporation over each of `testBases`). */
export function loadStreet(io: CliIo, paths: readonly string[], testBases: Iterable<string> = []): Street {
  return compileRead(readResourceFiles(existingPaths(io, paths), io.cwd), testBases);
}

/** Compiles what was read, plus a test corporation over each of `testBases`. */
export function compileRead(read: ReadResult, testBases: Iterable<string> = []): Street {
  const extra = [...new Set(testBases)].map(testCorporation);
  const compiled = compileStreet([...read.resources, ...extra]);
  return { read, compiled, errors: [...read.errors, ...compiled.errors] };
}

export function describeErrors(errors: readonly OutputstraatError[]): string[] {
  return errors.map(errorLine);
}

/** The compiled bundle of a corporation, or an error that says why there is none. */
export function bundleOf(street: Street, corporation: string): ConfigBundle {
  const bundle = street.compiled.bundles.find((b) => b.corporation.id === corporation);
  if (bundle) return bundle;
  const failed = street.compiled.failedCorporations.get(corporation);
  if (failed) {
    throw createError('OST_ERR_CONFIG', [
      `corporation ${corporation} does not compile (${failed.length} error(s)):\n  ${describeErrors(failed).join('\n  ')}`,
      'fix the errors (outputstraat validate shows them)',
    ]);
  }
  const known = street.compiled.bundles.map((b) => b.corporation.id);
  throw usageError(
    `no corporation "${corporation}" under the given paths`,
    known.length > 0 ? `use one of: ${known.join(', ')}` : 'add the folder with its Corporation resource',
  );
}

/**
 * The bundle for render and simulate: --corporation when given (a base namespace gets the built-in test
 * corporation); else the only corporation under the paths, or the one whose folder holds `nearFile` (the
 * receivable: examples/01-woonstad-noord/receivables/storno.json is Woonstad Noord's); with none, the
 * base flows with the built-in test corporation.
 */
export function loadBundle(
  io: CliIo,
  paths: readonly string[],
  corporation?: string,
  nearFile?: string,
): ConfigBundle {
  const read = readResourceFiles(existingPaths(io, paths), io.cwd);
  const corporations = read.resources.filter((r) => r.kind === 'Corporation' && !isStreetDefaults(r));
  if (corporation !== undefined) {
    const isBase =
      !corporations.some((c) => c.metadata.namespace === corporation) &&
      read.resources.some((r) => r.metadata.namespace === corporation);
    // A base namespace named with --corporation is shown through the built-in test corporation.
    if (isBase) return bundleOf(compileRead(read, [corporation]), testNamespace(corporation));
    return bundleOf(compileRead(read), corporation);
  }
  if (corporations.length === 1) return bundleOf(compileRead(read), corporations[0]!.metadata.namespace);
  const near = nearestCorporation(corporations, io.cwd, nearFile);
  if (near) return bundleOf(compileRead(read), near);
  if (corporations.length > 1) {
    const names = corporations.map((c) => c.metadata.namespace).join(', ');
    throw usageError('the paths hold more than one corporation', `choose one with --corporation (${names})`);
  }
  const namespaces = [...new Set(read.resources.map((r) => r.metadata.namespace))];
  const base = namespaces.includes(DEFAULT_BASE) || namespaces.length !== 1 ? DEFAULT_BASE : namespaces[0]!;
  return bundleOf(compileRead(read, [base]), testNamespace(base));
}

/** The corporation whose Corporation file sits in the nearest folder above `file`, if exactly one does. */
function nearestCorporation(
  corporations: Resource[],
  cwd: string,
  file: string | undefined,
): string | undefined {
  if (file === undefined) return undefined;
  const target = resolve(cwd, file);
  let best: { depth: number; namespaces: Set<string> } | undefined;
  for (const c of corporations) {
    if (!c.origin) continue;
    const dir = dirname(resolve(cwd, c.origin.file));
    if (!target.startsWith(`${dir}${sep}`)) continue;
    const depth = dir.split(sep).length;
    if (!best || depth > best.depth) best = { depth, namespaces: new Set([c.metadata.namespace]) };
    else if (depth === best.depth) best.namespaces.add(c.metadata.namespace);
  }
  return best && best.namespaces.size === 1 ? [...best.namespaces][0] : undefined;
}
