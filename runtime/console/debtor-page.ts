// The debtor page as one answer (GET /console/debtors/:debtorId, and a refused promise form that comes
// back with its field errors): the picture, timeline, extras, the actions and the agents' extra forms.
import type { FastifyReply } from 'fastify';
import { html } from '../web/index.js';
import { audit } from './audit.js';
import type { ConsoleDeps, ConsoleKit, Ctx } from './console-kit.js';
import { debtorTimeline } from './debtor-extras.js';
import { extrasView } from './debtor-extras-view.js';
import { debtorPicture } from './debtor-picture.js';
import { paperEntryView } from './overview-views.js';
import { type PromiseFormState, promiseView } from './promise-view.js';
import { promiseTargets } from './record-promise.js';
import type { StaffSession } from './sessions.js';
import { TASK_TEXTS } from './task-texts.js';
import { CONSOLE_TEXTS } from './texts.js';
import { debtorView } from './views.js';

export async function sendDebtorPage(
  deps: ConsoleDeps,
  kit: ConsoleKit,
  reply: FastifyReply,
  ctx: Ctx,
  session: StaffSession,
  debtorId: string,
  options: { status?: number; done?: string | undefined; promise?: PromiseFormState } = {},
) {
  const picture = await debtorPicture(deps.db, ctx.corporation, debtorId);
  if (!picture) {
    await audit(deps.db, session, 'not-found', { id: debtorId });
    return kit.errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
  }
  await audit(deps.db, session, 'view', { ref: picture.ref, id: picture.debtorId });
  const what = options.done;
  // A link sent again is only queued: the timeline tells what happened to it.
  const done = what
    ? what === 'resend'
      ? TASK_TEXTS[ctx.lang].resendQueued
      : CONSOLE_TEXTS[ctx.lang].done
    : undefined;
  const [timeline, targets] = await Promise.all([
    debtorTimeline(deps.db, ctx.corporation, picture.ref),
    promiseTargets(deps.db, ctx.corporation, picture.ref),
  ]);
  const extras = extrasView(ctx.lang, ctx.root, session, picture, timeline);
  const base = `${ctx.root}/debtors/${encodeURIComponent(picture.debtorId)}`;
  const now = deps.now?.() ?? new Date();
  return kit.page(
    reply,
    ctx,
    options.status ?? 200,
    picture.contact.name ?? debtorId,
    debtorView(
      ctx.lang,
      ctx.root,
      session,
      picture,
      done,
      extras,
      html`${promiseView(ctx, base, session, targets, now, options.promise)}${paperEntryView(ctx.lang, base, session, picture)}`,
    ),
    session,
  );
}
