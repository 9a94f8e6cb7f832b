// A simulation as text a collections officer can read: local times in the corporation's zone, what went
// out through which channel, what was skipped or held back and why, and how the case ended.

import { localTime } from '../../core/calendar/local-time.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { formatMoney } from '../../core/render/index.js';
import type { SimAlert, SimMessage, SimulationResult, TimelineRow } from '../../core/simulator/index.js';

export interface SimulationHeader {
  corporation: string;
  receivable: ReceivableInput;
}

function preview(m: SimMessage): string | undefined {
  const c = m.content;
  if (!c) return undefined;
  const text = c.subject ?? c.sms ?? c.letter?.subject ?? c.voice;
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
}

function detailOf(row: TimelineRow, result: SimulationResult): string | undefined {
  if (row.kind === 'message') {
    const m = result.messages.find((x) => x.messageId === row.messageId && !x.error);
    if (!m) return undefined;
    const p = preview(m);
    const to = m.addressee ? `${m.addressee}, ${m.recipient}` : m.recipient;
    return `to ${to}${p ? `: "${p}"` : ''}`;
  }
  if (row.kind === 'alert') {
    const a: SimAlert | undefined = result.alerts.find((x) => x.at === row.at && x.step === row.stepId);
    return a?.content?.subject ? `"${a.content.subject}"` : undefined;
  }
  return undefined;
}

function sentSummary(messages: SimMessage[]): string {
  const ok = messages.filter((m) => !m.error);
  if (ok.length === 0) return 'nothing';
  const byType = new Map<string, number>();
  for (const m of ok) byType.set(m.channelType, (byType.get(m.channelType) ?? 0) + 1);
  return [...byType].map(([type, n]) => `${n} ${type}`).join(', ');
}

/** The timeline rows: local time (only when it changes), step, sentence, and what went out. */
export function formatTimeline(result: SimulationResult, indent = ''): string[] {
  const when = (t: string) => localTime(t, result.timezone, result.locale);
  const lines: string[] = [];
  const stepWidth = Math.max(0, ...result.timeline.map((row) => row.stepId?.length ?? 0));
  const timeWidth = Math.max(0, ...result.timeline.map((row) => when(row.at).length));
  let lastTime = '';
  for (const row of result.timeline) {
    const time = when(row.at);
    const shownTime = time === lastTime ? '' : time;
    lastTime = time;
    const step = (row.stepId ?? '').padEnd(stepWidth);
    const mark = row.kind === 'withheld' || row.kind === 'error' || row.kind === 'warning' ? '! ' : '';
    lines.push(`${indent}${shownTime.padEnd(timeWidth)}  ${step}  ${mark}${row.text}`.trimEnd());
    const detail = detailOf(row, result);
    if (detail) lines.push(`${indent}${''.padEnd(timeWidth)}  ${''.padEnd(stepWidth)}    ${detail}`);
  }
  return lines;
}

export function formatSimulation(result: SimulationResult, header: SimulationHeader): string[] {
  const tz = result.timezone;
  const when = (t: string) => localTime(t, tz, result.locale);
  const r = header.receivable;
  const money = formatMoney(result.receivable.balance, r.currency ?? 'EUR', result.locale);
  const amount = formatMoney(r.balance ?? r.amount, r.currency ?? 'EUR', result.locale);
  const lines = [
    `${header.corporation}: receivable ${r.externalId} (${r.kind}, ${amount}), debtor ${r.debtor.id}`,
    `Flow '${result.flow}', classification '${result.classification}' (decided by ${result.decidedBy})`,
    `Simulated ${when(result.start)} – ${when(result.until)}, times in ${tz}`,
    '',
  ];
  lines.push(...formatTimeline(result));
  lines.push('');
  const end = result.end;
  if (end.status === 'completed' || end.status === 'stopped') {
    const at = end.at ? ` on ${when(end.at)}` : '';
    lines.push(`Outcome: case ${end.status}${end.reason ? ` (${end.reason})` : ''}${at}`);
  } else if (end.pending) {
    lines.push(
      `Outcome: case still ${end.status} at the end of the simulation; step '${end.pending.step}' is due ${when(end.pending.at)}`,
    );
  } else {
    lines.push(`Outcome: case still ${end.status} at the end of the simulation`);
  }
  const skipped =
    result.skipped.length === 0 ? 'none' : result.skipped.map((s) => `${s.step} (${s.reason})`).join('; ');
  lines.push(
    `Sent: ${sentSummary(result.messages)}. Alerts: ${result.alerts.length === 0 ? 'none' : result.alerts.map((a) => a.action).join(', ')}. Skipped: ${skipped}.`,
  );
  lines.push(`Open balance at the end: ${money} (${result.receivable.status})`);
  for (const m of result.messages.filter((x) => x.error)) {
    lines.push(`! Step '${m.step}': template '${m.template}' could not be rendered: ${m.error?.message}`);
  }
  for (const w of result.warnings) lines.push(`! ${w}`);
  return lines;
}
