import { describe, expect, it } from 'vitest';
import {
  type BuildActivationInput,
  buildActivation,
  type CelActivation,
  type CelEnvName,
  CelEvalError,
  type CompiledExpression,
  compileExpression,
  evaluate,
  evaluateBool,
  isCelCompileError,
  isCelEvalError,
} from './index.js';

const NOW = new Date('2025-07-15T08:00:00Z'); // 10:00 in Amsterdam, a Tuesday

function input(overrides: Partial<BuildActivationInput> = {}): BuildActivationInput {
  return {
    receivable: {
      externalId: 'HUUR-2025-07-0042',
      kind: 'rent',
      amount: 87_500,
      balance: 87_500,
      currency: 'EUR',
      dueDate: '2025-07-01',
      source: 'production',
    },
    debtor: {
      id: 'D-1042',
      locale: 'nl-NL',
      preferredChannel: 'email',
      email: 'huurder@example.nl',
      phone: null,
      address: { street: 'Dorpsstraat 1', postalCode: '1234 AB', city: 'Utrecht' },
    },
    history: [
      { dueDate: '2025-02-01', paidDate: '2025-02-01', amount: 85_000 },
      { dueDate: '2025-03-01', paidDate: '2025-03-03', amount: 85_000 },
      { dueDate: '2025-04-01', paidDate: '2025-04-01', amount: 85_000 },
      { dueDate: '2025-05-01', paidDate: '2025-04-29', amount: 85_000 },
      { dueDate: '2025-06-01', paidDate: '2025-06-01', amount: 87_500 },
    ],
    now: NOW,
    ...overrides,
  };
}

/** A tenant who paid twice more than a month late, once a day late, and left June unpaid. */
const defaulterHistory = [
  { dueDate: '2025-02-01', paidDate: '2025-03-10', amount: 85_000 },
  { dueDate: '2025-03-01', paidDate: '2025-03-02', amount: 85_000 },
  { dueDate: '2025-04-01', paidDate: '2025-05-20', amount: 85_000 },
  { dueDate: '2025-05-01', paidDate: '2025-05-01', amount: 85_000 },
  { dueDate: '2025-06-01', amount: 87_500 },
];

function compile(source: string, env: CelEnvName): CompiledExpression {
  const result = compileExpression(source, env);
  if (isCelCompileError(result)) throw result;
  return result;
}

function evalError(fn: () => unknown): CelEvalError {
  try {
    fn();
  } catch (err) {
    if (isCelEvalError(err)) return err;
    throw err;
  }
  throw new Error('expected a CelEvalError');
}

