// The staff console under each corporation's payment host at /console (and /c/<corporation>/console on
// the runtime's own host, for development): OIDC login, search, the debtor page, archived messages,
// actions and the audit log. Only a console session opens it: the ERP's API key does not (ADR 0011).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { createError, type ErrorCode, isOutputstraatError } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { SecretLookup } from '../../platform/secrets.js';
import { archivedContent } from '../archive/index.js';
import type { BundleStore } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { toCsv } from '../forms/index.js';
import { html, type Lang, pickLang, siteOf } from '../web/index.js';
import { addNote, optOut, pauseOrResume, recordArrangement } from './actions.js';
import { audit, readAudit } from './audit.js';
import { debtorPicture } from './debtor-picture.js';
import { sendConsolePage } from './layout.js';
import { finishLogin, IdentityProviders, startLogin } from './oidc-login.js';
import { searchDebtors } from './search.js';
import {
  atLeast,
  createSession,
  csrfMatches,
  endSession,
  type Role,
  readSessionCookie,
  type StaffSession,
  setSessionCookie,
  touchSession,
} from './sessions.js';
import { CONSOLE_TEXTS } from './texts.js';
import { auditView, debtorView, messageView, searchView } from './views.js';

export interface ConsoleDeps {
  db: Database;
  bundles: BundleStore;
  links: LinkTokens;
  secrets: SecretLookup;
  now?: () => Date;
}

