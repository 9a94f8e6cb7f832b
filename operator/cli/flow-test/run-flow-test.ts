// Running FlowTests: the resources under the paths are compiled once (with a built-in test corporation
// over every base namespace a test needs), then each test goes through the simulator and its
// expectations are checked.
import type { ConfigBundle } from '../../../core/bundle/types.js';
import { calendarOf } from '../../../core/cases/index.js';
import { isOutputstraatError } from '../../../core/errors/index.js';
import { type SimEvent, type SimulationResult, simulateHousehold } from '../../../core/simulator/index.js';
import { bundleOf, type Street, testNamespace } from '../load-street.js';
import { checkExpectations, type Mismatch } from './check-expectations.js';
import type { FlowTestEvent } from './flow-test-schema.js';
import type { FlowTestCase } from './read-flow-tests.js';

export interface FlowTestOutcome {
  name: string;
  file: string;
  line: number;
  passed: boolean;
  mismatches: Mismatch[];
  /** Absent when the test could not run (its corporation does not compile, no flow matches …). */
  result?: SimulationResult;
}

/** Base namespaces whose flows need the built-in test corporation. */
export function basesNeeded(tests: readonly FlowTestCase[], street: { corporations: Set<string> }): string[] {
  const bases = new Set<string>();
  for (const t of tests) {
    if (t.spec.corporation === undefined) bases.add(t.base);
    else if (!street.corporations.has(t.spec.corporation)) bases.add(t.spec.corporation);
  }
  return [...bases];
}

function toSimEvent(e: FlowTestEvent, receivable: FlowTestCase['receivable']): SimEvent {
  const at = e.at;
  const item = e.item ? { item: e.item } : {};
  switch (e.type) {
    case 'receivable':
      return { at, type: 'receivable', receivable: { ...receivable, ...e.receivable } as typeof receivable };
    case 'bounced':
    case 'delivered':
    case 'opened':
    case 'clicked':
    case 'failed':
      return { at, type: e.type, step: e.step ?? '', ...(e.channel ? { channel: e.channel } : {}) };
    case 'paid':
      return { at, type: 'paid', ...item };
    case 'partiallyPaid':
    case 'balanceChanged':
      return { at, type: e.type, balance: e.balance ?? 0, ...item };
    case 'deceased':
    case 'unfrozen':
      return { at, type: e.type };
    case 'frozen':
      return {
        at,
        type: 'frozen',
        ...(e.kind ? { kind: e.kind } : {}),
        ...(e.until ? { until: e.until } : {}),
      };
    case 'optOut':
      return { at, type: 'optOut', channel: e.channel ?? '' };
    case 'arrangement':
      return {
        at,
        type: 'arrangement',
        ...(e.note ? { note: e.note } : {}),
        ...(e.terms ? { terms: e.terms } : {}),
        ...(e.promise ? { promise: true } : {}),
        ...item,
      };
    default:
      return {
        at,
        type: e.type as 'paused' | 'resumed' | 'cancelled',
        ...(e.note ? { note: e.note } : {}),
        ...item,
      };
  }
}

function testBundle(street: Street, test: FlowTestCase, corporations: Set<string>): ConfigBundle {
  const c = test.spec.corporation;
  if (c === undefined) return bundleOf(street, testNamespace(test.base));
  return bundleOf(street, corporations.has(c) ? c : testNamespace(c));
}

export function runFlowTest(street: Street, test: FlowTestCase, corporations: Set<string>): FlowTestOutcome {
  const head = { name: test.name, file: test.file, line: test.line };
  const fail = (what: string, lines: string[]): FlowTestOutcome => ({
    ...head,
    passed: false,
    mismatches: [{ what, lines }],
  });
  let bundle: ConfigBundle;
  try {
    bundle = testBundle(street, test, corporations);
  } catch (err) {
    if (!isOutputstraatError(err)) throw err;
    return fail('corporation', [err.message]);
  }
  const start = new Date(test.spec.start);
  let result: SimulationResult;
  try {
    const policy = test.spec.contactPolicy as ConfigBundle['corporation']['contactPolicy'];
    // spec.contactPolicy replaces the corporation's; spec.household adds the household's other receivables.
    const withPolicy = policy
      ? { ...bundle, corporation: { ...bundle.corporation, contactPolicy: policy } }
      : bundle;
    result = simulateHousehold({
      bundle: withPolicy,
      cases: [
        {
          receivable: test.receivable,
          events: (test.spec.events ?? []).map((e) => toSimEvent(e, test.receivable)),
        },
        ...test.household.map((receivable) => ({ receivable })),
      ],
      start,
      until: test.spec.until ?? '+30d',
    }).cases[0]!;
  } catch (err) {
    if (isOutputstraatError(err) || err instanceof TypeError || err instanceof RangeError) {
      return fail('simulation', [`the simulation could not run: ${err.message}`]);
    }
    throw err;
  }
  const mismatches = checkExpectations(test.spec.expect, result, {
    start,
    calendar: calendarOf(bundle),
    locale: bundle.corporation.locale,
  });
  return { ...head, passed: mismatches.length === 0, mismatches, result };
}
