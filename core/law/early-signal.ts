// Early signalling of rent arrears (vroegsignalering) to the municipality, under the Wet gemeentelijke
// schuldhulpverlening (Wgs) and art. 2 of the Besluit gemeentelijke schuldhulpverlening (Stb. 2020, 240).
// A landlord of housing gives the municipality's debt-help service the tenant's contact details and the
// amount of the arrears once it has (a) made an effort to reach the tenant in person about ways to avoid
// and end arrears, (b) pointed the tenant to debt help, (c) sent at least one written reminder about the
// arrears and (d) offered in that reminder to pass the contact details on, and the tenant has not
// refused. Policy the Besluit leaves to the corporation is configuration: how much arrears starts it
// (default: one rent term), how long the tenant gets to object after the reminder, and the switch
// itself (a corporation signals only to a municipality it has an agreement with).
import { addLocalDays, daysBetween, type LocalDate, localDateKey, localDateOf } from '../calendar/index.js';
import { createError } from '../errors/index.js';
import { DUTCH_TIME_ZONE } from './fourteen-day-term.js';

/** The corporation's early-signal settings (Corporation spec.collections.earlySignal). */
export interface EarlySignalConfig {
  /** Whether this corporation signals at all (it has an agreement with the municipality). */
  enabled: boolean;
  /** Arrears of at least this many rent terms start a signal. Default 1. */
  minArrearsTerms?: number;
  /** And at least this many cents. Default 1 (any arrears). */
  minArrearsCents?: number;
  /** Days after the reminder with the offer during which the tenant can still object. Default 14. */
  objectionWindowDays?: number;
}

/** What the corporation knows about this arrears episode (from the first missed term until paid up). */
export interface EarlySignalFacts {
  arrearsTerms: number;
  arrearsCents: number;
  /** (c)+(d): the written reminder about the arrears that offered to pass the contact details on. */
  reminderWithOfferSentAt?: Date;
  /** (b): when the tenant was pointed to debt help (often the same reminder). */
  debtHelpPointedOutAt?: Date;
  /** (a): the effort to reach the tenant in person (call, visit). */
  contactAttemptAt?: Date;
  /** The tenant refused to have the details passed on. */
  objectionRecordedAt?: Date;
  /** A signal already sent for this episode. */
  lastSignalAt?: Date;
}

export type EarlySignalBlockCode =
  | 'disabled'
  | 'arrears-below-threshold'
  | 'no-contact-attempt'
  | 'debt-help-not-pointed-out'
  | 'no-reminder-with-offer'
  | 'objection-recorded'
  | 'objection-window-open'
  | 'already-signalled';

export interface EarlySignalBlock {
  code: EarlySignalBlockCode;
  message: string;
}

export interface EarlySignalDecision {
  /** True when a signal should be sent now. */
  due: boolean;
  /** Why not, every reason found; empty when due. */
  blockedBy: EarlySignalBlock[];
  /** While only the objection window holds it back: the first day it may be sent. */
  earliestOn?: LocalDate;
}

export const DEFAULT_OBJECTION_WINDOW_DAYS = 14;

function wholeAtLeast(value: number, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw createError('OST_ERR_LAW_INPUT', [
      field,
      `must be a whole number of at least ${min}, got ${String(value)}`,
      'fix the corporation configuration (spec.collections.earlySignal)',
    ]);
  }
  return value;
}

