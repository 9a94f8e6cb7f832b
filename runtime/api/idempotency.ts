// Idempotency-Key on the API's POST routes: the first response to a key is kept in Postgres for 24 hours. The same key with
// the same request (method, path and body) gets that response again, marked `Idempotent-Replayed: true`;
// the same key with another request gets 409. Keys belong to one corporation.
//
// A key is reserved before the handler runs, so two requests racing with one key cannot both act: the
// second gets 409 while the first is in progress. A 5xx answer is not kept (the request may be retried
// as it was); a reservation whose request never finished is taken over after a few minutes.
// NDJSON bodies are streamed, so their hash is computed while the handler reads them.
import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createError } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';

const HEADER = 'idempotency-key';
const KEEP = sql.fragment`interval '24 hours'`;
const ABANDONED = sql.fragment`interval '5 minutes'`;
const SWEEP_INTERVAL_MS = 60 * 60_000;

interface Reservation {
  key: string;
  /** Known up front for JSON; for NDJSON filled in when the stream has been read. */
  hash: Hash | string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Reservation;
  }
}

function keyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers[HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0]! : raw;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw createError('OST_ERR_VALIDATION', ['Idempotency-Key must be 1 to 255 visible ASCII characters'], {
      details: {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
      },
    });
  }
  return key;
}

const requestHash = (request: FastifyRequest) =>
  createHash('sha256').update(`${request.method} ${request.url}\n`);

const isStream = (body: unknown): body is Readable =>
  typeof (body as Readable | undefined)?.pipe === 'function';

async function drainHash(hash: Hash, body: Readable): Promise<string> {
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function registerIdempotency(app: FastifyInstance, db: Database): void {
  app.decorateRequest('idempotency', undefined);

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.config.auth !== 'api-key' || !request.corporation)
      return;
    const key = keyOf(request);
    if (key === undefined) return;
    const corporation = request.corporation;
    const streamed = isStream(request.body);
    const hash = requestHash(request);
    const known = streamed ? undefined : hash.update(JSON.stringify(request.body ?? null)).digest('hex');
    const reserved = await db.maybeOne(sql.unsafe`
      INSERT INTO idempotency_keys (corporation, key, request_hash) VALUES (${corporation}, ${key}, ${known ?? null})
      ON CONFLICT (corporation, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - ${KEEP}
           OR (idempotency_keys.status_code IS NULL AND idempotency_keys.created_at < now() - ${ABANDONED})
      RETURNING key`);
    if (reserved) {
      if (streamed) {
        request.body = (request.body as Readable).pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              hash.update(chunk);
              done(null, chunk);
            },
          }),
        );
      }
      request.idempotency = { key, hash: known ?? hash };
      return;
    }
    // The answer is kept as its exact text (a JSON string in the jsonb column): jsonb itself cannot hold
    // every answer, e.g. an NDJSON line's rejected externalId with \u0000 in it. Rows of older versions
    // hold the answer as a JSON object.
    const earlier = await db.maybeOne(sql.unsafe`
      SELECT request_hash, status_code,
        CASE WHEN jsonb_typeof(response) = 'string' THEN response #>> '{}' ELSE response::text END AS response
      FROM idempotency_keys WHERE corporation = ${corporation} AND key = ${key}`);
    if (!earlier || earlier.status_code === null) {
      throw createError('OST_ERR_CONFLICT', [
        `a request with Idempotency-Key ${key} is still in progress`,
        'wait for its answer, then send again with the same key',
      ]);
    }
    const incoming = known ?? (await drainHash(hash, request.body as Readable));
    if (earlier.request_hash !== incoming) {
      throw createError('OST_ERR_CONFLICT', [
        `Idempotency-Key ${key} was used for a different request in the last 24 hours`,
        'use a new key for a new request; repeat a key only with the same method, path and body',
      ]);
    }
    return replay(reply, Number(earlier.status_code), earlier.response as string);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const reservation = request.idempotency;
    if (!reservation) return payload;
    request.idempotency = undefined;
    const corporation = request.corporation;
    if (reply.statusCode >= 500) {
      await db.query(sql.unsafe`
        DELETE FROM idempotency_keys WHERE corporation = ${corporation} AND key = ${reservation.key}`);
      return payload;
    }
    const hash = typeof reservation.hash === 'string' ? reservation.hash : reservation.hash.digest('hex');
    const body = typeof payload === 'string' ? payload : 'null';
    await db.query(sql.unsafe`
      UPDATE idempotency_keys SET request_hash = ${hash}, status_code = ${reply.statusCode},
        response = to_jsonb(${body}::text)
      WHERE corporation = ${corporation} AND key = ${reservation.key}`);
    return payload;
  });

  const sweep = setInterval(() => {
    db.query(sql.unsafe`DELETE FROM idempotency_keys WHERE created_at < now() - ${KEEP}`).catch(
      (err: unknown) => app.log.warn({ err }, 'idempotency key sweep failed'),
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
}

function replay(reply: FastifyReply, status: number, response: string): FastifyReply {
  return reply
    .code(status)
    .header('idempotent-replayed', 'true')
    .type('application/json; charset=utf-8')
    .send(response);
}
