// The street of the reply suites (replies-sms.test.ts, replies-email.test.ts): the channel street with the
// base street's reply rules, the reply SMTP endpoint on a free port (reply domain replies.street.test, a small
// size limit) and a second corporation ("reply-zuid") with its own Twilio Messaging Service and auth token,
// so a suite can show that a reply reaches only the corporation that owns the number. Inbound SMS are
// signed with the official twilio SDK (getExpectedTwilioSignature), as Twilio signs them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import { expect } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { freePort } from '../support/free-port.js';
import { eventually } from '../support/street.js';
import { type ChannelStreet, MESSAGING_SERVICE, startChannelStreet } from './channels-fixture.js';

export const REPLY_DOMAIN = 'replies.street.test';
export const MAX_BYTES = 64 * 1024;
export const ZUID = { id: 'reply-zuid', key: 'reply-zuid-erp-key', service: `MG${'7'.repeat(32)}` };
export const ZUID_TOKEN = randomBytes(16).toString('hex');

const zuid = `apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${ZUID.id}, namespace: ${ZUID.id} }
spec:
  displayName: Reply Zuid
  base: outputstraat-base
  senderDomains: [reply-zuid.example]
  sender: { email: noreply@reply-zuid.example }
  ingress: { apiKeySecretRef: { name: erp-api-key } }
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${ZUID.id} }
type: Opaque
stringData: { api-key: ${ZUID.key} }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms, namespace: ${ZUID.id} }
spec:
  type: sms
  provider: twilio
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { messagingServiceSid: ${ZUID.service} }
`;

const env: Record<string, string> = {
  OST_REPLY_DOMAIN: REPLY_DOMAIN,
  OST_REPLY_SMTP_HOST: '127.0.0.1',
  OST_REPLY_SMTP_MAX_BYTES: String(MAX_BYTES),
  OST_REPLY_SMTP_SOCKET_TIMEOUT_MS: '5000',
  OST_SECRET_REPLY_ZUID__TWILIO_CREDENTIALS__accountSid: `AC${'1'.repeat(32)}`,
  OST_SECRET_REPLY_ZUID__TWILIO_CREDENTIALS__authToken: ZUID_TOKEN,
};

export interface ReplyStreet {
  cs: ChannelStreet;
  /** The reply SMTP endpoint's port. */
  replyPort: number;
  stop(): Promise<void>;
}

/** The street, with the reply rules and the second corporation loaded; `extra`: more resource files. */
export async function startReplyStreet(
  extra: Record<string, string> = {},
  options: { clock?: () => Date } = {},
): Promise<ReplyStreet> {
  const replyPort = await freePort();
  Object.assign(process.env, env, { OST_REPLY_SMTP_PORT: String(replyPort) });
  const cs = await startChannelStreet(
    {
      'replies.yaml': readFileSync('flows/classification/replies.yaml', 'utf8'),
      'zuid.yaml': zuid,
      ...extra,
    },
    options,
  );
  await eventually(async () => cs.street.runtimes[0]!.bundles.get(ZUID.id), 10_000, 'the second corporation');
  await eventually(
    async () => cs.street.runtimes[0]!.bundles.get('woonstad-noord')?.replies?.rules.length || undefined,
    10_000,
    'the reply rules in the bundle',
  );
  return {
    cs,
    replyPort,
    async stop() {
      await cs.stop();
      for (const key of [...Object.keys(env), 'OST_REPLY_SMTP_PORT']) delete process.env[key];
    },
  };
}

export const INBOUND = '/v1/providers/twilio/inbound';
/** A debtor id and a mobile number of their own for each test. */
export const debtorId = () => `D-REPLY-${randomBytes(4).toString('hex')}`;
export const phone = () => `+316${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;

/** Helpers over a running reply street. */
export function replyHelpers(street: { cs: ChannelStreet }) {
  const api = (method: string, path: string, body?: unknown, key = 'demo-woonstad-noord-key') =>
    fetch(`${street.cs.runtimeUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** An inbound SMS as Twilio posts it, signed with the official SDK for the given auth token. */
  async function inboundSms(
    fields: { From: string; Body: string; MessageSid?: string; MessagingServiceSid?: string; To?: string },
    authToken = street.cs.twilio.authToken,
  ): Promise<Response> {
    const params: Record<string, string> = {
      AccountSid: street.cs.twilio.accountSid,
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      MessagingServiceSid: MESSAGING_SERVICE,
      To: '+3197010203040',
      NumMedia: '0',
      ...fields,
    };
    const signature = twilio.getExpectedTwilioSignature(
      authToken,
      `${street.cs.publicUrl}${INBOUND}`,
      params,
    );
    return fetch(`${street.cs.runtimeUrl}${INBOUND}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
  }

  async function post(r: { externalId: string }, key = 'demo-woonstad-noord-key') {
    expect((await api('POST', '/v1/receivables', r, key)).status).toBe(202);
  }

  const replyCount = async () =>
    Number(await street.cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM replies`));

  async function feed(
    types: string,
  ): Promise<{ type: string; externalId: string | null; data: Record<string, unknown> }[]> {
    const res = await api('GET', `/v1/events?type=${types}&limit=1000`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { events: never[] }).events;
  }

  return { api, inboundSms, post, replyCount, feed };
}
