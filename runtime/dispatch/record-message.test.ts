import { describe, expect, it } from 'vitest';
import type { ComposedMessage } from '../../core/messages/index.js';
import { withoutArchivedBodies } from './record-message.js';

const email: ComposedMessage = {
  template: 'reminder',
  channelType: 'email',
  locale: 'nl',
  subject: 'Herinnering',
  html: '<p>Beste huurder</p>',
  text: 'Beste huurder',
};

describe('the content stored beside archived bytes', () => {
  it("an email's HTML and text are left out (its eml part holds them); the rest is kept", () => {
    expect(withoutArchivedBodies(email)).toEqual({
      template: 'reminder',
      channelType: 'email',
      locale: 'nl',
      subject: 'Herinnering',
    });
    // The message handed to the relay keeps its bodies: only the stored copy is shortened.
    expect(email.html).toBe('<p>Beste huurder</p>');
  });

  it('other channel types keep their content whole (their adapters render again from it)', () => {
    const sms: ComposedMessage = { template: 'sms', channelType: 'sms', locale: 'nl', sms: 'Betaal nu' };
    expect(withoutArchivedBodies(sms)).toBe(sms);
  });
});
