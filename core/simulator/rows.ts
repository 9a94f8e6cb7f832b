// The simulator's own timeline sentences, and where they go among the engine's. The engine says a message
// is "scheduled for sending" when it asks for it; the dispatcher decides whether and when it really goes
// out. When it goes out (or is held back) in the same turn, the simulator's sentence takes the engine's
// place; when it waits, the sentence saying why does, and "sent" comes when it went out. The words are
// the engine's (core/engine/text.ts), which the runtime's dispatcher uses too.
import {
  alertSentText,
  type Effect,
  messageLabel as engineLabel,
  notSentText,
  quietHoursText,
  sendScheduledText,
  sentText,
  type TimelineEntry,
} from '../engine/index.js';
import type { SimAlert, SimMessage, TimelineRow } from './types.js';

/** 'Email', 'SMS', 'Letter' … for a channel type, 'Alert' for an alert; 'Message' when unknown. */
export function messageLabel(channelType: string | undefined): string {
  return channelType === 'alert' ? 'Alert' : engineLabel(channelType);
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
  return {
    at: m.at,
    stepId: m.step,
    kind: 'message',
    messageId: m.messageId,
    text: sentText({ ...m, ...(m.addressee ? { estate: true } : {}) }),
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
    text: notSentText(messageLabel(channelType), template, reason),
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
  return {
    at,
    stepId: e.stepId,
    kind: 'queued',
    text: quietHoursText(messageLabel(channelType), e.template, until, timeZone, e.channel ?? ''),
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
    text: alertSentText(a.template, a.action, a.recipients),
  };
}

/** Puts `row` in place of the engine's "'<template>' scheduled for sending via <channel>" sentence, or appends it. */
export function replaceSendNote(
  rows: TimelineRow[],
  e: Extract<Effect, { type: 'send' }>,
  channelType: string | undefined,
  row: TimelineRow,
): void {
  const asked = sendScheduledText({ ...e, channelType, alsoVia: [], reason: 'step' });
  const i = rows.findIndex((r) => r.kind === 'engine' && r.stepId === e.stepId && r.text.startsWith(asked));
  if (i >= 0) rows[i] = row;
  else rows.push(row);
}

/** Puts `row` right after the step's first "Consultant alert scheduled" sentence not yet followed by one. */
export function placeAfterAlertNote(rows: TimelineRow[], stepId: string, row: TimelineRow): void {
  const i = rows.findIndex(
    (r, index) =>
      r.kind === 'engine' &&
      r.stepId === stepId &&
      r.text.startsWith('Consultant alert scheduled') &&
      (rows[index + 1] === undefined || rows[index + 1]!.kind === 'engine'),
  );
  if (i >= 0) rows.splice(i + 1, 0, row);
  else rows.push(row);
}
