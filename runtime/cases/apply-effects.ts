// Turns the engine's effects into durable rows in the same transaction as the case state: timers and
// sends become `steps` rows (unique dedupe keys make a repeated effect harmless), everything else
// becomes case or link updates and events.
import type { EngineResult } from '../../core/engine/index.js';
import { sql } from '../db/index.js';
import {
  type CaseRow,
  type EventInput,
  insertEvents,
  saveCaseState,
  type Tx,
  timelineEvents,
} from './case-repository.js';

async function insertStep(
  tx: Tx,
  c: CaseRow,
  kind: 'due' | 'watch' | 'send' | 'alert',
  stepId: string,
  dueAt: string,
  dedupe: string,
  payload: unknown,
): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO steps (case_id, corporation, step_id, kind, due_at, dedupe_key, payload)
    VALUES (${c.id}, ${c.corporation}, ${stepId}, ${kind}, ${dueAt}, ${dedupe}, ${sql.jsonb(payload as never)})
    ON CONFLICT (dedupe_key) DO NOTHING`);
}

export async function applyEngineResult(tx: Tx, c: CaseRow, result: EngineResult, now: Date): Promise<void> {
  const nowIso = now.toISOString();
  const events: EventInput[] = timelineEvents(c, result.timeline);
  const base = { corporation: c.corporation, receivableId: c.receivable_id, caseId: c.id };
  for (const e of result.effects) {
    switch (e.type) {
      case 'schedule':
        await insertStep(tx, c, 'due', e.stepId, e.at, `${c.id}:due:${e.stepId}:${e.at}`, e);
        break;
      case 'watch':
        await insertStep(
          tx,
          c,
          'watch',
          e.messageId,
          e.at,
          `${c.id}:watch:${e.messageId}:${e.reaction}:${e.at}`,
          e,
        );
        break;
      case 'send':
        await insertStep(tx, c, 'send', e.stepId, nowIso, `${c.id}:send:${e.messageId}`, e);
        break;
      case 'alert':
        await insertStep(
          tx,
          c,
          'alert',
          e.stepId,
          nowIso,
          `${c.id}:alert:${e.stepId}:${e.action}:${nowIso}`,
          e,
        );
        break;
      case 'skip':
        events.push({ ...base, type: 'step.skipped', data: { stepId: e.stepId, reason: e.reason } });
        break;
      case 'cancelScheduled':
        await tx.query(sql.unsafe`
          UPDATE steps SET status = 'cancelled', reason = ${e.reason}
          WHERE case_id = ${c.id} AND status = 'scheduled'`);
        break;
      case 'closeLink':
        await tx.query(sql.unsafe`
          UPDATE links SET closed_at = now()
          WHERE receivable_id = ${c.receivable_id} AND purpose = 'payment' AND closed_at IS NULL`);
        events.push({ ...base, type: 'link.closed', data: { reason: e.reason } });
        break;
      case 'end':
        events.push({ ...base, type: `case.${e.status}`, data: { reason: e.reason } });
        break;
    }
  }
  await saveCaseState(tx, c.id, result.state);
  await insertEvents(tx, events);
}
