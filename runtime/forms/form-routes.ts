// GET/POST /f/<token>: the form the link was made for (contact data or meter reading). A valid
// submission is stored, put on the ERP's event feed and answered with a redirect to a thank-you page
// (so a reload does not submit twice); an invalid one is shown again with the errors next to the fields.
// A contact link is spent by its first valid submission: after that it shows "already received" and a
// POST stores nothing. Any other closed, unknown or foreign link gets the plain 404.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SendMessage } from '../../core/messages/index.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { fill, type LinkPage, notFound, openLinkPage, sendPage, TEXTS } from '../web/index.js';
import { endCampaignRequest } from './campaign-answers.js';
import { recordContactUpdate } from './contact-records.js';
import { validateContact } from './contact-validation.js';
import {
  contactFormPage,
  contactReceivedPage,
  type MeterFormState,
  meterFormPage,
  thanksPage,
} from './form-views.js';
import { today, validateMeterFields } from './meter-input.js';
import { meterBaseline, recordMeterReading } from './meter-records.js';

export interface FormRouteDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  send?: SendMessage | undefined;
}

type FormRequest = FastifyRequest<{
  Params: { token: string; corporation?: string };
  Querystring: { lang?: string; done?: string; review?: string; mail?: string };
  Body: Record<string, string | undefined> | undefined;
}>;

interface Resolved extends LinkPage {
  action: string;
  selfPath: string;
}

async function resolve(deps: FormRouteDeps, request: FormRequest): Promise<Resolved | undefined> {
  const page = await openLinkPage(deps, request, ['contact', 'meter']);
  // A used contact link stays reachable to say so; a link closed any other way is not found.
  if (!page || (page.link.closed && !(page.link.used && page.link.purpose === 'contact'))) return undefined;
  const selfPath = `${page.path}/f/${page.link.token}`;
  return { ...page, action: `${selfPath}?lang=${page.lang}`, selfPath };
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function meterState(x: Resolved, body: Record<string, string | undefined> = {}): MeterFormState {
  const fixed = x.receivable.vars.meterNumber;
  return {
    address: x.receivable.address ?? '',
    fixedMeterNumber: fixed !== undefined && fixed !== '' ? String(fixed) : undefined,
    meterNumber: str(body.meterNumber),
    reading: str(body.reading),
    readOn: str(body.readOn) || today(),
    today: today(),
    offerConfirm: false,
    errors: {},
  };
}

export function registerFormRoutes(app: FastifyInstance, deps: FormRouteDeps): void {
  app.get('/f/:token', async (request: FormRequest, reply) => {
    const x = await resolve(deps, request);
    if (!x) return notFound(request, reply);
    const t = TEXTS[x.lang];
    if (x.link.used && !request.query.done) {
      return sendPage(reply, 200, contactReceivedPage(x.bundle, x.lang));
    }
    if (request.query.done) {
      const lines =
        x.link.purpose === 'contact'
          ? [t.contactThanksBody, ...(request.query.mail ? [t.contactThanksMail] : [])]
          : [t.meterThanksBody, ...(request.query.review ? [t.meterReviewBody] : [])];
      const title = x.link.purpose === 'contact' ? t.contactThanksTitle : t.meterThanksTitle;
      return sendPage(reply, 200, thanksPage(x.bundle, x.lang, title, lines));
    }
    if (x.link.purpose === 'contact') {
      return sendPage(
        reply,
        200,
        contactFormPage(x.bundle, x.lang, x.action, { mobile: '', email: '', errors: {} }),
      );
    }
    return sendPage(reply, 200, meterFormPage(x.bundle, x.lang, x.action, meterState(x)));
  });

  app.post('/f/:token', async (request: FormRequest, reply) => {
    const x = await resolve(deps, request);
    if (!x) return notFound(request, reply);
    const body = request.body ?? {};
    const t = TEXTS[x.lang];
    const done = `${x.selfPath}?lang=${x.lang}&done=1`;
    const received = `${x.selfPath}?lang=${x.lang}`;
    if (x.link.used) return reply.redirect(received, 303);
    if (x.link.purpose === 'contact') {
      const input = { mobile: str(body.mobile), email: str(body.email) };
      const checked = validateContact(input, t);
      if (!checked.ok) {
        return sendPage(
          reply,
          422,
          contactFormPage(x.bundle, x.lang, x.action, { ...input, errors: checked.errors }),
        );
      }
      const recorded = await recordContactUpdate(
        deps,
        {
          bundle: x.bundle,
          linkId: x.link.id,
          receivableId: x.link.receivable_id,
          externalId: x.receivable.externalId,
          debtorId: x.receivable.debtorId,
          debtorName: x.receivable.debtorName,
        },
        checked.values,
        x.lang,
      );
      // Another submission through this link got there first: nothing was stored.
      if (!recorded) return reply.redirect(received, 303);
      // On a contact-data campaign the answer is in: its reminders stop (a rent reminder's form does not).
      await endCampaignRequest(
        deps,
        x.link.corporation,
        x.receivable.externalId,
        'contact',
        'contact details received through the form',
      );
      return reply.redirect(checked.values.email ? `${done}&mail=1` : done, 303);
    }

    const state = meterState(x, body);
    const checked = validateMeterFields(state, state.fixedMeterNumber, t);
    if (!checked.ok) {
      return sendPage(
        reply,
        422,
        meterFormPage(x.bundle, x.lang, x.action, { ...state, errors: checked.errors }),
      );
    }
    const { meterNumber, reading } = checked.values;
    const corporation = x.link.corporation;
    const baseline = await meterBaseline(deps.db, corporation, meterNumber, x.receivable.vars);
    const result = await recordMeterReading(
      deps.db,
      {
        corporation,
        receivableId: x.link.receivable_id,
        externalId: x.receivable.externalId,
        address: state.address || '-',
        meterNumber,
        reading,
        readOn: state.readOn,
        source: 'tenant',
        confirmed: body.confirm === 'yes',
      },
      baseline,
    );
    if (!result.recorded) {
      const c = result.check;
      const message =
        c.reason === 'lower' ? fill(t.readingLower, String(c.last)) : fill(t.readingTooHigh, String(c.limit));
      return sendPage(
        reply,
        422,
        meterFormPage(x.bundle, x.lang, x.action, {
          ...state,
          offerConfirm: true,
          errors: { reading: message },
        }),
      );
    }
    // The reading is in (a flagged one too: staff review it): the campaign's reminders stop.
    await endCampaignRequest(
      deps,
      corporation,
      x.receivable.externalId,
      'meter',
      'meter reading received through the form',
    );
    return reply.redirect(result.needsReview ? `${done}&review=1` : done, 303);
  });
}
