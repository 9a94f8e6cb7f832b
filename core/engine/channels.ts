// Choosing the channel and template of a message, recording it and arming its notOpened watches.
import type { FlowStep } from '../resources/types.generated.js';
import { localTime, messageLabel, sendScheduledText } from './text.js';
import { emit, note, type Turn } from './turn.js';
import type { SentMessage } from './types.js';
import { windowDeferral } from './window.js';

export interface SendPlan {
  channel: string;
  channelType: string;
  template: string;
}

/** Template for a channel of `type`, or undefined when the caller has none for it. */
export type TemplateChooser = (channel: string, type: string) => string | undefined;

type SendSpec = NonNullable<FlowStep['send']>;

/**
 * The template a send step uses on a channel: `templates[type]`, else `template` when the step does not
 * fix a channel or the channel has the fixed channel's type (a template is written for one channel type).
 */
export function stepTemplates(turn: Turn, send: SendSpec): TemplateChooser {
  const fixedType = send.channel === undefined ? undefined : turn.ctx.channelType(send.channel);
  return (_channel, type) => {
    const perType = send.templates?.[type];
    if (perType !== undefined) return perType;
    if (send.template !== undefined && (send.channel === undefined || type === fixedType))
      return send.template;
    return undefined;
  };
}

/** The debtor's preferred channel ('sms' or a channel name) as channel names, in fallback order. */
function preferredChannels(turn: Turn): string[] {
  const pref = turn.ctx.debtor.preferredChannel;
  if (!turn.flow.preferDebtorChoice || !pref) return [];
  const matches = turn.flow.fallback.filter((c) => c === pref || turn.ctx.channelType(c) === pref);
  if (matches.length === 0 && turn.ctx.channelType(pref) !== undefined) matches.push(pref);
  return matches;
}

/**
 * Candidate channels in order: the fixed channel, else the debtor's preferred channel; then the flow's
 * fallback order. Without a fixed channel the preferred one comes first.
 */
export function candidateChannels(turn: Turn, fixed: string | undefined): string[] {
  const head = fixed !== undefined ? [fixed] : preferredChannels(turn);
  return [...new Set([...head, ...turn.flow.fallback])];
}

/**
 * The first candidate that is defined, not excluded, has not bounced in this case, reaches the debtor and
 * has a template; or the reasons why none did.
 */
export function chooseChannel(
  turn: Turn,
  candidates: string[],
  templateFor: TemplateChooser,
  exclude: ReadonlySet<string> = new Set(),
): { plan: SendPlan } | { reason: string } {
  const why: string[] = [];
  for (const channel of candidates) {
    if (exclude.has(channel)) continue;
    const type = turn.ctx.channelType(channel);
    if (type === undefined) {
      why.push(`channel '${channel}' is not defined`);
      continue;
    }
    if (turn.state.messages.some((m) => m.channel === channel && m.bounced)) {
      why.push(`${channel} bounced before`);
      continue;
    }
    if (!turn.ctx.reachable(channel)) {
      why.push(`debtor cannot be reached via ${channel}`);
      continue;
    }
    const template = templateFor(channel, type);
    if (template === undefined) {
      why.push(`no ${type} template for ${channel}`);
      continue;
    }
    return { plan: { channel, channelType: type, template } };
  }
  return { reason: why.length > 0 ? `no channel left (${why.join('; ')})` : 'no channel left to try' };
}

export interface SendOptions {
  alsoVia?: string[];
  registered?: boolean;
  /** 'step', 'fallback after bounce', 'not opened within 2d' … */
  reason: string;
  /** Goes out although the dossier is paused (a reminder before an instalment of an arrangement). */
  duringPause?: boolean;
}

/** Records the message, emits the send effect and arms the notOpened watches that apply to it. */
export function sendMessage(turn: Turn, stepId: string, plan: SendPlan, opts: SendOptions): SentMessage {
  const s = turn.state;
  const alsoVia = (opts.alsoVia ?? []).filter((c) => c !== plan.channel);
  const reachableAlso = alsoVia.filter((c) => turn.ctx.channelType(c) !== undefined && turn.ctx.reachable(c));
  const message: SentMessage = {
    messageId: `${stepId}.${plan.channel}.${s.messages.length + 1}`,
    stepId,
    channel: plan.channel,
    channelType: plan.channelType,
    template: plan.template,
    at: turn.at,
  };
  s.messages.push(message);
  for (const c of [plan.channel, ...reachableAlso]) if (!s.channelsTried.includes(c)) s.channelsTried.push(c);
  emit(turn, {
    type: 'send',
    stepId,
    messageId: message.messageId,
    channel: plan.channel,
    channelType: plan.channelType,
    template: plan.template,
    alsoVia: reachableAlso,
    registered: opts.registered ?? false,
    reason: opts.reason,
    ...(opts.duringPause ? { duringPause: true } : {}),
  });
  // Asked for, not sent: the dispatcher sends it (now, or in its spread slot) and says so when it did.
  note(turn, sendScheduledText({ ...plan, alsoVia: reachableAlso, reason: opts.reason }), stepId);
  for (const c of alsoVia.filter((c) => !reachableAlso.includes(c))) {
    note(turn, `Not also sent via ${c}: the debtor cannot be reached there`, stepId);
  }
  armWatches(turn, message);
  return message;
}

const REACHES_PEOPLE: ReadonlySet<string> = new Set(['send', 'fallback', 'alert']);

/** notOpened reactions apply to emails, or to the channel type named by onlyChannel. */
function armWatches(turn: Turn, message: SentMessage): void {
  turn.flow.reactions.forEach((r, reaction) => {
    if (r.event !== 'notOpened' || r.within === undefined) return;
    if ((r.onlyChannel ?? 'email') !== message.channelType) return;
    const due = turn.ctx.calendar.addDuration(new Date(message.at), r.within);
    // A check whose reaction reaches people is made when the window is open, so it needs no second timer.
    const at = REACHES_PEOPLE.has(r.then) ? (windowDeferral(turn, due)?.at ?? due) : due;
    turn.state.watches.push({
      kind: 'notOpened',
      messageId: message.messageId,
      reaction,
      at: at.toISOString(),
    });
    emit(turn, { type: 'watch', messageId: message.messageId, reaction, at: at.toISOString() });
    note(
      turn,
      `Will check on ${localTime(at, turn.ctx.calendar.timezone)} whether ${messageLabel(message.channelType).toLowerCase()} '${message.template}' was opened`,
      message.stepId,
    );
  });
}
