import { describe, expect, it } from 'vitest';
import { type LocalDate, localDateKey } from '../calendar/index.js';
import { isOutputstraatError } from '../errors/index.js';
import {
  type FourteenDayTermOptions,
  fourteenDayTerm,
  type NoticeChannel,
  statutoryTermEnd,
} from './index.js';

const key = (d: LocalDate) => localDateKey(d);

/** The term's dates as 'YYYY-MM-DD': sent, receipt, last day, costs from, and the days the end moved past. */
function term(sentAt: string, channel: NoticeChannel, options?: FourteenDayTermOptions) {
  const t = fourteenDayTerm(new Date(sentAt), channel, options);
  return {
    sent: key(t.sentOn),
    receipt: key(t.assumedReceiptOn),
    last: key(t.lastDay),
    costsFrom: key(t.costsChargeableFrom),
    movedPast: t.extendedPast.map((s) => `${key(s.date)} ${s.reason}`),
  };
}

describe('14-day letter term (art. 6:96 lid 6 BW; HR 25 November 2016)', () => {
  describe('across a weekend', () => {
    it('a letter posted on Thursday arrives on Saturday; the term ending on a Saturday runs to Monday', () => {
      // Thu 3 Dec 2026 -> delivery days Fri 4 (1), Sat 5 (2) = receipt; days 1..14 = Sun 6 .. Sat 19 Dec;
      // Sat 19 and Sun 20 are no working days (Atw art. 1) -> last day Mon 21; costs from Tue 22.
      expect(term('2026-12-03T09:00:00Z', 'letter')).toEqual({
        sent: '2026-12-03',
        receipt: '2026-12-05',
        last: '2026-12-21',
        costsFrom: '2026-12-22',
        movedPast: ['2026-12-19 Saturday', '2026-12-20 Sunday'],
      });
    });

    it('a letter posted on Friday: Saturday counts, Sunday and Monday have no letter delivery', () => {
      // Fri 4 Dec -> Sat 5 (1), Sun -, Mon -, Tue 8 (2) = receipt; last day Tue 22 Dec; costs Wed 23.
      expect(term('2026-12-04T14:00:00Z', 'letter')).toMatchObject({
        receipt: '2026-12-08',
        last: '2026-12-22',
        costsFrom: '2026-12-23',
        movedPast: [],
      });
    });

    it('an email counts as received the day it is sent', () => {
      // Thu 3 Dec -> receipt Thu 3; days Fri 4 .. Thu 17 Dec; costs from Fri 18.
      expect(term('2026-12-03T09:00:00Z', 'email')).toEqual({
        sent: '2026-12-03',
        receipt: '2026-12-03',
        last: '2026-12-17',
        costsFrom: '2026-12-18',
        movedPast: [],
      });
    });
  });

  describe('Koningsdag', () => {
    it('a term ending on Koningsdag (Monday 27 April 2026) runs to the next day', () => {
      // email Mon 13 Apr 2026 -> last day nominal Mon 27 Apr = Koningsdag -> Tue 28; costs Wed 29.
      expect(term('2026-04-13T08:00:00Z', 'email')).toMatchObject({
        last: '2026-04-28',
        costsFrom: '2026-04-29',
        movedPast: ['2026-04-27 Koningsdag'],
      });
    });

    it('a letter whose term ends on the Saturday before Koningsdag runs past Saturday, Sunday and Koningsdag', () => {
      // Thu 9 Apr 2026 -> Fri 10 (1), Sat 11 (2) = receipt; nominal last Sat 25 -> Sun 26 -> Mon 27 -> Tue 28.
      expect(term('2026-04-09T08:00:00Z', 'letter')).toMatchObject({
        receipt: '2026-04-11',
        last: '2026-04-28',
        costsFrom: '2026-04-29',
        movedPast: ['2026-04-25 Saturday', '2026-04-26 Sunday', '2026-04-27 Koningsdag'],
      });
    });

    it('no letter is delivered on Koningsdag (Tuesday 27 April 2027)', () => {
      // Fri 23 Apr 2027 -> Sat 24 (1), Sun -, Mon -, Tue 27 Koningsdag -, Wed 28 (2) = receipt;
      // last day Wed 12 May 2027 (5 and 6 May lie inside the term, not at its end); costs Thu 13 May.
      expect(term('2027-04-23T08:00:00Z', 'letter')).toMatchObject({
        receipt: '2027-04-28',
        last: '2027-05-12',
        costsFrom: '2027-05-13',
      });
    });

    it('Koningsdag is 26 April when the 27th is a Sunday: no delivery on Saturday 26 April 2025', () => {
      // Thu 24 Apr 2025 -> Fri 25 (1), Sat 26 Koningsdag -, Sun -, Mon 28 -, Tue 29 (2) = receipt;
      // last day Tue 13 May 2025; costs Wed 14 May.
      expect(term('2025-04-24T08:00:00Z', 'letter')).toMatchObject({
        receipt: '2025-04-29',
        last: '2025-05-13',
        costsFrom: '2025-05-14',
      });
    });

    it('in 2025 Monday 28 April is an ordinary day, so a term ending on Saturday 26 April runs to it', () => {
      // email Sat 12 Apr 2025 -> nominal last Sat 26 (Koningsdag) -> Sun 27 -> Mon 28 Apr; costs Tue 29.
      expect(term('2025-04-12T08:00:00Z', 'email')).toMatchObject({
        last: '2025-04-28',
        costsFrom: '2025-04-29',
        movedPast: ['2025-04-26 Saturday', '2025-04-27 Sunday'],
      });
    });
  });

  describe('Christmas and New Year', () => {
    it('a letter posted on 23 December waits for both Christmas days and the weekend', () => {
      // Wed 23 Dec 2026 -> Thu 24 (1), Fri 25 -, Sat 26 -, Sun -, Mon -, Tue 29 (2) = receipt;
      // last day Tue 12 Jan 2027; costs Wed 13 Jan.
      expect(term('2026-12-23T10:00:00Z', 'letter')).toMatchObject({
        receipt: '2026-12-29',
        last: '2027-01-12',
        costsFrom: '2027-01-13',
      });
    });

    it('a term ending on Christmas Day runs past Boxing Day and Sunday to Monday', () => {
      // email Fri 11 Dec 2026 -> nominal last Fri 25 Dec -> Sat 26 -> Sun 27 -> Mon 28; costs Tue 29.
      expect(term('2026-12-11T10:00:00Z', 'email')).toMatchObject({
        last: '2026-12-28',
        costsFrom: '2026-12-29',
        movedPast: ['2026-12-25 Kerstmis', '2026-12-26 Saturday', '2026-12-27 Sunday'],
      });
    });

    it("a term ending on New Year's Day runs to the first working day after it", () => {
      // email Fri 18 Dec 2026 -> nominal last Fri 1 Jan 2027 -> Sat 2 -> Sun 3 -> Mon 4; costs Tue 5.
      expect(term('2026-12-18T10:00:00Z', 'email')).toMatchObject({
        last: '2027-01-04',
        costsFrom: '2027-01-05',
        movedPast: ['2027-01-01 Nieuwjaar', '2027-01-02 Saturday', '2027-01-03 Sunday'],
      });
    });

    it("a letter posted on 30 December is delivered on Saturday 2 January, not on New Year's Day", () => {
      // Wed 30 Dec 2026 -> Thu 31 (1), Fri 1 Jan -, Sat 2 Jan (2) = receipt; nominal last Sat 16 Jan ->
      // Mon 18 Jan 2027; costs Tue 19.
      expect(term('2026-12-30T10:00:00Z', 'letter')).toMatchObject({
        receipt: '2027-01-02',
        last: '2027-01-18',
        costsFrom: '2027-01-19',
      });
    });
  });

  describe('DST changes do not shift a day', () => {
    it('spring forward: 00:30 local on Sunday 29 March 2026 is still that Sunday', () => {
      // 23:30Z on 28 Mar = 00:30 CET on Sun 29 Mar; receipt Sun 29; nominal last Sun 12 Apr -> Mon 13.
      expect(term('2026-03-28T23:30:00Z', 'email')).toMatchObject({
        sent: '2026-03-29',
        receipt: '2026-03-29',
        last: '2026-04-13',
        costsFrom: '2026-04-14',
      });
      // One minute before local midnight it is still Saturday 28 March.
      expect(term('2026-03-28T22:59:00Z', 'email').sent).toBe('2026-03-28');
    });

    it('spring forward: a letter posted on Friday 27 March 2026 arrives on Tuesday 31 March', () => {
      // Fri 27 -> Sat 28 (1), Sun 29 (DST, no delivery), Mon -, Tue 31 (2); last Tue 14 Apr; costs Wed 15.
      expect(term('2026-03-27T15:00:00Z', 'letter')).toMatchObject({
        receipt: '2026-03-31',
        last: '2026-04-14',
        costsFrom: '2026-04-15',
      });
    });

    it('fall back: 00:30 local on Sunday 25 October 2026 (CEST) is that Sunday', () => {
      // 22:30Z on 24 Oct = 00:30 CEST on Sun 25 Oct; nominal last Sun 8 Nov -> Mon 9 Nov; costs Tue 10.
      expect(term('2026-10-24T22:30:00Z', 'email')).toMatchObject({
        sent: '2026-10-25',
        last: '2026-11-09',
        costsFrom: '2026-11-10',
      });
    });

    it('fall back: a letter posted late on Saturday 24 October 2026 arrives on Wednesday 28 October', () => {
      // 21:59Z = 23:59 CEST Sat 24 -> Sun -, Mon -, Tue 27 (1), Wed 28 (2); last Wed 11 Nov; costs Thu 12.
      expect(term('2026-10-24T21:59:00Z', 'letter')).toMatchObject({
        sent: '2026-10-24',
        receipt: '2026-10-28',
        last: '2026-11-11',
        costsFrom: '2026-11-12',
      });
    });

    it('reads the local date, not the UTC date: 22:30Z on Friday 23 October is Saturday in Amsterdam', () => {
      expect(term('2026-10-23T22:30:00Z', 'letter').sent).toBe('2026-10-24');
    });
  });

  describe('options', () => {
    it('a longer term and a slower post move every date', () => {
      // Thu 3 Dec 2026, 3 delivery days -> Fri 4, Sat 5, Tue 8 = receipt; 21 days -> last Tue 29 Dec.
      expect(term('2026-12-03T09:00:00Z', 'letter', { termDays: 21, letterDeliveryDays: 3 })).toMatchObject({
        receipt: '2026-12-08',
        last: '2026-12-29',
        costsFrom: '2026-12-30',
      });
    });

    it('a day equated with a holiday by decree (Atw art. 3 lid 3) extends the term', () => {
      // email Thu 30 Apr 2026 -> nominal last Thu 14 May (Hemelvaartsdag) -> Fri 15 (equated) -> Sat, Sun -> Mon 18.
      expect(term('2026-04-30T08:00:00Z', 'email', { equatedDates: ['2026-05-15'] })).toMatchObject({
        last: '2026-05-18',
        movedPast: [
          '2026-05-14 Hemelvaartsdag',
          '2026-05-15 gelijkgestelde dag',
          '2026-05-16 Saturday',
          '2026-05-17 Sunday',
        ],
      });
      expect(term('2026-04-30T08:00:00Z', 'email').last).toBe('2026-05-15');
    });

    it('refuses a term shorter than the law allows, naming the field', () => {
      try {
        fourteenDayTerm(new Date('2026-12-03T09:00:00Z'), 'letter', { termDays: 10 });
        expect.unreachable();
      } catch (err) {
        expect(isOutputstraatError(err, 'OST_ERR_LAW_INPUT')).toBe(true);
        expect((err as Error).message).toMatch(/^termDays: must be a whole number from 14 to 90, got 10/);
      }
      expect(() => fourteenDayTerm(new Date('nope'), 'email')).toThrow(/^sentAt: /);
      expect(() => fourteenDayTerm(new Date(), 'fax' as NoticeChannel)).toThrow(/^channel: /);
    });
  });
});

describe('Algemene termijnenwet on any statutory term', () => {
  it('art. 2: a three-day term over Easter holds two working days', () => {
    // first day Sat 4 Apr 2026, 3 days -> nominal last Mon 6 (Easter Monday) -> art. 1: Tue 7, but
    // Sat 4 .. Tue 7 holds one working day -> art. 2: Wed 8 Apr.
    const end = statutoryTermEnd({ year: 2026, month: 4, day: 4 }, 3);
    expect(key(end.nominalLastDay)).toBe('2026-04-06');
    expect(key(end.lastDay)).toBe('2026-04-08');
  });

  it('does not apply to terms over 90 days (art. 4)', () => {
    expect(() => statutoryTermEnd({ year: 2026, month: 1, day: 1 }, 91)).toThrow(/^termDays: /);
  });
});
