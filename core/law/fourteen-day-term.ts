// The term of the 14-day letter (veertiendagenbrief), art. 6:96 lid 6 BW: collection costs may only be
// charged to a consumer after a reminder that gives 14 days to pay without them. The Hoge Raad
// (25 November 2016, ECLI:NL:HR:2016:2704) held that those 14 days begin on the day after the debtor
// received the reminder. Receipt is assumed (the creditor carries the risk when it is later):
// - email: the day it was sent;
// - letter: the `letterDeliveryDays`-th postal delivery day after the day of posting (2 by default;
//   PostNL delivers letters Tuesday to Saturday, not on public holidays: core/calendar/postal-days.ts).
// The term is a term in a wet, so the Algemene termijnenwet extends it when it ends on a Saturday,
// Sunday or general holiday (statutory-term.ts). Every date is a local date in Europe/Amsterdam: the
// sent instant is read there once, and the rest is date arithmetic, so a DST change cannot shift a day.
import {
  addLocalDays,
  isPostalDeliveryDate,
  type LocalDate,
  localDateOf,
  nthDateAfter,
  type Weekday,
} from '../calendar/index.js';
import { createError } from '../errors/index.js';
import { ATW_MAX_TERM_DAYS, type SkippedDay, statutoryTermEnd } from './statutory-term.js';

/** The statutory minimum of art. 6:96 lid 6 BW. */
export const FOURTEEN_DAY_TERM_DAYS = 14;
export const DEFAULT_LETTER_DELIVERY_DAYS = 2;
export const DUTCH_TIME_ZONE = 'Europe/Amsterdam';

export type NoticeChannel = 'letter' | 'email';

export interface FourteenDayTermOptions {
  /** The term in days; at least 14 (the law's minimum), at most 90 (Atw art. 4). Default 14. */
  termDays?: number;
  /** Postal delivery days after posting on which a letter counts as received. Default 2. */
  letterDeliveryDays?: number;
  /** Weekdays with letter delivery; PostNL's Tuesday-Saturday by default. */
  postalDeliveryWeekdays?: readonly Weekday[];
  /** Days equated with holidays by decree under Atw art. 3 lid 3 ('YYYY-MM-DD'). */
  equatedDates?: readonly string[];
  /** The zone whose calendar dates count; Europe/Amsterdam by default. */
  timezone?: string;
}

export interface FourteenDayTerm {
  channel: NoticeChannel;
  /** Local date the letter was posted or the email sent. */
  sentOn: LocalDate;
  /** Local date the debtor is assumed to have received it. */
  assumedReceiptOn: LocalDate;
  /** First day of the term: the day after receipt. */
  firstDay: LocalDate;
  /** Last day of the term before the Algemene termijnenwet. */
  nominalLastDay: LocalDate;
  /** Last day of the term, inclusive: a payment on this day is in time. */
  lastDay: LocalDate;
  /** Days the end moved past under the Algemene termijnenwet. */
  extendedPast: SkippedDay[];
  /** The first day collection costs may be charged: the day after the last day. */
  costsChargeableFrom: LocalDate;
}

function requireWholeDays(value: number, field: string, min: number, max: number, hint: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw createError('OST_ERR_LAW_INPUT', [
      field,
      `must be a whole number from ${min} to ${max}, got ${String(value)}`,
      hint,
    ]);
  }
}

/** The dates of the 14-day term of a reminder sent at `sentAt` (a UTC instant) by letter or email. */
export function fourteenDayTerm(
  sentAt: Date,
  channel: NoticeChannel,
  options: FourteenDayTermOptions = {},
): FourteenDayTerm {
  if (Number.isNaN(sentAt.getTime())) {
    throw createError('OST_ERR_LAW_INPUT', [
      'sentAt',
      'is not a valid instant',
      'pass the moment the message left',
    ]);
  }
  if (channel !== 'letter' && channel !== 'email') {
    throw createError('OST_ERR_LAW_INPUT', [
      'channel',
      `unknown channel ${JSON.stringify(channel)}`,
      "use 'letter' or 'email'",
    ]);
  }
  const termDays = options.termDays ?? FOURTEEN_DAY_TERM_DAYS;
  requireWholeDays(
    termDays,
    'termDays',
    FOURTEEN_DAY_TERM_DAYS,
    ATW_MAX_TERM_DAYS,
    'the law asks for at least 14 days',
  );
  const deliveryDays = options.letterDeliveryDays ?? DEFAULT_LETTER_DELIVERY_DAYS;
  requireWholeDays(deliveryDays, 'letterDeliveryDays', 0, 10, 'count postal delivery days after posting');

  const sentOn = localDateOf(sentAt, options.timezone ?? DUTCH_TIME_ZONE);
  const postal = { deliveryWeekdays: options.postalDeliveryWeekdays };
  const assumedReceiptOn =
    channel === 'email' ? sentOn : nthDateAfter(sentOn, deliveryDays, (d) => isPostalDeliveryDate(d, postal));
  const firstDay = addLocalDays(assumedReceiptOn, 1);
  const end = statutoryTermEnd(firstDay, termDays, options.equatedDates ?? []);
  return {
    channel,
    sentOn,
    assumedReceiptOn,
    firstDay,
    nominalLastDay: end.nominalLastDay,
    lastDay: end.lastDay,
    extendedPast: end.skipped,
    costsChargeableFrom: addLocalDays(end.lastDay, 1),
  };
}
