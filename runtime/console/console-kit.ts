// What every console route needs: which corporation's console a request is for (its host or the
// development prefix), the staff session behind the cookie (or a redirect to login), and the console's
// page and error page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { ErrorCode } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { SecretLookup } from '../../platform/secrets.js';
import type { BundleStore } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { html, type Lang, pickLang, siteOf } from '../web/index.js';
import { sendConsolePage } from './layout.js';
import { IdentityProviders } from './oidc-login.js';
import { readSessionCookie, type StaffSession, touchSession } from './sessions.js';
import { CONSOLE_TEXTS } from './texts.js';

export interface ConsoleDeps {
  db: Database;
  bundles: BundleStore;
  links: LinkTokens;
  secrets: SecretLookup;
  now?: () => Date;
}

export interface Ctx {
  bundle: ConfigBundle;
  console: NonNullable<ConfigBundle['corporation']['console']>;
  corporation: string;
  /** '/console' or '/c/<corporation>/console'. */
  root: string;
  /** Absolute URL of root. */
  base: string;
  secure: boolean;
  lang: Lang;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const FORM_BODY_LIMIT = 16 * 1024;
/** A path of this console to return to after login: plain path characters only, never another host. */
export const SAFE_RETURN = /^\/[A-Za-z0-9\-._~/?=&%+]{0,500}$/;

export class NotServed extends Error {}

export function contextOf(request: FastifyRequest, bundles: BundleStore): Ctx {
  const site = siteOf(request, bundles);
  const corporation = site?.corporation;
  const bundle = corporation ? bundles.get(corporation) : undefined;
  const console = bundle?.corporation.console;
  if (!site || !corporation || !bundle || !console) throw new NotServed();
  const base = `${site.base}/console`;
  const root = new URL(base).pathname;
  const query = request.query as { lang?: string };
  const lang = pickLang(query.lang, request.headers['accept-language'], undefined, bundle.corporation.locale);
  return { bundle, console, corporation, root, base, secure: base.startsWith('https:'), lang };
}

export function consoleKit(deps: ConsoleDeps) {
  const idps = new IdentityProviders(deps.secrets);

  const page = (
    reply: FastifyReply,
    ctx: Ctx,
    status: number,
    title: string,
    body: ReturnType<typeof html>,
    session?: StaffSession,
  ) =>
    sendConsolePage(reply, status, {
      lang: ctx.lang,
      title,
      body,
      bundle: ctx.bundle,
      root: ctx.root,
      session,
    });

  const errorPage = (
    reply: FastifyReply,
    ctx: Ctx,
    status: number,
    code: ErrorCode,
    session?: StaffSession,
    /** The registry's message of a 4xx (it names the field). */
    detail?: string,
  ) => {
    const t = CONSOLE_TEXTS[ctx.lang];
    const title = status === 404 ? t.notFound : status === 403 ? t.forbidden : t.refused;
    return page(
      reply,
      ctx,
      status,
      title,
      html`<h1>${title}</h1><section><p>${code}</p>${detail ? html`<p>${detail}</p>` : ''}<p><a href="${ctx.root}?lang=${ctx.lang}">${t.back}</a></p></section>`,
      session,
    );
  };

  /** The session, or a redirect to login (answered here; undefined then). */
  async function sessionOf(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: Ctx,
  ): Promise<StaffSession | undefined> {
    const id = readSessionCookie(request);
    const session = id ? await touchSession(deps.db, id, ctx.corporation) : undefined;
    if (session) return session;
    const back = request.method === 'GET' ? request.url : ctx.root;
    reply.redirect(`${ctx.root}/login?return=${encodeURIComponent(back)}`, 303);
    return undefined;
  }

  return { idps, page, errorPage, sessionOf };
}

export type ConsoleKit = ReturnType<typeof consoleKit>;

/** The row id of a debtor of this corporation. */
export function sqlDebtor(corporation: string, debtorId: string) {
  return sql.unsafe`SELECT id FROM debtors WHERE corporation = ${corporation} AND debtor_id = ${debtorId}`;
}
