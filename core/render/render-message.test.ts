import { describe, expect, it } from 'vitest';
import { OST_ERR_TEMPLATE_RENDER, OST_ERR_TEMPLATE_SYNTAX, RenderError } from './errors.js';
import { createRenderer, type TemplateDefinition } from './render-message.js';
import { sampleContext } from './test-fixtures.js';

function thrown(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RenderError) return error;
    throw error;
  }
  throw new Error('expected a RenderError');
}

describe('createRenderer: escaping', () => {
  const renderer = createRenderer();
  const context = sampleContext({ debtor: { id: 'D-1', name: '<b>Jansen</b> & "Zn"' } });

  it('escapes HTML in html parts', () => {
    const output = renderer.render(
      { template: 't', part: 'html', source: '<p>{{debtor.name}}</p>' },
      context,
    );
    expect(output).toBe('<p>&lt;b&gt;Jansen&lt;/b&gt; &amp; &quot;Zn&quot;</p>');
  });

  it('does not escape in sms, text, voice and subject parts', () => {
    for (const part of ['sms', 'text', 'voice', 'subject'] as const) {
      expect(renderer.render({ template: 't', part, source: '{{debtor.name}}' }, context)).toBe(
        '<b>Jansen</b> & "Zn"',
      );
    }
  });

  it('escapes links in html so ampersands are valid in attributes', () => {
    const output = renderer.render(
      { template: 't', part: 'html', source: '<a href="{{paymentLink}}">' },
      context,
    );
    expect(output).toBe('<a href="https://pay.voorbeeld.test/p/abc?x&#x3D;1&amp;y&#x3D;2">');
  });

  it('renders a partial escaped in html and unescaped in text, whichever comes first', () => {
    const withPartial = createRenderer({ partials: { signature: '{{corporation.name}}' } });
    const ctx = sampleContext();
    expect(withPartial.render({ template: 't', part: 'sms', source: '{{> signature}}' }, ctx)).toBe(
      'Woonstichting Voorbeeld & Zn',
    );
    expect(withPartial.render({ template: 't', part: 'html', source: '{{> signature}}' }, ctx)).toBe(
      'Woonstichting Voorbeeld &amp; Zn',
    );
  });
});

describe('createRenderer: layouts and partials', () => {
  const renderer = createRenderer({
    layouts: {
      branded:
        '<html><body style="border-top: 4px solid {{corporation.branding.primaryColor}}">' +
        '{{{body}}}{{> footer}}</body></html>',
      plain: '{{{body}}}\n-- \n{{corporation.name}}',
    },
    partials: { footer: '<footer>{{corporation.contact.phone}}</footer>' },
  });

  it('wraps the body in the layout with the corporation branding colour', () => {
    const output = renderer.render(
      { template: 'reminder', part: 'html', source: '<p>Beste {{debtor.name}}</p>', layout: 'branded' },
      sampleContext(),
    );
    expect(output).toBe(
      '<html><body style="border-top: 4px solid #0a6e4f"><p>Beste J. de Vries</p>' +
        '<footer>020 123 4567</footer></body></html>',
    );
  });

  it('wraps text parts in a text layout', () => {
    const output = renderer.render(
      {
        template: 'reminder',
        part: 'text',
        source: 'Te betalen: {{money receivable.amount}}',
        layout: 'plain',
      },
      sampleContext(),
    );
    expect(output).toBe('Te betalen: € 620,79\n-- \nWoonstichting Voorbeeld & Zn');
  });

  it('rejects a layout that would escape the body or has none', () => {
    expect(() => createRenderer({ layouts: { bad: '<div>{{body}}</div>' } })).toThrow(/use \{\{\{body\}\}\}/);
    expect(() => createRenderer({ layouts: { empty: '<div></div>' } })).toThrow(/does not place the message/);
  });

  it('names an unknown layout', () => {
    const error = thrown(() =>
      renderer.render({ template: 'reminder', part: 'html', source: 'x', layout: 'fancy' }, sampleContext()),
    );
    expect(error.message).toMatch(/layout "fancy" is not registered \(available: branded, plain\)/);
  });

  it('names an unknown partial', () => {
    const error = thrown(() =>
      renderer.render({ template: 'reminder', part: 'html', source: '{{> header}}' }, sampleContext()),
    );
    expect(error.code).toBe(OST_ERR_TEMPLATE_RENDER);
    expect(error.message).toMatch(/partial "header" is not registered/);
  });
});

