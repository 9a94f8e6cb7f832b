// Whether a debtor's receivable is still on the intake stream: accepted (202) and not yet stored. An
// erasure must wait for it, or intake would store the debtor's data again right after the erasure. The
// stream is a work queue, so a message leaves it once intake stored and acked it; what is left is read
// without consuming it (direct message get by subject), at most INTAKE_SCAN_LIMIT messages.
import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import { INTAKE_STREAM, intakeBulkSubject, intakeSubject } from '../../platform/bus/index.js';
import { type IntakeEnvelope, receivablesOf } from './intake-envelope.js';

/** More waiting messages than this for one corporation: intake is behind, try again once it caught up. */
export const INTAKE_SCAN_LIMIT = 1_000;

export type IntakeBacklog =
  | { state: 'clear' }
  | { state: 'holds-debtor' }
  | { state: 'behind'; waiting: number };

export async function debtorInIntake(
  jsm: JetStreamManager,
  corporation: string,
  debtorId: string,
  limit = INTAKE_SCAN_LIMIT,
): Promise<IntakeBacklog> {
  // Both lanes: single posts and the chunks of bulk posts (intakeBulkSubject).
  const subjects = [intakeSubject(corporation), intakeBulkSubject(corporation)];
  const counts: number[] = [];
  let first = 0;
  for (const subject of subjects) {
    const info = await jsm.streams.info(INTAKE_STREAM, { subjects_filter: subject });
    counts.push(info.state.subjects?.[subject] ?? 0);
    first = info.state.first_seq;
  }
  const waiting = counts.reduce((a, b) => a + b, 0);
  if (waiting === 0) return { state: 'clear' };
  if (waiting > limit) return { state: 'behind', waiting };
  for (const [i, subject] of subjects.entries()) {
    let seq = first;
    for (let n = 0; n < counts[i]!; n++) {
      // STREAM.MSG.GET takes next_by_subj (the first message of the subject from seq on); the client's
      // type lists it for direct gets only, which these streams do not enable.
      const next = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const msg = await jsm.streams.getMessage(INTAKE_STREAM, next).catch(() => null);
      if (!msg) break;
      seq = msg.seq + 1;
      if (holds(() => msg.json<IntakeEnvelope>(), debtorId)) return { state: 'holds-debtor' };
    }
  }
  return { state: 'clear' };
}

function holds(read: () => IntakeEnvelope, debtorId: string): boolean {
  try {
    return (receivablesOf(read()) ?? []).some((r) => r?.debtor?.id === debtorId);
  } catch {
    return false; // not an envelope: intake terminates it, it stores nothing
  }
}
