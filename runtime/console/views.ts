// The console's pages as HTML fragments: search, the debtor page, one archived message, the audit log.
import { formatMoney } from '../../core/render/money.js';
import type { ArrangementView } from '../dossiers/index.js';
import { html, type Lang, type SafeHtml } from '../web/index.js';
import type { AuditRow } from './audit.js';
import type { DebtorPicture } from './debtor-picture.js';
import { formatAddress, type SearchHit } from './search.js';
import { atLeast, type StaffSession } from './sessions.js';
import { CONSOLE_TEXTS, type ConsoleTexts } from './texts.js';

/** A table in a region that scrolls sideways on a narrow screen and can be scrolled with the keyboard. */
export const scroll = (label: string, table: SafeHtml) =>
  html`<div class="scroll" role="region" tabindex="0" aria-label="${label}">${table}</div>`;

/**
 * A table whose rows stack on a narrow screen: each cell then shows its column's name (data-label), the
 * header row is kept for screen readers, and the explicit roles keep it a table for them when the CSS
 * (layout.ts, table.stack) turns rows into blocks.
 */
export const stacked = (label: string, head: string[], rows: (string | SafeHtml)[][]) =>
  html`<table class="stack" role="table" aria-label="${label}"><thead role="rowgroup"><tr role="row">${head.map((h) => html`<th scope="col" role="columnheader">${h}</th>`)}</tr></thead><tbody role="rowgroup">
${rows.map((r) => html`<tr role="row">${r.map((cell, i) => html`<td role="cell" data-label="${head[i] ?? ''}">${cell}</td>`)}</tr>`)}
</tbody></table>`;

export const when = (iso: string | null, lang: Lang) =>
  iso
    ? new Date(iso).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
        timeZone: 'Europe/Amsterdam',
        dateStyle: 'medium',
        timeStyle: 'short',
      })
    : '–';

export function searchView(lang: Lang, root: string, q: string, hits: SearchHit[] | undefined): SafeHtml {
  const t = CONSOLE_TEXTS[lang];
  return html`<h1>${t.search}</h1>
<section><form method="get" action="${root}" role="search">
<input type="hidden" name="lang" value="${lang}">
<label for="q">${t.searchLabel}</label>
<input type="search" id="q" name="q" value="${q}" maxlength="100" autocomplete="off">
<button class="btn" type="submit">${t.search}</button></form></section>
${
  hits === undefined
    ? ''
    : html`<section aria-live="polite"><h2>${t.hits}: ${hits.length}</h2>${
        hits.length === 0
          ? html`<p>${t.noHits}</p>`
          : html`${scroll(
              t.hits,
              html`<table><thead><tr><th scope="col">${t.name}</th><th scope="col">${t.address}</th><th scope="col">${t.debtor}</th></tr></thead><tbody>
${hits.map((h) => html`<tr><td><a href="${root}/debtors/${encodeURIComponent(h.debtorId)}?lang=${lang}">${h.name || h.debtorId}</a></td><td>${h.address ?? ''}</td><td>${h.debtorId}</td></tr>`)}
</tbody></table>`,
            )}`
      }</section>`
}`;
}

const CHANNELS = ['email', 'sms', 'voice', 'letter'] as const;

