// The tenant's own arrangement pages: choose a number of monthly instalments (within the corporation's
// limits) and pay the first, or promise a payment date; and, while a plan runs, its instalments with what
// is paid and a button for the next one. Server-rendered, no script; errors name the field.
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { ArrangementPlan } from '../../core/law/index.js';
import { formatDate, formatMoney } from '../../core/render/index.js';
import { fill, html, type Lang, type PageView, type PayableView, type SafeHtml } from '../web/index.js';
import { PLAN_TEXTS } from './arrangement-texts.js';

export function termsLink(href: string, lang: Lang): SafeHtml {
  return html`<p><a class="btn secondary" href="${href}">${PLAN_TEXTS[lang].termsLink}</a></p>`;
}

export interface PromiseForm {
  action: string;
  /** Latest date allowed (YYYY-MM-DD); today is the earliest. */
  min: string;
  max: string;
  value: string;
  error?: boolean;
}

export interface ChooseState {
  plans: ArrangementPlan[];
  termsAction?: string;
  termsError?: boolean;
  promise?: PromiseForm;
}

function errorSummary(lang: Lang, items: [string, string][]): SafeHtml {
  if (items.length === 0) return html``;
  const title = lang === 'nl' ? 'Controleer de gemarkeerde velden.' : 'Please check the marked fields.';
  return html`<div class="summary" role="alert" aria-labelledby="errors-title">
<h2 id="errors-title">${title}</h2>
<ul>${items.map(([id, m]) => html`<li><a href="#${id}">${m}</a></li>`)}</ul>
</div>`;
}

function planOption(plan: ArrangementPlan, lang: Lang, currency: string, i: number): SafeHtml {
  const t = PLAN_TEXTS[lang];
  const n = plan.terms.length;
  const first = plan.terms[0]!.amountCents;
  const last = plan.terms[n - 1]!.amountCents;
  const money = (c: number) => formatMoney(c, currency, lang);
  const text =
    first === last
      ? fill(t.termsOption, String(n), money(first))
      : fill(t.termsOptionUneven, String(n), money(first), money(last));
  const id = i === 0 ? 'f-terms' : `f-terms-${n}`;
  return html`<label class="check" for="${id}"><input id="${id}" type="radio" name="terms" value="${String(n)}"${i === 0 ? html` required` : ''}> ${text}</label>`;
}

export function choosePage(bundle: ConfigBundle, lang: Lang, r: PayableView, s: ChooseState): PageView {
  const t = PLAN_TEXTS[lang];
  const tz = bundle.corporation.timezone;
  const errors: [string, string][] = [];
  if (s.termsError) errors.push(['f-terms', t.termsInvalid]);
  const p = s.promise;
  const maxText = p ? formatDate(p.max, lang, 'long', tz) : '';
  if (p?.error) errors.push(['f-promise', fill(t.promiseInvalid, maxText)]);
  const terms =
    s.termsAction && s.plans.length > 0
      ? html`<form class="field" method="post" action="${s.termsAction}">
<fieldset class="field"${s.termsError ? html` aria-describedby="f-terms-error"` : ''}><legend>${t.termsLegend}</legend>
${s.termsError ? html`<span class="error" id="f-terms-error">${t.termsInvalid}</span>` : ''}
${s.plans.map((plan, i) => planOption(plan, lang, r.currency, i))}
</fieldset>
<button class="btn" type="submit">${t.chooseAndPay}</button></form>`
      : html`<p class="status">${t.termsUnavailable}</p>`;
  const promise = p
    ? html`<h2>${t.promiseTitle}</h2><p>${fill(t.promiseIntro, maxText)}</p>
<form method="post" action="${p.action}"><div class="field">
<label for="f-promise">${t.promiseLabel}</label>
<span class="hint" id="f-promise-hint">${fill(t.promiseHint, maxText)}</span>
${p.error ? html`<span class="error" id="f-promise-error">${fill(t.promiseInvalid, maxText)}</span>` : ''}
<input id="f-promise" name="date" type="date" min="${p.min}" max="${p.max}" value="${p.value}" required aria-describedby="f-promise-hint${p.error ? ' f-promise-error' : ''}"${p.error ? html` aria-invalid="true"` : ''}>
</div><button class="btn secondary" type="submit">${t.promiseSubmit}</button></form>`
    : '';
  const body = html`<section class="card" aria-labelledby="title">
${errorSummary(lang, errors)}
<h1 id="title">${t.termsTitle}</h1>
<p>${t.termsIntro}</p>
<dl><dt>${t.open}</dt><dd id="open">${formatMoney(r.balanceMinor, r.currency, lang)}</dd></dl>
${terms}
${promise}
</section>`;
  return { lang, bundle, title: t.termsTitle, body };
}

export interface PlanView {
  kind: 'plan' | 'promise';
  total: number;
  terms: { term: number; dueOn: string; amount: number; paid: number }[];
}

export function planPage(
  bundle: ConfigBundle,
  lang: Lang,
  r: PayableView,
  plan: PlanView,
  payAction: string | undefined,
): PageView {
  const t = PLAN_TEXTS[lang];
  const tz = bundle.corporation.timezone;
  const money = (c: number) => formatMoney(c, r.currency, lang);
  const date = (d: string) => formatDate(d, lang, 'long', tz);
  const next = plan.terms.find((x) => x.paid < x.amount);
  const intro =
    plan.kind === 'promise'
      ? fill(t.planPromise, money(plan.total), date(plan.terms[0]!.dueOn))
      : fill(t.planIntro, money(plan.total), String(plan.terms.length));
  const state = (x: PlanView['terms'][number]) =>
    x.paid >= x.amount ? t.planPaid : x.paid > 0 ? fill(t.planPartly, money(x.paid)) : t.planOpen;
  const rows =
    plan.kind === 'plan'
      ? html`<dl id="terms">${plan.terms.map(
          (x) =>
            html`<dt>${fill(t.planTerm, String(x.term))}, ${fill(t.planDue, date(x.dueOn))}</dt><dd>${money(x.amount)}: ${state(x)}</dd>`,
        )}</dl>`
      : '';
  const label =
    plan.kind === 'promise' || !next
      ? t.payNow
      : fill(t.payNext, String(next.term), money(next.amount - next.paid));
  const body = html`<section class="card" aria-labelledby="title">
<h1 id="title">${t.planTitle}</h1>
<p>${intro}</p>
${rows}
${payAction && next ? html`<form method="post" action="${payAction}"><button class="btn" type="submit">${label}</button></form>` : ''}
</section>`;
  return { lang, bundle, title: t.planTitle, body };
}

export function promiseDonePage(bundle: ConfigBundle, lang: Lang, r: PayableView, on: string): PageView {
  const t = PLAN_TEXTS[lang];
  const text = fill(
    t.promiseDoneBody,
    formatMoney(r.balanceMinor, r.currency, lang),
    formatDate(on, lang, 'long', bundle.corporation.timezone),
  );
  const body = html`<section class="card" aria-labelledby="title">
<div class="status ok" role="status"><h1 id="title">${t.promiseDoneTitle}</h1><p>${text}</p></div>
</section>`;
  return { lang, bundle, title: t.promiseDoneTitle, body };
}
