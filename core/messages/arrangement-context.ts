// What templates see of the payment arrangement or promise to pay a dossier runs (docs/collections-law.md
// § 3), formatted for the message's locale: `{{arrangement.kind}}` (plan or promise), `{{arrangement.terms}}`
// (instalments), `{{arrangement.total}}` and `{{arrangement.remaining}}` ("€ 450,00"), and the next
// instalment not yet paid — `{{arrangement.next.number}}`, `{{arrangement.next.amount}}` (what is still
// open of it) and `{{arrangement.next.dueOn}}` ("15 december 2026") — absent once the plan is paid or broken.
// Where the plan stands comes from the one implementation of the rule (core/law/arrangement-status.ts),
// on the day of the render in the corporation's zone.
import { localDateOf } from '../calendar/index.js';
import { arrangementStatusOn, type CaseArrangement } from '../engine/index.js';
import { isOutputstraatError } from '../errors/index.js';
import { type ArrangementStatus, termAwaited } from '../law/index.js';
import { formatDate, formatMoney, type Locale } from '../render/index.js';

export interface ArrangementTemplateContext {
  kind: 'plan' | 'promise';
  terms: number;
  total: string;
  remaining: string;
  next?: { number: number; amount: string; dueOn: string };
}

export function arrangementContext(
  arrangement: CaseArrangement | undefined,
  options: { now: Date; locale: Locale; timezone: string; currency: string },
): ArrangementTemplateContext | undefined {
  // Read from a stored case state: a plan written by an older runtime may lack a part.
  if (!Array.isArray(arrangement?.terms) || arrangement.terms.length === 0) return undefined;
  const { now, locale, timezone, currency } = options;
  let status: ArrangementStatus;
  try {
    status = arrangementStatusOn(arrangement, localDateOf(now, timezone));
  } catch (err) {
    // A stored plan the rule refuses (a date that does not read, terms short of the total) is left out,
    // not the message.
    if (isOutputstraatError(err)) return undefined;
    throw err;
  }
  const money = (cents: number) => formatMoney(cents, currency, locale);
  const term = termAwaited(status);
  return {
    kind: arrangement.kind,
    terms: arrangement.terms.length,
    total: money(arrangement.totalCents),
    remaining: money(status.remainingCents),
    ...(term
      ? {
          next: {
            number: term.index + 1,
            amount: money(term.outstandingCents),
            dueOn: formatDate(arrangement.terms[term.index]!.dueOn, locale, 'long', timezone),
          },
        }
      : {}),
  };
}