export function debtorView(
  lang: Lang,
  root: string,
  session: StaffSession,
  d: DebtorPicture,
  notice?: string,
  /** Statuses, timeline and their actions (debtor-extras-view.ts), above the other actions. */
  extras?: SafeHtml,
  /** More forms for agents (the paper entry of overview-views.ts), after the actions. */
  more: SafeHtml | string = '',
): SafeHtml {
  const t = CONSOLE_TEXTS[lang];
  const money = (cents: number, currency = 'EUR') => formatMoney(cents, currency, lang);
  const base = `${root}/debtors/${encodeURIComponent(d.debtorId)}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
  const statuses = Object.keys(d.statuses);
  const open = d.receivables.filter((r) => r.status === 'open' || r.status === 'paused');
  const actions = atLeast(session.role, 'agent')
    ? html`<section><h2>${t.actions}</h2>
<form method="post" action="${base}/notes">${csrf}<label for="note">${t.addNote}</label>
<textarea id="note" name="body" rows="3" cols="40" maxlength="2000" required></textarea><br><button class="btn" type="submit">${t.save}</button></form>
${
  open.length > 0
    ? html`<form method="post" action="${base}/arrangement">${csrf}<h3>${t.arrangement}</h3>
<label for="arr-item">${t.receivable}</label><select id="arr-item" name="externalId">${open.map((r) => html`<option value="${r.externalId}">${r.externalId} (${money(r.balance, r.currency)})</option>`)}</select>
<div class="terms">${[1, 2, 3].map(
        (
          n,
        ) => html`<div><label for="due${n}">${t.term} ${n}: ${t.dueOn}</label><input type="date" id="due${n}" name="due${n}" required>
<label for="amount${n}">${t.term} ${n}: ${t.amount} (€)</label><input type="text" inputmode="decimal" id="amount${n}" name="amount${n}" required pattern="[0-9]+([.,][0-9]{1,2})?"></div>`,
      )}</div>
<button class="btn" type="submit">${t.save}</button></form>
<form method="post" action="${base}/pause">${csrf}<button class="btn" type="submit">${t.pause}</button></form>
<form method="post" action="${base}/resume">${csrf}<button class="btn" type="submit">${t.resume}</button></form>`
    : ''
}
<form method="post" action="${base}/opt-out">${csrf}<label for="optout">${t.optOut}</label>
<select id="optout" name="channel">${CHANNELS.map((c) => html`<option value="${c}">${c}</option>`)}</select>
<button class="btn" type="submit">${t.save}</button></form></section>`
    : '';
  return html`<h1>${d.contact.name ?? d.debtorId}</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<div class="grid">
<section><h2>${t.contact}</h2><dl>
<dt>${t.debtor}</dt><dd>${d.debtorId}</dd>
<dt>${t.name}</dt><dd>${d.contact.name ?? ''}</dd>
<dt>${t.email}</dt><dd>${d.contact.email ?? ''}</dd>
<dt>${t.phone}</dt><dd>${d.contact.phone ?? ''}</dd>
<dt>${t.address}</dt><dd>${formatAddress(d.contact.address) ?? ''}</dd>
<dt>${t.optOuts}</dt><dd>${d.optOuts.length ? d.optOuts.join(', ') : t.none}</dd>
<dt>${t.statuses}</dt><dd>${statuses.length ? statuses.join(', ') : t.none}</dd>
</dl></section>
<section><h2 id="open-items">${t.open}</h2>${stacked(
    t.open,
    [t.receivable, t.status, t.dueOn, t.amount],
    d.receivables.map((r) => [r.externalId, r.status, r.dueDate, money(r.balance, r.currency)]),
  )}<p><strong>${t.total}: ${money(d.openTotal)}</strong></p></section>
</div>
<section><h2>${t.dossiers}</h2>${stacked(
    t.dossiers,
    [t.receivable, t.flow, t.status, t.step, t.next],
    d.cases.map((c) => [
      c.externalId,
      c.flow,
      c.status,
      c.currentStep ?? '–',
      c.next
        ? html`${c.next.stepId} · ${when(c.next.dueAt, lang)}${c.next.reason ? html` (${c.next.reason})` : ''}`
        : '–',
    ]),
  )}</section>
<section><h2>${t.messages}</h2>${stacked(
    t.messages,
    [t.when, t.channel, t.subject, t.marks, t.show],
    d.messages.map((m) => [
      when(m.sentAt ?? m.createdAt, lang),
      m.channelType,
      m.subject ?? m.template ?? '',
      html`${m.marks.map((k) => html`<span class="mark">${k}</span>`)}`,
      m.parts.length
        ? html`<a href="${root}/messages/${m.id}?lang=${lang}">${t.show}<span class="skip"> ${m.subject ?? m.template ?? m.channelType}</span></a>`
        : '',
    ]),
  )}</section>
<div class="grid">
<section><h2>${t.payments}</h2>${stacked(
    t.payments,
    [t.when, t.receivable, t.amount],
    d.payments.map((p) => [when(p.paidAt ?? p.recordedAt, lang), p.externalId, money(p.amount)]),
  )}</section>
<section><h2>${t.arrangements}</h2>${d.arrangements.map((a) => arrangementTable(a, t, money))}</section>
<section><h2>${t.notes}</h2><ul>${d.notes.map((n) => html`<li><strong>${n.author}</strong>, ${when(n.at, lang)}: ${n.body}</li>`)}</ul></section>
</div>
${extras ?? ''}
${actions}${more}`;
}

/** One arrangement or promise to pay: who made it when, how it stands, and its instalments with what is paid. */
function arrangementTable(a: ArrangementView, t: ConsoleTexts, money: (cents: number) => string): SafeHtml {
  const title = `${t.arrangementKind[a.kind] ?? a.kind} ${a.externalId}, ${t.madeOn} ${a.madeOn} (${t.arrangementSource[a.source] ?? a.source}): ${t.arrangementStatus[a.status] ?? a.status}`;
  return html`<h3>${title}</h3>${stacked(
    title,
    [t.term, t.dueOn, t.amount, t.paid],
    a.terms.map((x) => [String(x.term), x.dueOn, money(x.amount), money(x.paid)]),
  )}`;
}

export function messageView(
  lang: Lang,
  root: string,
  m: {
    id: string;
    channelType: string;
    subject: string | null;
    text?: string | undefined;
    hasHtml: boolean;
    hasPdf: boolean;
  },
): SafeHtml {
  const t = CONSOLE_TEXTS[lang];
  return html`<h1>${t.message}</h1><section><dl><dt>${t.channel}</dt><dd>${m.channelType}</dd>
${m.subject ? html`<dt>${t.subject}</dt><dd>${m.subject}</dd>` : ''}</dl>
${m.hasHtml ? html`<p>${t.remoteBlocked}</p><iframe title="${m.subject ?? t.message}" sandbox src="${root}/messages/${m.id}/part/html"></iframe>` : ''}
${m.hasPdf ? html`<p><a href="${root}/messages/${m.id}/part/pdf">${t.pdf}</a></p>` : ''}
${m.text !== undefined ? html`<pre>${m.text}</pre>` : ''}</section>`;
}

export function auditView(lang: Lang, root: string, rows: AuditRow[]): SafeHtml {
  const t = CONSOLE_TEXTS[lang];
  return html`<h1>${t.audit}</h1><p><a href="${root}/audit.csv">${t.exportCsv}</a></p><section>${scroll(
    t.audit,
    html`<table>
<thead><tr><th scope="col">${t.when}</th><th scope="col">${t.who}</th><th scope="col">${t.role}</th><th scope="col">${t.what}</th><th scope="col">${t.debtor}</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${when(r.at.toISOString(), lang)}</td><td>${r.actorName ?? r.actor}</td><td>${r.role}</td><td>${r.action}</td><td>${r.debtorId ?? ''}</td></tr>`)}
</tbody></table>`,
  )}</section>`;
}

export function messageText(lang: Lang, title: string, body: string): SafeHtml {
  return html`<h1>${title}</h1><section><p>${body}</p></section>${lang ? '' : ''}`;
}
