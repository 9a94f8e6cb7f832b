// Several receivables of one household on one virtual clock, under the corporation's contact budget: each
// case runs as simulate() runs it, and every send asks the same decideContact the runtime's dispatcher
// asks, with the household's simulated history and the other cases' pending sends and step timers as
// contenders (runtime/dispatch/contact-budget.ts reads the same from Postgres).
import {
  type ContactRecord,
  type ContactSend,
  contactClassOf,
  contactPolicyOf,
  decideContact,
  sendChannelTypeOf,
} from '../contact-budget/index.js';
import type { ReceivableInput } from '../receivable/index.js';
import { driveCases, prepareCase, resultOf } from './simulate.js';
import type { BudgetHook, SimulationRun } from './simulation-run.js';
import type { SimEvent, SimulateInput, SimulationResult } from './types.js';

export interface HouseholdCase {
  receivable: ReceivableInput;
  events?: SimEvent[];
}

export interface SimulateHouseholdInput extends Omit<SimulateInput, 'receivable' | 'events'> {
  /** The receivables of one household (one or several debtors), all arriving at `start`. */
  cases: HouseholdCase[];
}

export interface HouseholdResult {
  /** One result per case, in the order of the input. */
  cases: SimulationResult[];
}

/**
 * One receivable through the flow on a virtual clock. Under a contact policy its own messages count
 * against its debtor's and household's budget, as in the runtime.
 */
export function simulate(input: SimulateInput): SimulationResult {
  const { receivable, events, ...rest } = input;
  return simulateHousehold({ ...rest, cases: [{ receivable, ...(events ? { events } : {}) }] }).cases[0]!;
}

export function simulateHousehold(input: SimulateHouseholdInput): HouseholdResult {
  const policy = contactPolicyOf(input.bundle.corporation.contactPolicy);
  const history: ContactRecord[] = [];
  const runs: SimulationRun[] = [];
  const debtorOf = new Map<SimulationRun, string>();
  const contenders = (bundle = input.bundle): ContactSend[] =>
    runs.flatMap((run, i) =>
      run.timers.pending().flatMap((t): ContactSend[] => {
        const common = {
          debtor: debtorOf.get(run)!,
          contactClass: contactClassOf(bundle, run.flow.name),
          dueAt: new Date(t.at),
        };
        if (t.input.type === 'dispatch' && t.input.effect.type === 'send') {
          const e = t.input.effect;
          const channelType = e.channelType ?? bundle.channels[e.channel]?.spec.type ?? e.channel;
          return [{ id: `${i}:send:${e.messageId}`, channelType, ...common }];
        }
        if (t.input.type === 'due') {
          const channelType = sendChannelTypeOf(bundle, run.flow.name, t.input.stepId);
          return channelType ? [{ id: `${i}:due:${t.input.stepId}@${t.at}`, channelType, ...common }] : [];
        }
        return [];
      }),
    );
  const hook: BudgetHook | undefined = policy && {
    decide(run, e, now) {
      const bundle = run.bundle;
      return decideContact(
        policy,
        history,
        contenders(bundle),
        {
          id: `${runs.indexOf(run)}:send:${e.messageId}`,
          debtor: debtorOf.get(run)!,
          channelType: e.channelType ?? bundle.channels[e.channel]?.spec.type ?? e.channel,
          contactClass: contactClassOf(bundle, run.flow.name),
          dueAt: now,
          overBudget: run.flow.overBudget ?? 'defer',
        },
        now,
      );
    },
    spent(run, channelType, now) {
      history.push({ at: now, debtor: debtorOf.get(run)!, channelType });
    },
  };
  const drivers = input.cases.map((c) => {
    const driver = prepareCase(input, c.receivable, c.events ?? [], hook);
    runs.push(driver.run);
    debtorOf.set(driver.run, driver.run.receivable.input.debtor.id);
    return driver;
  });
  const first = drivers[0];
  if (!first) return { cases: [] };
  driveCases(drivers, first.start, first.until);
  return { cases: drivers.map((d) => resultOf(d, first.start, first.until)) };
}
