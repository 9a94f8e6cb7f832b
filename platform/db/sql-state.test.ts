import { describe, expect, it } from 'vitest';
import { isDataRefused, sqlState } from './sql-state.js';

const pgError = (code: string) => Object.assign(new Error('from the server'), { code });

describe('SQLSTATE of database errors', () => {
  it('is read from the error or from its cause, never from its text', () => {
    expect(sqlState(pgError('22P05'))).toBe('22P05');
    expect(sqlState(new Error('wrapped', { cause: pgError('23514') }))).toBe('23514');
    expect(
      sqlState(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(sqlState(new Error('SQLSTATE 22P05'))).toBeUndefined();
    expect(sqlState(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined();
    expect(sqlState(pgError('P0001'))).toBe('P0001');
  });

  it('data exceptions and values beyond limits are refusals; constraint violations and outages are not', () => {
    expect(['22P05', '22021', '22012', '54000'].map((c) => isDataRefused(pgError(c)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['23514', '40P01', '57P01', '08006', 'P0001'].map((c) => isDataRefused(pgError(c)))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
