// The archived message as sent: the email in a sandboxed frame (remote images not loaded), the PDF
// letter, SMS and voice text. Every view is audited.
import type { FastifyInstance } from 'fastify';
import { sql } from '../../platform/db/index.js';
import { archivedContent, partsListOf } from '../archive/index.js';
import { audit } from './audit.js';
import { type ConsoleDeps, type ConsoleKit, contextOf, UUID } from './console-kit.js';
import { CONSOLE_TEXTS } from './texts.js';
import { messageView } from './views.js';

export function registerMessageRoutes(site: FastifyInstance, deps: ConsoleDeps, kit: ConsoleKit): void {
  const { page, errorPage, sessionOf } = kit;
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
}

/** One message of this corporation, with its debtor and the names of its archived parts. */
function sqlMessage(corporation: string, id: string) {
  return sql.unsafe`
    SELECT m.channel_type, m.subject, m.debtor_ref, d.debtor_id,
      coalesce((SELECT array_agg(p.part ORDER BY p.part) FROM ${partsListOf} p), '{}') AS parts
    FROM messages m LEFT JOIN debtors d ON d.id = m.debtor_ref
    WHERE m.id = ${id} AND m.corporation = ${corporation}`;
}

/**
 * The archived email for the console's frame: remote images (the open pixel above all) are not fetched,
 * so a staff member reading it never counts as the tenant opening it; the bytes as sent stay in the
 * archive (GET /v1/messages/{id}/content). Their src is kept as data-remote-src.
 */
export function withoutRemoteImages(htmlText: string): string {
  return htmlText.replace(/(<img\b[^>]*?\s)src\s*=\s*(?!["']?data:)(["']?)/gi, '$1data-remote-src=$2');
}
