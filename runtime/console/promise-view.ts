// The debtor page's "record a promise to pay" form (record-promise.ts), for agents and admins: the item
// or dossier, the day (within the corporation's spec.collections.promises.maxDaysAhead) and the amount.
// A refused form comes back with each error next to its field (aria-invalid, aria-describedby) and a
// summary above that links to them, in Dutch or English.
import { addLocalDays, localDateKey, localDateOf } from '../../core/calendar/index.js';
import { PROMISE_DEFAULTS } from '../../core/law/index.js';
import type { FieldError } from '../../core/receivable/index.js';
import { formatMoney } from '../../core/render/money.js';
import { html, type Lang, type SafeHtml } from '../web/index.js';
import type { Ctx } from './console-kit.js';
import type { PromiseTarget } from './record-promise.js';
import { atLeast, type StaffSession } from './sessions.js';

const TEXTS = {
  nl: {
    title: 'Betaalbelofte vastleggen',
    target: 'Post of dossier',
    dossier: 'Hele dossier',
    busy: 'regeling loopt al',
    date: 'Betaald uiterlijk op',
    dateHint: 'Vandaag tot en met {max}.',
    amount: 'Bedrag (€)',
    amountHint: 'Leeg: het hele openstaande bedrag.',
    save: 'Betaalbelofte vastleggen',
    refused: 'Niet vastgelegd. Controleer:',
    errors: {
      target: 'Kies een openstaande post of dossier zonder lopende regeling.',
      date: 'Kies een datum van vandaag tot en met {max}.',
      amount: 'Vul een bedrag in van € 0,01 tot en met het openstaande bedrag, bijvoorbeeld 12,50.',
    },
  },
  en: {
    title: 'Record a promise to pay',
    target: 'Item or dossier',
    dossier: 'Whole dossier',
    busy: 'arrangement running',
    date: 'Paid by',
    dateHint: 'Today up to {max}.',
    amount: 'Amount (€)',
    amountHint: 'Empty: the whole open balance.',
    save: 'Record the promise to pay',
    refused: 'Not recorded. Please check:',
    errors: {
      target: 'Choose an open item or dossier without a running arrangement.',
      date: 'Choose a date from today up to {max}.',
      amount: 'Enter an amount from € 0.01 up to the open balance, for example 12.50.',
    },
  },
} as const;

export interface PromiseFormState {
  values: Record<string, string>;
  errors: FieldError[];
}

type Field = keyof (typeof TEXTS)['nl']['errors'];
const FIELDS: Field[] = ['target', 'date', 'amount'];

/** The form, or '' for a viewer or a debtor with nothing open in a running dossier. */
export function promiseView(
  ctx: Ctx,
  base: string,
  session: StaffSession,
  targets: PromiseTarget[],
  now: Date,
  state?: PromiseFormState,
): SafeHtml | '' {
  if (!atLeast(session.role, 'agent') || targets.length === 0) return '';
  const lang: Lang = ctx.lang;
  const t = TEXTS[lang];
  const c = ctx.bundle.corporation;
  const today = localDateOf(now, c.timezone);
  const max = localDateKey(addLocalDays(today, (c.promises ?? PROMISE_DEFAULTS).maxDaysAhead));
  const wrong = new Set(
    (state?.errors ?? []).map((e) => e.field).filter((f): f is Field => FIELDS.includes(f as Field)),
  );
  const message = (f: Field) => t.errors[f].replace('{max}', max);
  const value = (f: string) => state?.values[f] ?? '';
  const described = (f: Field, hint?: string) => {
    const ids = [hint, wrong.has(f) ? `promise-${f}-error` : undefined].filter(Boolean).join(' ');
    return html`${ids ? html` aria-describedby="${ids}"` : ''}${wrong.has(f) ? html` aria-invalid="true"` : ''}`;
  };
  const error = (f: Field) =>
    wrong.has(f) ? html`<span class="error" id="promise-${f}-error">${message(f)}</span>` : '';
  const money = (x: PromiseTarget) => formatMoney(x.openCents, x.currency, lang);
  const label = (x: PromiseTarget) =>
    `${x.kind === 'dossier' ? t.dossier : x.externalId} (${money(x)})${x.busy ? `, ${t.busy}` : ''}`;
  return html`<section id="promise"><h2>${t.title}</h2>
${
  wrong.size > 0
    ? html`<div class="summary" role="alert"><p>${t.refused}</p><ul>${FIELDS.filter((f) => wrong.has(f)).map(
        (f) => html`<li><a href="#promise-${f}">${message(f)}</a></li>`,
      )}</ul></div>`
    : ''
}
<form method="post" action="${base}/promise?lang=${lang}"><input type="hidden" name="_csrf" value="${session.csrf}">
<label for="promise-target">${t.target}</label>${error('target')}
<select id="promise-target" name="target"${described('target')}>${targets.map(
    (x) =>
      html`<option value="${x.value}"${value('target') === x.value ? html` selected` : ''}>${label(x)}</option>`,
  )}</select>
<div class="terms"><div><label for="promise-date">${t.date}</label>
<span class="hint" id="promise-date-hint">${t.dateHint.replace('{max}', max)}</span>${error('date')}
<input type="date" id="promise-date" name="date" min="${localDateKey(today)}" max="${max}" value="${value('date')}" required${described('date', 'promise-date-hint')}></div>
<div><label for="promise-amount">${t.amount}</label>
<span class="hint" id="promise-amount-hint">${t.amountHint}</span>${error('amount')}
<input type="text" inputmode="decimal" id="promise-amount" name="amount" value="${value('amount')}"${described('amount', 'promise-amount-hint')}></div></div>
<button class="btn" type="submit">${t.save}</button></form></section>`;
}
