// Adds tracking to an email's HTML: every http(s) link of an <a> (the payment link too) becomes a signed
// redirect through /t/c/<token>, and a 1x1 pixel /t/o/<token> goes just before </body>. Other links
// (mailto:, tel:) and the plain-text part are left alone.
import { signTrackingToken } from './tracking-token.js';

export interface TrackHtmlOptions {
  messageId: string;
  secret: string;
  /** Origin the debtor's browser reaches the runtime at: the corporation's payment host or PUBLIC_URL. */
  baseUrl: string;
  expiresAt: Date;
}

const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gis;

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function clickUrl(options: TrackHtmlOptions, target: string): string {
  const token = signTrackingToken(options.secret, {
    messageId: options.messageId,
    kind: 'click',
    target,
    expiresAt: options.expiresAt,
  });
  return `${options.baseUrl}/t/c/${token}`;
}

export function openPixelUrl(options: TrackHtmlOptions): string {
  const token = signTrackingToken(options.secret, {
    messageId: options.messageId,
    kind: 'open',
    target: '',
    expiresAt: options.expiresAt,
  });
  return `${options.baseUrl}/t/o/${token}`;
}

export function trackHtml(html: string, options: TrackHtmlOptions): string {
  const linked = html.replace(ANCHOR_HREF, (whole, head: string, quote: string, href: string) => {
    const target = decodeEntities(href.trim());
    if (!/^https?:\/\//i.test(target)) return whole;
    return `${head}${quote}${clickUrl(options, target)}${quote}`;
  });
  const pixel = `<img src="${openPixelUrl(options)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
  const close = linked.search(/<\/body\s*>/i);
  return close === -1 ? `${linked}${pixel}` : `${linked.slice(0, close)}${pixel}${linked.slice(close)}`;
}
