// What the hostile driver (hostile-requests.test.ts) demands of every answer: never a 5xx; a request that
// had to be refused refused with a 4xx; every refusal in our shape — JSON with a registry code, a message
// and a requestId on the API (400 and 422 naming the field or the NDJSON line), our HTML error page with
// the code on debtor pages; NDJSON counted line by line; and no table changed by refused input.
import { errorRegistry } from '../../core/errors/index.js';
import type { Hostile } from './hostile-generators.js';
import type { RawResponse, snapshot } from './hostile-street.js';

const PAGE_PATH = /^\/(p|f|q|c|t)\//;
const API_PATH = /^\/(v1|psp)\//;

/** Whether the runtime must answer an error of this request with its HTML page (runtime/web/page-site.ts). */
function expectsPage(x: Hostile, paymentHosts: string[]): boolean {
  const req = x.req;
  if (!req) return false;
  const host = (req.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const paymentHost = paymentHosts.some((t) => t.replace(/:\d+$/, '') === host);
  return PAGE_PATH.test(req.path) || (paymentHost && !API_PATH.test(req.path));
}

function errorShape(x: Hostile, res: RawResponse, paymentHosts: string[]): string[] {
  const type = String(res.headers['content-type'] ?? '');
  const page = x.req ? expectsPage(x, paymentHosts) : type.startsWith('text/html');
  if (page) {
    const problems: string[] = [];
    if (!type.startsWith('text/html')) problems.push(`a page error as ${type}`);
    if (!String(res.headers['content-security-policy'] ?? '').includes("default-src 'none'")) {
      problems.push('a page error without our CSP');
    }
    const ours =
      res.body.includes('OST_ERR_') || (res.status === 422 && res.body.includes('aria-invalid="true"'));
    if (!ours) problems.push(`a page error without our code: ${res.body.slice(0, 200)}`);
    if (/<script/i.test(res.body)) problems.push('a page error with a script in it');
    return problems;
  }
  let body: { code?: unknown; message?: unknown; requestId?: unknown; errors?: unknown; field?: unknown };
  try {
    body = JSON.parse(res.body);
  } catch {
    return [`an error that is not JSON (${type}): ${res.body.slice(0, 200)}`];
  }
  const problems: string[] = [];
  if (typeof body.code !== 'string' || !(body.code in errorRegistry))
    problems.push(`no code of ours: ${res.body.slice(0, 300)}`);
  if (typeof body.message !== 'string' || body.message === '') problems.push('no message');
  if (typeof body.requestId !== 'string' || body.requestId === '') problems.push('no requestId');
  if (res.status === 400 || res.status === 422) {
    const errors = Array.isArray(body.errors) ? (body.errors as { field?: unknown; line?: unknown }[]) : [];
    const named =
      typeof body.field === 'string' ||
      (errors.length > 0 &&
        errors.every((e) => (typeof e.field === 'string' && e.field !== '') || typeof e.line === 'number'));
    if (!named) problems.push(`a ${res.status} that names no field: ${res.body.slice(0, 300)}`);
  }
  return problems;
}

/** What is wrong with the answer to one hostile request; `paymentHosts` are the corporations' page hosts. */
export function check(x: Hostile, res: RawResponse, paymentHosts: string[]): string[] {
  const problems: string[] = [];
  if (res.status === 0) problems.push('no answer');
  if (res.status >= 500) problems.push(`answered ${res.status}: ${res.body.slice(0, 300)}`);
  if (x.mustReject && !(res.status >= 400 && res.status < 500))
    problems.push(`must be refused, answered ${res.status}`);
  if (res.status >= 400 && res.status < 500 && x.req?.method !== 'HEAD')
    problems.push(...errorShape(x, res, paymentHosts));
  if (x.bulk && (res.status === 202 || res.status === 400)) {
    const r = JSON.parse(res.body) as {
      accepted: number;
      duplicates: number;
      rejected: number;
      errors: { line: number }[];
    };
    const lines = r.errors?.map((e) => e.line);
    if (
      r.accepted + r.duplicates !== x.bulk.good ||
      r.rejected !== x.bulk.bad.length ||
      String(lines) !== String(x.bulk.bad)
    ) {
      problems.push(
        `NDJSON counted ${res.body.slice(0, 300)}, expected good ${x.bulk.good}, bad lines ${x.bulk.bad}`,
      );
    }
    if ((res.status === 202) !== (x.bulk.good > 0 || x.bulk.bad.length === 0))
      problems.push(`NDJSON answered ${res.status} with ${x.bulk.good} good lines`);
  }
  return problems;
}

/** One line a person can read (and send again) for a failing request. */
export function show(x: Hostile): string {
  if (x.raw !== undefined) return `${x.route}: ${JSON.stringify(x.raw.slice(0, 160))}`;
  const r = x.req!;
  const host = r.host === undefined ? 'runtime host' : JSON.stringify(r.host);
  return `${x.route}: ${r.method} ${r.path.slice(0, 160)} on ${host} ${JSON.stringify(r.headers).slice(0, 300)} ${JSON.stringify(r.body?.slice(0, 200) ?? '')}`;
}

export type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/**
 * What changed against the baseline (snapshot() leaves out what is no stored input). idempotency_keys may
 * grow by one row per keyed request: the answer to a key is kept, 4xx included (docs/erp-api.md).
 */
export function changes(before: Snapshot, after: Snapshot, keyed: number): string[] {
  return Object.keys({ ...before, ...after }).flatMap((table) => {
    const [b, a] = [before[table], after[table]];
    if (table === 'idempotency_keys')
      return a && b && a.rows <= b.rows + keyed ? [] : [`${table}: ${b?.rows} → ${a?.rows} rows`];
    return JSON.stringify(a) === JSON.stringify(b)
      ? []
      : [`${table}: ${b?.rows} → ${a?.rows} rows, content changed`];
  });
}