describe('createRenderer: errors', () => {
  const renderer = createRenderer({
    layouts: { branded: '<div style="color: {{corporation.branding.accentColor}}">{{{body}}}</div>' },
    partials: { footer: 'Bel {{corporation.contact.fax}}' },
  });

  it('makes a missing variable an error naming template, part, locale, line and variable', () => {
    const error = thrown(() =>
      renderer.render(
        { template: 'storno-email', part: 'subject', source: 'Herinnering voor {{debtor.nme}}' },
        sampleContext(),
      ),
    );
    expect(error).toBeInstanceOf(RenderError);
    expect(error.code).toBe(OST_ERR_TEMPLATE_RENDER);
    expect(error.message).toBe(
      'template "storno-email" part "subject" (nl), line 1: variable "debtor.nme" is not in the context; ' +
        'declare it or fix the name',
    );
    expect(error).toMatchObject({
      template: 'storno-email',
      part: 'subject',
      line: 1,
      variable: 'debtor.nme',
    });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('names the missing segment of a longer path and the each-block path', () => {
    const deep = thrown(() =>
      renderer.render(
        { template: 't', part: 'text', source: '\n\n{{debtor.address.street}}' },
        sampleContext(),
      ),
    );
    expect(deep).toMatchObject({ line: 3, variable: 'debtor.address' });

    const inEach = thrown(() =>
      renderer.render(
        { template: 't', part: 'text', source: '{{#each vars.lines}}\n{{amont}}{{/each}}' },
        sampleContext({ vars: { lines: [{ amount: 1 }] } }),
      ),
    );
    expect(inEach).toMatchObject({ line: 2, variable: 'vars.lines[].amont' });

    const parent = thrown(() =>
      renderer.render({ template: 't', part: 'text', source: '{{vars.case.phase}}' }, sampleContext()),
    );
    expect(parent.message).toMatch(/line 1: variable "vars.case" is not in the context; declare it/);
  });

  it('says when a missing variable is in the layout or in a partial', () => {
    const inLayout = thrown(() =>
      renderer.render({ template: 't', part: 'html', source: 'x', layout: 'branded' }, sampleContext()),
    );
    expect(inLayout.message).toMatch(/layout "branded", line 1: variable "corporation.branding.accentColor"/);

    const inPartial = thrown(() =>
      renderer.render({ template: 't', part: 'sms', source: 'a\n{{> footer}}' }, sampleContext()),
    );
    expect(inPartial).toMatchObject({ partial: 'footer', line: 1, variable: 'corporation.contact.fax' });
  });

  it('names the variable a helper got nothing for', () => {
    const error = thrown(() =>
      renderer.render(
        { template: 'reminder', part: 'sms', source: 'Open: {{money receivable.amout}}' },
        sampleContext(),
      ),
    );
    expect(error.message).toMatch(
      /^template "reminder" part "sms" \(nl\), line 1: helper "money" argument "receivable.amout": amount must be/,
    );
    expect(error.variable).toBe('receivable.amout');
  });

  it('names an unknown helper', () => {
    const error = thrown(() =>
      renderer.render({ template: 't', part: 'sms', source: '{{shout debtor.name}}' }, sampleContext()),
    );
    expect(error.message).toMatch(/helper "shout" is not registered; use one of .*money/);
  });

  it('reports a reading below a missing object inside a helper argument', () => {
    const error = thrown(() =>
      renderer.render(
        { template: 't', part: 'sms', source: '{{#if vars.case.phase}}x{{/if}}' },
        sampleContext(),
      ),
    );
    expect(error.variable).toBe('vars.case');
    expect(error.message).toMatch(/variable "vars.case" is missing or not an object/);
  });

  it('reports a syntax error with its line and column', () => {
    const error = thrown(() =>
      renderer.render(
        { template: 'reminder', part: 'html', source: '<p>\n{{#if x}}\n</p>' },
        sampleContext(),
      ),
    );
    expect(error.code).toBe(OST_ERR_TEMPLATE_SYNTAX);
    expect(error.message).toMatch(
      /^template "reminder" part "html" \(nl\), line 3, column \d+: unexpected end/,
    );
  });

  it('refuses to read properties from prototypes', () => {
    const output = renderer.render(
      { template: 't', part: 'text', source: '[{{debtor.constructor}}]' },
      sampleContext(),
    );
    expect(output).toBe('[]');
  });

  it('keeps renderers isolated from each other and from the global Handlebars', async () => {
    const { default: Handlebars } = await import('handlebars');
    expect(Handlebars.helpers['money']).toBeUndefined();
  });
});

describe('createRenderer: renderTemplate and locale fallback', () => {
  const renderer = createRenderer();
  const template: TemplateDefinition = {
    name: 'first-reminder',
    parts: {
      nl: {
        subject: 'Betaalherinnering {{receivable.externalId}}',
        sms: 'Nog {{money receivable.amount}} open',
      },
      en: { subject: 'Payment reminder {{receivable.externalId}}' },
    },
  };

  it('renders the wanted locale when the part exists there', () => {
    const result = renderer.renderTemplate(template, 'subject', sampleContext({ locale: 'en' }));
    expect(result).toEqual({
      output: 'Payment reminder R-2021-001',
      locale: 'en',
      requestedLocale: 'en',
      choice: 'wanted',
    });
  });

  it('falls back to nl when the en part is missing, and formats for nl', () => {
    const result = renderer.renderTemplate(template, 'sms', sampleContext({ locale: 'en' }));
    expect(result).toEqual({
      output: 'Nog € 620,79 open',
      locale: 'nl',
      requestedLocale: 'en',
      choice: 'fallback',
    });
  });

  it('errors when no locale has the part', () => {
    const error = thrown(() => renderer.renderTemplate(template, 'voice', sampleContext()));
    expect(error.message).toMatch(
      /template "first-reminder" part "voice" \(nl\): the template has no "voice" part/,
    );
  });
});
