// Every error the runtime answers has one shape: `{code, message, ...details, requestId}` on API routes
// (docs/errors.md), the HTML error page with the same code on debtor pages. Our own errors pass through;
// fastify's own (a body it cannot parse or that is too large, a URL it cannot decode, a path segment
// longer than any id) become registry errors; anything else is a defect: logged, answered 500
// OST_ERR_INTERNAL without its details. Requests that are not HTTP at all get the shape too, from
// `answerClientError`, before any route is found.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { createError, isOutputstraatError, type OutputstraatError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';

export const JSON_BODY_LIMIT = 1024 * 1024;
const STATUS_TEXT: Record<number, string> = {
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
/** node's default --max-http-header-size. */
const HEADER_LIMIT = 16 * 1024;

type FrameworkError = Error & { statusCode?: number; code?: string };

/** The registry error for whatever a route, a hook or fastify itself threw. */
export function registryErrorOf(error: FrameworkError, request: FastifyRequest): OutputstraatError {
  if (isOutputstraatError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return createError('OST_ERR_BODY_TOO_LARGE', [JSON_BODY_LIMIT, 'send bulk as application/x-ndjson']);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return createError('OST_ERR_UNSUPPORTED_MEDIA', [request.headers['content-type'] ?? 'none']);
    case 'FST_ERR_BAD_URL':
      return validationError([
        { field: '(path)', message: 'is not a valid URL: percent-encode it as UTF-8 (RFC 3986)' },
      ]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return createError('OST_ERR_NOT_FOUND', ['a path segment longer than any id (100 characters)']);
  }
  if (error.statusCode === 400) return validationError([{ field: '(body)', message: error.message }]);
  request.log.error({ err: error }, 'unhandled error');
  return createError('OST_ERR_INTERNAL');
}

export function sendApiError(request: FastifyRequest, reply: FastifyReply, err: OutputstraatError) {
  if (err.statusCode >= 500) request.log.warn({ code: err.code }, err.problem);
  if (err.code === 'OST_ERR_RATE_LIMITED') reply.header('retry-after', String(err.details?.retryAfter ?? 1));
  return reply.code(err.statusCode).send({
    code: err.code,
    message: err.message,
    ...(err.details ? err.details : {}),
    requestId: request.id,
  });
}

/**
 * fastify's `clientErrorHandler`: bytes that are not an HTTP request we can route (headers too large, a
 * control character in a header, a broken request line). The answer closes the connection.
 */
export function answerClientError(log: FastifyBaseLogger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const requestId = `client-${randomUUID()}`;
    const err =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? createError('OST_ERR_REQUEST_TIMEOUT')
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? createError('OST_ERR_HEADERS_TOO_LARGE', [HEADER_LIMIT])
          : validationError([
              { field: '(request)', message: `is not valid HTTP/1.1 (${error.code ?? 'unknown'})` },
            ]);
    log.info({ requestId, code: err.code, parser: error.code }, 'malformed HTTP request refused');
    const body = JSON.stringify({ code: err.code, message: err.message, ...err.details, requestId });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${err.statusCode} ${STATUS_TEXT[err.statusCode] ?? 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
