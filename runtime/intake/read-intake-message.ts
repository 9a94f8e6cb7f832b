// What intake accepts from OST_INTAKE before it touches the database: JSON of one of the two envelope
// shapes, for the corporation its subject names, each receivable with an externalId. Only the ingress
// publishes there, so anything else was put on the stream by hand or by a bug: it is a dead letter at
// once, because every delivery would fail the same way. The receivables themselves were validated by
// the ingress; their content is not checked again here (rent day's intake has no cycles to spare).
import type { JsMsg } from '@nats-io/jetstream';
import type { ReceivableInput } from '../../core/receivable/index.js';
import type { IntakeEnvelope } from './intake-envelope.js';

export type ReadResult =
  | { ok: true; corporation: string; envelope: IntakeEnvelope }
  | { ok: false; corporation: string; problem: string };

/** The corporation of an intake subject (`ost.intake.<corporation>`). */
export const subjectCorporation = (subject: string) => subject.split('.')[2] ?? '';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const hasExternalId = (r: unknown): r is ReceivableInput =>
  isObject(r) && typeof r.externalId === 'string' && r.externalId !== '';

export function readIntakeMessage(msg: JsMsg): ReadResult {
  const corporation = subjectCorporation(msg.subject);
  const refuse = (problem: string): ReadResult => ({ ok: false, corporation, problem });
  let body: unknown;
  try {
    body = msg.json<unknown>();
  } catch {
    return refuse('it is not JSON');
  }
  if (!isObject(body) || (body.type !== 'receivable' && body.type !== 'receivables')) {
    return refuse('it is not an intake envelope (type receivable or receivables)');
  }
  // The subject is what NATS permissions narrow; a body naming another corporation is not believed.
  if (body.corporation !== corporation) return refuse('its body names another corporation than its subject');
  const receivables = body.type === 'receivables' ? body.receivables : [body.receivable];
  if (!Array.isArray(receivables) || receivables.length === 0) return refuse('it carries no receivables');
  if (!receivables.every(hasExternalId)) return refuse('a receivable in it has no externalId');
  return { ok: true, corporation, envelope: body as unknown as IntakeEnvelope };
}
