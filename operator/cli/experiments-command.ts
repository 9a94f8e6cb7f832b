// `outputstraat experiments report NAME`: an experiment's report through the runtime's HTTP API
// (GET /v1/experiments/{name}/report) with the corporation's ERP API key; -o json prints the answer as is.
// docs/experiments.md explains the numbers.
import type { Command } from 'commander';
import type { ArmReport, Comparison, ExperimentReport } from '../../core/experiments/index.js';
import { type ConnectionFlags, connectionOptions, resolveConnection } from './cli-config.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';
import { StreetApi } from './street-api.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

function versus(c: Comparison | undefined): string {
  if (!c) return '-';
  return `${pts(c.difference)} pts [${pts(c.interval.lower)}, ${pts(c.interval.upper)}] ${c.verdict}`;
}

function guard(a: ArmReport): string {
  if (!a.guardrail) return '-';
  const rates = `complaints ${pct(a.guardrail.complaintRate)}, opt-outs ${pct(a.guardrail.optOutRate)}`;
  return a.guardrail.stopped ? `STOPPED (${a.guardrail.reason}): ${rates}` : `ok: ${rates}`;
}

/** The report as aligned text: a headline, then one row per arm. */
export function reportText(r: ExperimentReport & { flow: string }): string[] {
  const verdict =
    r.status === 'conclusive'
      ? r.winner
        ? `conclusive: ${r.winner} is better than the control`
        : 'conclusive: no variant is better than the control'
      : r.status === 'inconclusive'
        ? 'inconclusive: no difference shown (yet)'
        : 'collecting: not every arm has the minimum sample';
  const head = [
    `experiment ${r.experiment} (flow ${r.flow}, mode ${r.mode}): ${verdict}${r.stop ? '; the stop rule says stop' : ''}`,
    `outcome: paid in full within ${r.outcome.paidWithinDays} days; intervals at ${pct(r.comparisonConfidence)} confidence`,
  ];
  const rows = [
    ['arm', 'n', 'paid', 'rate', 'interval', 'vs control', 'vs holdout', 'share', 'guardrails'],
    ...r.arms.map((a) => [
      a.arm,
      String(a.n),
      String(a.successes),
      pct(a.rate),
      `[${pct(a.rateInterval.lower)}, ${pct(a.rateInterval.upper)}]`,
      versus(a.vsControl),
      versus(a.vsHoldout),
      pct(a.share),
      guard(a),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return [
    ...head,
    ...rows.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
  ];
}

export function experimentsCommand(program: Command, io: CliIo, run: Runner): void {
  const group = program
    .command('experiments')
    .description("a corporation's experiments, through the runtime's HTTP API");
  connectionOptions(
    group
      .command('report <name>')
      .description(
        'per arm: n, outcome rate, difference with the control and holdout, conclusive or not, guardrails',
      ),
  ).action((name: string, opts: ConnectionFlags & { output: string }) =>
    run(async () => {
      const format = outputFormat(opts.output);
      const api = new StreetApi(resolveConnection(opts));
      if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
        throw usageError(`experiment name "${name}" is not a name`, 'use lowercase letters, digits and -');
      }
      const body = await api.json<ExperimentReport & { flow: string }>(
        'GET',
        `/v1/experiments/${name}/report`,
      );
      if (format !== 'text') emit(io, format, body);
      else for (const line of reportText(body)) io.out(line);
      return EXIT_OK;
    }),
  );
}
