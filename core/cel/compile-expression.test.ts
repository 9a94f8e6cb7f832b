import { describe, expect, it } from 'vitest';
import {
  CelCompileError,
  type CompiledExpression,
  compileExpression,
  isCelCompileError,
  isCelEvalError,
} from './index.js';

function compiled(result: CompiledExpression | CelCompileError): CompiledExpression {
  if (isCelCompileError(result)) throw new Error(`expected it to compile: ${result.message}`);
  return result;
}

function failed(result: CompiledExpression | CelCompileError): CelCompileError {
  if (!isCelCompileError(result)) throw new Error(`expected a compile error for ${result.source}`);
  return result;
}

describe('compileExpression', () => {
  it('compiles a precondition and lists the variables it reads', () => {
    const expr = compiled(
      compileExpression("receivable.balance > 0 && receivable.source == 'production'", 'precondition'),
    );
    expect(expr.variables).toEqual(['receivable']);
    expect(expr.resultType).toBe('bool');
    expect(expr.env).toBe('precondition');
  });

  it('returns the same compiled expression for the same source and environment', () => {
    const source = 'history.timesLate >= 3 && history.maxDaysLate > 30';
    const first = compileExpression(source, 'classification');
    expect(compileExpression(source, 'classification')).toBe(first);
    expect(compileExpression(source, 'precondition')).not.toBe(first);
  });

  it('caches compile errors too', () => {
    const first = compileExpression('recievable.balance > 0', 'precondition');
    expect(compileExpression('recievable.balance > 0', 'precondition')).toBe(first);
  });

  it('rejects a typo in a variable name at compile time, naming it with a suggestion and the known variables', () => {
    const error = failed(compileExpression('recievable.balance > 0', 'precondition'));
    expect(error).toBeInstanceOf(CelCompileError);
    expect(error).toBeInstanceOf(Error);
    expect(isCelEvalError(error)).toBe(false);
    expect(error.code).toBe('OST_ERR_CEL_COMPILE');
    expect(error.problem).toBe('undeclared variable "recievable"');
    expect(error.column).toBe(1);
    expect(error.hint).toBe(
      'did you mean "receivable"? known: receivable, debtor, history, classification, now, daysOverdue',
    );
    expect(error.message).toContain('undeclared variable "recievable"');
    expect(error.message).toContain('recievable.balance > 0');
  });

  it('points at the typo when it is not at the start', () => {
    const error = failed(compileExpression('receivable.balance > 0 && debtr.hasEmail', 'precondition'));
    expect(error.problem).toBe('undeclared variable "debtr"');
    expect(error.column).toBe(27);
    expect(error.line).toBe(1);
  });

  it('reports line and column in a multi-line expression', () => {
    const error = failed(
      compileExpression('receivable.balance > 0 &&\n  histroy.timesLate > 2', 'classification'),
    );
    expect(error.line).toBe(2);
    expect(error.column).toBe(3);
    expect(error.message).toContain('line 2, column 3');
  });

  it('offers no suggestion when nothing is close', () => {
    const error = failed(compileExpression('tenant.name == "x"', 'classification'));
    expect(error.hint).toBe('known: receivable, debtor, history, now, daysOverdue');
  });

  it('rejects case outside branches and classification inside classification rules', () => {
    const caseInPrecondition = failed(compileExpression('case.opened', 'precondition'));
    expect(caseInPrecondition.problem).toBe('variable "case" is not available in precondition expressions');
    expect(caseInPrecondition.hint).toContain('it exists in branch expressions');

    const ownResult = failed(compileExpression("classification == 'defaulter'", 'classification'));
    expect(ownResult.problem).toBe(
      'variable "classification" is not available in classification expressions',
    );

    expect(
      compiled(compileExpression("classification == 'defaulter' && case.opened", 'branch')).variables,
    ).toEqual(['classification', 'case']);
  });

  it('rejects an unknown field of a declared map, pointing at the field', () => {
    const error = failed(compileExpression('receivable.amout > 0', 'precondition'));
    expect(error.problem).toBe('receivable has no field "amout"');
    expect(error.hint).toMatch(/^did you mean "amount"\? fields: externalId, kind, amount, balance/);
    expect(error.column).toBe(12);
  });

  it('rejects an unknown field written as an index', () => {
    const error = failed(compileExpression("receivable['stornoCode'] == 'AM04'", 'precondition'));
    expect(error.problem).toBe('receivable has no field "stornoCode"');
  });

  it('rejects selecting a field of a scalar', () => {
    const error = failed(compileExpression('receivable.amount.cents > 0', 'precondition'));
    expect(error.problem).toBe('receivable.amount is an int and has no field "cents"');
  });

  it('rejects an unknown function with the nearest known one', () => {
    const error = failed(compileExpression("debtor.locale.startswith('nl')", 'precondition'));
    expect(error.problem).toBe('unknown function "startswith"');
    expect(error.hint).toBe('did you mean "startsWith"?');
  });

  it('knows macro variables inside the macro only', () => {
    expect(compiled(compileExpression("case.channelsTried.exists(c, c == 'sms')", 'branch')).resultType).toBe(
      'bool',
    );
    expect(compiled(compileExpression("case.channelsTried.all(c, c != '')", 'branch')).resultType).toBe(
      'bool',
    );
    expect(
      compiled(compileExpression("case.channelsTried.filter(c, c == 'sms').size() < 2", 'branch')),
    ).toBeTruthy();
    expect(failed(compileExpression('case.channelsTried.all(c, c != channel)', 'branch')).problem).toBe(
      'undeclared variable "channel"',
    );
    expect(
      failed(compileExpression("case.channelsTried.exists(c, c == 'sms') && c == 'x'", 'branch')).problem,
    ).toBe('undeclared variable "c"');
  });

  it('accepts type names, has() and namespaced functions', () => {
    expect(compiled(compileExpression('type(receivable.amount) == int', 'precondition'))).toBeTruthy();
    expect(compiled(compileExpression('has(receivable.stornoReasonCode)', 'precondition')).resultType).toBe(
      'bool',
    );
    expect(compiled(compileExpression('strings.quote(debtor.id)', 'classification')).resultType).toBe(
      'string',
    );
  });

  it('reports a syntax error with its column', () => {
    // The library's parser backtracks to the last complete expression and reports what it cannot continue.
    const error = failed(compileExpression('receivable.balance > 0 &&', 'precondition'));
    expect(error.problem).toBe('syntax error: found & but expecting end of input');
    expect(error.column).toBe(24);
    expect(error.hint).toBe('fix the CEL syntax');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects an empty expression', () => {
    expect(failed(compileExpression('  ', 'precondition')).problem).toBe('empty expression');
  });

  it('rejects a precondition that can only yield a non-bool', () => {
    const error = failed(compileExpression('receivable.balance', 'precondition'));
    expect(error.problem).toBe('a precondition must yield true or false, but this expression yields int');
  });

  it('infers result types where it can and leaves the rest dyn', () => {
    expect(compiled(compileExpression('receivable.balance', 'classification')).resultType).toBe('int');
    expect(compiled(compileExpression('history.avgDaysLate', 'classification')).resultType).toBe('double');
    expect(compiled(compileExpression("debtor.locale + '-x'", 'classification')).resultType).toBe('string');
    expect(
      compiled(compileExpression("daysOverdue > 30 ? 'late' : 'fresh'", 'classification')).resultType,
    ).toBe('string');
    expect(compiled(compileExpression("debtor.hasEmail ? 'email' : 1", 'classification')).resultType).toBe(
      'dyn',
    );
    expect(compiled(compileExpression('case.channelsTried[0]', 'branch')).resultType).toBe('string');
  });
});
