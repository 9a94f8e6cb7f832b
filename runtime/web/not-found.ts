// The page every unknown, expired or foreign link gets: the same answer, so a link cannot be probed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.js';
import { type Lang, pickLang, TEXTS } from './i18n.js';
import type { PageView } from './layout.js';
import { sendPage } from './send-page.js';

export function notFoundPage(lang: Lang): PageView {
  const t = TEXTS[lang];
  return {
    lang,
    title: t.notFoundTitle,
    body: html`<section class="card" aria-labelledby="title"><h1 id="title">${t.notFoundTitle}</h1><p>${t.notFoundBody}</p></section>`,
  };
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = pickLang((request.query as { lang?: string })?.lang, request.headers['accept-language']);
  return sendPage(reply, 404, notFoundPage(lang));
}
