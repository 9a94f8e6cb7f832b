// The overviews page (per flow and classification; the campaigns per complex) and the paper entry
// forms on the debtor page, as HTML fragments.
import { formatMoney } from '../../core/render/money.js';
import type { Campaign } from '../forms/index.js';
import { html, type Lang, type SafeHtml, TEXTS } from '../web/index.js';
import type { DebtorPicture } from './debtor-picture.js';
import { OVERVIEW_TEXTS } from './overview-texts.js';
import type { ComplexRow, FlowRow } from './overviews.js';
import { atLeast, type StaffSession } from './sessions.js';
import { scroll } from './views.js';

const share = (paid: number, due: number, of: string) =>
  due === 0 ? '–' : `${paid} ${of} ${due} (${Math.round((100 * paid) / due)}%)`;

function campaignTable(lang: Lang, root: string, campaign: Campaign, rows: ComplexRow[], admin: boolean) {
  const o = OVERVIEW_TEXTS[lang];
  const title = campaign === 'meter' ? o.meter : o.contact;
  const sum = (k: 'digital' | 'paper' | 'missing') => rows.reduce((n, r) => n + r[k], 0);
  const cells = (r: Omit<ComplexRow, 'complex'>) =>
    html`<td>${r.digital}</td><td>${r.paper}</td><td>${r.missing}</td><td>${r.digital + r.paper + r.missing}</td>`;
  return html`<section id="campaign-${campaign}"><h2 id="h-${campaign}">${title}</h2>${
    rows.length === 0
      ? html`<p>${o.nothing}</p>`
      : scroll(
          title,
          html`<table><thead><tr><th scope="col">${o.complex}</th><th scope="col">${o.digital}</th><th scope="col">${o.paper}</th><th scope="col">${o.missing}</th><th scope="col">${o.total}</th></tr></thead><tbody>
${rows.map((r) => html`<tr><th scope="row">${r.complex || o.noComplex}</th>${cells(r)}</tr>`)}
</tbody><tfoot><tr><th scope="row">${o.total}</th>${cells({ digital: sum('digital'), paper: sum('paper'), missing: sum('missing') })}</tr></tfoot></table>`,
        )
  }${admin ? html`<p><a href="${root}/campaigns/${campaign}.csv">${o.csv}</a></p>` : ''}</section>`;
}

export function overviewView(
  lang: Lang,
  root: string,
  session: StaffSession,
  flows: FlowRow[],
  campaigns: Record<Campaign, ComplexRow[]>,
): SafeHtml {
  const o = OVERVIEW_TEXTS[lang];
  const admin = atLeast(session.role, 'admin');
  return html`<h1>${o.overview}</h1>
<section><h2 id="h-flows">${o.flows}</h2><p>${o.flowsIntro}</p>${
    flows.length === 0
      ? html`<p>${o.nothing}</p>`
      : scroll(
          o.flows,
          html`<table><thead><tr><th scope="col">Flow</th><th scope="col">${o.classification}</th><th scope="col">${o.openDossiers}</th><th scope="col">${o.openAmount}</th><th scope="col">${o.paid14}</th><th scope="col">${o.paid30}</th></tr></thead><tbody>
${flows.map((f) => html`<tr><td>${f.flow}</td><td>${f.classification || '–'}</td><td>${f.openDossiers}</td><td>${formatMoney(f.openCents, 'EUR', lang)}</td><td>${share(f.paid14, f.due14, o.of)}</td><td>${share(f.paid30, f.due30, o.of)}</td></tr>`)}
</tbody></table>`,
        )
  }</section>
<div class="grid">${campaignTable(lang, root, 'meter', campaigns.meter, admin)}${campaignTable(lang, root, 'contact', campaigns.contact, admin)}</div>`;
}

/** The paper entry forms on the debtor page (agents and admins). */
export function paperEntryView(lang: Lang, base: string, session: StaffSession, d: DebtorPicture): SafeHtml {
  if (!atLeast(session.role, 'agent')) return html``;
  const o = OVERVIEW_TEXTS[lang];
  const t = TEXTS[lang];
  const csrf = html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
  const of = (kind: string) => d.receivables.filter((r) => r.kind === kind).map((r) => r.externalId);
  const meter = of('meter-reading');
  const contact = of('enrichment');
  const today = new Date().toISOString().slice(0, 10);
  const input = (id: string, name: string, label: string, attrs: SafeHtml | string = '') =>
    html`<label for="${id}">${label}</label><input id="${id}" name="${name}"${attrs}>`;
  return html`<div class="grid">${
    meter.length > 0
      ? html`<section><h2 id="h-paper-reading">${o.paperReading}</h2>
<form method="post" action="${base}/meter-reading">${csrf}
<label for="pr-item">${o.request}</label><select id="pr-item" name="externalId">${meter.map((x) => html`<option value="${x}">${x}</option>`)}</select>
${input('pr-meter', 'meterNumber', t.meterNumberLabel, html` type="text" autocomplete="off" maxlength="40"`)}
${input('pr-reading', 'reading', t.readingLabel, html` type="text" inputmode="numeric" autocomplete="off" maxlength="12" required`)}
${input('pr-date', 'readOn', t.readOnLabel, html` type="date" max="${today}" value="${today}" required`)}
<label for="pr-confirm"><input id="pr-confirm" name="confirm" type="checkbox" value="yes"> ${t.confirmLabel}</label>
<div><button class="btn" type="submit">${o.paperReading}</button></div></form></section>`
      : ''
  }<section><h2 id="h-paper-contact">${o.paperContact}</h2>
<form method="post" action="${base}/contact-update">${csrf}
<label for="pc-item">${o.request}</label><select id="pc-item" name="externalId"><option value="">${o.noRequest}</option>${contact.map((x, i) => html`<option value="${x}"${i === 0 ? ' selected' : ''}>${x}</option>`)}</select>
${input('pc-mobile', 'mobile', t.mobileLabel, html` type="tel" autocomplete="off"`)}
${input('pc-email', 'email', t.emailLabel, html` type="email" autocomplete="off"`)}
<div><button class="btn" type="submit">${o.paperContact}</button></div></form></section></div>`;
}