describe('evaluate', () => {
  const regular = buildActivation(input());
  const defaulter = buildActivation(input({ history: defaulterHistory }));

  it('classifies a frequent defaulter with history.timesLate >= 3 && history.maxDaysLate > 30', () => {
    const rule = compile('history.timesLate >= 3 && history.maxDaysLate > 30', 'classification');
    expect(evaluateBool(rule, defaulter)).toBe(true);
    expect(evaluateBool(rule, regular)).toBe(false);
  });

  it('can yield the classification itself as a string', () => {
    const rule = compile(
      "history.timesLate >= 3 && history.maxDaysLate > 30 ? 'frequent-defaulter' : 'regular'",
      'classification',
    );
    expect(evaluate(rule, defaulter)).toBe('frequent-defaulter');
    expect(evaluate(rule, regular)).toBe('regular');
  });

  it("matches storno reason codes with receivable.stornoReasonCode in ['AM04','MS02']", () => {
    const precondition = compile("receivable.stornoReasonCode in ['AM04','MS02']", 'precondition');
    const storno = (code: string | null) =>
      buildActivation(
        input({ receivable: { ...input().receivable, kind: 'storno', stornoReasonCode: code } }),
      );
    expect(evaluateBool(precondition, storno('AM04'))).toBe(true);
    expect(evaluateBool(precondition, storno('MS02'))).toBe(true);
    expect(evaluateBool(precondition, storno('MD06'))).toBe(false);
    expect(evaluateBool(precondition, storno(null))).toBe(false);
  });

  it('checks an open balance with receivable.balance > 0', () => {
    const precondition = compile('receivable.balance > 0', 'precondition');
    expect(evaluateBool(precondition, regular)).toBe(true);
    const paid = buildActivation(input({ receivable: { ...input().receivable, balance: 0 } }));
    expect(evaluateBool(precondition, paid)).toBe(false);
    expect(paid.receivable.paid).toBe(true);
  });

  it("only lets production receivables through with receivable.source == 'production'", () => {
    const precondition = compile("receivable.source == 'production'", 'precondition');
    expect(evaluateBool(precondition, regular)).toBe(true);
    const acceptance = buildActivation(
      input({ receivable: { ...input().receivable, source: 'acceptance' } }),
    );
    expect(evaluateBool(precondition, acceptance)).toBe(false);
  });

  it("supports string functions: debtor.locale.startsWith('nl'), matches, and the strings extension", () => {
    expect(evaluateBool(compile("debtor.locale.startsWith('nl')", 'precondition'), regular)).toBe(true);
    expect(
      evaluateBool(
        compile("debtor.locale.endsWith('NL') && debtor.locale.contains('-')", 'precondition'),
        regular,
      ),
    ).toBe(true);
    expect(
      evaluateBool(compile("receivable.externalId.matches('^HUUR-\\\\d{4}-')", 'precondition'), regular),
    ).toBe(true);
    expect(evaluate(compile('debtor.locale.lowerAscii()', 'classification'), regular)).toBe('nl-nl');
    expect(evaluate(compile("debtor.locale.split('-')[1]", 'classification'), regular)).toBe('NL');
    expect(evaluate(compile('size(receivable.externalId)', 'classification'), regular)).toBe(17);
  });

  it('does integer arithmetic on amounts in cents and returns JS numbers', () => {
    expect(evaluate(compile('receivable.amount - 2500', 'classification'), regular)).toBe(85_000);
    expect(evaluate(compile('receivable.amount / 100', 'classification'), regular)).toBe(875);
    expect(evaluate(compile('history.avgDaysLate', 'classification'), defaulter)).toBe(32.75); // (37 + 1 + 49 + 44) / 4
    expect(evaluate(compile('double(receivable.amount) / 100.0', 'classification'), regular)).toBe(875);
  });

  it('compares time with now and daysOverdue', () => {
    expect(evaluate(compile('daysOverdue', 'classification'), regular)).toBe(14);
    expect(evaluateBool(compile('daysOverdue >= 14', 'precondition'), regular)).toBe(true);
    expect(
      evaluateBool(
        compile("now > timestamp(receivable.dueDate + 'T00:00:00Z') + duration('336h')", 'precondition'),
        regular,
      ),
    ).toBe(true);
    expect(evaluate(compile("now.getHours('Europe/Amsterdam')", 'classification'), regular)).toBe(10);
    expect(evaluate(compile("now.getDayOfWeek('Europe/Amsterdam')", 'classification'), regular)).toBe(2);
  });

  it('evaluates branches over the running case, and the classification', () => {
    const activation = buildActivation(
      input({
        classification: 'regular',
        case: { stepsSent: 2, opened: false, channelsTried: ['email', 'email'] },
      }),
    );
    const unopened = compile(
      "!case.opened && case.stepsSent >= 2 && !('sms' in case.channelsTried)",
      'branch',
    );
    expect(evaluateBool(unopened, activation)).toBe(true);
    expect(evaluateBool(compile("case.channelsTried.all(c, c == 'email')", 'branch'), activation)).toBe(true);
    expect(
      evaluateBool(compile("classification == 'regular' && debtor.hasPhone", 'branch'), activation),
    ).toBe(false);
  });

  it('makes a non-bool precondition result an error', () => {
    // Not decidable at compile time, so evaluateBool catches it.
    const precondition = compile('debtor.hasEmail ? receivable.balance : false', 'precondition');
    const error = evalError(() => evaluateBool(precondition, regular));
    expect(error).toBeInstanceOf(CelEvalError);
    expect(error.code).toBe('OST_ERR_CEL_EVAL');
    expect(error.reason).toBe('result-type');
    expect(error.problem).toBe('expected true or false, but the expression yielded the number 87500');
    expect(error.message).toContain('debtor.hasEmail ? receivable.balance : false');
    expect(() => evaluateBool(compile('receivable.kind', 'classification'), regular)).toThrow(
      'expected true or false, but the expression yielded the string "rent"',
    );
  });

  it('reports a type mismatch at runtime naming the expression', () => {
    const expr = compile('receivable.amount + history.avgDaysLate > 0', 'classification');
    const error = evalError(() => evaluate(expr, regular));
    expect(error.reason).toBe('type-mismatch');
    expect(error.problem).toBe("found no matching overload for '_+_' applied to '(int, double)'");
    expect(error.message).toContain('`receivable.amount + history.avgDaysLate > 0`');
    expect(error.hint).toContain('double(x)');
    expect(error.column).toBe(19);
    expect(isCelEvalError(error)).toBe(true);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('reports a missing key: an absent map field or a list index out of range', () => {
    const withoutCode = structuredClone(regular) as CelActivation;
    delete (withoutCode.receivable as Partial<CelActivation['receivable']>).stornoReasonCode;
    const missing = evalError(() =>
      evaluate(compile("receivable.stornoReasonCode == 'AM04'", 'precondition'), withoutCode),
    );
    expect(missing.reason).toBe('missing-key');
    expect(missing.problem).toBe('field not found: stornoReasonCode');
    expect(evaluateBool(compile('has(receivable.stornoReasonCode)', 'precondition'), withoutCode)).toBe(
      false,
    );

    const activation = buildActivation(input({ case: { channelsTried: ['email'] } }));
    const outOfRange = evalError(() =>
      evaluate(compile("case.channelsTried[3] == 'sms'", 'branch'), activation),
    );
    expect(outOfRange.reason).toBe('missing-key');
  });

  it('reports a variable the activation lacks', () => {
    const error = evalError(() => evaluate(compile('case.bounced', 'branch'), regular));
    expect(error.reason).toBe('missing-variable');
    expect(error.problem).toBe('the expression reads "case", but the activation has no case');
  });

  it('rejects ill-typed activation values, naming the field', () => {
    const fractional = { ...regular, receivable: { ...regular.receivable, amount: 875.5 } };
    const error = evalError(() => evaluate(compile('receivable.amount > 0', 'precondition'), fractional));
    expect(error.reason).toBe('type-mismatch');
    expect(error.problem).toBe(
      'activation value receivable.amount must be a whole number (int; amounts in minor units), got 875.5',
    );
    // Variables the expression does not read are not looked at.
    expect(evaluateBool(compile('debtor.hasEmail', 'precondition'), fractional)).toBe(true);
  });

  it('rejects results that are not a bool, string or number', () => {
    const activation = buildActivation(input({ case: {} }));
    expect(evalError(() => evaluate(compile('case.channelsTried', 'branch'), activation)).problem).toBe(
      'the expression yielded a list; expressions must yield a bool, string or number',
    );
    expect(evalError(() => evaluate(compile('now', 'classification'), regular)).problem).toContain(
      'a google.protobuf.Timestamp',
    );
  });

  it('reports division by zero as an arithmetic error', () => {
    const error = evalError(() =>
      evaluate(compile('receivable.amount / history.unpaidCount', 'classification'), regular),
    );
    expect(error.reason).toBe('arithmetic');
    expect(error.problem).toBe('int divide by zero');
  });
});
