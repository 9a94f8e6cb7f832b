// Stores a debtor's reply and does what its class says (ADR 0007, "Replies and tasks"): the reply, its
// events, an opt-out and a task are written in one transaction; pausing the debtor's dossiers follows
// through the ERP's own pause (applyReceivableEvent), one receivable at a time, so it takes the same
// locks in the same order as a PATCH /v1/receivables/{externalId} with status paused.

import { isOutputstraatError } from '../../core/errors/index.js';
import { classifyReply, type ReplyAction, type ReplyClass } from '../../core/replies/index.js';
import { type Database, newIds, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import {
  appendTimeline,
  applyReceivableEvent,
  type EventInput,
  insertEvents,
  insertTask,
  lockCase,
  type Tx,
} from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';

export interface ReplyDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  metrics?: RuntimeMetrics;
  now?: () => Date;
}

/** The message a reply answers, when it could be matched. */
export interface RepliedMessage {
  id: string;
  debtorRef: string | null;
  receivableId: string | null;
  caseId: string | null;
}

export interface ReplyInput {
  corporation: string;
  channel: 'sms' | 'email';
  /** The provider's id of the reply (Twilio MessageSid, the mail's Message-ID): repeats are stored once. */
  providerId?: string | undefined;
  sender: string;
  text: string;
  message?: RepliedMessage | undefined;
}

export interface RecordedReply {
  id: string;
  duplicate: boolean;
  classification: ReplyClass;
  action: ReplyAction;
  taskId?: string;
}

const CHANNEL_WORD = { sms: 'SMS', email: 'email' } as const;

export async function recordReply(deps: ReplyDeps, input: ReplyInput): Promise<RecordedReply> {
  const bundle = deps.bundles.get(input.corporation);
  const decided = classifyReply(bundle?.replies ?? { rules: [] }, input.text);
  const now = deps.now?.() ?? new Date();
  const message = input.message;
  const recorded = await deps.db.transaction(async (tx) => {
    const [id, taskId] = newIds(2) as [string, string];
    const stored = await tx.maybeOneFirst(sql.unsafe`
      INSERT INTO replies (id, corporation, debtor_ref, message_id, channel, provider_id, sender, text, class,
        action, decided_by, received_at)
      VALUES (${id}, ${input.corporation}, ${message?.debtorRef ?? null}, ${message?.id ?? null},
        ${input.channel}, ${input.providerId ?? null}, ${input.sender}, ${input.text},
        ${decided.classification}, ${decided.action}, ${decided.decidedBy}, ${now.toISOString()})
      ON CONFLICT (corporation, channel, provider_id) WHERE provider_id IS NOT NULL DO NOTHING
      RETURNING id`);
    if (!stored) {
      const earlier = await tx.one(sql.unsafe`
        SELECT id, class, action FROM replies
        WHERE corporation = ${input.corporation} AND channel = ${input.channel}
          AND provider_id = ${input.providerId ?? null}`);
      return {
        id: earlier.id as string,
        duplicate: true,
        classification: earlier.class as ReplyClass,
        action: earlier.action as ReplyAction,
      };
    }
    const base = {
      corporation: input.corporation,
      ...(message?.receivableId ? { receivableId: message.receivableId } : {}),
      ...(message?.caseId ? { caseId: message.caseId } : {}),
      at: now,
    };
    const events: EventInput[] = [
      {
        ...base,
        type: 'reply.received',
        data: {
          reply: id,
          channel: input.channel,
          classification: decided.classification,
          action: decided.action,
          decidedBy: decided.decidedBy,
          ...(message ? { messageId: message.id } : {}),
        },
      },
    ];
    const word = CHANNEL_WORD[input.channel];
    const sentences = [`${word} reply received: ${decided.classification} (${decided.decidedBy})`];
    let task: string | undefined;
    if (decided.action === 'opt-out' && message?.debtorRef) {
      const changed = await tx.maybeOneFirst(sql.unsafe`
        UPDATE debtors SET opt_outs = array_append(opt_outs, ${input.channel})
        WHERE id = ${message.debtorRef} AND NOT (${input.channel} = ANY(opt_outs))
        RETURNING id`);
      if (changed) {
        events.push({
          ...base,
          type: 'debtor.opted-out',
          data: { reply: id, channel: input.channel } as never,
        });
        sentences.push(`the debtor opted out of ${word}: no more ${word} messages`);
      }
    }
    if (decided.action === 'pause-and-task') {
      const title = `${word} reply "${decided.classification}": check before collecting further`;
      await insertTask(tx, {
        id: taskId,
        corporation: input.corporation,
        kind: 'reply',
        debtorRef: message?.debtorRef ?? null,
        caseId: message?.caseId ?? null,
        replyId: id,
        title,
        createdAt: now,
      });
      task = taskId;
      events.push({
        ...base,
        type: 'task.created',
        data: { task: taskId, reply: id, kind: 'reply', title, status: 'open' },
      });
      sentences.push('a task was opened for a consultant');
    }
    await insertEvents(tx, events);
    if (message?.caseId) await timeline(tx, message.caseId, sentences, now);
    return {
      id,
      duplicate: false,
      classification: decided.classification,
      action: decided.action,
      ...(task ? { taskId: task } : {}),
    };
  });
  if (recorded.duplicate) return recorded;
  deps.metrics?.replies.inc({ corporation: input.corporation, class: recorded.classification });
  if (recorded.action === 'pause-and-task' && message?.debtorRef) {
    await pauseDebtor(deps, input.corporation, message.debtorRef, recorded.classification);
  }
  return recorded;
}

async function timeline(tx: Tx, caseId: string, sentences: string[], now: Date): Promise<void> {
  await lockCase(tx, caseId);
  await appendTimeline(
    tx,
    caseId,
    sentences.map((text) => ({ at: now.toISOString(), text })),
  );
}

/**
 * Pauses every running dossier of the debtor through its open receivables, as the ERP's pause does. A
 * receivable paid or cancelled in the meantime refuses (409) and is left as it is.
 */
async function pauseDebtor(deps: ReplyDeps, corporation: string, debtorRef: string, cls: ReplyClass) {
  const externalIds = (await deps.db.anyFirst(sql.unsafe`
    SELECT DISTINCT r.external_id FROM receivables r JOIN cases c ON c.receivable_id = r.id
    WHERE r.corporation = ${corporation} AND r.debtor_ref = ${debtorRef} AND r.status = 'open'
      AND c.status = 'active'
    UNION
    SELECT DISTINCT r.external_id FROM receivables r
    JOIN case_items i ON i.receivable_id = r.id AND i.left_at IS NULL
    JOIN cases c ON c.id = i.case_id
    WHERE r.corporation = ${corporation} AND r.debtor_ref = ${debtorRef} AND r.status = 'open'
      AND c.status = 'active'
    ORDER BY 1`)) as string[];
  for (const externalId of externalIds) {
    await applyReceivableEvent({ ...deps }, corporation, externalId, {
      type: 'patch',
      patch: { status: 'paused', reason: `reply: ${cls}` },
      reply: cls,
    }).catch((err: unknown) => {
      if (isOutputstraatError(err, 'OST_ERR_CONFLICT')) return;
      throw err;
    });
  }
}
