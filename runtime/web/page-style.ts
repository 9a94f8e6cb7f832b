// The whole stylesheet of the debtor pages, inline and allowed by its hash in the CSP: one request per
// page on a slow phone, no framework. Brand colours come from the corporation, checked for contrast.
import { createHash } from 'node:crypto';
import type { BrandColours } from './contrast.js';

const BASE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#f3f4f6}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 6px #fff}
header{background:var(--brand);color:var(--on-brand);padding:.875rem 1rem}
header .in{max-width:36rem;margin:0 auto;display:flex;align-items:center;justify-content:space-between;gap:1rem}
header .name{font-weight:700;font-size:1.125rem;margin:0}
header img{display:block;max-height:2.5rem;max-width:12rem}
header a{color:var(--on-brand)}
header.plain{background:transparent;color:#1a1a1a}
header.plain a{color:#1a1a1a}
main{max-width:36rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.5rem;padding:1.25rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.125rem;margin:0 0 .5rem}
p{margin:0 0 .75rem}
.amount{font-size:2.25rem;font-weight:700;margin:0 0 1rem;font-variant-numeric:tabular-nums}
dl{margin:0 0 1rem}
dt{color:#4a4a4a;font-size:.9375rem}
dd{margin:0 0 .625rem;font-weight:600;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;margin:0 0 1rem}
caption{text-align:left;font-weight:700;margin:0 0 .375rem}
th,td{text-align:left;padding:.375rem .25rem;border-bottom:1px solid #d0d4d9;font-weight:400;vertical-align:top}
thead th{color:#4a4a4a;font-size:.9375rem}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot th,tfoot td{font-weight:700;border-bottom:0}
@media (min-width:30rem){dl{display:grid;grid-template-columns:auto 1fr;gap:.375rem 1.5rem}dt{font-size:inherit}dd{margin:0}}
.btn{display:block;width:100%;min-height:3rem;padding:.75rem 1rem;border:0;border-radius:.375rem;background:var(--brand);color:var(--on-brand);font:inherit;font-weight:700;text-align:center;text-decoration:none;cursor:pointer}
.btn.secondary{background:#fff;color:var(--brand-on-white);border:2px solid var(--brand-on-white)}
.status{border-left:.375rem solid var(--brand-on-white);padding-left:1rem}
.status.ok{border-color:#1b5e20}
.status.bad{border-color:#b3261e}
label{display:block;font-weight:700;margin:0 0 .25rem}
.hint{display:block;color:#4a4a4a;font-size:.9375rem;margin:0 0 .375rem}
.field{margin:0 0 1.25rem}
input[type=text],input[type=tel],input[type=email],input[type=date]{display:block;width:100%;min-height:3rem;padding:.625rem .75rem;font:inherit;color:#1a1a1a;background:#fff;border:2px solid #5f6368;border-radius:.375rem}
input[aria-invalid=true]{border-color:#b3261e}
.error{display:block;color:#b3261e;font-weight:700;margin:0 0 .375rem}
.summary{border:3px solid #b3261e;border-radius:.375rem;padding:1rem;margin:0 0 1rem}
.check{display:flex;gap:.75rem;align-items:flex-start;font-weight:400}
.check input{width:1.5rem;height:1.5rem;margin:0;flex:none}
footer{max-width:36rem;margin:0 auto;padding:0 1rem 2rem;color:#4a4a4a;font-size:.9375rem}
footer p{margin:0 0 .25rem}
`
  .trim()
  .replace(/\n/g, '');

export interface PageStyle {
  css: string;
  /** `'sha256-…'` source for the CSP's style-src. */
  hash: string;
}

const cache = new Map<string, PageStyle>();

export function pageStyle(colours: BrandColours): PageStyle {
  const key = `${colours.brand}/${colours.onBrand}/${colours.brandOnWhite}`;
  let style = cache.get(key);
  if (!style) {
    const css = `:root{--brand:${colours.brand};--on-brand:${colours.onBrand};--brand-on-white:${colours.brandOnWhite};--link:${colours.brandOnWhite}}${BASE}`;
    style = { css, hash: `'sha256-${createHash('sha256').update(css).digest('base64')}'` };
    cache.set(key, style);
  }
  return style;
}
