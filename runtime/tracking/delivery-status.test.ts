import { describe, expect, it } from 'vitest';
import { parseDeliveryReport } from './delivery-status.js';

const id = '5b0e2c1a-9f3d-4e8b-a1c2-3d4e5f607182';

function dsn(action: string, returned: string, returnedType = 'text/rfc822-headers', encoding?: string) {
  const body = encoding === 'base64' ? Buffer.from(returned).toString('base64') : returned;
  return [
    'From: MAILER-DAEMON@mx.example',
    'Content-Type: multipart/report; report-type="delivery-status";',
    ' boundary="==b=="',
    '',
    '--==b==',
    'Content-Type: text/plain',
    '',
    'Sorry.',
    '--==b==',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    '',
    'Final-Recipient: rfc822; someone@example.org',
    `Action: ${action}`,
    'Status: 5.2.2',
    'Diagnostic-Code: smtp; 552 5.2.2 <someone@example.org> mailbox',
    '  full',
    '',
    '--==b==',
    `Content-Type: ${returnedType}`,
    ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []),
    '',
    body,
    '--==b==--',
    '',
  ].join('\r\n');
}

describe('parseDeliveryReport', () => {
  it('finds our message by X-Outputstraat-Message-Id in the returned headers', async () => {
    const report = await parseDeliveryReport(dsn('failed', `X-Outputstraat-Message-ID: ${id}\r\nSubject: x`));
    expect(report).toEqual({
      messageId: id,
      action: 'failed',
      status: '5.2.2',
      diagnostic: 'smtp; 552 5.2.2 <(address)> mailbox full',
    });
  });

  it('finds it by the Message-ID we derived from our id, also in a base64 message/rfc822 part', async () => {
    const returned = `Message-ID: <${id}@woonstad.example>\r\nSubject: x\r\n\r\nbody`;
    expect((await parseDeliveryReport(dsn('delivered', returned, 'message/rfc822', 'base64')))?.action).toBe(
      'delivered',
    );
    expect((await parseDeliveryReport(dsn('delayed', returned)))?.action).toBe('delayed');
  });

  it('ignores mail that is not a delivery report, or not about one of our messages', async () => {
    expect(await parseDeliveryReport('From: a@b\r\nContent-Type: text/plain\r\n\r\nhello')).toBeUndefined();
    expect(await parseDeliveryReport(dsn('failed', 'Message-ID: <other@example>'))).toBeUndefined();
  });
});
