import { describe, expect, it } from 'vitest';
import { brandColours, contrastRatio, textOn } from './contrast.js';
import { html } from './html.js';
import { fromAcceptLanguage, pickLang } from './i18n.js';
import { renderPage } from './layout.js';
import { contentSecurityPolicy } from './security-headers.js';

describe('brand colours', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('keeps a dark brand colour with white text and a light one with dark text', () => {
    expect(brandColours('#00695c')).toMatchObject({ brand: '#00695c', onBrand: '#ffffff' });
    expect(brandColours('#ffd54f')).toMatchObject({ brand: '#ffd54f', onBrand: '#1a1a1a' });
    expect(textOn('#ffd54f')).toBe('#1a1a1a');
  });

  it('darkens a colour on which neither white nor dark text reaches 4.5:1', () => {
    const c = brandColours('#e53935');
    expect(contrastRatio(c.brand, c.onBrand)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(c.brandOnWhite, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('falls back to the default colour for a missing or malformed one', () => {
    expect(brandColours(undefined).brand).toBe('#1f4e79');
    expect(brandColours('red').brand).toBe('#1f4e79');
  });
});

describe('languages', () => {
  it('takes ?lang first, then Accept-Language by quality, then the fallbacks', () => {
    expect(pickLang('en', 'nl-NL')).toBe('en');
    expect(fromAcceptLanguage('de-DE,en;q=0.5,nl;q=0.8')).toBe('nl');
    expect(pickLang(undefined, 'fr-FR', undefined, 'en')).toBe('en');
    expect(pickLang('xx', undefined)).toBe('nl');
  });
});

describe('html and CSP', () => {
  it('escapes every interpolated value', () => {
    expect(html`<p>${'<script>"x"</script>'}</p>`.value).toBe(
      '<p>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</p>',
    );
  });

  it('allows no script, the style only by hash, forms to ourselves and the checkout', () => {
    const page = renderPage({ lang: 'nl', title: 't', body: html`<p>x</p>` });
    const csp = contentSecurityPolicy({ styleHash: page.styleHash, formOrigins: ['https://www.mollie.com'] });
    expect(csp).toBe(
      `default-src 'none'; style-src ${page.styleHash}; img-src 'self' data:; form-action 'self' https://www.mollie.com; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(page.html).not.toContain('<script');
  });
});