interface Ctx {
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORM_BODY_LIMIT = 16 * 1024;
/** A path of this console to return to after login: plain path characters only, never another host. */
const SAFE_RETURN = /^\/[A-Za-z0-9\-._~/?=&%+]{0,500}$/;

class NotServed extends Error {}

function contextOf(request: FastifyRequest, bundles: BundleStore): Ctx {
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

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
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

  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    for (const prefix of ['', '/c/:corporation']) {
      await scope.register(
        async (site) => {
          site.setErrorHandler(async (error, request, reply) => {
            let ctx: Ctx;
            try {
              ctx = contextOf(request, deps.bundles);
            } catch (err) {
              // No console here (or a Host no URL can be made of): the app's answer, JSON on the
              // runtime's host, the debtor pages' error page on a payment host.
              throw err instanceof NotServed ? error : err;
            }
            const ours = isOutputstraatError(error) ? error : undefined;
            const status = ours?.statusCode ?? (error as { statusCode?: number }).statusCode ?? 500;
            if (status >= 500) request.log.warn({ code: ours?.code }, 'console page failed');
            const code: ErrorCode = ours?.code ?? (status < 500 ? 'OST_ERR_VALIDATION' : 'OST_ERR_INTERNAL');
            const client = status >= 400 && status < 500;
            return errorPage(
              reply,
              ctx,
              client ? status : 503,
              code,
              undefined,
              client ? ours?.message : undefined,
            );
          });
          // Everything below is not found where the corporation has no console.
          site.addHook('preHandler', async (request) => {
            try {
              contextOf(request, deps.bundles);
            } catch (err) {
              if (err instanceof NotServed) throw createError('OST_ERR_NOT_FOUND', ['console']);
              throw err;
            }
          });
          routes(site);
        },
        { prefix },
      );
    }
  });

  function routes(site: FastifyInstance): void {
    site.get('/console/login', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const wanted = (request.query as { return?: string }).return ?? ctx.root;
      // Only a path of this console: never an open redirect.
      const returnTo = wanted.startsWith(ctx.root) && SAFE_RETURN.test(wanted) ? wanted : ctx.root;
      const config = await idps.config(ctx.corporation, ctx.console);
      const url = await startLogin(deps.db, config, {
        corporation: ctx.corporation,
        scopes: ctx.console.scopes,
        redirectUri: `${ctx.base}/callback`,
        returnTo,
      });
      return reply.header('cache-control', 'no-store').redirect(url.href, 303);
    });

    site.get('/console/callback', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const config = await idps.config(ctx.corporation, ctx.console);
      const query = new URL(request.url, 'http://x').search;
      const user = await finishLogin(
        deps.db,
        config,
        ctx.console,
        ctx.corporation,
        new URL(`${ctx.base}/callback${query}`),
      );
      const id = await createSession(deps.db, { corporation: ctx.corporation, ...user }, ctx.console);
      const session: StaffSession = {
        corporation: ctx.corporation,
        subject: user.subject,
        name: user.name,
        role: user.role,
        csrf: '',
      };
      await audit(deps.db, session, 'login');
      setSessionCookie(reply, id, ctx.secure);
      return reply.redirect(user.returnTo, 303);
    });

    site.get('/console', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      const q = String((request.query as { q?: unknown }).q ?? '').slice(0, 100);
      let hits: Awaited<ReturnType<typeof searchDebtors>> | undefined;
      if (q) {
        hits = await searchDebtors(deps.db, ctx.corporation, q);
        await audit(deps.db, session, 'search', {}, { hits: hits.length });
      }
      return page(
        reply,
        ctx,
        200,
        CONSOLE_TEXTS[ctx.lang].search,
        searchView(ctx.lang, ctx.root, q, hits),
        session,
      );
    });

    site.get<{ Params: { debtorId: string } }>('/console/debtors/:debtorId', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      const debtorId = request.params.debtorId.slice(0, 100);
      const picture = await debtorPicture(deps.db, ctx.corporation, debtorId);
      if (!picture) {
        await audit(deps.db, session, 'not-found', { id: debtorId });
        return errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
      }
      await audit(deps.db, session, 'view', { ref: picture.ref, id: picture.debtorId });
      const done = (request.query as { done?: string }).done ? CONSOLE_TEXTS[ctx.lang].done : undefined;
      return page(
        reply,
        ctx,
        200,
        picture.contact.name ?? debtorId,
        debtorView(ctx.lang, ctx.root, session, picture, done),
        session,
      );
    });

    site.get<{ Params: { id: string } }>('/console/messages/:id', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      const id = request.params.id;
      const m = UUID.test(id) ? await deps.db.maybeOne(sqlMessage(ctx.corporation, id)) : null;
      if (!m) {
        await audit(deps.db, session, 'not-found', {}, { message: UUID.test(id) ? id : 'malformed' });
        return errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
      }
      await audit(
        deps.db,
        session,
        'view-message',
        { ref: m.debtor_ref as string | null, id: m.debtor_id as string | null },
        { messageId: id },
      );
      const parts = m.parts as string[];
      const textPart = ['sms', 'voice', 'text'].find((p) => parts.includes(p));
      const text = textPart
        ? (await archivedContent(deps.db, deps.links, ctx.corporation, id, textPart as 'sms'))?.body.toString(
            'utf8',
          )
        : undefined;
      return page(
        reply,
        ctx,
        200,
        CONSOLE_TEXTS[ctx.lang].message,
        messageView(ctx.lang, ctx.root, {
          id,
          channelType: m.channel_type as string,
          subject: (m.subject as string | null) ?? null,
          text,
          hasHtml: parts.includes('html'),
          hasPdf: parts.includes('pdf'),
        }),
        session,
      );
    });

    site.get<{ Params: { id: string; part: string } }>(
      '/console/messages/:id/part/:part',
      async (request, reply) => {
        const ctx = contextOf(request, deps.bundles);
        const session = await sessionOf(request, reply, ctx);
        if (!session) return reply;
        const part = request.params.part;
        const content =
          UUID.test(request.params.id) && (part === 'html' || part === 'pdf')
            ? await archivedContent(deps.db, deps.links, ctx.corporation, request.params.id, part)
            : undefined;
        if (!content) return errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
        // The email exactly as sent, in a frame that can run nothing, load nothing remote and submit nothing.
        const policy =
          part === 'html'
            ? "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"
            : "default-src 'none'; sandbox; frame-ancestors 'self'";
        return reply
          .header('content-security-policy', policy)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .header('content-disposition', `inline; filename="${request.params.id}.${part}"`)
          .type(content.contentType)
          .send(part === 'html' ? withoutRemoteImages(content.body.toString('utf8')) : content.body);
      },
    );

    const action = (
      path: string,
      needed: Role,
      what: 'note' | 'arrangement' | 'pause' | 'resume' | 'opt-out',
      run: (
        ctx: Ctx,
        session: StaffSession,
        debtor: { ref: string; id: string },
        form: Record<string, unknown>,
      ) => Promise<unknown>,
    ) =>
      site.post<{ Params: { debtorId: string } }>(
        `/console/debtors/:debtorId/${path}`,
        async (request, reply) => {
          const ctx = contextOf(request, deps.bundles);
          const session = await sessionOf(request, reply, ctx);
          if (!session) return reply;
          const form = (request.body ?? {}) as Record<string, unknown>;
          if (!csrfMatches(session, form._csrf))
            return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_CSRF', session);
          const ref = await deps.db.maybeOneFirst(
            sqlDebtor(ctx.corporation, request.params.debtorId.slice(0, 100)),
          );
          if (!ref) {
            await audit(
              deps.db,
              session,
              'not-found',
              { id: request.params.debtorId.slice(0, 100) },
              { action: what },
            );
            return errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
          }
          const debtor = { ref: ref as string, id: request.params.debtorId };
          if (!atLeast(session.role, needed)) {
            await audit(deps.db, session, 'forbidden', debtor, { action: what });
            return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_FORBIDDEN', session);
          }
          await run(ctx, session, debtor, form);
          await audit(deps.db, session, what, debtor);
          return reply.redirect(
            `${ctx.root}/debtors/${encodeURIComponent(debtor.id)}?done=${what}&lang=${ctx.lang}`,
            303,
          );
        },
      );

    action('notes', 'agent', 'note', (_ctx, s, d, form) => addNote(deps.db, s.corporation, d, s, form));
    action('opt-out', 'agent', 'opt-out', (ctx, _s, d, form) => optOut(deps.db, ctx.corporation, d, form));
    action('pause', 'agent', 'pause', (ctx, _s, d) => pauseOrResume(deps, ctx.corporation, d.ref, 'paused'));
    action('resume', 'agent', 'resume', (ctx, _s, d) => pauseOrResume(deps, ctx.corporation, d.ref, 'open'));
    action('arrangement', 'agent', 'arrangement', (ctx, _s, d, form) =>
      recordArrangement(deps, ctx.corporation, ctx.console, ctx.bundle.corporation.timezone, d, form),
    );

    site.post('/console/logout', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const id = readSessionCookie(request);
      const session = id ? await touchSession(deps.db, id, ctx.corporation) : undefined;
      if (!session || !id) return reply.redirect(`${ctx.root}/login`, 303);
      if (!csrfMatches(session, (request.body as Record<string, unknown> | undefined)?._csrf)) {
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_CSRF', session);
      }
      await endSession(deps.db, id);
      await audit(deps.db, session, 'logout');
      setSessionCookie(reply, undefined, ctx.secure);
      return reply.redirect(`${ctx.root}/logged-out?lang=${ctx.lang}`, 303);
    });

    // Not straight back to login: the IdP's own session would sign the user in again at once.
    site.get('/console/logged-out', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const t = CONSOLE_TEXTS[ctx.lang];
      return page(
        reply,
        ctx,
        200,
        t.loggedOut,
        html`<h1>${t.loggedOut}</h1><section><p><a class="btn" href="${ctx.root}/login?lang=${ctx.lang}">${t.signIn}</a></p></section>`,
      );
    });

    site.get('/console/audit', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      if (!atLeast(session.role, 'admin'))
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_FORBIDDEN', session);
      return page(
        reply,
        ctx,
        200,
        CONSOLE_TEXTS[ctx.lang].audit,
        auditView(ctx.lang, ctx.root, await readAudit(deps.db, ctx.corporation, 500)),
        session,
      );
    });

    site.get('/console/audit.csv', async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      if (!atLeast(session.role, 'admin'))
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_FORBIDDEN', session);
      const rows = await readAudit(deps.db, ctx.corporation, 100_000);
      await audit(deps.db, session, 'audit-export', {}, { rows: rows.length });
      const csv = toCsv(
        ['at', 'actor', 'actorName', 'role', 'action', 'debtorId'],
        rows.map((r) => [r.at, r.actor, r.actorName, r.role, r.action, r.debtorId]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="console-audit.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    });
  }
}

/** One message of this corporation, with its debtor and the names of its archived parts. */
function sqlMessage(corporation: string, id: string) {
  return sql.unsafe`
    SELECT m.channel_type, m.subject, m.debtor_ref, d.debtor_id,
      coalesce((SELECT array_agg(p.part ORDER BY p.part) FROM message_parts p WHERE p.message_id = m.id), '{}') AS parts
    FROM messages m LEFT JOIN debtors d ON d.id = m.debtor_ref
    WHERE m.id = ${id} AND m.corporation = ${corporation}`;
}

function sqlDebtor(corporation: string, debtorId: string) {
  return sql.unsafe`SELECT id FROM debtors WHERE corporation = ${corporation} AND debtor_id = ${debtorId}`;
}

/**
 * The archived email for the console's frame: remote images (the open pixel above all) are not fetched,
 * so a staff member reading it never counts as the tenant opening it; the bytes as sent stay in the
 * archive (GET /v1/messages/{id}/content). Their src is kept as data-remote-src.
 */
export function withoutRemoteImages(htmlText: string): string {
  return htmlText.replace(/(<img\b[^>]*?\s)src\s*=\s*(?!["']?data:)(["']?)/gi, '$1data-remote-src=$2');
}
