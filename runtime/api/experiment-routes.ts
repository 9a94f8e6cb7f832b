// GET /v1/experiments/{name}/report: the corporation's experiment as it stands (docs/experiments.md):
// per arm n, outcome rate, the difference with the control and the holdout with its interval, whether
// it is conclusive, and each variant's guardrail state. Only the caller's own bundle is searched: another
// corporation's experiment is a 404, exactly like one that does not exist.
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { experimentReport, fixedAllocation, stoppedVariants } from '../../core/experiments/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { experimentCounts, findAllocation, findExperiment } from '../dossiers/index.js';

export interface ExperimentRouteDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const interval = {
  type: 'object',
  required: ['lower', 'upper'],
  properties: { lower: { type: 'number' }, upper: { type: 'number' } },
} as const;
const comparison = {
  type: 'object',
  required: ['difference', 'interval', 'verdict', 'conclusive'],
  properties: {
    difference: { type: 'number', description: 'This arm’s rate minus the other’s.' },
    interval,
    verdict: { type: 'string', enum: ['better', 'worse', 'inconclusive', 'too-few'] },
    conclusive: { type: 'boolean' },
  },
} as const;

const reportSchema = {
  $id: 'ExperimentReport',
  type: 'object',
  required: ['experiment', 'flow', 'mode', 'outcome', 'comparisonConfidence', 'status', 'stop', 'arms'],
  properties: {
    experiment: { type: 'string' },
    flow: { type: 'string', description: 'The Flow that declares the experiment.' },
    mode: { type: 'string', enum: ['fixed', 'bandit'] },
    outcome: {
      type: 'object',
      required: ['paidWithinDays'],
      properties: { paidWithinDays: { type: 'integer' } },
    },
    comparisonConfidence: {
      type: 'number',
      description: 'Two-sided confidence of each comparison, raised for several variants (Bonferroni).',
    },
    status: { type: 'string', enum: ['collecting', 'conclusive', 'inconclusive'] },
    stop: { type: 'boolean', description: 'The stop rule says: stop and decide.' },
    winner: { type: 'string', description: 'The variant called better than the control, when one is.' },
    allocationUpdatedAt: { type: 'string', format: 'date-time' },
    arms: {
      type: 'array',
      items: {
        type: 'object',
        required: ['arm', 'n', 'successes', 'rate', 'rateInterval', 'share'],
        properties: {
          arm: { type: 'string', description: 'A variant, or holdout.' },
          n: { type: 'integer', description: 'Cases whose outcome is known.' },
          successes: { type: 'integer', description: 'Of those, paid in full within the window.' },
          rate: { type: 'number' },
          rateInterval: interval,
          share: { type: 'number', description: 'Share of new cases this arm gets now.' },
          vsControl: comparison,
          vsHoldout: comparison,
          guardrail: {
            type: 'object',
            required: ['stopped', 'complaintRate', 'optOutRate'],
            properties: {
              stopped: { type: 'boolean' },
              reason: { type: 'string', enum: ['complaintRate', 'optOutRate'] },
              complaintRate: { type: 'number' },
              optOutRate: { type: 'number' },
            },
          },
        },
      },
    },
  },
} as const;

export function registerExperimentRoutes(app: FastifyInstance, deps: ExperimentRouteDeps): void {
  app.get<{ Params: { name: string } }>(
    '/v1/experiments/:name/report',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'getExperimentReport',
          tag: 'experiments',
          summary: 'An experiment’s report',
          description:
            'Per arm: cases with a known outcome, the rate paid within the window with its Wilson interval, ' +
            'the difference with the control and the holdout with a Newcombe interval, conclusive or not, and ' +
            'the guardrails. docs/experiments.md explains the numbers and their limits.',
          params: { name: 'The experiment name (Flow spec.experiment.name).' },
          responses: { 200: { description: 'The report.', schema: reportSchema } },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const { name } = request.params;
      if (!NAME.test(name)) {
        throw validationError([
          { field: 'name', message: 'must be an experiment name (lowercase letters, digits, -)' },
        ]);
      }
      const bundle = deps.bundles.get(request.corporation);
      const found = bundle ? findExperiment(bundle, name) : undefined;
      if (!found) throw createError('OST_ERR_NOT_FOUND', [`experiment ${name}`]);
      const now = deps.now?.() ?? new Date();
      const counts = await experimentCounts(deps.db, request.corporation, found.experiment, now);
      const stored = await findAllocation(deps.db, request.corporation, name);
      const e = found.experiment;
      const allocation = stored
        ? { holdout: e.holdout, variants: stored.allocation.variants }
        : fixedAllocation(e.holdout, e.variants, stoppedVariants(e, counts));
      return {
        ...experimentReport(e, counts, allocation),
        flow: found.flow,
        ...(stored ? { allocationUpdatedAt: stored.updatedAt.toISOString() } : {}),
      };
    },
  );
}
