// What a debtor sees when a page cannot be shown: one plain page per kind of failure, without the
// corporation's branding (an unknown, expired or foreign link gets the same answer, so a link cannot be
// probed), and with the error code and request id for the helpdesk.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../core/errors/index.js';
import { html } from './html.js';
import { type Lang, pickLang, TEXTS } from './i18n.js';
import type { PageView } from './layout.js';
import { sendPage } from './send-page.js';

export interface ErrorReference {
  code: ErrorCode;
  requestId: string;
}

/**
 * 404: the link is unknown or no longer valid; 429: too many tries, wait (the Retry-After header says how
 * long); other 4xx: the address is damaged; 5xx: try later.
 */
export function errorPage(lang: Lang, status: number, ref: ErrorReference): PageView {
  const t = TEXTS[lang];
  const [title, text] =
    status === 404
      ? [t.notFoundTitle, t.notFoundBody]
      : status === 429
        ? [t.tooManyTitle, t.tooManyBody]
        : status >= 400 && status < 500
          ? [t.badRequestTitle, t.badRequestBody]
          : [t.errorTitle, t.errorBody];
  return {
    lang,
    title,
    body: html`<section class="card" aria-labelledby="title"><h1 id="title">${title}</h1><p>${text}</p><p><small>${t.errorReference}: ${ref.code} · ${ref.requestId}</small></p></section>`,
  };
}

/** Sends the error page for `status` in the language the request asks for. */
export function sendErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
): FastifyReply {
  const lang = pickLang(
    (request.query as { lang?: string } | undefined)?.lang,
    request.headers['accept-language'],
  );
  return sendPage(reply, status, errorPage(lang, status, { code, requestId: request.id }));
}

/** The plain 404 page every unknown, expired or foreign link gets. */
export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendErrorPage(request, reply, 404, 'OST_ERR_NOT_FOUND');
}
