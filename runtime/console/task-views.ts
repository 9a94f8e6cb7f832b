// The console's task pages as HTML fragments: a work list (open, mine, snoozed, done; per team) and one
// task with what it is about and, for agents, assign / snooze / done.
import type { TaskFilter, TaskView } from '../dossiers/index.js';
import { html, type Lang, type SafeHtml } from '../web/index.js';
import { atLeast, type StaffSession } from './sessions.js';
import { TASK_TEXTS } from './task-texts.js';
import { when } from './views.js';

/** Staff who signed in to this console, by subject: whom a task can be assigned to. */
export type Colleagues = Map<string, string | null>;

const person = (subject: string | null, colleagues: Colleagues) =>
  subject ? (colleagues.get(subject) ?? subject) : '–';

export function taskListView(
  lang: Lang,
  root: string,
  list: { filter: TaskFilter; team?: string | undefined; teams: string[] },
  tasks: TaskView[],
  colleagues: Colleagues,
): SafeHtml {
  const t = TASK_TEXTS[lang];
  const team = list.team ? `&team=${encodeURIComponent(list.team)}` : '';
  const tabs = (['open', 'mine', 'snoozed', 'done'] as const).map(
    (f) =>
      html`<li><a href="${root}/tasks?list=${f}${team}&lang=${lang}"${f === list.filter ? html` aria-current="page"` : ''}>${t[f]}</a></li>`,
  );
  return html`<h1>${t.tasks}: ${t[list.filter]}</h1>
<section><nav aria-label="${t.lists}"><ul class="tabs">${tabs}</ul></nav>
${
  list.teams.length > 0
    ? html`<form method="get" action="${root}/tasks"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="list" value="${list.filter}">
<label for="team">${t.team}</label><select id="team" name="team"><option value="">${t.allTeams}</option>${list.teams.map(
        (name) => html`<option value="${name}"${name === list.team ? html` selected` : ''}>${name}</option>`,
      )}</select> <button class="btn" type="submit">${t.show}</button></form>`
    : ''
}</section>
<section>${
    tasks.length === 0
      ? html`<p>${t.noTasks}</p>`
      : html`<div class="scroll" role="region" tabindex="0" aria-label="${t.tasks}"><table><thead><tr><th scope="col">${t.title}</th><th scope="col">${t.kind}</th><th scope="col">${t.status}</th><th scope="col">${t.assignee}</th><th scope="col">${t.team}</th><th scope="col">${t.created}</th></tr></thead><tbody>
${tasks.map(
  (x) =>
    html`<tr><td><a href="${root}/tasks/${x.id}?lang=${lang}">${x.title}</a></td><td>${t.kinds[x.kind]}</td><td>${t.statuses[x.status]}${x.status === 'snoozed' ? html` (${when(x.snoozedUntil, lang)})` : ''}</td><td>${person(x.assignee, colleagues)}</td><td>${x.team ?? '–'}</td><td>${when(x.createdAt, lang)}</td></tr>`,
)}
</tbody></table></div>`
  }</section>`;
}

export interface TaskDetail {
  task: TaskView;
  /** The dossier's flow and status, when the task is about one. */
  dossier: { flow: string; status: string; externalId: string } | null;
  reply: { channel: string; text: string | null; class: string; receivedAt: string } | null;
}

export function taskView(
  lang: Lang,
  root: string,
  session: StaffSession,
  d: TaskDetail,
  colleagues: Colleagues,
  notice?: string,
): SafeHtml {
  const t = TASK_TEXTS[lang];
  const x = d.task;
  const base = `${root}/tasks/${x.id}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
  const others = [...colleagues].filter(([subject]) => subject !== session.subject);
  const actions =
    x.status === 'done'
      ? html`<section><p>${t.isDone}</p></section>`
      : atLeast(session.role, 'agent')
        ? html`<section><h2>${t.task}</h2>
<form method="post" action="${base}/assign">${csrf}<input type="hidden" name="assignee" value="me"><button class="btn" type="submit">${t.assignToMe}</button></form>
${
  others.length > 0
    ? html`<form method="post" action="${base}/assign">${csrf}<label for="colleague">${t.assignTo}</label>
<select id="colleague" name="assignee">${others.map(([subject, name]) => html`<option value="${subject}">${name ?? subject}</option>`)}</select>
<button class="btn" type="submit">${t.assign}</button></form>`
    : ''
}
<form method="post" action="${base}/snooze">${csrf}<label for="until">${t.snoozeUntil}</label>
<input type="date" id="until" name="until" required> <button class="btn" type="submit">${t.snooze}</button></form>
<form method="post" action="${base}/done">${csrf}<button class="btn" type="submit">${t.markDone}</button></form></section>`
        : '';
  return html`<h1>${t.task}: ${x.title}</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<section><dl>
<dt>${t.kind}</dt><dd>${t.kinds[x.kind]}</dd>
<dt>${t.status}</dt><dd>${t.statuses[x.status]}</dd>
<dt>${t.team}</dt><dd>${x.team ?? '–'}</dd>
<dt>${t.assignee}</dt><dd>${person(x.assignee, colleagues)}</dd>
<dt>${t.created}</dt><dd>${when(x.createdAt, lang)}</dd>
${x.status === 'snoozed' ? html`<dt>${t.snoozedUntil}</dt><dd>${when(x.snoozedUntil, lang)}</dd>` : ''}
${x.status === 'done' ? html`<dt>${t.closed}</dt><dd>${person(x.closedBy, colleagues)}, ${when(x.closedAt, lang)}</dd>` : ''}
${d.dossier ? html`<dt>${t.dossier}</dt><dd>${d.dossier.externalId} · ${d.dossier.flow} · ${d.dossier.status}</dd>` : ''}
${x.debtorId ? html`<dt>${t.debtor}</dt><dd><a href="${root}/debtors/${encodeURIComponent(x.debtorId)}?lang=${lang}">${t.openDebtor} (${x.debtorId})</a></dd>` : ''}
</dl>
${d.reply ? html`<h2>${t.reply} (${d.reply.channel}, ${d.reply.class}, ${when(d.reply.receivedAt, lang)})</h2><blockquote>${d.reply.text ?? '–'}</blockquote>` : ''}
</section>
${actions}`;
}
