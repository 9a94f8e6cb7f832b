import type { FastifyReply } from 'fastify';
import { type PageView, renderPage } from './layout.js';
import { setPageHeaders } from './security-headers.js';

/** Renders a page and sends it with the debtor-page headers; `formOrigins` extends form-action. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  view: PageView,
  formOrigins: readonly string[] = [],
): FastifyReply {
  const page = renderPage(view);
  return setPageHeaders(reply.code(status), {
    styleHash: page.styleHash,
    imgOrigins: page.imgOrigins,
    formOrigins: [...formOrigins],
  }).send(page.html);
}
