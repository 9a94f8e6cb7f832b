// The tenant's own arrangement (docs/pages.md "Pay in instalments"): GET /p/<token>/terms offers the
// plans within the corporation's limits (spec.collections.arrangements.tenant) and a payment date
// (spec.collections.promises); POST /p/<token>/terms records the chosen plan and sends the tenant to the
// PSP for the first instalment; POST /p/<token>/terms/pay pays the next one; POST /p/<token>/promise
// records a promise to pay. A choice outside the limits is a 400 page naming the field, and nothing
// changes; any token trouble is the plain 404, as on the payment page.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addLocalDays, localDateKey, parseLocalDate } from '../../core/calendar/index.js';
import {
  type ArrangementPlan,
  tenantLimits,
  tenantPlanOffers,
  validateArrangement,
} from '../../core/law/index.js';
import { checkPromise } from '../dossiers/index.js';
import { type PspDeps, startPayment } from '../payments/index.js';
import { type LinkPage, notFound, openLinkPage, sendPage } from '../web/index.js';
import { choosePage, type PromiseForm, planPage, promiseDonePage, termsLink } from './arrangement-views.js';
import { dossierOf, planView, recordTenantPlan, todayKey } from './tenant-plans.js';

type TokenRequest = FastifyRequest<{
  Params: { token: string; corporation?: string };
  Querystring: { lang?: string };
  Body: Record<string, string> | undefined;
}>;

const open = (x: LinkPage) =>
  !x.link.closed && x.receivable.status === 'open' && x.receivable.balanceMinor > 0;

interface Choices {
  plans: ArrangementPlan[];
  promise?: Omit<PromiseForm, 'action' | 'value' | 'error'>;
}

/** What this tenant may choose now: plans within the limits, and a date range for a promise. */
async function choicesFor(deps: PspDeps, x: LinkPage): Promise<Choices | undefined> {
  const dossier = await dossierOf(deps.db, x.link.receivable_id);
  if (!dossier || dossier.arrangement || !open(x)) return undefined;
  const c = x.bundle.corporation;
  const today = parseLocalDate(todayKey(c, deps.now?.() ?? new Date()))!;
  const policy = c.arrangements?.tenant;
  const offers = policy
    ? tenantPlanOffers(policy, x.receivable.balanceMinor, dossier.classification, today)
    : undefined;
  const plans = offers?.eligible ? offers.plans : [];
  const promise = c.promises?.tenant
    ? { min: localDateKey(today), max: localDateKey(addLocalDays(today, c.promises.maxDaysAhead)) }
    : undefined;
  if (plans.length === 0 && !promise) return undefined;
  return { plans, ...(promise ? { promise } : {}) };
}

/** The link under the payment page's button, when the tenant has something to choose. */
export async function termsLinkFor(deps: PspDeps, x: LinkPage) {
  if (!deps.psp.configured(x.link.corporation)) return undefined;
  const dossier = await dossierOf(deps.db, x.link.receivable_id);
  if (dossier?.arrangement) return termsLink(`${x.path}/p/${x.link.token}/terms?lang=${x.lang}`, x.lang);
  return (await choicesFor(deps, x))
    ? termsLink(`${x.path}/p/${x.link.token}/terms?lang=${x.lang}`, x.lang)
    : undefined;
}

