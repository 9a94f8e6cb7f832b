// The contact-data and meter-reading forms. Every field has a visible label and hint; a server-side
// error appears next to its field (aria-describedby, aria-invalid) and in a summary at the top that links
// to it. Forms carry `novalidate` so the server's clear messages are the ones the tenant sees.
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { PageView } from '../web/index.js';
import { html, type Lang, type SafeHtml, TEXTS } from '../web/index.js';
import type { FieldErrors } from './contact-validation.js';

interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  type: 'text' | 'tel' | 'email' | 'date';
  value: string;
  autocomplete?: string;
  inputmode?: string;
  max?: string;
}

function field(f: FieldSpec, error: string | undefined): SafeHtml {
  const id = `f-${f.name}`;
  const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attrs = [
    f.autocomplete ? html` autocomplete="${f.autocomplete}"` : '',
    f.inputmode ? html` inputmode="${f.inputmode}"` : '',
    f.max ? html` max="${f.max}"` : '',
    described ? html` aria-describedby="${described}"` : '',
    error ? html` aria-invalid="true"` : '',
  ];
  return html`<div class="field">
<label for="${id}">${f.label}</label>
${f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''}
${error ? html`<span class="error" id="${id}-error">${error}</span>` : ''}
<input id="${id}" name="${f.name}" type="${f.type}" value="${f.value}"${attrs}>
</div>`;
}

function summary(errors: FieldErrors, lang: Lang): SafeHtml {
  const entries = Object.entries(errors).filter(([, m]) => m);
  if (entries.length === 0) return html``;
  return html`<div class="summary" role="alert" aria-labelledby="errors-title">
<h2 id="errors-title">${TEXTS[lang].errorsIntro}</h2>
<ul>${entries.map(([name, message]) => html`<li><a href="#f-${name}">${message!}</a></li>`)}</ul>
</div>`;
}

export interface ContactFormState {
  mobile: string;
  email: string;
  errors: FieldErrors;
}

export function contactFormPage(
  bundle: ConfigBundle,
  lang: Lang,
  action: string,
  s: ContactFormState,
): PageView {
  const t = TEXTS[lang];
  const body = html`<section class="card" aria-labelledby="title">
<h1 id="title">${t.contactTitle}</h1>
<p>${t.contactIntroForm}</p>
${summary(s.errors, lang)}
<form method="post" action="${action}" novalidate>
${field({ name: 'mobile', label: t.mobileLabel, hint: t.mobileHint, type: 'tel', value: s.mobile, autocomplete: 'tel' }, s.errors.mobile)}
${field({ name: 'email', label: t.emailLabel, hint: t.emailHint, type: 'email', value: s.email, autocomplete: 'email' }, s.errors.email)}
<button class="btn" type="submit">${t.save}</button>
</form></section>`;
  return { lang, bundle, title: t.contactTitle, body };
}

export interface MeterFormState {
  address: string;
  /** Fixed when the ERP sent it with the receivable; otherwise the tenant types it. */
  fixedMeterNumber: string | undefined;
  meterNumber: string;
  reading: string;
  readOn: string;
  today: string;
  /** Offer the "I am sure" override (after an implausible reading). */
  offerConfirm: boolean;
  errors: FieldErrors;
}

export function meterFormPage(bundle: ConfigBundle, lang: Lang, action: string, s: MeterFormState): PageView {
  const t = TEXTS[lang];
  const facts: [string, string][] = [[t.address, s.address]];
  if (s.fixedMeterNumber) facts.push([t.meterNumberLabel, s.fixedMeterNumber]);
  const body = html`<section class="card" aria-labelledby="title">
<h1 id="title">${t.meterTitle}</h1>
<p>${t.meterIntro}</p>
<dl>${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${summary(s.errors, lang)}
<form method="post" action="${action}" novalidate>
${s.fixedMeterNumber ? '' : field({ name: 'meterNumber', label: t.meterNumberLabel, hint: t.meterNumberHint, type: 'text', value: s.meterNumber, autocomplete: 'off' }, s.errors.meterNumber)}
${field({ name: 'reading', label: t.readingLabel, hint: t.readingHint, type: 'text', value: s.reading, inputmode: 'numeric', autocomplete: 'off' }, s.errors.reading)}
${field({ name: 'readOn', label: t.readOnLabel, type: 'date', value: s.readOn, max: s.today }, s.errors.readOn)}
${s.offerConfirm ? html`<div class="field"><label class="check" for="f-confirm"><input id="f-confirm" name="confirm" type="checkbox" value="yes"> ${t.confirmLabel}</label></div>` : ''}
<button class="btn" type="submit">${t.submit}</button>
</form></section>`;
  return { lang, bundle, title: t.meterTitle, body };
}

/** A contact link that was already used: its details arrived; the link takes no second submission. */
export function contactReceivedPage(bundle: ConfigBundle, lang: Lang): PageView {
  const t = TEXTS[lang];
  return {
    lang,
    bundle,
    title: t.contactReceivedTitle,
    body: html`<section class="card" aria-labelledby="title"><div class="status ok" role="status">
<h1 id="title">${t.contactReceivedTitle}</h1><p>${t.contactReceivedBody}</p><p>${t.contactReceivedChange}</p></div></section>`,
  };
}

export function thanksPage(bundle: ConfigBundle, lang: Lang, title: string, lines: string[]): PageView {
  return {
    lang,
    bundle,
    title,
    body: html`<section class="card" aria-labelledby="title"><div class="status ok" role="status">
<h1 id="title">${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}</div></section>`,
  };
}
