// The simulator's own timeline sentences, and where they go among the engine's. The engine says a message
// was "sent via email" when it asks for it; the dispatcher decides whether it really goes out, so the
// simulator's sentence (sent to the debtor, held back, or not renderable) takes the engine's place.
import type { Effect, TimelineEntry } from '../engine/index.js';
import type { SimAlert, SimMessage, TimelineRow } from './types.js';

const LABEL: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  letter: 'Letter',
  voice: 'Voice message',
  webhook: 'Webhook message',
  alert: 'Alert',
};

/** 'Email', 'SMS', 'Letter' … for a channel type; 'Message' when unknown. */
export function messageLabel(channelType: string | undefined): string {
  return (channelType && LABEL[channelType]) ?? 'Message';
}

export function engineRows(entries: readonly TimelineEntry[]): TimelineRow[] {
  return entries.map((e) => ({ ...e, kind: 'engine' }));
}

export function messageRow(m: SimMessage): TimelineRow {
  const label = messageLabel(m.channelType);
  if (m.error) {
    return {
      at: m.at,
      stepId: m.step,
      kind: 'error',
      messageId: m.messageId,
      text: `${label} '${m.template}' could not be rendered: ${m.error.message}`,
    };
  }
  const also = m.alsoVia.length > 0 ? ` and ${m.alsoVia.join(', ')}` : '';
  const why = m.reason === 'step' ? '' : ` (${m.reason})`;
  return {
    at: m.at,
    stepId: m.step,
    kind: 'message',
    messageId: m.messageId,
    text: `${label} '${m.template}' sent to the debtor via ${m.channel}${also}${why}`,
  };
}

export function withheldRow(
  at: string,
  stepId: string,
  channelType: string | undefined,
  template: string,
  reason: string,
): TimelineRow {
  return {
    at,
    stepId,
    kind: 'withheld',
    text: `${messageLabel(channelType)} '${template}' not sent: ${reason}`,
  };
}

/** A send or alert the flow's spread (maxPerHour) holds until a later slot. */
export function queuedRow(
  at: string,
  e: { stepId: string; template: string },
  channelType: string | undefined,
  maxPerHour: number,
): TimelineRow {
  return {
    at,
    stepId: e.stepId,
    kind: 'queued',
    text: `${messageLabel(channelType)} '${e.template}' waits for a free slot: the flow sends at most ${maxPerHour} per hour`,
  };
}

export function quietRow(
  at: string,
  e: { stepId: string; template: string; channel?: string },
  channelType: string | undefined,
  until: Date,
  timeZone: string,
): TimelineRow {
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    until,
  );
  return {
    at,
    stepId: e.stepId,
    kind: 'queued',
    text: `${messageLabel(channelType)} '${e.template}' waits until ${local}: quiet hours of channel ${e.channel}`,
  };
}

export function alertRow(a: SimAlert): TimelineRow {
  if (a.error) {
    return {
      at: a.at,
      stepId: a.step,
      kind: 'error',
      text: `Alert '${a.template}' could not be rendered: ${a.error.message}`,
    };
  }
  return {
    at: a.at,
    stepId: a.step,
    kind: 'alert',
    text: `Alert '${a.template}' (${a.action}) emailed to ${a.recipients.join(', ')}`,
  };
}

/** Puts `row` in place of the engine's "'<template>' sent via <channel>" sentence of the send, or appends it. */
export function replaceSendNote(
  rows: TimelineRow[],
  e: Extract<Effect, { type: 'send' }>,
  channelType: string | undefined,
  row: TimelineRow,
): void {
  const prefix = `${messageLabel(channelType)} '${e.template}' sent via ${e.channel}`;
  const i = rows.findIndex((r) => r.kind === 'engine' && r.stepId === e.stepId && r.text.startsWith(prefix));
  if (i >= 0) rows[i] = row;
  else rows.push(row);
}

/** Puts `row` right after the step's first "Consultants alerted/told" sentence not yet followed by one. */
export function placeAfterAlertNote(rows: TimelineRow[], stepId: string, row: TimelineRow): void {
  const i = rows.findIndex(
    (r, index) =>
      r.kind === 'engine' &&
      r.stepId === stepId &&
      r.text.startsWith('Consultants ') &&
      (rows[index + 1] === undefined || rows[index + 1]!.kind === 'engine'),
  );
  if (i >= 0) rows.splice(i + 1, 0, row);
  else rows.push(row);
}
