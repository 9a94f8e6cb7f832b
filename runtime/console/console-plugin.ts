// The staff console under each corporation's payment host at /console (and /c/<corporation>/console on
// the runtime's own host, for development): OIDC login, search, the debtor page, archived messages,
// actions and the audit log. Only a console session opens it: the ERP's API key does not (ADR 0011).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createError, type ErrorCode, isOutputstraatError } from '../../core/errors/index.js';
import type { FieldError } from '../../core/receivable/index.js';
import { toCsv } from '../forms/index.js';
import { addNote, optOut, pauseOrResume, recordArrangement } from './actions.js';
import { type AuditAction, audit, readAudit } from './audit.js';
import {
  type ConsoleDeps,
  type Ctx,
  consoleKit,
  contextOf,
  FORM_BODY_LIMIT,
  NotServed,
  sqlDebtor,
} from './console-kit.js';
import { changeStatus } from './debtor-extras.js';
import { sendDebtorPage } from './debtor-page.js';
import { registerLoginRoutes } from './login-routes.js';
import { registerMessageRoutes } from './message-routes.js';
import { registerOverviewRoutes } from './overview-routes.js';
import { paperContactUpdate, paperMeterReading } from './paper-entry.js';
import { promiseFormValues, recordPromise } from './record-promise.js';
import { resendPaymentLink } from './resend-link.js';
import { searchDebtors } from './search.js';
import { atLeast, csrfMatches, type Role, type StaffSession } from './sessions.js';
import { registerTaskRoutes } from './task-routes.js';
import { CONSOLE_TEXTS } from './texts.js';
import { auditView, searchView } from './views.js';

export type { ConsoleDeps } from './console-kit.js';
export { withoutRemoteImages } from './message-routes.js';

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const kit = consoleKit(deps);
  const { page, errorPage, sessionOf } = kit;

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
    registerLoginRoutes(site, deps, kit);
    registerMessageRoutes(site, deps, kit);
    registerOverviewRoutes(site, deps, kit);
    registerTaskRoutes(site, deps, kit);
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
      const done = (request.query as { done?: string }).done;
      return sendDebtorPage(deps, kit, reply, ctx, session, request.params.debtorId.slice(0, 100), { done });
    });

    const action = (
      path: string,
      needed: Role,
      what: AuditAction,
      run: (
        ctx: Ctx,
        session: StaffSession,
        debtor: { ref: string; id: string },
        form: Record<string, unknown>,
      ) => Promise<unknown>,
      /** A refused form (400) answered with the page and its field errors instead of the error page. */
      refused?: (
        reply: FastifyReply,
        ctx: Ctx,
        session: StaffSession,
        debtor: { ref: string; id: string },
        form: Record<string, unknown>,
        errors: FieldError[],
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
          try {
            await run(ctx, session, debtor, form);
          } catch (err) {
            const ours = isOutputstraatError(err) ? err : undefined;
            const errors = ours?.code === 'OST_ERR_VALIDATION' ? ours.details?.errors : undefined;
            if (!refused || !Array.isArray(errors)) throw err;
            return refused(reply, ctx, session, debtor, form, errors as FieldError[]);
          }
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
    action(
      'promise',
      'agent',
      'promise',
      (ctx, _s, d, form) => recordPromise(deps, ctx, d, form),
      (reply, ctx, session, d, form, errors) =>
        sendDebtorPage(deps, kit, reply, ctx, session, d.id, {
          status: 400,
          promise: { values: promiseFormValues(form), errors },
        }),
    );
    action('status', 'agent', 'status', (ctx, _s, d, form) =>
      changeStatus(deps, ctx.corporation, d.id, form),
    );
    action('resend', 'agent', 'resend', (ctx, _s, d, form) =>
      resendPaymentLink(deps, ctx.corporation, d.ref, form),
    );

    action('meter-reading', 'agent', 'meter-reading', (ctx, _s, d, form) =>
      paperMeterReading(deps, ctx, d, form),
    );
    action('contact-update', 'agent', 'contact-update', (ctx, _s, d, form) =>
      paperContactUpdate(deps, ctx, d, form),
    );

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
