// Twilio REST clients from the official SDK, one per account. For development and tests the SDK is pointed
// at another origin (OST_TWILIO_API_BASE) through its documented extension point, a custom `httpClient`:
// a subclass of the SDK's own RequestClient that only swaps the origin, so authentication, form encoding
// and headers stay exactly what the SDK sends to Twilio.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

class OriginRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    super({ keepAlive: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.origin}${uri.pathname}${uri.search}` });
  }
}

export type TwilioClient = twilio.Twilio;

export class TwilioClients {
  private readonly clients = new Map<string, TwilioClient>();

  constructor(private readonly apiBase: string | undefined) {}

  client(accountSid: string, authToken: string): TwilioClient {
    const key = `${accountSid}:${authToken}`;
    let client = this.clients.get(key);
    if (!client) {
      client = twilio(accountSid, authToken, {
        ...(this.apiBase ? { httpClient: new OriginRequestClient(this.apiBase) } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
