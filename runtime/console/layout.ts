// The console's frame: the corporation's name on its brand colour, who is signed in, search, logout and
// a language switch; server-rendered HTML without any script (ADR 0011). The stylesheet is inline and
// allowed by its hash; frames only from this host (the archived email, itself sandboxed).
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { brandColours, html, type Lang, raw, type SafeHtml } from '../web/index.js';
import { OVERVIEW_TEXTS } from './overview-texts.js';
import type { StaffSession } from './sessions.js';
import { TASK_TEXTS } from './task-texts.js';
import { CONSOLE_TEXTS } from './texts.js';

function css(brand: string, onBrand: string, link: string): string {
  return `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#f3f4f6}
a{color:${link}}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 6px #fff}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
header{background:${brand};color:${onBrand};padding:.75rem 1rem}
header .in{max-width:80rem;margin:0 auto;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem}
header a,header button{color:${onBrand}}
header .name{font-weight:700;margin:0}
header form{display:inline;margin:0}
header button{background:transparent;border:2px solid ${onBrand};border-radius:.375rem;padding:.25rem .75rem;font:inherit;cursor:pointer}
main{max-width:80rem;margin:0 auto;padding:1rem}
.grid{display:grid;gap:1rem}
@media (min-width:60rem){.grid{grid-template-columns:1fr 1fr}}
section{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:0}
.grid section{margin:0}
.grid{margin:0 0 1rem}
.scroll{overflow-x:auto}
@media (max-width:40rem){table.stack thead{position:absolute;left:-999px}table.stack,table.stack tbody,table.stack tr{display:block}table.stack tr{border-bottom:1px solid #d0d4d9;padding:.25rem 0}table.stack td{display:grid;grid-template-columns:minmax(7rem,40%) 1fr;gap:.5rem;border:0;padding:.125rem 0}table.stack td::before{content:attr(data-label);color:#4a4a4a}}
.hint{display:block;color:#4a4a4a;font-size:.875rem}.error{display:block;color:#b3261e;font-weight:700;margin:0 0 .25rem}
input[aria-invalid=true],select[aria-invalid=true]{border-color:#b3261e}.summary{border:3px solid #b3261e;border-radius:.375rem;padding:.5rem 1rem;margin:0 0 1rem}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.125rem;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.375rem .5rem;border-bottom:1px solid #d0d4d9;vertical-align:top}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}dt{color:#4a4a4a}dd{margin:0;overflow-wrap:anywhere}
label{display:block;font-weight:700;margin:.5rem 0 .25rem}
input,select,textarea{font:inherit;padding:.5rem;border:2px solid #5f6368;border-radius:.375rem;max-width:100%}
input[type=search]{width:100%}
.btn{display:inline-block;margin-top:.5rem;min-height:2.75rem;padding:.5rem 1rem;border:0;border-radius:.375rem;background:${brand};color:${onBrand};font:inherit;font-weight:700;cursor:pointer;text-decoration:none}
.mark{display:inline-block;border:1px solid #4a4a4a;border-radius:1rem;padding:0 .5rem;margin:0 .25rem .25rem 0;font-size:.875rem}
.terms{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem}.terms h3{hyphens:auto;overflow-wrap:anywhere}
.notice{border-left:.375rem solid ${link};padding-left:.75rem}
iframe{width:100%;min-height:28rem;border:1px solid #d0d4d9;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
.tabs{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;margin:0;padding:0}.tabs a{display:inline-block;padding:.375rem .75rem;border:2px solid ${link};border-radius:.375rem}.tabs a[aria-current]{background:${link};color:#fff}
blockquote{margin:.5rem 0;padding-left:.75rem;border-left:.25rem solid #d0d4d9;white-space:pre-wrap;overflow-wrap:anywhere}`;
}

export interface ConsoleView {
  lang: Lang;
  title: string;
  body: SafeHtml;
  bundle: ConfigBundle;
  /** The console's path on this site: '/console' or '/c/<corporation>/console'. */
  root: string;
  session?: StaffSession | undefined;
}

export function consolePolicy(styleHash: string): string {
  return [
    "default-src 'none'",
    `style-src ${styleHash}`,
    "img-src 'self' data:",
    "frame-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function sendConsolePage(reply: FastifyReply, status: number, view: ConsoleView): FastifyReply {
  const t = CONSOLE_TEXTS[view.lang];
  const colours = brandColours(view.bundle.corporation.branding.primaryColor);
  const style = css(colours.brand, colours.onBrand, colours.brandOnWhite);
  const hash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
  const other: Lang = view.lang === 'nl' ? 'en' : 'nl';
  const s = view.session;
  const page = html`<!doctype html>
<html lang="${view.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<title>${view.title} – ${t.console} ${view.bundle.corporation.displayName}</title>
<style>${raw(style)}</style>
</head><body>
<a class="skip" href="#main">${t.skip}</a>
<header><div class="in"><p class="name">${view.bundle.corporation.displayName} · ${t.console}</p>
${
  s
    ? html`<nav aria-label="${t.console}"><a href="${view.root}?lang=${view.lang}">${t.search}</a> · <a href="${view.root}/tasks?lang=${view.lang}">${TASK_TEXTS[view.lang].tasks}</a> · <a href="${view.root}/overview?lang=${view.lang}">${OVERVIEW_TEXTS[view.lang].overview}</a>${s.role === 'admin' ? html` · <a href="${view.root}/audit?lang=${view.lang}">${t.audit}</a>` : ''}</nav>
<p>${t.signedInAs} ${s.name ?? s.subject} (${s.role})</p>
<form method="post" action="${view.root}/logout"><input type="hidden" name="_csrf" value="${s.csrf}"><button type="submit">${t.logout}</button></form>`
    : ''
}
<a href="?lang=${other}" lang="${other}" hreflang="${other}">${CONSOLE_TEXTS[other] === CONSOLE_TEXTS.en ? 'English' : 'Nederlands'}</a></div></header>
<main id="main">${view.body}</main>
</body></html>`;
  return reply
    .code(status)
    .header('content-security-policy', consolePolicy(hash))
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.value);
}
