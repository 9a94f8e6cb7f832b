// What templates see of the 14-day letter and the dossier's costs (docs/collections-law.md § 9).
import { describe, expect, it } from 'vitest';
import type { CostLine, NoticeRecord } from '../engine/index.js';
import { dossierWithCosts, noticeContext } from './notice-context.js';

const notice: NoticeRecord = {
  stepId: 'notice',
  messageId: 'notice.letter.1',
  channelType: 'letter',
  sentAt: '2026-12-03T09:00:00.000Z',
  sentOn: '2026-12-03',
  assumedReceiptOn: '2026-12-05',
  deadline: '2026-12-21',
  costsChargeableFrom: '2026-12-22',
  items: [{ externalId: 'R-1', principalCents: 62_079 }],
  principalCents: 62_079,
  currency: 'EUR',
  // 15 % of € 620,79 = € 93,11, plus 21 % VAT = € 19,55 (rounded down): € 112,66.
  costsCents: 11_266,
  charges: [
    {
      claimIds: ['R-1'],
      principalCents: 62_079,
      scaleCents: 9_311,
      minimumApplied: false,
      maximumApplied: false,
      costsCents: 9_311,
      vatRateBasisPoints: 2_100,
      vatCents: 1_955,
      totalCents: 11_266,
    },
  ],
};

const line: CostLine = {
  stepId: 'add-costs',
  at: '2026-12-22T00:00:00.000Z',
  basis: 'statutory',
  amountCents: 11_266,
  vatCents: 1_955,
  principalCents: 62_079,
  items: ['R-1'],
  noticeMessageId: 'notice.letter.1',
};

const view = {
  total: 62_079,
  count: 1,
  currency: 'EUR',
  items: [{ externalId: 'R-1', dueDate: '2026-11-01', amount: 62_079, balance: 62_079 }],
};

describe('the 14-day letter in templates', () => {
  it('formats the deadline, costs and VAT for the locale', () => {
    expect(noticeContext(notice, 'nl', 'Europe/Amsterdam')).toEqual({
      sentOn: '3 december 2026',
      receivedOn: '5 december 2026',
      deadline: '21 december 2026',
      costs: '€ 112,66',
      principal: '€ 620,79',
      vat: '€ 19,55',
    });
    expect(noticeContext(notice, 'en', 'Europe/Amsterdam')).toMatchObject({
      deadline: '21 December 2026',
      costs: '€112.66',
    });
    expect(noticeContext(undefined, 'nl', 'Europe/Amsterdam')).toBeUndefined();
  });

  it('leaves the VAT empty when the corporation reclaims it', () => {
    const noVat = { ...notice, charges: [{ ...notice.charges[0]!, vatRateBasisPoints: 0, vatCents: 0 }] };
    expect(noticeContext(noVat, 'nl', 'Europe/Amsterdam')?.vat).toBe('');
  });

  it('adds the cost lines to the dossier total while something of the principal is open', () => {
    expect(dossierWithCosts(view, { costs: [line] })).toMatchObject({
      principal: 62_079,
      costs: 11_266,
      total: 73_345,
    });
    expect(dossierWithCosts(view, {})).toMatchObject({ principal: 62_079, costs: 0, total: 62_079 });
    const paid = { ...view, total: 0, count: 0, items: [] };
    expect(dossierWithCosts(paid, { costs: [line] })).toMatchObject({ principal: 0, costs: 0, total: 0 });
  });
});
