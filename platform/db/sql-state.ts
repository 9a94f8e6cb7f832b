// What PostgreSQL said about a failed statement, read by its SQLSTATE code (never by its text): pg's
// DatabaseError carries it as `code`, and slonik keeps the original error as `cause`.

// Five characters whose class (the first two) is a digit pair or F0, HV, P0, XX…; Node's own error codes
// (EPIPE, EPERM) have five letters too and start with E, which no SQLSTATE class does.
const SQLSTATE = /^[0-9FHPX][0-9A-Z]{4}$/;

/** The SQLSTATE of a database error, also when it is wrapped; undefined for any other error. */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return code;
  }
  return undefined;
}

/**
 * The database refused the data itself, and will every time: class 22 (data exception: a character it
 * cannot store, a number out of range, text where a date belongs) or 54 (a value beyond its limits).
 */
export function isDataRefused(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('54'));
}
