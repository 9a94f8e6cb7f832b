import { describe, expect, it } from 'vitest';
import { RenderError } from './errors.js';
import { createRenderer } from './render-message.js';
import { sampleContext } from './test-fixtures.js';

const renderer = createRenderer();
const sms = (source: string, context = sampleContext()): string =>
  renderer.render({ template: 't', part: 'sms', source }, context);

describe('rendering helpers', () => {
  it('money formats for the context locale, with the receivable currency by default', () => {
    expect(sms('{{money receivable.amount receivable.currency}}')).toBe('€ 620,79');
    expect(sms('{{money receivable.amount}}', sampleContext({ locale: 'en' }))).toBe('€620.79');
    expect(sms('{{money 123456700 "EUR"}}')).toBe('€ 1.234.567,00');
  });

  it('money inside each reads the root locale', () => {
    const context = sampleContext({ vars: { lines: [{ amount: 100 }, { amount: 250 }] } });
    expect(sms('{{#each vars.lines}}{{money amount}};{{/each}}', context)).toBe('€ 1,00;€ 2,50;');
  });

  it('date formats long by default and short on request, in the context timezone', () => {
    expect(sms('{{date receivable.dueDate}}')).toBe('16 januari 2021');
    expect(sms('{{date receivable.dueDate "short"}}')).toBe('16-01-2021');
    expect(sms('{{date now "long"}}', sampleContext({ locale: 'en', now: '2021-01-31T23:30:00Z' }))).toBe(
      '1 February 2021',
    );
  });

  it('paymentLink, link and qr return the named link', () => {
    const context = sampleContext({ links: { payment: 'https://p/1', unsubscribe: 'https://u/2' } });
    expect(sms('{{paymentLink}} {{link "unsubscribe"}} {{qr "payment"}} {{qr}}', context)).toBe(
      'https://p/1 https://u/2 https://p/1 https://p/1',
    );
  });

  it('link names the missing link and the ones available', () => {
    expect(() => sms('{{link "meterReading"}}')).toThrow(
      /helper "link": link "meterReading" is not in the context's links \(available: payment\)/,
    );
  });

  it('upper, eq and ifEq', () => {
    expect(sms('{{upper debtor.name}}')).toBe('J. DE VRIES');
    expect(sms('{{#if (eq receivable.kind "rent")}}huur{{else}}anders{{/if}}')).toBe('huur');
    expect(sms('{{#ifEq receivable.kind "storno"}}storno{{else}}geen storno{{/ifEq}}')).toBe('geen storno');
    expect(sms('{{#ifEq receivable.kind "rent"}}{{debtor.name}}{{/ifEq}}')).toBe('J. de Vries');
  });

  it('rejects a fractional amount with a RenderError', () => {
    expect(() => sms('{{money 12.5}}')).toThrow(RenderError);
  });

  it('rejects an unknown date style and a date that is not ISO', () => {
    expect(() => sms('{{date receivable.dueDate "medium"}}')).toThrow(
      /helper "date": style must be "long" or "short", got "medium"; fix the helper call/,
    );
    expect(() => sms('{{date vars.when}}', sampleContext({ vars: { when: 'gisteren' } }))).toThrow(
      /helper "date" argument "vars.when": not an ISO date/,
    );
  });

  it('ifEq must be used as a block', () => {
    expect(() => sms('{{ifEq 1 1}}')).toThrow(/"ifEq": is a block helper/);
  });
});

describe('dossier helpers', () => {
  const dossier = {
    total: 186237,
    count: 3,
    currency: 'EUR',
    items: [
      {
        externalId: 'r-1',
        description: 'Huur oktober',
        dueDate: '2026-10-01',
        amount: 62079,
        balance: 62079,
      },
      { externalId: 'r-2', dueDate: '2026-11-01', amount: 62079, balance: 62079 },
      {
        externalId: 'r-3',
        description: 'Huur december',
        dueDate: '2026-12-01',
        amount: 62079,
        balance: 62079,
      },
    ],
  };

  it('dossierTotal formats the total in nl and en', () => {
    expect(sms('{{dossierTotal}}', sampleContext({ dossier }))).toBe('€ 1.862,37');
    expect(sms('{{dossierTotal}}', sampleContext({ locale: 'en', dossier }))).toBe('€1,862.37');
  });

  it('dossierItems lists the open items, one per line', () => {
    expect(sms('{{{dossierItems}}}', sampleContext({ dossier }))).toBe(
      [
        '- Huur oktober (vervaldatum 1 oktober 2026): € 620,79',
        '- r-2 (vervaldatum 1 november 2026): € 620,79',
        '- Huur december (vervaldatum 1 december 2026): € 620,79',
      ].join('\n'),
    );
    expect(sms('{{{dossierItems}}}', sampleContext({ locale: 'en', dossier })).split('\n')[0]).toBe(
      '- Huur oktober (due 1 October 2026): €620.79',
    );
  });

  it('refuses a context without a dossier', () => {
    expect(() => sms('{{dossierTotal}}')).toThrow(/helper "dossierTotal": the context has no dossier/);
  });
});
