// Signing in and out: the OIDC login and its callback (a session and its cookie), logout (the session
// deleted) and the page after it.
import type { FastifyInstance } from 'fastify';
import { html } from '../web/index.js';
import { audit } from './audit.js';
import { type ConsoleDeps, type ConsoleKit, contextOf, SAFE_RETURN } from './console-kit.js';
import { finishLogin, startLogin } from './oidc-login.js';
import {
  createSession,
  csrfMatches,
  endSession,
  readSessionCookie,
  type StaffSession,
  setSessionCookie,
  touchSession,
} from './sessions.js';
import { CONSOLE_TEXTS } from './texts.js';

export function registerLoginRoutes(site: FastifyInstance, deps: ConsoleDeps, kit: ConsoleKit): void {
  const { idps, page, errorPage } = kit;
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
}
