// One statement that erases the picked rows of a root table of the personal-data registry and, in the
// same statement, the rows of its child tables that belong to them. Erasure picks a debtor's rows;
// retention picks a bounded batch of old ones (SKIP LOCKED, so it never waits for intake or dispatch and
// never holds a lock longer than one statement).
import type { CommonQueryMethods, FragmentSqlToken } from 'slonik';
import { sql } from '../../platform/db/index.js';
import type { ChildTable, PersonalColumn, RootTable } from './personal-data.js';

export interface Selection {
  /** Which rows, besides the corporation and the table's `pending` condition. */
  where: FragmentSqlToken;
  /** Retention: oldest first by this column, at most `limit`, skipping rows others have locked. */
  batch?: { orderBy: string; limit: number };
  /** Erasure writes `onErasure` values where a column has them. */
  erasure: boolean;
}

const id = (name: string) => sql.identifier([name]);

function assignments(
  columns: readonly PersonalColumn[],
  marks: readonly FragmentSqlToken[],
  erasure: boolean,
) {
  const sets = columns
    .filter((c) => c.set)
    .map((c) => sql.fragment`${id(c.column)} = ${(erasure && c.onErasure) || c.set!}`);
  return sql.join([...sets, ...marks], sql.fragment`, `);
}

function rootStatement(root: RootTable, corporation: string, pick: Selection) {
  const table = id(root.table);
  const key = sql.fragment`${table}.${id(root.key)}`;
  const order = pick.batch
    ? sql.fragment`ORDER BY ${id(pick.batch.orderBy)} LIMIT ${pick.batch.limit} FOR UPDATE SKIP LOCKED`
    : sql.fragment``;
  const picked = sql.fragment`SELECT ${key} AS k FROM ${table}
    WHERE ${table}.corporation = ${corporation} AND (${root.pending}) AND (${pick.where}) ${order}`;
  const matches = sql.fragment`${key} = picked.k AND ${table}.corporation = ${corporation}`;
  const change = root.deletes
    ? sql.fragment`DELETE FROM ${table} USING picked WHERE ${matches} RETURNING ${key} AS k`
    : sql.fragment`UPDATE ${table} SET ${assignments(root.columns, root.marks ?? [], pick.erasure)}
        FROM picked WHERE ${matches} RETURNING ${key} AS k`;
  return { picked, change };
}

function childStatement(child: ChildTable, erasure: boolean) {
  const table = id(child.table);
  const belongs = sql.fragment`${table}.${id(child.link)} IN (SELECT k FROM erased) AND (${child.pending})`;
  return child.deletes
    ? sql.fragment`DELETE FROM ${table} WHERE ${belongs} RETURNING 1`
    : sql.fragment`UPDATE ${table} SET ${assignments(child.columns, child.marks ?? [], erasure)}
        WHERE ${belongs} RETURNING 1`;
}

/** Erases the picked rows and their children; returns the rows changed per table. */
export async function eraseRows(
  db: CommonQueryMethods,
  group: { root: RootTable; children: readonly ChildTable[] },
  corporation: string,
  pick: Selection,
): Promise<Record<string, number>> {
  const { picked, change } = rootStatement(group.root, corporation, pick);
  const ctes = [
    sql.fragment`picked AS (${picked})`,
    sql.fragment`erased AS (${change})`,
    ...group.children.map((c, i) => sql.fragment`${id(`c${i}`)} AS (${childStatement(c, pick.erasure)})`),
  ];
  const counts = [
    sql.fragment`(SELECT count(*) FROM erased) AS ${id(group.root.table)}`,
    ...group.children.map((c, i) => sql.fragment`(SELECT count(*) FROM ${id(`c${i}`)}) AS ${id(c.table)}`),
  ];
  const row = await db.one(
    sql.unsafe`WITH ${sql.join(ctes, sql.fragment`, `)} SELECT ${sql.join(counts, sql.fragment`, `)}`,
  );
  return Object.fromEntries(Object.entries(row).map(([table, n]) => [table, Number(n)]));
}
