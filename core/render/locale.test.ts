import { describe, expect, it } from 'vitest';
import { pickLocale } from './locale.js';

describe('pickLocale', () => {
  it('takes the wanted locale when present', () => {
    expect(pickLocale(['nl', 'en'], 'en', 'nl')).toEqual({ locale: 'en', choice: 'wanted' });
  });

  it('falls back when the wanted locale is missing', () => {
    expect(pickLocale(['nl'], 'en', 'nl')).toEqual({ locale: 'nl', choice: 'fallback' });
  });

  it('takes the first available when neither is present', () => {
    expect(pickLocale(['en'], 'de', 'nl')).toEqual({ locale: 'en', choice: 'first' });
  });

  it('returns undefined when nothing is available', () => {
    expect(pickLocale([], 'nl', 'nl')).toBeUndefined();
  });
});
