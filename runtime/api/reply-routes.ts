// Replies and tasks for the corporation's own API key (runtime/replies keeps them):
//   GET   /v1/debtors/{debtorId}/replies   the debtor's SMS and email replies, newest first
//   GET   /v1/tasks?status=                the corporation's tasks (default: every one not done)
//   PATCH /v1/tasks/{id}                   assign, snooze, reopen or close a task
// Another corporation's debtor or task is 404, exactly like one that does not exist.
import type { FastifyInstance } from 'fastify';
import { createError } from '../../core/errors/index.js';
import type { Validation } from '../../core/receivable/index.js';
import { schemaValidator } from '../../core/receivable/validate-schema.js';
import { validationError } from '../../core/receivable/validation-error.js';
import type { Database } from '../../platform/db/index.js';
import {
  listTasks,
  patchTask,
  TASK_LIST_MAX,
  TASK_STATUSES,
  type TaskStatus,
  validateTaskPatch,
} from '../dossiers/index.js';
import { listReplies } from '../replies/index.js';

export interface ReplyRouteDeps {
  db: Database;
  now?: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLASSES = ['already-paid', 'dispute', 'deceased', 'stop', 'other'];

const replySchema = {
  type: 'object',
  required: ['id', 'channel', 'from', 'text', 'class', 'action', 'decidedBy', 'receivedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    channel: { type: 'string', enum: ['sms', 'email'] },
    from: { type: ['string', 'null'], description: 'The number or address it came from (null once erased).' },
    text: {
      type: ['string', 'null'],
      description: 'What the debtor wrote; for email the new text, without the quoted message.',
    },
    class: { type: 'string', enum: CLASSES },
    action: { type: 'string', enum: ['pause-and-task', 'opt-out', 'record'] },
    decidedBy: { type: 'string', description: 'ruleSet/rule, or default.' },
    receivedAt: { type: 'string', format: 'date-time' },
    messageId: { type: ['string', 'null'], description: 'Our message it answers.' },
    externalId: { type: ['string', 'null'], description: "That message's receivable." },
  },
} as const;

const taskSchema = {
  $id: 'Task',
  type: 'object',
  required: ['id', 'kind', 'title', 'status', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['alert', 'reply', 'lapsed-arrangement', 'dead-letter'] },
    title: { type: 'string', description: "The street's own wording; never a debtor's text." },
    status: { type: 'string', enum: [...TASK_STATUSES] },
    debtorId: { type: ['string', 'null'], description: 'The debtor.id, when the task is about a debtor.' },
    caseId: { type: ['string', 'null'] },
    replyId: { type: ['string', 'null'] },
    assignee: { type: ['string', 'null'] },
    team: {
      type: ['string', 'null'],
      description:
        "The team whose work list shows it (an alert recipient's name); null: the whole corporation's.",
    },
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    snoozedUntil: { type: ['string', 'null'], format: 'date-time' },
    closedBy: { type: ['string', 'null'] },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
const { $id: _taskId, ...taskItem } = taskSchema;

const taskPatchSchema = {
  $id: 'TaskPatch',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    status: {
      type: 'string',
      enum: [...TASK_STATUSES],
      description: 'assigned needs an assignee, snoozed a snoozedUntil; done is final (task.closed).',
    },
    assignee: { type: 'string', minLength: 1, maxLength: 100, description: 'Who works on it (staff).' },
    snoozedUntil: {
      type: 'string',
      format: 'date-time',
      description: 'Hidden from the open list until then.',
    },
    closedBy: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'Who closed it (default: the assignee).',
    },
  },
} as const;

const replyQuerySchema = {
  $id: 'ReplyQuery',
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
} as const;
const taskQuerySchema = {
  $id: 'TaskQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...TASK_STATUSES], description: 'Absent: every task not done.' },
    limit: { type: 'integer', minimum: 1, maximum: TASK_LIST_MAX, default: 100 },
  },
} as const;
const validateReplyQuery = schemaValidator<{ limit: number }>(replyQuerySchema, { coerce: true });
const validateTaskQuery = schemaValidator<{ status?: TaskStatus; limit: number }>(taskQuerySchema, {
  coerce: true,
});

function query<T>(result: Validation<T>): T {
  if (!result.ok) throw validationError(result.errors);
  return result.value;
}

export function registerReplyRoutes(app: FastifyInstance, deps: ReplyRouteDeps): void {
  app.get<{ Params: { debtorId: string } }>(
    '/v1/debtors/:debtorId/replies',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'listDebtorReplies',
          tag: 'debtors',
          summary: "A debtor's SMS and email replies, newest first",
          description:
            'Each reply with its class (already-paid, dispute, deceased, stop, other) from the reply rules and ' +
            'what followed. Personal data: the number or address and the text.',
          params: { debtorId: 'The debtor.id the ERP posted with its receivables.' },
          query: replyQuerySchema,
          responses: {
            200: {
              description: 'The replies.',
              schema: {
                $id: 'ReplyPage',
                type: 'object',
                required: ['replies'],
                properties: { replies: { type: 'array', items: replySchema } },
              },
            },
          },
          errors: ['OST_ERR_VALIDATION', 'OST_ERR_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const { limit } = query(validateReplyQuery({ ...(request.query as object) }));
      const debtorId = request.params.debtorId;
      if (debtorId.length < 1 || debtorId.length > 100) {
        throw validationError([{ field: 'debtorId', message: 'must be 1 to 100 characters' }]);
      }
      return { replies: await listReplies(deps.db, request.corporation, debtorId, limit) };
    },
  );

  app.get(
    '/v1/tasks',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'listTasks',
          tag: 'tasks',
          summary: "The corporation's tasks, oldest first",
          description: 'Work for people: replies to look at, alerts, lapsed arrangements, dead letters.',
          query: taskQuerySchema,
          responses: {
            200: {
              description: 'The tasks.',
              schema: {
                $id: 'TaskPage',
                type: 'object',
                required: ['tasks'],
                properties: { tasks: { type: 'array', items: taskItem } },
              },
            },
          },
          errors: ['OST_ERR_VALIDATION'],
        },
      },
    },
    async (request) => {
      const q = query(validateTaskQuery({ ...(request.query as object) }));
      return { tasks: await listTasks(deps.db, request.corporation, q.status, q.limit) };
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/v1/tasks/:id',
    {
      config: {
        auth: 'api-key',
        openapi: {
          operationId: 'patchTask',
          tag: 'tasks',
          summary: 'Assign, snooze, reopen or close a task',
          description:
            'Every change puts task.updated on the feed (status, assignee, snoozedUntil, by: erp); closing ' +
            '(status done) also task.closed. A done task cannot change (409).',
          params: { id: 'The task id from GET /v1/tasks or a task.created event.' },
          body: { schema: taskPatchSchema, contentTypes: ['application/json'] },
          responses: { 200: { description: 'The task after the change.', schema: taskSchema } },
          errors: [
            'OST_ERR_VALIDATION',
            'OST_ERR_NOT_FOUND',
            'OST_ERR_CONFLICT',
            'OST_ERR_UNSUPPORTED_MEDIA',
          ],
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      if (!UUID.test(id)) throw createError('OST_ERR_NOT_FOUND', [`task ${id}`]);
      const now = deps.now?.() ?? new Date();
      const patch = validateTaskPatch(request.body, now);
      return patchTask(deps.db, request.corporation, id, patch, now);
    },
  );
}
