// Comparing a simulation with a FlowTest's expectations. Every mismatch comes back as a titled section
// of readable lines (expected against actual, with local times), never as a bare "false".
import type { CalendarSettings } from '../../../core/calendar/index.js';
import { localTime } from '../../../core/calendar/local-time.js';
import {
  resolveInstant,
  type SimAlert,
  type SimMessage,
  type SimulationResult,
} from '../../../core/simulator/index.js';
import type { ExpectedMessage, FlowTestExpect } from './flow-test-schema.js';

export interface Mismatch {
  /** 'messages', 'end', 'skipped' … */
  what: string;
  lines: string[];
}

interface Env {
  start: Date;
  calendar: CalendarSettings;
  locale: 'nl' | 'en';
}

const minute = (t: Date | string) => Math.floor(new Date(t).getTime() / 60_000);

function when(env: Env, t: Date | string): string {
  return localTime(t, env.calendar.timezone, env.locale);
}

function expectedAt(env: Env, at: string): Date {
  return resolveInstant(at, env.start, env.calendar, 'expected time');
}

function sameChannel(expected: string | undefined, m: { channel: string; channelType: string }): boolean {
  return expected === undefined || expected === m.channel || expected === m.channelType;
}

/** Every text a rendered message shows, for `contains`. */
function messageText(m: SimMessage): string {
  const c = m.content;
  if (!c) return '';
  return [c.subject, c.text, c.html, c.sms, c.voice, c.letter?.subject, ...(c.letter?.blocks ?? [])]
    .filter((x): x is string => typeof x === 'string')
    .join('\n')
    .toLowerCase();
}

function messageMatches(env: Env, e: ExpectedMessage, m: SimMessage): boolean {
  return (
    e.step === m.step &&
    (e.contains ?? []).every((t) => messageText(m).includes(t.toLowerCase())) &&
    sameChannel(e.channel, m) &&
    (e.template === undefined || e.template === m.template) &&
    (e.addressee === undefined || (m.addressee ?? '').startsWith(e.addressee)) &&
    (e.at === undefined || minute(expectedAt(env, e.at)) === minute(m.at))
  );
}

