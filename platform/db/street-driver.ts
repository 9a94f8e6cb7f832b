// The street's PostgreSQL driver for slonik: a pg Client per pooled connection, as slonik's own pg driver
// has, and one thing more — COPY … FROM STDIN (platform/db/copy-rows.ts). Intake writes the append-only rows
// of a batch (cases, steps, events) with COPY: a fifth less of Postgres's time than an INSERT of unnest
// arrays (bench/insert-shapes.sql, issue #16). slonik has no COPY and its driver keeps its pg client to
// itself, so the street brings its own through slonik's driver interface (`driverFactory`).
//
// Everything else behaves as slonik's pg driver: the extended protocol for every query (one statement a
// query), the pool's timeouts as session settings, its type parsers (with their arrays), its error classes
// for the SQLSTATEs slonik acts on (a terminated backend, a timeout), notices passed on.
import { Transform } from 'node:stream';
import { createDriverFactory, type DriverFactory, type DriverTypeParser } from '@slonik/driver';
import {
  BackendTerminatedError,
  BackendTerminatedUnexpectedlyError,
  CheckExclusionConstraintViolationError,
  CheckIntegrityConstraintViolationError,
  ForeignKeyIntegrityConstraintViolationError,
  IdleTransactionTimeoutError,
  InputSyntaxError,
  InvalidInputError,
  NotNullIntegrityConstraintViolationError,
  StatementCancelledError,
  StatementTimeoutError,
  UniqueIntegrityConstraintViolationError,
} from '@slonik/errors';
import { parseDsn } from '@slonik/utilities';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { getTypeParser as defaultTypeParser } from 'pg-types';
import { parse as parseArray } from 'postgres-array';
import { copyOf } from './copy-rows.js';

type Timeout = number | 'DISABLE_TIMEOUT';
type Parser = (value: string) => unknown;

/** slonik's timeouts in pg's terms: 0 would mean "none" to Postgres, so it becomes the shortest, 1 ms. */
const millis = (t: Timeout) => (t === 'DISABLE_TIMEOUT' ? undefined : Math.max(1, t));

function sslOf(mode: string | undefined, configured: object | undefined): pg.ClientConfig['ssl'] {
  if (configured) return configured;
  if (mode === 'require') return true;
  if (mode === 'no-verify') return { rejectUnauthorized: false };
  return false;
}

/** Our parsers by type oid, each also for the type's array; the rest are pg-types' defaults. */
async function typeParsersOf(config: pg.ClientConfig, parsers: readonly DriverTypeParser[]) {
  const byOid = new Map<number, Parser>();
  if (parsers.length > 0) {
    const client = new pg.Client(config);
    await client.connect();
    try {
      const { rows } = await client.query<{ oid: number; typarray: number; typname: string }>(
        'SELECT oid::int, typarray::int, typname FROM pg_type WHERE typname = ANY($1::text[])',
        [parsers.map((p) => p.name)],
      );
      for (const { name, parse } of parsers) {
        const type = rows.find((r) => r.typname === name);
        if (!type) throw new Error(`the database has no type "${name}" for a type parser`);
        byOid.set(type.oid, parse);
        if (type.typarray) byOid.set(type.typarray, (value) => parseArray(value, parse));
      }
    } finally {
      await client.end();
    }
  }
  return (oid: number) => byOid.get(oid) ?? defaultTypeParser(oid);
}

interface QueryText {
  sql: string;
  values: readonly unknown[];
}

// The SQLSTATEs slonik has classes for (a class tells slonik what happened: a timeout, a dead backend).
const BY_STATE: Readonly<Record<string, (e: Error, q?: QueryText) => Error>> = {
  '22P02': (e) => new InvalidInputError(e.message),
  '25P03': (e) => new IdleTransactionTimeoutError(e),
  '57P01': (e) => new BackendTerminatedError(e),
  '23502': (e) => new NotNullIntegrityConstraintViolationError(e as never),
  '23503': (e) => new ForeignKeyIntegrityConstraintViolationError(e as never),
  '23505': (e) => new UniqueIntegrityConstraintViolationError(e as never),
  '23P01': (e) => new CheckExclusionConstraintViolationError(e as never),
  '23514': (e) => new CheckIntegrityConstraintViolationError(e as never),
  '42601': (e, q) => new InputSyntaxError(e, { sql: q?.sql ?? '', values: (q?.values ?? []) as never }),
};

