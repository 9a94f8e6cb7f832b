// Which corporation a debtor page belongs to, and whether a link token may be used there. A page is
// served under the corporation's own payment host (the Host header picks the corporation); on the
// runtime's own host, `/c/<corporation>/…` does the same for development, and plain `/p/<token>` serves
// the corporations that have no payment host (their links point at the runtime's public URL).
import type { FastifyRequest } from 'fastify';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { tokenHash } from '../dossiers/index.js';
import { type Lang, pickLang } from './i18n.js';
import { type ReceivableForPage, receivableForPage } from './receivable-view.js';

export interface PageSite {
  /** The corporation the host or path binds to; undefined on the shared host without a prefix. */
  corporation: string | undefined;
  /** Absolute URL this site's pages live under (scheme, host and any `/c/<corporation>` prefix). */
  base: string;
}

export type LinkPurpose = 'payment' | 'contact' | 'meter';

export interface LinkRow {
  id: string;
  /** The token as the request presented it (the database holds only its hash); never log it. */
  token: string;
  corporation: string;
  receivable_id: string;
  purpose: string;
  closed: boolean;
  /** Spent by a form submission (a contact link closes once used). */
  used: boolean;
}

export interface OpenLink {
  link: LinkRow;
  bundle: ConfigBundle;
}

/** Link tokens are 18 bytes in base64url (24 characters); anything far from that is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

export function isTokenShaped(token: string): boolean {
  return TOKEN.test(token);
}

function hostOf(request: FastifyRequest): string {
  return (request.headers.host ?? '').toLowerCase();
}

function corporationForHost(bundles: BundleStore, host: string): string | undefined {
  return bundles.corporationForHost(host) ?? bundles.corporationForHost(host.replace(/:\d+$/, ''));
}

/** undefined when the request may not be served at all (an unknown corporation in the dev prefix). */
export function siteOf(request: FastifyRequest, bundles: BundleStore): PageSite | undefined {
  const host = hostOf(request);
  const forwarded = request.headers['x-forwarded-proto'];
  const proto =
    (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || request.protocol;
  const onHost = corporationForHost(bundles, host);
  const prefixed = (request.params as { corporation?: string }).corporation;
  if (prefixed !== undefined) {
    // The development prefix lives on the runtime's own host only: one address per page on a payment host.
    if (onHost || !bundles.get(prefixed)) return undefined;
    return { corporation: prefixed, base: `${proto}://${host}/c/${encodeURIComponent(prefixed)}` };
  }
  return { corporation: onHost, base: `${proto}://${host}` };
}

/**
 * The link behind a token when it may be used on this site for this purpose: it exists, has not expired,
 * belongs to the site's corporation and was made for this purpose. The lookup is by the token's SHA-256.
 * Closed links are returned with `closed` set: a payment page still says "already paid" for them, a used
 * contact link says its details were received.
 */
export async function findLink(
  db: Database,
  bundles: BundleStore,
  site: PageSite,
  token: string,
  purpose: LinkPurpose | readonly LinkPurpose[],
): Promise<OpenLink | undefined> {
  if (!isTokenShaped(token)) return undefined;
  const row = await db.maybeOne(sql.unsafe`
    SELECT id, corporation, receivable_id, purpose, closed_at IS NOT NULL AS closed, used_at IS NOT NULL AS used
    FROM links WHERE token_sha256 = ${sql.binary(tokenHash(token))} AND expires_at > now()`);
  if (!row) return undefined;
  const link = { ...(row as unknown as Omit<LinkRow, 'token'>), token };
  const purposes: readonly string[] = typeof purpose === 'string' ? [purpose] : purpose;
  if (!purposes.includes(link.purpose)) return undefined;
  const bundle = bundles.get(link.corporation);
  if (!bundle) return undefined;
  if (
    site.corporation !== undefined ? site.corporation !== link.corporation : bundle.corporation.paymentHost
  ) {
    return undefined;
  }
  return { link, bundle };
}

/** A token page opened on this site: the link, its receivable, the page language and the site's path. */
export interface LinkPage extends OpenLink {
  site: PageSite;
  receivable: ReceivableForPage;
  lang: Lang;
  /** Path under which this site's pages live: '' or '/c/<corporation>'. */
  path: string;
}

/** Resolves what every token page needs; undefined means the plain 404 page. */
export async function openLinkPage(
  deps: { db: Database; bundles: BundleStore },
  request: FastifyRequest<{ Params: { token: string }; Querystring: { lang?: string } }>,
  purpose: LinkPurpose | readonly LinkPurpose[],
): Promise<LinkPage | undefined> {
  const site = siteOf(request, deps.bundles);
  if (!site) return undefined;
  const found = await findLink(deps.db, deps.bundles, site, request.params.token, purpose);
  if (!found) return undefined;
  const receivable = await receivableForPage(deps.db, found.link.corporation, found.link.receivable_id);
  if (!receivable) return undefined;
  const lang = pickLang(
    request.query.lang,
    request.headers['accept-language'],
    receivable.debtorLocale,
    found.bundle.corporation.locale,
  );
  return { ...found, site, receivable, lang, path: new URL(site.base).pathname.replace(/\/$/, '') };
}
