// What templates see of the 14-day letter and the dossier's cost lines (docs/collections-law.md § 7):
// `dossier.principal` and `dossier.costs` (cents; `dossier.total` and `{{dossierTotal}}` include the costs)
// and `notice.*`, formatted for the message's locale: `{{notice.deadline}}` ("17 december 2026"),
// `{{notice.costs}}` ("€ 93,12"), `{{notice.vat}}` (the VAT in it, empty when none), `{{notice.principal}}`,
// `{{notice.receivedOn}}`, `{{notice.sentOn}}`.
import type { DossierView } from '../cases/index.js';
import type { CaseArrangement, CostLine, NoticeRecord } from '../engine/index.js';
import { formatDate, formatMoney, type Locale } from '../render/index.js';

/** The case state's collections part (cases.state.notice / .costs / .arrangement). */
export interface CollectionsState {
  notice?: NoticeRecord;
  costs?: CostLine[];
  /** The payment arrangement or promise the dossier runs (arrangement-context.ts). */
  arrangement?: CaseArrangement;
}

export type DossierWithCosts = DossierView & { principal: number; costs: number };

/** The dossier with its cost lines: costs count only while something of the principal is open. */
export function dossierWithCosts(view: DossierView, state: CollectionsState | undefined): DossierWithCosts {
  const costs = view.total > 0 ? (state?.costs ?? []).reduce((sum, c) => sum + c.amountCents, 0) : 0;
  return { ...view, principal: view.total, costs, total: view.total + costs };
}

export interface NoticeContext {
  sentOn: string;
  receivedOn: string;
  deadline: string;
  costs: string;
  principal: string;
  /** The VAT in the costs ("€ 20,48"); empty when the corporation reclaims VAT and none is added. */
  vat: string;
}

export function noticeContext(
  notice: NoticeRecord | undefined,
  locale: Locale,
  timezone: string,
): NoticeContext | undefined {
  if (!notice) return undefined;
  const date = (d: string) => formatDate(d, locale, 'long', timezone);
  const vatCents = notice.charges.reduce((sum, c) => sum + c.vatCents, 0);
  return {
    sentOn: date(notice.sentOn),
    receivedOn: date(notice.assumedReceiptOn),
    deadline: date(notice.deadline),
    // Empty when the letter announces none (its items were charged before): `{{#if notice.costs}}` skips the sentence.
    costs: notice.costsCents > 0 ? formatMoney(notice.costsCents, notice.currency, locale) : '',
    principal: formatMoney(notice.principalCents, notice.currency, locale),
    vat: vatCents > 0 ? formatMoney(vatCents, notice.currency, locale) : '',
  };
}
