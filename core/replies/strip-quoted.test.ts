import { describe, expect, it } from 'vitest';
import { REPLY_TEXT_MAX, stripQuoted } from './strip-quoted.js';

describe('the new text of an email reply', () => {
  it('drops a quoted original after "Op … schreef …:"', () => {
    const text =
      'Dit klopt niet, ik betwist het bedrag.\r\n\r\nOp 2 dec. 2026 om 10:00 schreef Woonstad Noord <noreply@woonstad-noord.example>:\r\n> Al betaald? Dan kunt u dit bericht negeren.\r\n';
    expect(stripQuoted(text)).toBe('Dit klopt niet, ik betwist het bedrag.');
  });

  it('drops lines quoted with ">" and what an Outlook reply puts below "Van:"', () => {
    expect(stripQuoted('Ik heb al betaald\n> quoted\nmore')).toBe('Ik heb al betaald');
    expect(stripQuoted('Graag bellen\n\nVan: Woonstad Noord\nVerzonden: …\nAl betaald?')).toBe(
      'Graag bellen',
    );
    expect(stripQuoted('Thanks\n-----Original Message-----\nAlready paid?')).toBe('Thanks');
  });

  it('keeps a reply without quotes whole, and never more than the limit', () => {
    expect(stripQuoted('  eerste regel\ntweede regel  ')).toBe('eerste regel\ntweede regel');
    expect(stripQuoted('x'.repeat(REPLY_TEXT_MAX + 50))).toHaveLength(REPLY_TEXT_MAX);
  });
});
