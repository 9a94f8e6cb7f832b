// GET /console/overview (every role): dossiers per flow and classification, and the meter-reading and
// contact-data campaigns per complex. GET /console/campaigns/{meter|contact}.csv (admin): one row per
// campaign request with its answer, CSV-injection safe (runtime/forms/csv.ts), the export audited.
import type { FastifyInstance } from 'fastify';
import { type Campaign, toCsv } from '../forms/index.js';
import { audit } from './audit.js';
import { type ConsoleDeps, type ConsoleKit, contextOf } from './console-kit.js';
import { OVERVIEW_TEXTS } from './overview-texts.js';
import { overviewView } from './overview-views.js';
import { campaignByComplex, campaignRows, flowOverview } from './overviews.js';
import { atLeast } from './sessions.js';

export const CSV_ROWS = 100_000;

export function registerOverviewRoutes(site: FastifyInstance, deps: ConsoleDeps, kit: ConsoleKit): void {
  const { page, errorPage, sessionOf } = kit;

  site.get('/console/overview', async (request, reply) => {
    const ctx = contextOf(request, deps.bundles);
    const session = await sessionOf(request, reply, ctx);
    if (!session) return reply;
    const now = deps.now?.() ?? new Date();
    const [flows, meter, contact] = await Promise.all([
      flowOverview(deps.db, ctx.corporation, now),
      campaignByComplex(deps.db, ctx.corporation, 'meter'),
      campaignByComplex(deps.db, ctx.corporation, 'contact'),
    ]);
    return page(
      reply,
      ctx,
      200,
      OVERVIEW_TEXTS[ctx.lang].overview,
      overviewView(ctx.lang, ctx.root, session, flows, { meter, contact }),
      session,
    );
  });

  for (const campaign of ['meter', 'contact'] as const satisfies readonly Campaign[]) {
    site.get(`/console/campaigns/${campaign}.csv`, async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      if (!atLeast(session.role, 'admin')) {
        await audit(deps.db, session, 'forbidden', {}, { action: 'campaign-export', campaign });
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_FORBIDDEN', session);
      }
      const rows = await campaignRows(deps.db, ctx.corporation, campaign, CSV_ROWS);
      await audit(deps.db, session, 'campaign-export', {}, { campaign, rows: rows.length });
      const header = ['complex', 'externalId', 'debtorId', 'answer', 'answeredAt'];
      const meter = campaign === 'meter';
      const csv = toCsv(
        meter ? [...header, 'meterNumber', 'reading', 'readOn'] : header,
        rows.map((r) => {
          const cells = [r.complex, r.externalId, r.debtorId, r.answer, r.answeredAt];
          return meter ? [...cells, r.meterNumber, r.reading, r.readOn] : cells;
        }),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="campaign-${campaign}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
  }
}
