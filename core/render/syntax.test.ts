import { describe, expect, it } from 'vitest';
import { syntaxError } from './syntax.js';

describe('syntaxError', () => {
  it('returns undefined for a valid template', () => {
    expect(syntaxError('Beste {{debtor.name}},\n{{#if x}}a{{else}}b{{/if}}')).toBeUndefined();
  });

  it('reports the line and column of an unclosed mustache', () => {
    const problem = syntaxError('Beste klant,\n\nU bent {{money receivable.amount}\nverschuldigd.');
    expect(problem?.line).toBe(3);
    expect(problem?.column).toBeGreaterThan(7);
    expect(problem?.message).toMatch(/unexpected/);
  });

  it('reports a block closed by the wrong name on its line', () => {
    const problem = syntaxError('a\n{{#if x}}\n  b\n{{/each}}');
    expect(problem).toEqual({ message: '{{#if}} is closed by {{/each}}', line: 2, column: 4 });
  });

  it('reports a block that is never closed', () => {
    const problem = syntaxError('a\n{{#each lines}}\nb');
    expect(problem?.line).toBe(3);
    expect(problem?.message).toMatch(/end of template/);
  });

  it('names the tokens in words rather than parser jargon', () => {
    const problem = syntaxError('{{link name=}}');
    expect(problem?.message).toBe('unexpected "}}"; expected a name or value');
    expect(problem?.line).toBe(1);
  });
});