export function registerArrangementRoutes(app: FastifyInstance, deps: PspDeps): void {
  const checkout = deps.psp.checkoutOrigins;
  const base = (x: LinkPage) => `${x.path}/p/${x.link.token}`;
  const q = (x: LinkPage) => `?lang=${x.lang}`;

  const chooser = (x: LinkPage, choices: Choices, errors: { terms?: boolean; date?: string } = {}) =>
    choosePage(x.bundle, x.lang, x.receivable, {
      plans: choices.plans,
      ...(choices.plans.length > 0 ? { termsAction: `${base(x)}/terms${q(x)}` } : {}),
      ...(errors.terms ? { termsError: true } : {}),
      ...(choices.promise
        ? {
            promise: {
              ...choices.promise,
              action: `${base(x)}/promise${q(x)}`,
              value: errors.date ?? '',
              ...(errors.date !== undefined ? { error: true } : {}),
            },
          }
        : {}),
    });

  app.get('/p/:token/terms', async (request: TokenRequest, reply) => {
    const x = await openLinkPage(deps, request, 'payment');
    if (!x || !open(x)) return notFound(request, reply);
    const dossier = await dossierOf(deps.db, x.link.receivable_id);
    if (dossier?.arrangement) {
      const pay = deps.psp.configured(x.link.corporation) ? `${base(x)}/terms/pay${q(x)}` : undefined;
      return sendPage(
        reply,
        200,
        planPage(x.bundle, x.lang, x.receivable, planView(dossier.arrangement), pay),
        checkout,
      );
    }
    const choices = await choicesFor(deps, x);
    if (!choices) return notFound(request, reply);
    return sendPage(reply, 200, chooser(x, choices), checkout);
  });

  app.post('/p/:token/terms', async (request: TokenRequest, reply) => {
    const x = await openLinkPage(deps, request, 'payment');
    if (!x || !open(x)) return notFound(request, reply);
    const choices = await choicesFor(deps, x);
    if (!choices || choices.plans.length === 0) return notFound(request, reply);
    const wanted = request.body?.terms ?? '';
    const plan = choices.plans.find((p) => String(p.terms.length) === wanted);
    const policy = x.bundle.corporation.arrangements?.tenant;
    const today = parseLocalDate(todayKey(x.bundle.corporation, deps.now?.() ?? new Date()))!;
    const verdict =
      plan && policy
        ? validateArrangement(plan, tenantLimits(policy, x.receivable.balanceMinor), {
            today,
            debtor: null,
            qualifies: () => true,
          })
        : undefined;
    if (!plan || !verdict?.valid) return sendPage(reply, 400, chooser(x, choices, { terms: true }), checkout);
    await recordTenantPlan(deps, x.bundle.corporation, x.receivable.externalId, {
      kind: 'plan',
      terms: plan.terms.map((t) => ({ dueOn: localDateKey(t.dueOn), amountCents: t.amountCents })),
    });
    const first = plan.terms[0]!.amountCents;
    const started = await startPayment(deps, x.bundle, x.link, x.site.base, x.lang, first);
    return reply.redirect(started.kind === 'checkout' ? started.url : `${base(x)}/terms${q(x)}`, 303);
  });

  app.post('/p/:token/terms/pay', async (request: TokenRequest, reply) => {
    const x = await openLinkPage(deps, request, 'payment');
    if (!x || !open(x)) return notFound(request, reply);
    const dossier = await dossierOf(deps.db, x.link.receivable_id);
    if (!dossier?.arrangement) return reply.redirect(`${base(x)}${q(x)}`, 303);
    const next = planView(dossier.arrangement).terms.find((t) => t.paid < t.amount);
    const amount = next ? next.amount - next.paid : undefined;
    const started = await startPayment(deps, x.bundle, x.link, x.site.base, x.lang, amount);
    return reply.redirect(started.kind === 'checkout' ? started.url : `${base(x)}/terms${q(x)}`, 303);
  });

  app.post('/p/:token/promise', async (request: TokenRequest, reply) => {
    const x = await openLinkPage(deps, request, 'payment');
    if (!x || !open(x)) return notFound(request, reply);
    const choices = await choicesFor(deps, x);
    if (!choices?.promise) return notFound(request, reply);
    const c = x.bundle.corporation;
    const typed = String(request.body?.date ?? '').slice(0, 20);
    const check = checkPromise(c, deps.now?.() ?? new Date(), {
      source: 'tenant',
      date: typed,
      amountCents: x.receivable.balanceMinor,
      openCents: x.receivable.balanceMinor,
    });
    if (!check.ok) return sendPage(reply, 400, chooser(x, choices, { date: typed }), checkout);
    const promisedOn = check.plan.terms[0]!.dueOn;
    await recordTenantPlan(deps, c, x.receivable.externalId, { kind: 'promise', terms: check.plan.terms });
    return sendPage(reply, 200, promiseDonePage(x.bundle, x.lang, x.receivable, promisedOn));
  });
}
