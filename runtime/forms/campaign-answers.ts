// A campaign's answer is in (a meter reading, contact details): the request ends. The receivable is
// cancelled through the same path as PATCH /v1/receivables/{externalId} {"status": "cancelled"}, which
// the meter-reading and contact-data flows answer with `stop` and the ERP's feed shows as
// receivable.updated. Only an open (or paused) campaign receivable of that flow's kind is ended.
import { sql } from '../../platform/db/index.js';
import { applyReceivableEvent } from '../dossiers/index.js';

type CaseEventDeps = Parameters<typeof applyReceivableEvent>[0];

// Migration 036's receivables_campaign_idx holds exactly these kinds: a new one needs a migration too
// (tests/integration/campaign-index.test.ts).
export const CAMPAIGN_KINDS = { meter: 'meter-reading', contact: 'enrichment' } as const;
export type Campaign = keyof typeof CAMPAIGN_KINDS;

export async function endCampaignRequest(
  deps: CaseEventDeps,
  corporation: string,
  externalId: string,
  campaign: Campaign,
  reason: string,
): Promise<boolean> {
  const open = await deps.db.maybeOneFirst(sql.unsafe`
    SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}
      AND kind = ${CAMPAIGN_KINDS[campaign]} AND status IN ('open', 'paused')`);
  if (!open) return false;
  await applyReceivableEvent(deps, corporation, externalId, {
    type: 'patch',
    patch: { status: 'cancelled', reason },
  });
  return true;
}
