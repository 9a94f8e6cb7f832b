import { describe, expect, it } from 'vitest';
import {
  buildActivation,
  type CelActivation,
  type CompiledExpression,
  compileExpression,
  evaluate,
  evaluateBool,
  isCelCompileError,
  isCelEvalError,
} from './index.js';

// The conversion of an activation's maps to CEL is kept for frozen maps only (bindings.ts): these tests
// try to make a kept conversion answer for a value that changed.

const NOW = new Date('2025-07-15T08:00:00Z');

function compile(source: string): CompiledExpression {
  const result = compileExpression(source, 'precondition');
  if (isCelCompileError(result)) throw result;
  return result;
}

function activation(): CelActivation {
  return buildActivation({
    receivable: {
      externalId: 'HUUR-1',
      kind: 'rent',
      amount: 87_500,
      dueDate: '2025-07-01',
      source: 'production',
    },
    debtor: { id: 'D-1', email: 'huurder@example.nl' },
    now: NOW,
    classification: 'rent',
  });
}

describe('CEL bindings of one activation', () => {
  it('answers every expression of a built (frozen) activation as if converted afresh', () => {
    const a = activation();
    expect(Object.isFrozen(a.receivable) && Object.isFrozen(a.debtor) && Object.isFrozen(a.history)).toBe(
      true,
    );
    expect(evaluateBool(compile('receivable.balance > 0'), a)).toBe(true);
    expect(evaluateBool(compile('receivable.balance + 100 == 87600'), a)).toBe(true);
    expect(evaluate(compile('debtor.hasEmail && !debtor.hasPhone'), a)).toBe(true);
    expect(evaluateBool(compile("string(now) == '2025-07-15T08:00:00Z'"), a)).toBe(true);
    expect(() => {
      (a.receivable as { balance: number }).balance = 0;
    }).toThrow(TypeError);
  });

  it('sees a change to a map that is not frozen', () => {
    const a = { ...activation(), receivable: { ...activation().receivable } };
    const open = compile('receivable.balance > 0');
    expect(evaluateBool(open, a)).toBe(true);
    a.receivable.balance = 0;
    expect(evaluateBool(open, a)).toBe(false);
  });

  it('sees a frozen map whose list inside can still change', () => {
    const channelsTried = ['email'];
    const a = {
      ...activation(),
      case: Object.freeze({
        stepsSent: 1,
        opened: false,
        clicked: false,
        bounced: false,
        channelsTried,
        costsAdded: 0,
      }),
    };
    const tried = compileExpression("'sms' in case.channelsTried", 'branch');
    if (isCelCompileError(tried)) throw tried;
    expect(evaluateBool(tried, a)).toBe(false);
    channelsTried.push('sms');
    expect(evaluateBool(tried, a)).toBe(true);
  });

  it('sees `now` set to another instant', () => {
    const a = activation();
    const after = compile("now > timestamp('2025-07-20T00:00:00Z')");
    expect(evaluateBool(after, a)).toBe(false);
    (a.now as Date).setTime(Date.parse('2025-07-21T00:00:00Z'));
    expect(evaluateBool(after, a)).toBe(true);
  });

  it('reports an ill-typed value for each expression that reads it, naming that expression', () => {
    const bad = {
      ...activation(),
      receivable: Object.freeze({ ...activation().receivable, balance: 1.5 }),
    };
    for (const source of ['receivable.balance > 0', "receivable.kind == 'rent'"]) {
      let error: unknown;
      try {
        evaluate(compile(source), bad);
      } catch (err) {
        error = err;
      }
      expect(isCelEvalError(error) && error.source === source).toBe(true);
      expect(String(error)).toContain('receivable.balance must be a whole number');
    }
  });
});
