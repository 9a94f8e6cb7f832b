// ERP receivables from JSON files: read, parsed and checked against the ingress contract, so a file the
// runtime would reject is rejected here too, with the field that is wrong.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { createError } from '../../core/errors/index.js';
import {
  describeFieldErrors,
  type ReceivableInput,
  validateReceivable,
} from '../../core/receivable/index.js';
import type { CliIo } from './cli-io.js';

/** The parsed JSON of a receivable file; I/O and JSON errors are OST_ERR_FILE_READ (exit 2). */
export function readJsonFile(io: CliIo, path: string): unknown {
  const abs = resolve(io.cwd, path);
  const shown = relative(io.cwd, abs) || path;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw createError('OST_ERR_FILE_READ', [shown, (err as NodeJS.ErrnoException).code ?? String(err)], {
      cause: err,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw createError('OST_ERR_FILE_READ', [shown, `not valid JSON (${(err as Error).message})`], {
      cause: err,
    });
  }
}

/** A receivable as the ingress accepts it (defaults filled in), or OST_ERR_VALIDATION naming the fields. */
export function checkReceivable(body: unknown, where: string): ReceivableInput {
  const checked = validateReceivable(structuredClone(body));
  if (!checked.ok) {
    throw createError('OST_ERR_VALIDATION', [`${where}: ${describeFieldErrors(checked.errors)}`], {
      location: { file: where },
    });
  }
  return checked.value;
}

export function readReceivableFile(io: CliIo, path: string): ReceivableInput {
  return checkReceivable(readJsonFile(io, path), relative(io.cwd, resolve(io.cwd, path)) || path);
}
