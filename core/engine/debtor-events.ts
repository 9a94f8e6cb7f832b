// Debtor statuses as engine events (docs/adr/0007): deceased stops the case and alerts the consultants;
// a freeze (debt assistance, moratorium, WSNP) and a dispute of everything open hold it paused until they
// end — a freeze with an end sets a timer that resumes it (or, when the flow says onFreezeEnd: alert, alerts a
// consultant and leaves it paused). A case held by several statuses resumes only
// when the last one ends; an ERP resume does not lift a debtor's hold.
import { pauseCase, resumeCase } from './actions.js';
import { voidNoticeForFreeze } from './notice.js';
import { alertScheduledText, localTime, sendScheduledText } from './text.js';
import { emit, endCase, note, type Turn } from './turn.js';
import { type DebtorEvent, ESTATE_LETTER_STEP, FREEZE_END_WATCH } from './types.js';

const KIND_WORDS: Record<string, string> = {
  'debt-assistance': 'debt assistance',
  moratorium: 'a moratorium',
  wsnp: 'WSNP (statutory debt rescheduling)',
};

const running = (turn: Turn) => turn.state.status === 'active' || turn.state.status === 'paused';

export function isDebtorEvent(e: { type: string }): e is DebtorEvent {
  return ['deceased', 'frozen', 'unfrozen', 'disputed', 'undisputed'].includes(e.type);
}

export function handleDebtorEvent(turn: Turn, event: DebtorEvent): void {
  if (!running(turn)) return;
  switch (event.type) {
    case 'deceased': {
      note(turn, 'The debtor was reported deceased');
      const stepId = turn.state.messages.at(-1)?.stepId ?? turn.flow.steps[0]?.id ?? turn.flow.name;
      endCase(turn, 'stopped', 'debtor deceased', { closeLink: true });
      emit(turn, {
        type: 'alert',
        stepId,
        action: 'review',
        template: 'consultant-alert',
        note: 'debtor deceased',
        aboutEnd: true,
      });
      note(turn, alertScheduledText('review', 'the debtor was reported deceased'), stepId);
      sendEstateLetter(turn);
      return;
    }
    case 'frozen': {
      const words = KIND_WORDS[event.kind] ?? event.kind;
      const tz = turn.ctx.calendar.timezone;
      const end = event.until ? ` until ${localTime(new Date(event.until), tz)}` : ' with no end date';
      note(turn, `Collection frozen: ${words}${event.from ? ` from ${event.from}` : ''}${end}`);
      const wasPaused = turn.state.status === 'paused';
      if (event.until) turn.state.frozenUntil = event.until;
      else delete turn.state.frozenUntil;
      // Pausing arms the end timer (actions.ts); a case already paused gets it here.
      addHold(turn, 'freeze', words);
      if (wasPaused) armFreezeEnd(turn);
      voidNoticeForFreeze(turn, words);
      return;
    }
    case 'unfrozen':
      delete turn.state.frozenUntil;
      liftHold(turn, 'freeze', 'Debt assistance ended', 'debt assistance ended');
      return;
    case 'disputed':
      note(turn, 'The debtor disputes every open item of this case');
      addHold(turn, 'dispute', 'dispute');
      return;
    case 'undisputed':
      liftHold(turn, 'dispute', 'The dispute no longer holds this case', 'dispute resolved');
      return;
  }
}

/**
 * The flow says the estate gets one final letter (spec.onDeceased: estateLetter): asked for after the case
 * stopped, like the alert, and marked `estate` so the dispatcher lets exactly this send through.
 */
function sendEstateLetter(turn: Turn): void {
  const hook = turn.flow.onDeceased;
  if (hook?.action !== 'estateLetter') return;
  const { channel, template } = hook;
  const channelType = turn.ctx.channelType(channel);
  if (channelType !== 'letter' || !turn.ctx.reachable(channel)) {
    const why =
      channelType === 'letter' ? 'the debtor has no postal address' : `${channel} is not a letter channel`;
    note(turn, `No letter to the estate: ${why}`, ESTATE_LETTER_STEP);
    return;
  }
  const s = turn.state;
  const messageId = `${ESTATE_LETTER_STEP}.${channel}.${s.messages.length + 1}`;
  s.messages.push({ messageId, stepId: ESTATE_LETTER_STEP, channel, channelType, template, at: turn.at });
  if (!s.channelsTried.includes(channel)) s.channelsTried.push(channel);
  const reason = 'letter to the estate';
  emit(turn, {
    type: 'send',
    stepId: ESTATE_LETTER_STEP,
    messageId,
    channel,
    channelType,
    template,
    alsoVia: [],
    registered: false,
    estate: true,
    reason,
  });
  note(turn, sendScheduledText({ channel, channelType, template, alsoVia: [], reason }), ESTATE_LETTER_STEP);
}

/** The freeze's end timer; set again whenever a pause cancelled the case's timers. */
export function armFreezeEnd(turn: Turn): void {
  const at = turn.state.frozenUntil;
  if (at) emit(turn, { type: 'watch', messageId: FREEZE_END_WATCH, reaction: -1, at });
}

/** The freeze's end timer is due: unfreeze, unless the freeze was changed or lifted meanwhile. */
export function handleFreezeEnd(turn: Turn): boolean {
  const until = turn.state.frozenUntil;
  if (!running(turn) || !until || Date.parse(until) > turn.ctx.now.getTime()) return false;
  delete turn.state.frozenUntil;
  if (turn.flow.onFreezeEnd === 'alert') {
    endFreezeForConsultant(turn);
    return true;
  }
  liftHold(turn, 'freeze', 'Debt assistance period over', 'debt assistance period over');
  return true;
}

/**
 * The flow says a consultant decides when a freeze ends (onFreezeEnd: alert): the freeze no longer holds
 * the dossier, but it stays paused until someone resumes it, and the consultants are alerted.
 */
function endFreezeForConsultant(turn: Turn): void {
  const s = turn.state;
  if (!s.holds?.includes('freeze')) return;
  s.holds = s.holds.filter((h) => h !== 'freeze');
  if (s.holds.length === 0) delete s.holds;
  note(turn, 'Debt assistance period over; the flow leaves the decision to resume to a consultant');
  const stepId = s.messages.at(-1)?.stepId ?? turn.flow.steps[0]?.id ?? turn.flow.name;
  // About the dossier's state itself, like the deceased alert: it goes out although the dossier is paused.
  emit(turn, {
    type: 'alert',
    stepId,
    action: 'review',
    template: 'consultant-alert',
    note: 'freeze ended',
    aboutEnd: true,
  });
  note(turn, alertScheduledText('review', "the debtor's freeze ended"), stepId);
}

function addHold(turn: Turn, hold: string, cause: string): void {
  const s = turn.state;
  s.holds = [...new Set([...(s.holds ?? []), hold])];
  pauseCase(turn, cause);
}

function liftHold(turn: Turn, hold: string, sentence: string, cause: string): void {
  const s = turn.state;
  if (!s.holds?.includes(hold)) return;
  s.holds = s.holds.filter((h) => h !== hold);
  note(turn, sentence);
  if (s.holds.length > 0) {
    note(turn, `Still held: ${s.holds.join(', ')}`);
    return;
  }
  delete s.holds;
  resumeCase(turn, cause);
}
