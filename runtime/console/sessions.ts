// Staff sessions of the console: the cookie carries a random session id; PostgreSQL keeps only its
// SHA-256, the staff member's role, a CSRF token and when the session ends (unused for idle_seconds, or
// at expires_at whatever happens). Logout deletes the row, so a copied cookie is worthless afterwards.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Database, sql } from '../../platform/db/index.js';

export type Role = 'viewer' | 'agent' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, agent: 2, admin: 3 };

export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export interface StaffSession {
  corporation: string;
  subject: string;
  name: string | null;
  role: Role;
  csrf: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
export const randomToken = () => randomBytes(32).toString('base64url');

/** The cookie's name: `__Host-` (only over https, path /) pins it to exactly this host. */
export function cookieName(secure: boolean): string {
  return secure ? '__Host-ost-console' : 'ost-console';
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === '__Host-ost-console' || k === 'ost-console') {
      const value = v.join('=');
      if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
    }
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, id: string | undefined, secure: boolean): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  const value = id ?? '';
  const expiry = id ? [] : ['Max-Age=0'];
  reply.header('set-cookie', [`${cookieName(secure)}=${value}`, ...attributes, ...expiry].join('; '));
}

export async function createSession(
  db: Database,
  input: { corporation: string; subject: string; name: string | null; role: Role },
  limits: { idleMinutes: number; absoluteHours: number },
): Promise<string> {
  const id = randomToken();
  await db.query(sql.unsafe`
    INSERT INTO console_sessions (id_sha256, corporation, subject, name, role, csrf_token, idle_seconds, expires_at)
    VALUES (${sql.binary(sha256(id))}, ${input.corporation}, ${input.subject}, ${input.name}, ${input.role},
      ${randomToken()}, ${limits.idleMinutes * 60}, now() + make_interval(hours => ${limits.absoluteHours}))`);
  // Ended sessions and abandoned logins go on every login: nothing of them is kept longer than needed.
  await db.query(sql.unsafe`
    DELETE FROM console_sessions WHERE expires_at < now() OR last_seen_at + make_interval(secs => idle_seconds) < now()`);
  await db.query(sql.unsafe`DELETE FROM console_logins WHERE created_at < now() - interval '10 minutes'`);
  return id;
}

/**
 * The live session behind a cookie on this corporation's console, its last use moved to now; undefined
 * when there is none, it ended (idle or absolute timeout), or it belongs to another corporation.
 */
export async function touchSession(
  db: Database,
  id: string,
  corporation: string,
): Promise<StaffSession | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    UPDATE console_sessions SET last_seen_at = now()
    WHERE id_sha256 = ${sql.binary(sha256(id))} AND corporation = ${corporation}
      AND expires_at > now() AND last_seen_at + make_interval(secs => idle_seconds) > now()
    RETURNING corporation, subject, name, role, csrf_token`);
  if (!row) return undefined;
  return {
    corporation: row.corporation as string,
    subject: row.subject as string,
    name: (row.name as string | null) ?? null,
    role: row.role as Role,
    csrf: row.csrf_token as string,
  };
}

export async function endSession(db: Database, id: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM console_sessions WHERE id_sha256 = ${sql.binary(sha256(id))}`);
}

/** Whether a form's `_csrf` field is this session's token (compared in constant time). */
export function csrfMatches(session: StaffSession, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const stateHash = sha256;
