import { describe, expect, it } from 'vitest';
import { API_VERSION, type Kind, type Resource, type SpecOf } from '../../core/resources/kinds.js';
import { compileStreet } from './compile-street.js';
import { partialNames } from './template-partials.js';

function resource<K extends Kind>(kind: K, name: string, spec: SpecOf[K]): Resource<K> {
  return { apiVersion: API_VERSION, kind, metadata: { name, namespace: 'street' }, spec };
}

const email = (name: string, text: string) =>
  resource('Template', name, { channel: 'email', locales: { nl: { subject: 'Hallo', text } } });

const partial = (name: string, body: string) =>
  resource('Template', name, { role: 'partial', defaultLocale: 'nl', locales: { nl: { body } } });

describe('partialNames', () => {
  it('finds partials, partial blocks and partials inside blocks, once each', () => {
    const source = '{{> help-nl}} {{#if debtor.name}}{{> help-nl}}{{/if}} {{#> frame}}x{{/frame}}';
    expect(partialNames(source)).toEqual(['frame', 'help-nl']);
  });

  it('leaves out computed partial names and sources that do not parse', () => {
    expect(partialNames("{{> (lookup . 'which')}}")).toEqual([]);
    expect(partialNames('{{#if x}}unclosed')).toEqual([]);
  });
});

describe('compileStreet: partials a template includes', () => {
  it('accepts a partial that exists as a Template with role partial', () => {
    const result = compileStreet([
      email('reminder', 'Beste {{debtor.name}}, {{> help-nl}}'),
      partial('help-nl', 'Bel ons.'),
    ]);
    expect(result.errors).toEqual([]);
  });

  it('reports a partial that does not exist at the part that includes it', () => {
    const result = compileStreet([
      email('reminder', 'Beste {{debtor.name}}, {{> help-nk}}'),
      partial('help-nl', 'Bel ons.'),
    ]);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error?.code).toBe('OST_ERR_REFERENCE');
    expect(error?.location).toMatchObject({
      resource: 'Template street/reminder',
      field: 'spec.locales.nl.text',
    });
    expect(error?.message).toContain('partial Template "help-nk"');
  });

  it('reports a name that belongs to a message template, not a partial', () => {
    const result = compileStreet([email('reminder', '{{> other}}'), email('other', 'Hallo')]);
    expect(result.errors.map((e) => e.code)).toEqual(['OST_ERR_REFERENCE']);
  });
});
