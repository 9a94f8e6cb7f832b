// Finding and reading FlowTest files (*.test.yaml) under the command line's paths: each document is
// checked against the FlowTest schema and its receivable against the ERP contract, and every problem
// points at file, line and field, the way `validate` reports resources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { parseFlowDuration } from '../../../core/calendar/index.js';
import { createError, type OutputstraatError } from '../../../core/errors/index.js';
import { type ReceivableInput, validateReceivable } from '../../../core/receivable/index.js';
import { keyPathOf } from '../../../core/resources/kinds.js';
import { DEFAULT_BASE } from '../load-street.js';
import {
  checkFlowTest,
  FLOW_TEST_KIND,
  type FlowTestDocument,
  type FlowTestSpec,
} from './flow-test-schema.js';
import { folderNamespace } from './folder-namespace.js';

export interface FlowTestCase {
  name: string;
  /** Relative to the working directory. */
  file: string;
  line: number;
  spec: FlowTestSpec;
  receivable: ReceivableInput;
  /** spec.household: the other receivables of the household, checked like the receivable. */
  household: ReceivableInput[];
  /** Namespace whose flows the built-in test corporation overlays when spec.corporation is not set. */
  base: string;
}

/** A test document that could not be read or is not valid; it counts as a failed test. */
export interface InvalidFlowTest {
  name: string;
  file: string;
  line: number;
  errors: OutputstraatError[];
}

export interface FlowTestFiles {
  files: string[];
  tests: FlowTestCase[];
  invalid: InvalidFlowTest[];
}

export function listTestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        visit(join(p, entry));
      }
    } else if (/\.test\.ya?ml$/.test(p)) {
      files.push(p);
    }
  };
  for (const p of paths) visit(p);
  return [...new Set(files)];
}

type LineOf = (field: string) => number;