function describeExpected(env: Env, e: ExpectedMessage): string {
  return [
    e.step,
    e.channel ? `via ${e.channel}` : '',
    e.template ? `'${e.template}'` : '',
    e.addressee ? `to '${e.addressee}…'` : '',
    e.at ? `at ${when(env, expectedAt(env, e.at))}` : '',
    e.contains ? `containing ${e.contains.map((t) => JSON.stringify(t)).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function describeActual(env: Env, m: SimMessage): string {
  const to = m.addressee ? ` to '${m.addressee}'` : '';
  return `${m.step} via ${m.channel} '${m.template}'${to} at ${when(env, m.at)}`;
}

function table(rows: [string, string, string][]): string[] {
  const width = Math.max('expected'.length, ...rows.map(([, e]) => e.length));
  return [
    `    ${'expected'.padEnd(width)}   actual`,
    ...rows.map(([mark, e, a]) => `  ${mark} ${e.padEnd(width)}   ${a}`.trimEnd()),
  ];
}

function checkMessages(
  env: Env,
  expected: ExpectedMessage[],
  allowMore: boolean,
  actual: SimMessage[],
): Mismatch | undefined {
  const sent = actual.filter((m) => !m.error);
  if (!allowMore) {
    const n = Math.max(expected.length, sent.length);
    const rows: [string, string, string][] = [];
    let ok = expected.length === sent.length;
    for (let i = 0; i < n; i++) {
      const e = expected[i];
      const m = sent[i];
      const match = e !== undefined && m !== undefined && messageMatches(env, e, m);
      if (!match) ok = false;
      rows.push([match ? '✓' : '✗', e ? describeExpected(env, e) : '—', m ? describeActual(env, m) : '—']);
    }
    if (ok) return undefined;
    const title = `messages: expected exactly ${expected.length}, in order; ${sent.length} went out`;
    return { what: 'messages', lines: [title, ...table(rows)] };
  }
  // allowMore: the expected messages must appear in this order among the actual ones.
  const rows: [string, string, string][] = [];
  let from = 0;
  let ok = true;
  for (const e of expected) {
    const j = sent.findIndex((m, index) => index >= from && messageMatches(env, e, m));
    if (j < 0) {
      ok = false;
      rows.push(['✗', describeExpected(env, e), 'not found (after the messages matched before it)']);
    } else {
      rows.push(['✓', describeExpected(env, e), describeActual(env, sent[j]!)]);
      from = j + 1;
    }
  }
  if (ok) return undefined;
  return {
    what: 'messages',
    lines: [
      'messages: expected these in order (allowMore: true)',
      ...table(rows),
      '    all messages that went out:',
      ...(sent.length === 0 ? ['      (none)'] : sent.map((m) => `      ${describeActual(env, m)}`)),
    ],
  };
}

function includesText(actual: string | undefined, expected: string | undefined): boolean {
  return expected === undefined || (actual ?? '').toLowerCase().includes(expected.toLowerCase());
}

function checkSkipped(
  expected: { step: string; reason?: string }[],
  result: SimulationResult,
): Mismatch | undefined {
  const missing = expected.filter(
    (e) => !result.skipped.some((s) => s.step === e.step && includesText(s.reason, e.reason)),
  );
  if (missing.length === 0) return undefined;
  return {
    what: 'skipped',
    lines: [
      'skipped: expected steps to be skipped that were not',
      ...missing.map((e) => `  ✗ ${e.step}${e.reason ? ` (reason containing "${e.reason}")` : ''}`),
      '    skipped in the simulation:',
      ...(result.skipped.length === 0
        ? ['      (none)']
        : result.skipped.map((s) => `      ${s.step}: ${s.reason}`)),
    ],
  };
}

function checkDeferred(
  env: Env,
  expected: { step: string; until?: string; reason?: string }[],
  result: SimulationResult,
): Mismatch | undefined {
  const matches = (e: (typeof expected)[number], d: SimulationResult['deferred'][number]) =>
    d.step === e.step &&
    includesText(d.reason, e.reason) &&
    (e.until === undefined || minute(expectedAt(env, e.until)) === minute(d.until));
  const missing = expected.filter((e) => !result.deferred.some((d) => matches(e, d)));
  if (missing.length === 0) return undefined;
  return {
    what: 'deferred',
    lines: [
      'deferred: expected sends the contact budget defers that it did not',
      ...missing.map(
        (e) =>
          `  ✗ ${e.step}${e.until ? ` until ${when(env, expectedAt(env, e.until))}` : ''}${e.reason ? ` (reason containing "${e.reason}")` : ''}`,
      ),
      '    deferred in the simulation:',
      ...(result.deferred.length === 0
        ? ['      (none)']
        : result.deferred.map((d) => `      ${d.step} until ${when(env, d.until)}: ${d.reason}`)),
    ],
  };
}

function alertMatches(env: Env, e: { step?: string; action?: string; at?: string }, a: SimAlert): boolean {
  return (
    (e.step === undefined || e.step === a.step) &&
    (e.action === undefined || e.action === a.action) &&
    (e.at === undefined || minute(expectedAt(env, e.at)) === minute(a.at))
  );
}

function checkAlerts(
  env: Env,
  expected: { step?: string; action?: string; at?: string }[],
  result: SimulationResult,
): Mismatch | undefined {
  const sent = result.alerts.filter((a) => !a.error);
  const missing = expected.filter((e) => !sent.some((a) => alertMatches(env, e, a)));
  if (missing.length === 0) return undefined;
  const describe = (e: { step?: string; action?: string; at?: string }) =>
    [
      e.step ?? 'any step',
      e.action ? `action ${e.action}` : '',
      e.at ? `at ${when(env, expectedAt(env, e.at))}` : '',
    ]
      .filter(Boolean)
      .join(', ');
  return {
    what: 'alerts',
    lines: [
      'alerts: expected alerts that did not go out',
      ...missing.map((e) => `  ✗ ${describe(e)}`),
      '    alerts in the simulation:',
      ...(sent.length === 0
        ? ['      (none)']
        : sent.map((a) => `      ${a.step}, action ${a.action} at ${when(env, a.at)}`)),
    ],
  };
}

function checkCosts(
  env: Env,
  expected: NonNullable<FlowTestExpect['costs']>,
  result: SimulationResult,
): Mismatch | undefined {
  const actual = result.state.costs ?? [];
  const ok =
    expected.length === actual.length &&
    expected.every((e, i) => {
      const a = actual[i]!;
      return (
        e.amount === a.amountCents &&
        (e.step === undefined || e.step === a.stepId) &&
        (e.at === undefined || minute(expectedAt(env, e.at)) === minute(a.at))
      );
    });
  if (ok) return undefined;
  const describe = (e: { step?: string; amount: number; at?: string }) =>
    `${e.step ?? 'any step'}: ${e.amount} cents${e.at ? ` at ${when(env, expectedAt(env, e.at))}` : ''}`;
  return {
    what: 'costs',
    lines: [
      `costs: expected ${expected.length} cost line(s), ${actual.length} added`,
      ...expected.map((e) => `  expected ${describe(e)}`),
      ...actual.map((a) => `  actual   ${describe({ step: a.stepId, amount: a.amountCents, at: a.at })}`),
    ],
  };
}

export function checkExpectations(expect: FlowTestExpect, result: SimulationResult, env: Env): Mismatch[] {
  const out: Mismatch[] = [];
  if (expect.classification !== undefined && expect.classification !== result.classification) {
    out.push({
      what: 'classification',
      lines: [
        `classification: expected "${expect.classification}", got "${result.classification}" (${result.decidedBy})`,
      ],
    });
  }
  if (expect.flow !== undefined && expect.flow !== result.flow) {
    out.push({ what: 'flow', lines: [`flow: expected "${expect.flow}", got "${result.flow}"`] });
  }
  if (expect.messages !== undefined) {
    const m = checkMessages(env, expect.messages, expect.allowMore ?? false, result.messages);
    if (m) out.push(m);
  }
  if (expect.skipped !== undefined) {
    const m = checkSkipped(expect.skipped, result);
    if (m) out.push(m);
  }
  if (expect.deferred !== undefined) {
    const m = checkDeferred(env, expect.deferred, result);
    if (m) out.push(m);
  }
  if (expect.alerts !== undefined) {
    const m = checkAlerts(env, expect.alerts, result);
    if (m) out.push(m);
  }
  if (expect.costs !== undefined) {
    const m = checkCosts(env, expect.costs, result);
    if (m) out.push(m);
  }
  const end = expect.end;
  if (end && (end.status !== result.end.status || !includesText(result.end.reason, end.reason))) {
    const actual = `${result.end.status}${result.end.reason ? ` (${result.end.reason})` : ''}`;
    const wanted = `${end.status}${end.reason ? ` (reason containing "${end.reason}")` : ''}`;
    out.push({ what: 'end', lines: [`end: expected ${wanted}, got ${actual}`] });
  }
  const broken = [...result.messages, ...result.alerts].filter((m) => m.error);
  if (broken.length > 0) {
    out.push({
      what: 'rendering',
      lines: [
        'rendering: messages that could not be rendered',
        ...broken.map((m) => `  ✗ ${m.step} '${m.template}': ${m.error?.message}`),
      ],
    });
  }
  if (result.warnings.length > 0) {
    out.push({
      what: 'events',
      lines: ['events: the scenario did not apply', ...result.warnings.map((w) => `  ✗ ${w}`)],
    });
  }
  return out;
}
