import { describe, expect, it } from 'vitest';
import { validatePayment, validateReceivablePatch } from './change-schemas.js';
import { printable, textProblem, unsafeTextErrors } from './safe-text.js';

describe('text the street can store', () => {
  it('refuses U+0000 and every control character below U+0020, naming the code point and position', () => {
    expect(textProblem('ab\u0000c')).toBe(
      'must not contain the control character U+0000 (at character 3); tabs and line breaks are allowed only in free-text fields',
    );
    for (let c = 0; c < 0x20; c++) expect(textProblem(`x${String.fromCharCode(c)}`)).toBeDefined();
    expect(textProblem('plain text, € and emoji 🏠')).toBeUndefined();
  });

  it('allows tab, line feed and carriage return in free-text fields only', () => {
    expect(textProblem('a\tb\r\nc', true)).toBeUndefined();
    expect(textProblem('a\u000bb', true)).toMatch(/U\+000B/);
    expect(textProblem('a\nb')).toMatch(/U\+000A/);
  });

  it('refuses half a surrogate pair, high or low, but not a whole pair', () => {
    expect(textProblem('x\ud800')).toMatch(/surrogate pair \(U\+D800\) at character 2/);
    expect(textProblem('\udc00x')).toMatch(/U\+DC00/);
    expect(textProblem('\ud83c\udfe0')).toBeUndefined();
  });

  it('names nested fields, array items and keys the way validation errors do', () => {
    const errors = unsafeTextErrors(
      {
        debtor: { name: 'a\u0000', address: { city: 'ok' } },
        paymentHistory: [{ note: 'ok' }, { note: '\u0007' }],
        vars: { 'k\u0001': 'v', multi: 'a\nb' },
        description: 'line one\nline two',
      },
      ['description', 'vars.*'],
    );
    expect(errors.map((e) => e.field)).toEqual(['debtor.name', 'paymentHistory[1].note', 'vars.k\\u0001']);
    expect(errors[2]!.message).toMatch(/^is a field name that must not contain/);
    expect(printable('a\u0000b\ud800')).toBe('a\\u0000b\\ud800');
  });

  it('finds one bad character wherever it is, in a value or a key, however deep', () => {
    const body = () => ({
      externalId: 'R-1',
      debtor: { name: 'Huurder', address: { street: 'Straat', lines: ['a', 'b'] } },
      paymentHistory: [{ note: 'ok', amount: 5, paid: true, at: null }],
      vars: { city: 'Utrecht' },
    });
    // Suspicious is not refused: a whole surrogate pair anywhere, a line break in a free-text field.
    expect(unsafeTextErrors({ ...body(), vars: { emoji: '🏠', multi: 'a\nb' } }, ['vars.*'])).toEqual([]);
    expect(unsafeTextErrors(body(), ['vars.*'])).toEqual([]);
    const places: [string, (b: ReturnType<typeof body>) => void][] = [
      ['externalId', (b) => Object.assign(b, { externalId: 'R\u0001' })],
      ['debtor.address.lines[1]', (b) => b.debtor.address.lines.splice(1, 1, '\ud800')],
      ['paymentHistory[0].note', (b) => Object.assign(b.paymentHistory[0]!, { note: '\u001f' })],
      ['debtor.address.\\u0007', (b) => Object.assign(b.debtor.address, { '\u0007': 'x' })],
      ['vars.city', (b) => Object.assign(b.vars, { city: '\udfe0' })],
      ['debtor.name', (b) => Object.assign(b.debtor, { name: 'a\nb' })],
    ];
    for (const [field, spoil] of places) {
      const b = body();
      spoil(b);
      expect(unsafeTextErrors(b, ['vars.*']).map((e) => e.field)).toEqual([field]);
    }
  });

  it('every change contract refuses it too: a PATCH reason, an arrangement note, a payment method', () => {
    const patch = validateReceivablePatch({ status: 'paused', reason: 'x\u0000' });
    expect(patch.ok).toBe(false);
    if (!patch.ok) expect(patch.errors.map((e) => e.field)).toEqual(['reason']);
    expect(validateReceivablePatch({ arrangement: { note: 'six\nterms' } }).ok).toBe(true);
    const payment = validatePayment({ amount: 100, paymentId: 'p\u0000', method: 'ideal' });
    expect(payment.ok).toBe(false);
    // The control character is the useful message, not "must match pattern" for the same field.
    if (!payment.ok)
      expect(payment.errors).toEqual([{ field: 'paymentId', message: expect.stringMatching(/U\+0000/) }]);
  });
});
