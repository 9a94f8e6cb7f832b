// The evidence summary's part on Dutch collections law: the 14-day letter's dates (sent, assumed receipt,
// last day to pay, first day costs may be charged) and the statutory cost calculation as the engine made it
// when the letter went out (principal, the BIK scale per band, minimum/maximum, VAT yes/no, amount), and
// whether the costs were charged. Without a letter it shows what the law would allow, marked as not charged.
import { type CollectionCostsBreakdown, collectionCosts } from '../../core/law/index.js';
import type { EvidenceData } from './evidence-data.js';

/** What the section needs of the PDF writer (evidence-pdf.ts). */
export interface SectionWriter {
  heading(text: string): void;
  line(text: string, opts?: { bold?: boolean; grey?: boolean; indent?: number }): void;
  row(cells: string[], at: number[], bold?: boolean): void;
}

const RECEIPT_RULE: Record<string, string> = {
  email: 'email: received on the day it was sent',
  letter: 'letter: received on the second postal delivery day after posting',
};

function scaleRows(w: SectionWriter, b: CollectionCostsBreakdown, euros: (c: number) => string): void {
  for (const band of b.bands.filter((x) => x.baseCents > 0))
    w.row(
      [`  ${band.rateBasisPoints / 100} % of ${euros(band.baseCents)}`, euros(band.amountCents)],
      [0, 80],
    );
  w.row(['Scale', euros(b.scaleCents)], [0, 80]);
  if (b.minimumApplied) w.row(['Minimum applies (BIK art. 2 lid 2)', euros(b.costsCents)], [0, 80]);
  if (b.maximumApplied) w.row(['Maximum applies (BIK art. 2 lid 1)', euros(b.costsCents)], [0, 80]);
  w.row(
    [
      b.vatRateBasisPoints > 0
        ? `VAT: yes, ${b.vatRateBasisPoints / 100} % (the corporation cannot reclaim it; BIK art. 2 lid 3)`
        : 'VAT: no (the corporation can reclaim it)',
      euros(b.vatCents),
    ],
    [0, 80],
  );
  w.row(['Amount', euros(b.totalCents)], [0, 80], true);
}

export function writeCollectionsSection(
  w: SectionWriter,
  e: EvidenceData,
  openCents: number,
  euros: (cents: number) => string,
): void {
  const n = e.notice;
  if (!n) {
    if (openCents <= 0) return;
    w.heading('Statutory collection costs (BIK), calculated');
    w.line(
      `The most the law allows over the open principal of ${euros(openCents)} (Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2). Owed only once a valid 14-day letter's term has ended unpaid; no 14-day letter was sent in this dossier and no costs were charged.`,
      { grey: true },
    );
    scaleRows(w, collectionCosts(openCents), euros);
    return;
  }
  w.heading('14-day letter (art. 6:96 lid 6 BW)');
  w.row(['Sent', `${n.sentOn} by ${n.channelType} (message ${n.messageId})`], [0, 45]);
  w.row(['Assumed receipt', `${n.assumedReceiptOn} (${RECEIPT_RULE[n.channelType]})`], [0, 45]);
  w.row(['Deadline (last day to pay)', `${n.deadline} (14 days from the day after receipt)`], [0, 45], true);
  w.row(['Costs chargeable from', n.costsChargeableFrom], [0, 45]);
  w.row(['Items', n.items.map((i) => `${i.externalId} (${euros(i.principalCents)})`).join(', ')], [0, 45]);
  if (n.voided) w.line(`No longer supports costs: ${n.voided}.`, { bold: true });

  w.heading('Statutory collection costs (BIK), as announced in the 14-day letter');
  for (const c of n.charges) {
    w.row(['Principal', `${euros(c.principalCents)} (${c.claimIds.join(', ')})`], [0, 80]);
    scaleRows(
      w,
      collectionCosts(c.principalCents, {
        vatReclaimable: c.vatRateBasisPoints === 0,
        ...(c.vatRateBasisPoints > 0 ? { vatRateBasisPoints: c.vatRateBasisPoints } : {}),
      }),
      euros,
    );
  }
  const charged = e.costs.filter((l) => l.noticeMessageId === n.messageId);
  if (charged.length === 0) {
    w.line('Charged: no costs were added to this dossier.', { bold: true });
    return;
  }
  for (const l of charged)
    w.line(
      `Charged: ${euros(l.amountCents)} added ${l.at.slice(0, 10)} over a principal of ${euros(l.principalCents)} still open after the deadline (${l.items.join(', ')}).`,
      { bold: true },
    );
}
