// The payment page and what follows it: the amount in nl-NL notation, invoice number, payment reference
// and description — for a debtor-scope dossier its open items and their total instead — one iDEAL button; then success, pending (reloads itself) and failed; and "already
// paid" for a receivable that was settled any other way.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { formatDate, formatMoney } from '../../core/render/index.js';
import type { PageView, PayableView } from '../web/index.js';
import { html, type Lang, type SafeHtml, TEXTS } from '../web/index.js';

/** A dossier's open items, oldest first, with their total (the amount the button pays). */
function itemsTable(r: PayableView, bundle: ConfigBundle, lang: Lang): SafeHtml {
  const t = TEXTS[lang];
  const money = (minor: number) => formatMoney(minor, r.currency, lang);
  const tz = bundle.corporation.timezone;
  return html`<table>
<caption>${t.openItems}</caption>
<thead><tr><th scope="col">${t.description}</th><th scope="col">${t.dueDate}</th><th scope="col" class="num">${t.amount}</th></tr></thead>
<tbody>${(r.items ?? []).map(
    (i) =>
      html`<tr><td>${i.description ?? i.externalId}</td><td>${formatDate(i.dueDate, lang, 'short', tz)}</td><td class="num">${money(i.balance)}</td></tr>`,
  )}</tbody>
<tfoot><tr><th scope="row" colspan="2">${t.total}</th><td class="num">${money(r.balanceMinor)}</td></tr></tfoot>
</table>`;
}

function details(r: PayableView, bundle: ConfigBundle, lang: Lang): SafeHtml {
  const t = TEXTS[lang];
  const rows: [string, string][] = [];
  // A dossier's items say what it is about; its payment reference is the one to quote on a transfer.
  if (r.items && r.items.length > 0) {
    if (r.paymentReference) rows.push([t.paymentReference, r.paymentReference]);
    return html`${itemsTable(r, bundle, lang)}<dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
  }
  if (r.invoiceNumber) rows.push([t.invoiceNumber, r.invoiceNumber]);
  if (r.paymentReference) rows.push([t.paymentReference, r.paymentReference]);
  if (r.description) rows.push([t.description, r.description]);
  rows.push([t.dueDate, formatDate(r.dueDate, lang, 'long', bundle.corporation.timezone)]);
  return html`<dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export function payPage(
  bundle: ConfigBundle,
  lang: Lang,
  r: PayableView,
  payAction: string | undefined,
  /** "Pay in instalments" (arrangement-routes.ts), when the tenant may choose a plan or a date. */
  terms?: SafeHtml,
): PageView {
  const t = TEXTS[lang];
  const amount = formatMoney(r.balanceMinor, r.currency, lang);
  const body = html`<section class="card" aria-labelledby="title">
<h1 id="title">${t.payTitle}</h1>
<p>${t.amountDue}</p>
<p class="amount" id="amount">${amount}</p>
${r.items && r.items.length > 1 ? html`<p>${t.openItemsIntro}</p>` : ''}
${details(r, bundle, lang)}
${
  payAction
    ? html`<form method="post" action="${payAction}"><p>${t.payIntro}</p><button class="btn" type="submit">${t.payWithIdeal}</button></form>`
    : html`<p class="status">${t.payUnavailable}</p>`
}
${terms ?? ''}
</section>`;
  return { lang, bundle, title: t.payTitle, body };
}

function statusPage(
  bundle: ConfigBundle,
  lang: Lang,
  title: string,
  text: string,
  tone: 'ok' | 'bad' | 'wait',
  r: PayableView | undefined,
  extra?: SafeHtml,
  amountLabel = TEXTS[lang].amount,
): SafeHtml {
  const amount = r ? formatMoney(r.amountMinor, r.currency, lang) : undefined;
  const cls = tone === 'wait' ? 'status' : `status ${tone}`;
  return html`<section class="card" aria-labelledby="title">
<div class="${cls}" role="status"><h1 id="title">${title}</h1><p>${text}</p></div>
${r && amount ? html`<dl><dt>${amountLabel}</dt><dd>${amount}</dd></dl>${details(r, bundle, lang)}` : ''}
${extra ?? ''}
</section>`;
}

export function alreadyPaidPage(bundle: ConfigBundle, lang: Lang, r: PayableView): PageView {
  const t = TEXTS[lang];
  return {
    lang,
    bundle,
    title: t.alreadyPaidTitle,
    body: statusPage(bundle, lang, t.alreadyPaidTitle, t.alreadyPaidBody, 'ok', r),
  };
}

export function successPage(bundle: ConfigBundle, lang: Lang, r: PayableView): PageView {
  const t = TEXTS[lang];
  return {
    lang,
    bundle,
    title: t.successTitle,
    body: statusPage(bundle, lang, t.successTitle, t.successBody, 'ok', r, undefined, t.amountPaid),
  };
}

export function pendingPage(bundle: ConfigBundle, lang: Lang, selfHref: string): PageView {
  const t = TEXTS[lang];
  const again = html`<p><a class="btn secondary" href="${selfHref}">${t.checkAgain}</a></p>`;
  return {
    lang,
    bundle,
    title: t.pendingTitle,
    refreshSeconds: 3,
    body: statusPage(bundle, lang, t.pendingTitle, t.pendingBody, 'wait', undefined, again),
  };
}

export function failedPage(bundle: ConfigBundle, lang: Lang, payAction: string | undefined): PageView {
  const t = TEXTS[lang];
  const retry = payAction
    ? html`<form method="post" action="${payAction}"><button class="btn" type="submit">${t.tryAgain}</button></form>`
    : undefined;
  return {
    lang,
    bundle,
    title: t.failedTitle,
    body: statusPage(bundle, lang, t.failedTitle, t.failedBody, 'bad', undefined, retry),
  };
}

export function notFinishedPage(bundle: ConfigBundle, lang: Lang, payAction: string | undefined): PageView {
  const t = TEXTS[lang];
  const resume = payAction
    ? html`<form method="post" action="${payAction}"><button class="btn" type="submit">${t.continuePaying}</button></form>`
    : undefined;
  return {
    lang,
    bundle,
    title: t.notFinishedTitle,
    body: statusPage(bundle, lang, t.notFinishedTitle, t.notFinishedBody, 'wait', undefined, resume),
  };
}
