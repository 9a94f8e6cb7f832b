// Headers for every debtor page: a strict Content-Security-Policy (no script at all, the inline style
// allowed only by its hash, forms only to ourselves and the PSP's checkout), no referrer (the link token
// is in the URL), no caching (the page shows personal data) and no framing.
import type { FastifyReply } from 'fastify';

export interface CspSources {
  styleHash: string;
  /** Origins that may serve images besides ourselves, e.g. the corporation's logo host. */
  imgOrigins?: string[];
  /** Origins a form may submit or redirect to besides ourselves, e.g. the PSP's checkout. */
  formOrigins?: string[];
}

export function contentSecurityPolicy(sources: CspSources): string {
  return [
    "default-src 'none'",
    `style-src ${sources.styleHash}`,
    ["img-src 'self' data:", ...(sources.imgOrigins ?? [])].join(' '),
    ["form-action 'self'", ...(sources.formOrigins ?? [])].join(' '),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function setPageHeaders(reply: FastifyReply, sources: CspSources): FastifyReply {
  return reply
    .header('content-security-policy', contentSecurityPolicy(sources))
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}

/** The origin of an https URL, for a CSP source list; undefined for anything else. */
export function httpsOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}