/** Whether an early signal is due at `now` for this arrears episode, and every reason it is not. */
export function earlySignalDue(
  facts: EarlySignalFacts,
  config: EarlySignalConfig,
  now: Date,
): EarlySignalDecision {
  const minTerms = wholeAtLeast(config.minArrearsTerms ?? 1, 'earlySignal.minArrearsTerms', 1);
  const minCents = wholeAtLeast(config.minArrearsCents ?? 1, 'earlySignal.minArrearsCents', 1);
  const windowDays = wholeAtLeast(
    config.objectionWindowDays ?? DEFAULT_OBJECTION_WINDOW_DAYS,
    'earlySignal.objectionWindowDays',
    0,
  );
  const blockedBy: EarlySignalBlock[] = [];
  const block = (code: EarlySignalBlockCode, message: string) => blockedBy.push({ code, message });
  const day = (t: Date) => localDateOf(t, DUTCH_TIME_ZONE);

  if (!config.enabled) block('disabled', 'early signalling is switched off for this corporation');
  if (facts.lastSignalAt) {
    block(
      'already-signalled',
      `this arrears episode was signalled on ${localDateKey(day(facts.lastSignalAt))}`,
    );
  }
  if (facts.arrearsTerms < minTerms || facts.arrearsCents < minCents) {
    block(
      'arrears-below-threshold',
      `arrears of ${facts.arrearsTerms} term(s) and ${facts.arrearsCents} cents are below ${minTerms} term(s) and ${minCents} cents`,
    );
  }
  if (!facts.contactAttemptAt)
    block('no-contact-attempt', 'no attempt to reach the tenant in person is recorded');
  if (!facts.debtHelpPointedOutAt)
    block('debt-help-not-pointed-out', 'the tenant was not pointed to debt help');
  if (facts.objectionRecordedAt) {
    block('objection-recorded', `the tenant objected on ${localDateKey(day(facts.objectionRecordedAt))}`);
  }
  let earliestOn: LocalDate | undefined;
  if (!facts.reminderWithOfferSentAt) {
    block('no-reminder-with-offer', 'no written reminder offering to pass the contact details on was sent');
  } else {
    const sentOn = day(facts.reminderWithOfferSentAt);
    const waited = daysBetween(sentOn, day(now));
    if (waited < windowDays) {
      const openUntil = addLocalDays(sentOn, windowDays);
      earliestOn = openUntil;
      block(
        'objection-window-open',
        `the tenant may still object to the offer of ${localDateKey(sentOn)}; the signal may go from ${localDateKey(openUntil)}`,
      );
    }
  }
  const onlyWaiting = blockedBy.length === 1 && blockedBy[0]!.code === 'objection-window-open';
  return {
    due: blockedBy.length === 0,
    blockedBy,
    ...(onlyWaiting && earliestOn ? { earliestOn } : {}),
  };
}

/** The tenant's contact details ("contactgegevens") as the signal carries them. */
export interface TenantContactDetails {
  name: string;
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  phone?: string;
  email?: string;
}

/**
 * The signal: exactly what Besluit art. 2 lets the landlord give, the tenant's contact details and the
 * amount of the arrears. Nothing else (no tenancy number, no history): data minimisation.
 */
export interface EarlySignalRecord {
  contactDetails: TenantContactDetails;
  arrearsCents: number;
}

const REQUIRED_CONTACT_FIELDS = ['name', 'street', 'houseNumber', 'postcode', 'city'] as const;

/** Builds the signal from the tenant's details and arrears, copying only the fields the Besluit lists. */
export function buildEarlySignal(input: {
  contactDetails: TenantContactDetails;
  arrearsCents: number;
}): EarlySignalRecord {
  const c = input.contactDetails;
  for (const field of REQUIRED_CONTACT_FIELDS) {
    if (typeof c[field] !== 'string' || c[field].trim() === '') {
      throw createError('OST_ERR_LAW_INPUT', [
        `contactDetails.${field}`,
        'is empty',
        'the municipality needs the name and postal address to reach the tenant',
      ]);
    }
  }
  if (!Number.isSafeInteger(input.arrearsCents) || input.arrearsCents <= 0) {
    throw createError('OST_ERR_LAW_INPUT', [
      'arrearsCents',
      `must be a positive whole number of cents, got ${String(input.arrearsCents)}`,
      'a signal is only sent for arrears',
    ]);
  }
  const contactDetails: TenantContactDetails = {
    name: c.name.trim(),
    street: c.street.trim(),
    houseNumber: c.houseNumber.trim(),
    postcode: c.postcode.trim(),
    city: c.city.trim(),
  };
  if (c.phone?.trim()) contactDetails.phone = c.phone.trim();
  if (c.email?.trim()) contactDetails.email = c.email.trim();
  return { contactDetails, arrearsCents: input.arrearsCents };
}
