import { describe, expect, it } from 'vitest';
import { RenderError } from './errors.js';
import { referencedVariables } from './variables.js';

describe('referencedVariables', () => {
  it('finds nested dotted paths', () => {
    const source =
      '<p style="color: {{corporation.branding.primaryColor}}">{{debtor.name}}</p> {{amount}} {{{vars.note}}}';
    expect(referencedVariables(source)).toEqual([
      'amount',
      'corporation.branding.primaryColor',
      'debtor.name',
      'vars.note',
    ]);
  });

  it('ignores helper names but reads their arguments, hash values and sub-expressions', () => {
    const source = [
      '{{money receivable.amount receivable.currency}}',
      '{{date receivable.dueDate "short"}} {{paymentLink}} {{qr "payment"}}',
      '{{#if (eq receivable.kind "storno")}}x{{/if}}',
      '{{#ifEq debtor.locale "en"}}y{{else}}{{upper debtor.name}}{{/ifEq}}',
      '{{#unless vars.paused}}z{{/unless}} {{lookup links "payment"}} {{link name=vars.linkName}}',
    ].join('\n');
    expect(referencedVariables(source)).toEqual([
      'debtor.locale',
      'debtor.name',
      'links',
      'receivable.amount',
      'receivable.currency',
      'receivable.dueDate',
      'receivable.kind',
      'vars.linkName',
      'vars.paused',
    ]);
  });

  it('reports paths inside each blocks under their parent with []', () => {
    const source =
      '{{#each vars.lines}}{{@index}} {{this.description}} {{money amount ../receivable.currency}}' +
      '{{#each parts}}{{name}}{{/each}}{{else}}{{debtor.name}}{{/each}}';
    expect(referencedVariables(source)).toEqual([
      'debtor.name',
      'receivable.currency',
      'vars.lines',
      'vars.lines[].amount',
      'vars.lines[].description',
      'vars.lines[].parts',
      'vars.lines[].parts[].name',
    ]);
  });

  it('resolves block parameters and with blocks but not the parameters themselves', () => {
    const source =
      '{{#each vars.lines as |line i|}}{{i}} {{line.amount}} {{line}}{{/each}}' +
      '{{#with corporation.contact as |c|}}{{c.phone}} {{email}}{{/with}} {{@root.debtor.id}}';
    expect(referencedVariables(source)).toEqual([
      'corporation.contact',
      'corporation.contact.email',
      'corporation.contact.phone',
      'debtor.id',
      'vars.lines',
      'vars.lines[].amount',
    ]);
  });

  it('ignores this, @data variables, literals, comments and partial names', () => {
    const source = '{{this}} {{@first}} {{"text"}} {{!-- {{hidden}} --}} {{> footer}} {{> card debtor}}';
    expect(referencedVariables(source)).toEqual(['debtor']);
  });

  it('treats names passed as extra helpers as helpers', () => {
    expect(referencedVariables('{{greeting}} {{debtor.name}}', { helpers: ['greeting'] })).toEqual([
      'debtor.name',
    ]);
  });

  it('throws a syntax RenderError for a source that does not parse', () => {
    expect(() => referencedVariables('{{#if x}}', { template: 't', part: 'html' })).toThrow(RenderError);
  });
});
