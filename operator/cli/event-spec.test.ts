import { describe, expect, it } from 'vitest';
import { parseEventSpec } from './event-spec.js';

describe('--event specs for debtor statuses', () => {
  it('reads deceased, frozen (kind and end optional), unfrozen and optOut', () => {
    expect(parseEventSpec('+1d deceased')).toEqual({ at: '+1d', type: 'deceased' });
    expect(parseEventSpec('+1d frozen moratorium +30d')).toEqual({
      at: '+1d',
      type: 'frozen',
      kind: 'moratorium',
      until: '+30d',
    });
    expect(parseEventSpec('+1d frozen +30d')).toEqual({ at: '+1d', type: 'frozen', until: '+30d' });
    expect(parseEventSpec('+1d frozen')).toEqual({ at: '+1d', type: 'frozen' });
    expect(parseEventSpec('+9d unfrozen')).toEqual({ at: '+9d', type: 'unfrozen' });
    expect(parseEventSpec('+1d optOut sms')).toEqual({ at: '+1d', type: 'optOut', channel: 'sms' });
  });

  it('an opt-out without a channel type is a usage error naming the types', () => {
    expect(() => parseEventSpec('+1d optOut')).toThrow(/optOut needs a channel type/);
    expect(() => parseEventSpec('+1d optOut pigeon')).toThrow(/optOut needs a channel type/);
  });
});
