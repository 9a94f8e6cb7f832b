import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createError } from '../../core/errors/index.js';

export interface Migration {
  version: number;
  /** `initial` for `001-initial.sql`. */
  name: string;
  file: string;
  sql: string;
  /** sha256 of the file, recorded so a migration edited after it was applied is caught. */
  checksum: string;
}

/**
 * Next to this module: runtime/db/migrations from source (tsx, vitest) and dist/runtime/db/migrations once
 * the build has copied the .sql files there.
 */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_NAME = /^(\d{3,})-([a-z0-9][a-z0-9-]*)\.sql$/;

export async function loadMigrations(directory: string = MIGRATIONS_DIRECTORY): Promise<Migration[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (cause) {
    throw noMigrations(directory, cause);
  }
  const files = entries.filter((entry) => entry.endsWith('.sql'));
  if (files.length === 0) throw noMigrations(directory);

  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw createError('OST_ERR_CONFIG', [
        `migration file ${file} in ${directory} is not named NNN-name.sql`,
        'rename it, e.g. 002-add-payments.sql (digits, a dash, lowercase words)',
      ]);
    }
    const sql = await readFile(join(directory, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version: Number(match[1]), name: match[2]!, file, sql, checksum });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (const [i, migration] of migrations.entries()) {
    const previous = migrations[i - 1];
    if (previous?.version === migration.version) {
      throw createError('OST_ERR_CONFIG', [
        `migrations ${previous.file} and ${migration.file} share version ${migration.version}`,
        'give the newer one the next free number',
      ]);
    }
  }
  return migrations;
}

function noMigrations(directory: string, cause?: unknown) {
  return createError(
    'OST_ERR_CONFIG',
    [
      `no database migrations found in ${directory}`,
      'the build must copy runtime/db/migrations/*.sql to dist/runtime/db/migrations/',
    ],
    { cause },
  );
}
