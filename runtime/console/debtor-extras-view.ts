// The debtor page's statuses, timeline (with replies) and, for agents, the status and "send the payment
// link again" forms, as one HTML fragment that views.ts places above the page's other actions.
import { html, type Lang, type SafeHtml } from '../web/index.js';
import { statusLines, type TimelineLine } from './debtor-extras.js';
import type { DebtorPicture } from './debtor-picture.js';
import { atLeast, type StaffSession } from './sessions.js';
import { TASK_TEXTS } from './task-texts.js';
import { when } from './views.js';

export function extrasView(
  lang: Lang,
  root: string,
  session: StaffSession,
  d: DebtorPicture,
  timeline: TimelineLine[],
): SafeHtml {
  const t = TASK_TEXTS[lang];
  const base = `${root}/debtors/${encodeURIComponent(d.debtorId)}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
  const lines = statusLines(lang, d);
  const open = d.receivables.filter((r) => r.status === 'open' || r.status === 'paused');
  const running = d.cases.filter((c) => c.status === 'active' || c.status === 'paused');
  const set = [
    ...Object.keys(d.statuses).map((k) => ({ value: k, label: t[k as 'deceased'] ?? k })),
    ...d.optOuts.map((c) => ({ value: `optOut:${c}`, label: `${t.optedOut}: ${c}` })),
  ];
  const forms = atLeast(session.role, 'agent')
    ? html`<section><h2>${t.setStatus}</h2><div class="terms">
<form method="post" action="${base}/status">${csrf}<input type="hidden" name="status" value="deceased"><h3>${t.deceased}</h3>
<label for="deceased-date">${t.from}</label><input type="date" id="deceased-date" name="date" required>
<button class="btn" type="submit">${t.setStatus}</button></form>
<form method="post" action="${base}/status">${csrf}<input type="hidden" name="status" value="debtAssistance"><h3>${t.debtAssistance}</h3>
<label for="da-kind">${t.assistanceKind}</label><select id="da-kind" name="kind"><option value="debt-assistance">debt-assistance</option><option value="moratorium">moratorium</option><option value="wsnp">wsnp</option></select>
<label for="da-from">${t.from}</label><input type="date" id="da-from" name="date" required>
<label for="da-until">${t.untilDate}</label><input type="date" id="da-until" name="until">
<button class="btn" type="submit">${t.setStatus}</button></form>
${
  open.length > 0
    ? html`<form method="post" action="${base}/status">${csrf}<input type="hidden" name="status" value="dispute"><h3>${t.dispute}</h3>
<label for="dispute-item">${t.resendItem}</label><select id="dispute-item" name="externalId">${open.map((r) => html`<option value="${r.externalId}">${r.externalId}</option>`)}</select>
<label for="dispute-note">${t.reason}</label><input type="text" id="dispute-note" name="note" maxlength="500">
<button class="btn" type="submit">${t.setStatus}</button></form>`
    : ''
}</div>
${
  set.length > 0
    ? html`<form method="post" action="${base}/status">${csrf}<label for="clear">${t.clearStatus}</label>
<select id="clear" name="clear">${set.map((s) => html`<option value="${s.value}">${s.label}</option>`)}</select>
<button class="btn" type="submit">${t.clearStatus}</button></form>`
    : ''
}</section>
${
  running.length > 0
    ? html`<section><h2>${t.resend}</h2><form method="post" action="${base}/resend">${csrf}
<label for="resend-case">${t.resendItem}</label><select id="resend-case" name="caseId">${running.map((c) => html`<option value="${c.id}">${c.externalId} · ${c.flow}</option>`)}</select>
<label for="resend-channel">${t.resendBy}</label><select id="resend-channel" name="channel"><option value="email">email</option><option value="sms">sms</option></select>
<button class="btn" type="submit">${t.resendButton}</button></form></section>`
    : ''
}`
    : '';
  return html`<div class="grid">
<section><h2>${t.statusTitle}</h2><ul>${lines.length > 0 ? lines.map((l) => html`<li>${l}</li>`) : html`<li>${t.none}</li>`}</ul>
<p>${d.optOuts.length > 0 ? d.optOuts.map((c) => html`<span class="mark">${c}</span>`) : ''}</p></section>
<section><h2>${t.replies}</h2>${
    timeline.some((l) => l.kind === 'reply')
      ? html`<ul>${timeline
          .filter((l) => l.kind === 'reply')
          .map(
            (l) => html`<li>${when(l.at, lang)} · ${l.reply!.channel} · ${l.reply!.class}: ${l.text}</li>`,
          )}</ul>`
      : html`<p>${t.noReplies}</p>`
  }</section>
</div>
<section><h2>${t.timeline}</h2><div class="scroll" role="region" tabindex="0" aria-label="${t.timeline}"><table><thead><tr><th scope="col">${t.when}</th><th scope="col">${t.resendItem}</th><th scope="col">${t.what}</th></tr></thead><tbody>
${timeline.map((l) => html`<tr><td>${when(l.at, lang)}</td><td>${l.externalId ?? '–'}</td><td>${l.kind === 'reply' ? html`<span class="mark">${t.reply}</span> ${l.reply!.channel}, ${l.reply!.class}: ` : ''}${l.text}</td></tr>`)}
</tbody></table></div></section>
${forms}`;
}
