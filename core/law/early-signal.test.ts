import { describe, expect, it } from 'vitest';
import { localDateKey } from '../calendar/index.js';
import { buildEarlySignal, type EarlySignalConfig, type EarlySignalFacts, earlySignalDue } from './index.js';

const config: EarlySignalConfig = { enabled: true };
/** Every condition of Besluit art. 2 met for one month's rent of € 650. */
const ready: EarlySignalFacts = {
  arrearsTerms: 1,
  arrearsCents: 65_000,
  reminderWithOfferSentAt: new Date('2026-11-10T09:00:00Z'),
  debtHelpPointedOutAt: new Date('2026-11-10T09:00:00Z'),
  contactAttemptAt: new Date('2026-11-18T13:00:00Z'),
};
const now = new Date('2026-12-02T08:00:00Z');
const codes = (facts: EarlySignalFacts, cfg = config, at = now) =>
  earlySignalDue(facts, cfg, at).blockedBy.map((b) => b.code);

describe('early signal to the municipality (Besluit gemeentelijke schuldhulpverlening art. 2)', () => {
  it('is due once every condition is met', () => {
    expect(earlySignalDue(ready, config, now)).toEqual({ due: true, blockedBy: [] });
  });

  it('an objection by the tenant blocks it', () => {
    const d = earlySignalDue(
      { ...ready, objectionRecordedAt: new Date('2026-11-12T10:00:00Z') },
      config,
      now,
    );
    expect(d.due).toBe(false);
    expect(d.blockedBy).toEqual([
      { code: 'objection-recorded', message: 'the tenant objected on 2026-11-12' },
    ]);
  });

  it('is sent only once per arrears episode', () => {
    const d = earlySignalDue({ ...ready, lastSignalAt: new Date('2026-11-25T10:00:00Z') }, config, now);
    expect(d).toEqual({
      due: false,
      blockedBy: [{ code: 'already-signalled', message: 'this arrears episode was signalled on 2026-11-25' }],
    });
  });

  it('needs arrears of at least one rent term by default, and the configured amount', () => {
    expect(codes({ ...ready, arrearsTerms: 0, arrearsCents: 30_000 })).toEqual(['arrears-below-threshold']);
    expect(codes({ ...ready, arrearsTerms: 1 }, { enabled: true, minArrearsTerms: 2 })).toEqual([
      'arrears-below-threshold',
    ]);
    expect(codes(ready, { enabled: true, minArrearsCents: 100_000 })).toEqual(['arrears-below-threshold']);
  });

  it('needs a contact attempt, the pointer to debt help and the written reminder with the offer', () => {
    expect(codes({ arrearsTerms: 2, arrearsCents: 130_000 })).toEqual([
      'no-contact-attempt',
      'debt-help-not-pointed-out',
      'no-reminder-with-offer',
    ]);
  });

  it('waits the objection window after the reminder and says from when it may go', () => {
    const d = earlySignalDue(
      { ...ready, reminderWithOfferSentAt: new Date('2026-11-25T09:00:00Z') },
      config,
      now,
    );
    expect(d.due).toBe(false);
    expect(d.blockedBy.map((b) => b.code)).toEqual(['objection-window-open']);
    expect(d.earliestOn && localDateKey(d.earliestOn)).toBe('2026-12-09');
    // on that day it is due
    expect(
      earlySignalDue(
        { ...ready, reminderWithOfferSentAt: new Date('2026-11-25T09:00:00Z') },
        config,
        new Date('2026-12-09T07:00:00Z'),
      ).due,
    ).toBe(true);
  });

  it('is never due when the corporation has it switched off', () => {
    expect(codes(ready, { enabled: false })).toEqual(['disabled']);
  });

  it('rejects nonsensical settings, naming them', () => {
    expect(() => earlySignalDue(ready, { enabled: true, minArrearsTerms: 0 }, now)).toThrow(
      /^earlySignal\.minArrearsTerms: /,
    );
  });
});

describe('the signal record', () => {
  const details = {
    name: 'J. de Vries',
    street: 'Voorbeeldstraat',
    houseNumber: '12a',
    postcode: '1234 AB',
    city: 'Woonstad',
    phone: '0612345678',
    email: 'j.devries@example.org',
  };

  it('holds exactly the contact details and the amount of the arrears', () => {
    const tenancy = { ...details, tenancyId: 'HC-991', birthDate: '1980-01-01', iban: 'NL00BANK0123456789' };
    const record = buildEarlySignal({ contactDetails: tenancy, arrearsCents: 65_000 });
    expect(record).toEqual({ contactDetails: details, arrearsCents: 65_000 });
    expect(Object.keys(record.contactDetails)).not.toContain('tenancyId');
  });

  it('leaves out a phone number or email address the corporation does not have', () => {
    const { phone: _p, email: _e, ...postal } = details;
    expect(
      buildEarlySignal({ contactDetails: { ...postal, email: ' ' }, arrearsCents: 1 }).contactDetails,
    ).toEqual(postal);
  });

  it('names the missing field', () => {
    expect(() =>
      buildEarlySignal({ contactDetails: { ...details, postcode: '' }, arrearsCents: 65_000 }),
    ).toThrow(/^contactDetails\.postcode: is empty/);
    expect(() => buildEarlySignal({ contactDetails: details, arrearsCents: 0 })).toThrow(/^arrearsCents: /);
  });
});
