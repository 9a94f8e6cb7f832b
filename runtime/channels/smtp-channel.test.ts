// The email adapter's own guard: a message stored without its bodies (runtime/dispatch/record-message.ts,
// withoutArchivedBodies) is resent only from its archived bytes.
import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { LinkTokens } from '../dossiers/index.js';
import { SmtpChannel } from './smtp-channel.js';

describe('an email stored without its bodies', () => {
  it('a resend whose eml part is gone fails naming the part, instead of mailing it empty', async () => {
    const channel = new SmtpChannel({ links: LinkTokens.fromSecret('x'.repeat(32)) });
    const message = {
      id: '0195c3a0-1111-7000-8000-000000000001',
      bundle: {
        corporation: { id: 'woonstad-noord', sender: { name: 'Woonstad', email: 'info@example.org' } },
      },
      channel: { name: 'email', spec: { type: 'email', provider: 'smtp' } },
      content: { template: 'reminder', channelType: 'email', locale: 'nl', subject: 'Herinnering' },
      recipient: 'huurder@example.org',
      firstSend: false,
    };
    const failure = await channel.send(message as never).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isOutputstraatError(failure) && failure.code).toBe('OST_ERR_ARCHIVE_PART_MISSING');
    expect(String((failure as Error).message)).toContain(`message ${message.id}`);
    expect(String((failure as Error).message)).toContain('its eml part is not there');
  });
});