/** A plain-object deep merge: objects merge, anything else replaces, null removes the key. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(out[k], v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function offsetProblems(spec: FlowTestSpec): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const check = (value: string | undefined, field: string) => {
    if (value === undefined) return;
    if (value.trim().startsWith('+')) {
      try {
        parseFlowDuration(value.trim().slice(1));
      } catch (err) {
        problems.push({ field, message: (err as Error).message });
      }
    } else if (Number.isNaN(Date.parse(value))) {
      problems.push({ field, message: `"${value}" is not a valid time` });
    }
  };
  check(spec.until, 'spec.until');
  for (const [i, e] of (spec.events ?? []).entries()) check(e.at, `spec.events[${i}].at`);
  for (const [i, m] of (spec.expect.messages ?? []).entries()) check(m.at, `spec.expect.messages[${i}].at`);
  for (const [i, a] of (spec.expect.alerts ?? []).entries()) check(a.at, `spec.expect.alerts[${i}].at`);
  return problems;
}

export function readFlowTests(absPaths: readonly string[], cwd: string): FlowTestFiles {
  const result: FlowTestFiles = { files: [], tests: [], invalid: [] };
  const nsCache = new Map<string, string | undefined>();
  for (const path of listTestFiles(absPaths)) {
    const file = relative(cwd, path) || path;
    result.files.push(file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const error = createError('OST_ERR_FILE_READ', [file, (err as Error).message], { cause: err });
      result.invalid.push({ name: file, file, line: 1, errors: [error] });
      continue;
    }
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter })) {
      const read = readDocument(doc, { path, file, lineCounter, nsCache });
      if (read === undefined) continue;
      if ('errors' in read) result.invalid.push(read);
      else result.tests.push(read);
    }
  }
  return result;
}

type ParsedDocument = Document.Parsed;

interface DocumentSource {
  path: string;
  file: string;
  lineCounter: LineCounter;
  nsCache: Map<string, string | undefined>;
}

function readDocument(doc: ParsedDocument, src: DocumentSource): FlowTestCase | InvalidFlowTest | undefined {
  const { file, lineCounter } = src;
  const docLine = lineCounter.linePos(doc.range[0]).line;
  const invalid: InvalidFlowTest = { name: `${file}:${docLine}`, file, line: docLine, errors: [] };
  const fail = (field: string | undefined, line: number, message: string) => {
    const resource = invalid.name.startsWith(file) ? undefined : `FlowTest ${invalid.name}`;
    const where = [`${file}:${line}`, resource, field].filter(Boolean).join(' ');
    invalid.errors.push(
      createError('OST_ERR_FLOW_TEST', [where, message], {
        location: { file, line, ...(resource ? { resource } : {}), ...(field ? { field } : {}) },
      }),
    );
    return invalid;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return fail(undefined, e.linePos?.[0]?.line ?? docLine, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const obj: unknown = doc.toJS();
  if (obj === null || obj === undefined) return undefined;
  const lineOf: LineOf = (field) => {
    const keys = keyPathOf(field);
    while (keys.length > 0) {
      const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
      keys.pop();
    }
    return docLine;
  };
  const kind = isPlainObject(obj) ? obj['kind'] : undefined;
  if (kind !== FLOW_TEST_KIND) {
    return fail(
      'kind',
      lineOf('kind'),
      `a *.test.yaml file holds FlowTest documents, not ${JSON.stringify(kind)}`,
    );
  }
  const metadata = isPlainObject(obj) ? obj['metadata'] : undefined;
  if (isPlainObject(metadata) && typeof metadata['name'] === 'string') invalid.name = metadata['name'];
  const problems = checkFlowTest(obj);
  if (problems.length === 0) problems.push(...offsetProblems((obj as FlowTestDocument).spec));
  for (const p of problems) fail(p.field, lineOf(p.field), p.message);
  if (invalid.errors.length > 0) return invalid;
  const test = obj as FlowTestDocument;
  const receivable = loadReceivable(test.spec, src.path, file, (field, message) =>
    fail(field, lineOf(field), message),
  );
  if (!receivable) return invalid;
  const household = (test.spec.household ?? []).map((h, i) => {
    const checked = validateReceivable(structuredClone(h.receivable));
    if (checked.ok) return checked.value;
    for (const e of checked.errors) {
      const field = `spec.household[${i}].receivable${e.field === '(body)' ? '' : `.${e.field}`}`;
      fail(field, lineOf(field), `${e.message} (the ERP receivable contract)`);
    }
    return undefined;
  });
  if (invalid.errors.length > 0) return invalid;
  return {
    name: test.metadata.name,
    file,
    line: docLine,
    spec: test.spec,
    receivable,
    household: household.filter((h): h is ReceivableInput => h !== undefined),
    base: test.metadata.namespace ?? folderNamespace(src.path, src.nsCache) ?? DEFAULT_BASE,
  };
}

function loadReceivable(
  spec: FlowTestSpec,
  testPath: string,
  file: string,
  fail: (field: string, message: string) => void,
): ReceivableInput | undefined {
  let body: unknown = spec.receivable;
  if (spec.receivableFile !== undefined) {
    const path = resolve(dirname(testPath), spec.receivableFile);
    try {
      body = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? `not valid JSON (${(err as Error).message})`;
      fail('spec.receivableFile', `cannot read ${spec.receivableFile} (relative to ${file}): ${why}`);
      return undefined;
    }
  }
  if (spec.override !== undefined) body = deepMerge(body, spec.override);
  const checked = validateReceivable(structuredClone(body));
  if (checked.ok) return checked.value;
  for (const e of checked.errors) {
    const inOverride = spec.override !== undefined && hasPath(spec.override, e.field);
    const field =
      inOverride || spec.receivableFile === undefined
        ? `spec.${inOverride ? 'override' : 'receivable'}${e.field === '(body)' ? '' : `.${e.field}`}`
        : 'spec.receivableFile';
    const prefix = field === 'spec.receivableFile' ? `${spec.receivableFile}: ${e.field} ` : '';
    fail(field, `${prefix}${e.message} (the ERP receivable contract)`);
  }
  return undefined;
}

function hasPath(obj: Record<string, unknown>, field: string): boolean {
  let cur: unknown = obj;
  for (const key of keyPathOf(field)) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    cur = (cur as Record<string | number, unknown>)[key];
    if (cur === undefined) return false;
  }
  return true;
}
