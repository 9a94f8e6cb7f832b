// Dead letters for the corporation's own API key (runtime/dossiers/dead-letters.ts keeps them):
//   GET  /v1/dead-letters                 newest first, without payloads
//   GET  /v1/dead-letters/{id}            one, with its payload
//   POST /v1/dead-letters/{id}/retry      re-drive: an intake dead letter is published again to the
//                                         corporation's intake subject; a dispatch dead letter's step is
//                                         scheduled again. Both are harmless to repeat.
// Another corporation's dead letter is 404, exactly like one that does not exist.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { schemaValidator } from '../../core/receivable/validate-schema.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { INTAKE_STREAM } from '../../platform/bus/index.js';
import type { Database } from '../../platform/db/index.js';
import {
  type DeadLetterView,
  findDeadLetter,
  listDeadLetters,
  markRedriven,
  rescheduleDeadStep,
} from '../dossiers/index.js';
import { publishToIntake } from './publish-intake.js';

export interface DeadLetterRouteDeps {
  db: Database;
  js: JetStreamClient;
}

const listQuerySchema = {
  $id: 'DeadLetterQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    before: {
      type: 'string',
      format: 'uuid',
      description: 'The id of the last dead letter of the previous page: continue with older ones.',
    },
  },
} as const;

const validateListQuery = schemaValidator<{ limit: number; before?: string }>(listQuerySchema, {
  coerce: true,
});

const deadLetterSchema = {
  $id: 'DeadLetter',
  type: 'object',
  required: ['id', 'stream', 'subject', 'code', 'reason', 'deliveries', 'deadAt', 'redriveCount'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    stream: { type: 'string', enum: ['OST_INTAKE', 'OST_DISPATCH'] },
    subject: { type: 'string' },
    externalId: { type: ['string', 'null'], description: 'The receivable, when it is known.' },
    stepRowId: { type: ['string', 'null'], description: 'Dispatch: the step the dead letter marked failed.' },
    code: { type: 'string', description: 'Why, as an error code (docs/errors.md).' },
    reason: { type: 'string', description: 'Why, and what to do; never personal data.' },
    deliveries: { type: 'integer', description: 'How often JetStream had handed it to the runtime.' },
    publishedAt: { type: 'string', format: 'date-time' },
    deadAt: { type: 'string', format: 'date-time' },
    redrivenAt: { type: ['string', 'null'], format: 'date-time' },
    redriveCount: { type: 'integer' },
    payload: {
      type: 'string',
      description: 'GET /v1/dead-letters/{id} only: the message as published (UTF-8). Personal data.',
    },
  },
} as const;

/** The same schema inside another one: named (a component) only where it is the response itself. */
const { $id: _deadLetterId, ...deadLetterItem } = deadLetterSchema;

const idParam = { id: 'The dead letter id from GET /v1/dead-letters.' };

export function registerDeadLetterRoutes(app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  app.get(
    '/v1/dead-letters',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'listDeadLetters',
          tag: 'dead-letters',
          summary: "The corporation's dead letters, newest first",
          description:
            'Intake and dispatch messages the runtime gave up on: unreadable, refused by the database, or ' +
            'still failing after every delivery. Each has a receivable.rejected event (intake) on the feed.',
          query: listQuerySchema,
          responses: {
            200: {
              description: 'A page of dead letters, without payloads.',
              schema: {
                $id: 'DeadLetterPage',
                type: 'object',
                required: ['deadLetters'],
                properties: { deadLetters: { type: 'array', items: deadLetterItem } },
              },
            },
          },
          errors: ['OST_ERR_VALIDATION'],
        },
      },
    },
    async (request) => {
      const checked = validateListQuery({ ...(request.query as object) });
      if (!checked.ok) throw validationError(checked.errors);
      const deadLetters = await listDeadLetters(deps.db, request.corporation, {
        limit: checked.value.limit,
        ...(checked.value.before ? { before: checked.value.before } : {}),
      });
      return { deadLetters };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/dead-letters/:id',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'getDeadLetter',
          tag: 'dead-letters',
          summary: 'One dead letter, with its payload',
          params: idParam,
          responses: { 200: { description: 'The dead letter.', schema: deadLetterSchema } },
          errors: ['OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const letter = await findDeadLetter(deps.db, request.corporation, request.params.id);
      if (!letter) throw createError('OST_ERR_NOT_FOUND', [`dead letter ${request.params.id}`]);
      const { payload, ...rest } = letter;
      return { ...rest, payload: payload.toString('utf8') };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/dead-letters/:id/retry',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'retryDeadLetter',
          tag: 'dead-letters',
          summary: 'Re-drive a dead letter',
          description:
            'Intake: the payload is published again to the intake subject (storing a receivable that is ' +
            'already there changes nothing). Dispatch: the step is scheduled again, now. Fix the cause ' +
            'first; a message that fails again becomes a new dead letter.',
          params: idParam,
          responses: {
            202: {
              description: 'Re-driven: `redriven` (intake) or `rescheduled` (dispatch).',
              schema: {
                $id: 'Redriven',
                type: 'object',
                required: ['status', 'deadLetter'],
                properties: {
                  status: { type: 'string', enum: ['redriven', 'rescheduled'] },
                  deadLetter: deadLetterItem,
                },
              },
            },
          },
          errors: ['OST_ERR_NOT_FOUND', 'OST_ERR_CONFLICT', 'OST_ERR_BUS'],
        },
      },
    },
    async (request, reply) => {
      const corporation = request.corporation;
      const letter = await findDeadLetter(deps.db, corporation, request.params.id);
      if (!letter) throw createError('OST_ERR_NOT_FOUND', [`dead letter ${request.params.id}`]);
      let status: 'redriven' | 'rescheduled';
      if (letter.stream === INTAKE_STREAM) {
        // The same re-drive twice within JetStream's duplicate window is stored once.
        await publishToIntake(deps.js, corporation, letter.payload, {
          msgID: `redrive:${letter.id}:${letter.redriveCount + 1}`,
        });
        status = 'redriven';
      } else if (letter.stepRowId && (await rescheduleDeadStep(deps.db, corporation, letter.stepRowId))) {
        status = 'rescheduled';
      } else {
        throw createError('OST_ERR_CONFLICT', [
          `dead letter ${letter.id} has no failed step to schedule again (a later attempt ran, or it named none)`,
          "check the receivable's timeline (GET /v1/receivables/{externalId})",
        ]);
      }
      const deadLetter: DeadLetterView = await markRedriven(deps.db, corporation, letter.id);
      return reply.code(202).send({ status, deadLetter });
    },
  );
}
