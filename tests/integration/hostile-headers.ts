// Headers, query strings and form bodies for the hostile test driver (hostile-generators.ts): API keys
// right, wrong and almost right; Host headers of both corporations, of nobody, malformed or missing;
// X-Forwarded-*, X-Request-Id (a script tag among them), Idempotency-Key valid and not; content types the
// route takes and ones it does not; and form posts no form accepts.
import fc from 'fast-check';
import { binaryText, encodeSegment, headerText, hostileSegment } from './hostile-bodies.js';
import type { HostileContext, Tenant } from './hostile-street.js';

export const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/json;;;',
  'application/vnd.api+json',
];
/**
 * Mostly the route's own content type. Not NDJSON for a JSON body to the intake route: as a line, a body
 * refused only for U+0000 would be taken (text in receivable fields is branch poison's).
 */
export const contentType = (usual: string, ndjson = true) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(usual) },
    fc.constantFrom(...CONTENT_TYPES.filter((t) => ndjson || t !== 'application/x-ndjson')),
    headerText.filter((t) => ndjson || !t.toLowerCase().includes('ndjson')),
  );

export const authFor = (ctx: HostileContext) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(ctx.a, ctx.b)
        .map((t) => ({ header: `Bearer ${t.apiKey}`, owner: t as Tenant | undefined })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(ctx.a, ctx.b)
        .map((t) => ({ header: `bearer \t ${t.apiKey}`, owner: t as Tenant | undefined })),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constant(undefined),
          headerText,
          headerText.map((t) => `Bearer ${t}`),
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            `Basic ${ctx.a.apiKey}`,
            `Bearer ${ctx.a.apiKey} x`,
            `Bearer ${ctx.a.paymentToken}`,
          ),
        )
        .map((header) => ({ header, owner: undefined as Tenant | undefined })),
    },
  );

export const hostFor = (ctx: HostileContext) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<string | null | undefined>(undefined) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(ctx.a.host, ctx.b.host, ctx.a.host.split(':')[0]!.toUpperCase()),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          'unknown.example',
          'bad host',
          'a..b',
          ':80',
          '[::1',
          'x'.repeat(300),
          'é.example',
          '',
          `${ctx.a.host.split(':')[0]}:99999`,
        ),
        headerText,
      ),
    },
    { weight: 1, arbitrary: fc.constant(null) },
  );

export const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
export const extraHeaders = fc.record({
  'x-forwarded-proto': optional(
    fc.oneof(fc.constantFrom('https', 'http', 'javascript', 'https, http', 'HTTP', ''), headerText),
  ),
  'x-forwarded-for': optional(headerText),
  'x-forwarded-host': optional(headerText),
  'x-request-id': optional(fc.oneof(headerText, fc.constant('<script>alert(1)</script>'))),
  'accept-language': optional(headerText),
});
export const idempotencyKey = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{12,40}$/).map((k) => ({ key: k, valid: true })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a b', '', 'x'.repeat(256), 'é').map((k) => ({ key: k, valid: false })),
  },
);
export const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc
    .array(
      fc.tuple(
        fc.constantFrom('after', 'limit', 'type', 'part', 'since', 'lang', 'done', 'm', 'x'),
        fc.oneof(
          hostileSegment,
          binaryText.map(encodeSegment),
          fc.constantFrom('0', '-1', '1001', '99999999999999999999-1', '1-99999999999999999999', 'en', 'eml'),
        ),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

/** Form fields of the contact and meter forms, never valid: the mobile number has a letter in it. */
export const badForm = fc
  .record({
    mobile: binaryText.map((t) => `x${t}`),
    email: binaryText.filter((t) => !t.includes('@')),
    reading: binaryText,
    confirm: binaryText,
  })
  .map((v) => new URLSearchParams(v).toString());
