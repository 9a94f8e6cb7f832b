// The page shell every debtor page shares: layout, i18n, CSP headers, link lookup.
// The stage's public face: other folders import from here, never from its files.

export { type BrandColours, brandColours } from './contrast.js';
export { type ErrorReference, errorPage, notFound, sendErrorPage } from './error-page.js';
export { escapeHtml, html, raw, type SafeHtml } from './html.js';
export { fill, type Lang, pickLang, TEXTS, type Texts } from './i18n.js';
export type { PageView } from './layout.js';
export { findLink, type LinkPage, openLinkPage, servesPage, siteOf } from './page-site.js';
export { type PayableView, type ReceivableForPage, receivableForPage } from './receivable-view.js';
export { sendPage } from './send-page.js';