/** A pg error as slonik's class for it; any other error as it is. */
export function slonikErrorOf(error: Error, query?: QueryText): Error {
  const message = error.message.toLowerCase();
  if (message.includes('connection terminated unexpectedly'))
    return new BackendTerminatedUnexpectedlyError(error);
  if (message.includes('connection terminated')) return new BackendTerminatedError(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  if (code === '57014') {
    return error.message.includes('canceling statement due to user request')
      ? new StatementCancelledError(error)
      : new StatementTimeoutError(error);
  }
  return BY_STATE[code]?.(error, query) ?? error;
}

/** Runs one COPY … FROM STDIN with `data` as the whole input; resolves with the rows it stored. */
function copy(client: pg.Client, statement: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(statement));
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(data);
  });
}

/** slonik's `driverFactory` for the street (platform/db/create-database.ts). */
export function createStreetDriverFactory(): DriverFactory {
  return createDriverFactory(async ({ driverConfiguration: c }) => {
    const dsn = parseDsn(c.connectionUri);
    const config: pg.ClientConfig & { queryMode: 'extended' } = {
      application_name: dsn.applicationName,
      database: dsn.databaseName,
      host: dsn.host,
      options: dsn.options,
      password: dsn.password,
      port: dsn.port,
      user: dsn.username,
      ssl: sslOf(dsn.sslMode, c.ssl),
      queryMode: 'extended',
      connectionTimeoutMillis: millis(c.connectionTimeout),
      statement_timeout: millis(c.statementTimeout),
      idle_in_transaction_session_timeout: millis(c.idleInTransactionSessionTimeout),
    };
    config.types = { getTypeParser: (await typeParsersOf(config, c.typeParsers)) as never };
    return {
      createPoolClient: async ({ clientEventEmitter }) => {
        const client = new pg.Client(config);
        const onError = (error: Error) => clientEventEmitter.emit('error', slonikErrorOf(error));
        const onNotice = (notice: { message?: string }) => {
          if (notice.message) clientEventEmitter.emit('notice', { message: notice.message });
        };
        client.on('error', onError);
        client.on('notice', onNotice);
        return {
          connect: async () => {
            await client.connect();
          },
          end: async () => {
            await client.end();
            client.off('error', onError);
            client.off('notice', onNotice);
          },
          query: async (sql, values = []) => {
            try {
              const copying = copyOf(sql, values);
              if (copying) {
                const rowCount = await copy(client, copying.statement, copying.data);
                return { command: 'COPY', fields: [], rowCount, rows: [] };
              }
              const result = await client.query(sql, values as unknown[]);
              if (Array.isArray(result))
                throw new InvalidInputError('Must not use multiple statements in a single query.');
              return {
                command: result.command as 'SELECT',
                fields: result.fields.map((f) => ({ dataTypeId: f.dataTypeID, name: f.name })),
                rowCount: result.rowCount,
                rows: result.rows,
              };
            } catch (error) {
              throw slonikErrorOf(error as Error, { sql, values });
            }
          },
          stream: (sql, values = []) => {
            let fields: { dataTypeId: number; name: string }[] = [];
            // pg reports the row description on the connection, before the first row.
            const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
            connection.once('rowDescription', (d: { fields: { dataTypeID: number; name: string }[] }) => {
              fields = d.fields.map((f) => ({ dataTypeId: f.dataTypeID, name: f.name }));
            });
            const rows = client.query(new QueryStream(sql, values as unknown[]));
            const out = new Transform({
              objectMode: true,
              transform(row, _encoding, done) {
                done(null, { fields, row });
              },
            });
            rows.on('error', (error) => out.destroy(slonikErrorOf(error, { sql, values })));
            return rows.pipe(out) as never;
          },
        };
      },
    };
  });
}
