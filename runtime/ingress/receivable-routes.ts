import type { JetStreamClient } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { describeFieldErrors, validateReceivable } from '../../core/receivable/index.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import { intakeSubject } from '../bus/subjects.js';
import type { Database } from '../db/index.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { corporationOf } from './authenticate.js';
import { acceptNdjson } from './bulk-intake.js';
import { type IntakeEnvelope, receivableMsgId } from './intake-envelope.js';
import { loadTimeline } from './timeline.js';

export interface ReceivableRouteDeps {
  bundles: BundleStore;
  js: JetStreamClient;
  db: Database;
  metrics: RuntimeMetrics;
}

export async function publishReceivable(
  deps: Pick<ReceivableRouteDeps, 'js'>,
  corporation: string,
  receivable: IntakeEnvelope['receivable'],
): Promise<{ duplicate: boolean }> {
  const envelope: IntakeEnvelope = {
    type: 'receivable',
    corporation,
    receivedAt: new Date().toISOString(),
    receivable,
  };
  try {
    const ack = await deps.js.publish(intakeSubject(corporation), JSON.stringify(envelope), {
      msgID: receivableMsgId(corporation, receivable.externalId),
    });
    return { duplicate: ack.duplicate };
  } catch (cause) {
    throw createError('OST_ERR_BUS', ['the receivable could not be stored; nothing was accepted'], { cause });
  }
}

export function registerReceivableRoutes(app: FastifyInstance, deps: ReceivableRouteDeps): void {
  app.post('/v1/receivables', async (request, reply) => {
    const corporation = corporationOf(request, deps.bundles);
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type === 'application/x-ndjson') {
      const result = await acceptNdjson(request.body as NodeJS.ReadableStream, corporation, deps);
      return reply.code(result.accepted > 0 || result.rejected === 0 ? 202 : 400).send(result);
    }
    const checked = validateReceivable(request.body);
    if (!checked.ok) {
      deps.metrics.receivablesRejected.inc({ corporation, reason: 'validation' });
      throw createError('OST_ERR_VALIDATION', [describeFieldErrors(checked.errors)], {
        details: { errors: checked.errors },
      });
    }
    const { duplicate } = await publishReceivable(deps, corporation, checked.value);
    if (!duplicate) deps.metrics.receivablesAccepted.inc({ corporation });
    return reply.code(202).send({ externalId: checked.value.externalId, status: 'accepted', duplicate });
  });

  app.get<{ Params: { externalId: string } }>('/v1/receivables/:externalId', async (request) => {
    const corporation = corporationOf(request, deps.bundles);
    const timeline = await loadTimeline(deps.db, corporation, request.params.externalId);
    if (!timeline) throw createError('OST_ERR_NOT_FOUND', [`receivable ${request.params.externalId}`]);
    return timeline;
  });
}
