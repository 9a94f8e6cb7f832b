// The frame of every debtor page: the corporation's name or logo on its brand colour, one card of
// content, its contact details, and a switch between Dutch and English. Semantic HTML, no script.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { brandColours } from './contrast.js';
import { html, raw, type SafeHtml } from './html.js';
import { type Lang, TEXTS } from './i18n.js';
import { pageStyle } from './page-style.js';
import { httpsOrigin } from './security-headers.js';

export interface PageView {
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** Absent for the plain pages (404) that must not show whose link it was. */
  bundle?: ConfigBundle | undefined;
  /** Reload the page after this many seconds (the pending page polls this way, without script). */
  refreshSeconds?: number;
}

export interface RenderedPage {
  html: string;
  styleHash: string;
  imgOrigins: string[];
}

function contactBlock(bundle: ConfigBundle, lang: Lang): SafeHtml {
  const t = TEXTS[lang];
  const c = bundle.corporation.contact;
  if (!c.phone && !c.email && !c.website) return html``;
  const tel = c.phone ? `tel:${c.phone.replace(/[^+0-9]/g, '')}` : '';
  return html`<footer><h2>${t.questions}</h2><p>${t.contactIntro}</p>
${c.phone ? html`<p>${t.phone}: <a href="${tel}">${c.phone}</a></p>` : ''}
${c.email ? html`<p>${t.email}: <a href="mailto:${c.email}">${c.email}</a></p>` : ''}
${c.website && httpsOrigin(c.website) ? html`<p>${t.website}: <a href="${c.website}">${c.website.replace(/^https:\/\//, '')}</a></p>` : ''}
</footer>`;
}

export function renderPage(view: PageView): RenderedPage {
  const t = TEXTS[view.lang];
  const corporation = view.bundle?.corporation;
  const colours = brandColours(corporation?.branding.primaryColor, corporation ? undefined : '#3c4043');
  const style = pageStyle(colours);
  const logo = corporation?.branding.logoUrl ? httpsOrigin(corporation.branding.logoUrl) : undefined;
  const name = corporation?.displayName;
  const other: Lang = view.lang === 'nl' ? 'en' : 'nl';
  const brandMark =
    logo && name
      ? html`<img src="${corporation!.branding.logoUrl!}" alt="${name}">`
      : html`<p class="name">${name ?? ''}</p>`;
  const page = html`<!doctype html>
<html lang="${view.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
${view.refreshSeconds ? html`<meta http-equiv="refresh" content="${view.refreshSeconds}">` : ''}
<meta name="robots" content="noindex,nofollow">
<title>${name ? `${view.title} – ${name}` : view.title}</title>
<style>${raw(style.css)}</style>
</head><body>
<header${view.bundle ? '' : html` class="plain"`}><div class="in">${brandMark}<a href="?lang=${other}" lang="${other}" hreflang="${other}">${t.switchTo}</a></div></header>
<main id="main">${view.body}</main>
${view.bundle ? contactBlock(view.bundle, view.lang) : ''}
</body></html>`;
  return { html: page.value, styleHash: style.hash, imgOrigins: logo ? [logo] : [] };
}
