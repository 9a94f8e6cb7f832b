// The console's audit log: every debtor-page view, search, refused attempt and action, with who (the
// IdP subject and name), their role, when and which debtor. Admins read it and export it as CSV; the
// retention sweep erases its debtor ids and details with the corporation's dossiers retention.
import { type Database, sql } from '../../platform/db/index.js';
import type { StaffSession } from './sessions.js';

export type AuditAction =
  | 'login'
  | 'logout'
  | 'search'
  | 'view'
  | 'view-message'
  | 'not-found'
  | 'forbidden'
  | 'note'
  | 'arrangement'
  | 'promise'
  | 'pause'
  | 'resume'
  | 'opt-out'
  | 'meter-reading'
  | 'contact-update'
  | 'campaign-export'
  | 'audit-export'
  | 'view-task'
  | 'task-assign'
  | 'task-snooze'
  | 'task-done'
  | 'status'
  | 'resend';

export async function audit(
  db: Database,
  who: StaffSession,
  action: AuditAction,
  debtor: { ref?: string | null; id?: string | null } = {},
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO console_audit (corporation, actor, actor_name, role, action, debtor_ref, debtor_id, detail)
    VALUES (${who.corporation}, ${who.subject}, ${who.name}, ${who.role}, ${action}, ${debtor.ref ?? null},
      ${debtor.id ?? null}, ${sql.jsonb(detail as never)})`);
}

export interface AuditRow {
  at: Date;
  actor: string;
  actorName: string | null;
  role: string;
  action: string;
  debtorId: string | null;
  detail: unknown;
}

export async function readAudit(db: Database, corporation: string, limit: number): Promise<AuditRow[]> {
  const rows = await db.any(sql.unsafe`
    SELECT at, actor, actor_name, role, action, debtor_id, detail FROM console_audit
    WHERE corporation = ${corporation} ORDER BY at DESC, id DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    at: r.at as Date,
    actor: r.actor as string,
    actorName: (r.actor_name as string | null) ?? null,
    role: r.role as string,
    action: r.action as string,
    debtorId: (r.debtor_id as string | null) ?? null,
    detail: r.detail,
  }));
}
