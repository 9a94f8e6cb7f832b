// Scenario events on the command line: '<at> <type> [arguments]', e.g. '+1h bounced storno-email',
// '+1h opened storno-email email', '+3d paid', '+2d partiallyPaid 300,00', '+5d arrangement'; debtor
// statuses: '+1d deceased', '+1d frozen moratorium +30d', '+9d unfrozen', '+1d optOut sms'.
import type { MessageEventType, SimEvent, StatusEventType } from '../../core/simulator/index.js';
import { usageError } from './cli-io.js';

export const MESSAGE_EVENT_TYPES: readonly MessageEventType[] = [
  'bounced',
  'delivered',
  'opened',
  'clicked',
  'failed',
];
export const BALANCE_EVENT_TYPES = ['paid', 'partiallyPaid', 'balanceChanged'] as const;
export const STATUS_EVENT_TYPES: readonly StatusEventType[] = [
  'arrangement',
  'paused',
  'resumed',
  'cancelled',
];
export const DEBTOR_EVENT_TYPES = ['deceased', 'frozen', 'unfrozen', 'optOut'] as const;
const ASSISTANCE_KINDS: readonly string[] = ['debt-assistance', 'moratorium', 'wsnp'];
const CHANNEL_TYPES: readonly string[] = ['email', 'sms', 'voice', 'letter'];
export const EVENT_TYPES: readonly string[] = [
  ...MESSAGE_EVENT_TYPES,
  ...BALANCE_EVENT_TYPES,
  ...STATUS_EVENT_TYPES,
  ...DEBTOR_EVENT_TYPES,
];

const EXAMPLES = "e.g. '+1h bounced storno-email', '+3d paid', '+2d partiallyPaid 300,00'";

/** A balance: cents as a whole number (30000), or euros with a decimal comma or point (300,00). */
export function parseBalance(text: string): number | undefined {
  const t = text.replace(/^€\s*/, '').trim();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d{1,3}(?:\.\d{3})*|\d+)[,.](\d{2})$/.exec(t);
  if (!m) return undefined;
  return Number(m[1]!.replace(/\./g, '')) * 100 + Number(m[2]);
}

export function parseEventSpec(spec: string): SimEvent {
  const [at, type, ...args] = spec.trim().split(/\s+/);
  if (!at || !type) throw usageError(`--event "${spec}" needs a time and a type`, EXAMPLES);
  if ((MESSAGE_EVENT_TYPES as readonly string[]).includes(type)) {
    const [step, channel] = args;
    if (!step) {
      throw usageError(
        `--event "${spec}": ${type} needs the step whose message it is about`,
        `e.g. '${at} ${type} storno-email'`,
      );
    }
    return { at, type: type as MessageEventType, step, ...(channel ? { channel } : {}) };
  }
  // '+3d paid R-2026-03': the item of a debtor's dossier that was paid (else the whole dossier).
  if (type === 'paid') return { at, type, ...(args[0] ? { item: args[0] } : {}) };
  if (type === 'partiallyPaid' || type === 'balanceChanged') {
    const balance = args[0] === undefined ? undefined : parseBalance(args.join(' '));
    if (balance === undefined) {
      throw usageError(
        `--event "${spec}": ${type} needs the open balance afterwards`,
        `in cents (30000) or euros (300,00), e.g. '${at} ${type} 300,00'`,
      );
    }
    return { at, type, balance };
  }
  if ((STATUS_EVENT_TYPES as readonly string[]).includes(type)) {
    const note = args.join(' ');
    return { at, type: type as StatusEventType, ...(note ? { note } : {}) };
  }
  if (type === 'deceased' || type === 'unfrozen') return { at, type };
  if (type === 'frozen') {
    const [kind, until] = ASSISTANCE_KINDS.includes(args[0] ?? '') ? args : [undefined, args[0]];
    return { at, type, ...(kind ? { kind } : {}), ...(until ? { until } : {}) };
  }
  if (type === 'optOut') {
    const channel = args[0];
    if (!channel || !CHANNEL_TYPES.includes(channel)) {
      throw usageError(
        `--event "${spec}": optOut needs a channel type`,
        `one of ${CHANNEL_TYPES.join(', ')}`,
      );
    }
    return { at, type, channel };
  }
  throw usageError(`--event "${spec}": unknown event type "${type}"`, `use one of ${EVENT_TYPES.join(', ')}`);
}
