// A local HTTP server that speaks the part of Twilio's REST API the street uses — Messages and Calls
// create under /2010-04-01/Accounts/{AccountSid}/ with HTTP Basic auth, form-encoded requests and JSON
// answers shaped like Twilio's — and records every request byte for byte. It can also play Twilio's side
// of a callback: a POST signed with X-Twilio-Signature (HMAC-SHA1 over URL + sorted parameters, base64),
// computed here independently of the SDK.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The request body exactly as received. */
  raw: string;
  params: Record<string, string>;
  kind: 'message' | 'call' | 'other';
  /** The SID this server answered with. */
  sid?: string;
}

export interface TestTwilioServer {
  url: string;
  accountSid: string;
  authToken: string;
  requests: TwilioRequest[];
  waitFor(kind: 'message' | 'call', n: number, timeoutMs?: number): Promise<TwilioRequest[]>;
  /** POSTs `params` form-encoded to `target`, signed as Twilio would sign a callback to `signedUrl`. */
  callback(
    target: string,
    signedUrl: string,
    params: Record<string, string>,
    options?: { authToken?: string; signature?: string },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

export async function startTwilioServer(
  accountSid = `AC${randomBytes(16).toString('hex')}`,
  authToken = randomBytes(16).toString('hex'),
): Promise<TestTwilioServer> {
  const requests: TwilioRequest[] = [];
  const waiters = new Set<() => void>();
  const prefix = `/2010-04-01/Accounts/${accountSid}/`;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const params = Object.fromEntries(new URLSearchParams(raw));
      const kind =
        path === `${prefix}Messages.json` ? 'message' : path === `${prefix}Calls.json` ? 'call' : 'other';
      const record: TwilioRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        raw,
        params,
        kind,
      };
      requests.push(record);
      const wake = () => {
        for (const w of waiters) w();
      };
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        twilioError(res, 401, 20003, 'Authenticate');
        return wake();
      }
      if (req.method !== 'POST' || kind === 'other') {
        twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
        return wake();
      }
      if (!params.To) {
        twilioError(res, 400, 21604, "A 'To' phone number is required.");
        return wake();
      }
      const now = rfc2822(new Date());
      const common = {
        account_sid: accountSid,
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        to: params.To,
      };
      let body: Record<string, unknown>;
      if (kind === 'message') {
        record.sid = sid('SM');
        body = {
          ...common,
          sid: record.sid,
          body: params.Body ?? '',
          date_sent: null,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: params.From ?? null,
          messaging_service_sid: params.MessagingServiceSid ?? null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          status: params.MessagingServiceSid ? 'accepted' : 'queued',
          subresource_uris: { media: `${prefix}Messages/${record.sid}/Media.json` },
          uri: `${prefix}Messages/${record.sid}.json`,
        };
      } else {
        record.sid = sid('CA');
        body = {
          ...common,
          sid: record.sid,
          from: params.From,
          from_formatted: params.From,
          to_formatted: params.To,
          status: 'queued',
          direction: 'outbound-api',
          parent_call_sid: null,
          phone_number_sid: null,
          price: null,
          price_unit: 'USD',
          start_time: null,
          end_time: null,
          duration: null,
          uri: `${prefix}Calls/${record.sid}.json`,
          subresource_uris: {},
        };
      }
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
      wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    waitFor(kind, n, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.filter((r) => r.kind === kind && r.sid);
          if (found.length < n) return;
          finish();
          resolve(found.slice(0, n));
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(`Twilio server got ${requests.filter((r) => r.kind === kind).length} of ${n} ${kind}s`),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    callback(target, signedUrl, params, options = {}) {
      const signature =
        options.signature ?? twilioSignature(options.authToken ?? authToken, signedUrl, params);
      return fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(params).toString(),
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
