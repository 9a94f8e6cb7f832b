// A dossier's final outcome on the ERP's feed (docs/outcomes.md, "Final outcomes on the feed"): once a
// dossier is paid in full or 30 days old, one `dossier.outcome` event with its figures (no personal
// data), exactly once — the case is marked in the same transaction, and a replica that finds it already
// marked writes nothing.
import { DAY_MS } from '../../core/outcomes/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents } from './case-repository.js';
import { finalOutcomes } from './outcome-totals.js';

const BATCH = 500;
/** Dossiers older than this are not looked at any more (their outcome was final long ago). */
const LOOK_BACK_DAYS = 400;

export async function reportFinalOutcomes(db: Database, corporation: string, now: Date): Promise<number> {
  const from = new Date(now.getTime() - LOOK_BACK_DAYS * DAY_MS);
  let reported = 0;
  for (;;) {
    const batch = await finalOutcomes(db, { corporation, from, to: now, now }, BATCH);
    if (batch.length === 0) return reported;
    await db.transaction(async (tx) => {
      const marked = new Set(
        (await tx.anyFirst(sql.unsafe`
          UPDATE cases SET outcome_reported_at = ${now.toISOString()}::timestamptz
          WHERE id = ANY(${sql.array(
            batch.map((b) => b.caseId),
            'uuid',
          )}) AND outcome_reported_at IS NULL
          RETURNING id`)) as string[],
      );
      const events = batch
        .filter((b) => marked.has(b.caseId))
        .map((b) => ({
          corporation,
          caseId: b.caseId,
          receivableId: b.receivableId,
          externalId: b.externalId,
          type: 'dossier.outcome',
          data: { flow: b.flow, ...b.data },
          at: now,
        }));
      await insertEvents(tx, events);
      reported += events.length;
    });
    if (batch.length < BATCH) return reported;
  }
}
