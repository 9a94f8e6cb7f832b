import { describe, expect, it } from 'vitest';
import { CelCompileError } from '../cel/index.js';
import { RenderError } from '../render/index.js';
import { createError, errorRegistry, isOutputstraatError, OutputstraatError } from './index.js';

// Every code the street can answer with, in registry order: a code is never removed, renamed or reused
// silently (ERPs and alert rules match on them); adding one means adding it here and to docs/errors.md.
const CODES = [
  'OST_ERR_RESOURCE_SCHEMA',
  'OST_ERR_RESOURCE_PARSE',
  'OST_ERR_RESOURCE_KIND',
  'OST_ERR_RESOURCE_DUPLICATE',
  'OST_ERR_RESOURCE_NAMESPACE',
  'OST_ERR_REFERENCE',
  'OST_ERR_TEMPLATE_VARIABLE',
  'OST_ERR_TEMPLATE_SYNTAX',
  'OST_ERR_TEMPLATE_LOCALE',
  'OST_ERR_TEMPLATE_RENDER',
  'OST_ERR_CEL_COMPILE',
  'OST_ERR_CEL_EVAL',
  'OST_ERR_FLOW_STRUCTURE',
  'OST_ERR_FLOW_COSTS_WITHOUT_NOTICE',
  'OST_ERR_FLOW_PATCH',
  'OST_ERR_WINDOW',
  'OST_ERR_SECRET_MISSING',
  'OST_ERR_UNSAFE_NAME',
  'OST_ERR_NOT_A_BASE',
  'OST_ERR_SENDER_DOMAIN',
  'OST_ERR_DKIM_DOMAIN',
  'OST_ERR_CLAIMED',
  'OST_ERR_CLI_USAGE',
  'OST_ERR_FILE_READ',
  'OST_ERR_FLOW_TEST',
  'OST_ERR_CLI_REQUEST',
  'OST_ERR_UNAUTHORIZED',
  'OST_ERR_VALIDATION',
  'OST_ERR_BODY_TOO_LARGE',
  'OST_ERR_HEADERS_TOO_LARGE',
  'OST_ERR_REQUEST_TIMEOUT',
  'OST_ERR_UNSUPPORTED_MEDIA',
  'OST_ERR_NOT_FOUND',
  'OST_ERR_CONFLICT',
  'OST_ERR_NOT_READY',
  'OST_ERR_NO_BUNDLE',
  'OST_ERR_NO_FLOW',
  'OST_ERR_RATE_LIMITED',
  'OST_ERR_PSP',
  'OST_ERR_PSP_NOT_CONFIGURED',
  'OST_ERR_IMPLAUSIBLE_READING',
  'OST_ERR_CONSOLE_FORBIDDEN',
  'OST_ERR_CONSOLE_CSRF',
  'OST_ERR_CONSOLE_LOGIN',
  'OST_ERR_LAW_INPUT',
  'OST_ERR_DATABASE',
  'OST_ERR_BUS',
  'OST_ERR_BUS_AUTH',
  'OST_ERR_CHANNEL_SEND',
  'OST_ERR_WEBHOOK_DELIVERY',
  'OST_ERR_WEBHOOK_TARGET',
  'OST_ERR_SFTP_HOST_KEY',
  'OST_ERR_CHANNEL_CREDENTIALS',
  'OST_ERR_CHANNEL_DKIM_KEY',
  'OST_ERR_PROVIDER_SIGNATURE',
  'OST_ERR_CONFIG',
  'OST_ERR_BUNDLE_REFUSED',
  'OST_ERR_KUBE_API',
  'OST_ERR_ARCHIVE_INTEGRITY',
  'OST_ERR_ARCHIVE_PART_MISSING',
  'OST_ERR_INTERNAL',
  'OST_ERR_POISON_MESSAGE',
  'OST_ERR_STORE_REFUSED',
  'OST_ERR_DELIVERY_EXHAUSTED',
];

describe('error registry', () => {
  it('has exactly the pinned codes', () => {
    expect(Object.keys(errorRegistry)).toEqual(CODES);
  });

  it('every code is OST_ERR_*, has an HTTP status and a message, and builds an error', () => {
    for (const [code, spec] of Object.entries(errorRegistry)) {
      expect(code).toMatch(/^OST_ERR_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      const placeholders = `${spec.message}${'hint' in spec ? spec.hint : ''}`.split('%s').length - 1;
      const args = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, placeholders);
      const err = new OutputstraatError(code as keyof typeof errorRegistry, args);
      expect(err).toBeInstanceOf(OutputstraatError);
      expect(err.code).toBe(code);
      expect(err.message).not.toContain('%s');
    }
  });

  it('keeps the cause and is recognised by code, never by text', () => {
    const cause = new Error('connection refused');
    const err = createError('OST_ERR_DATABASE', ['connection refused'], { cause });
    expect(err.cause).toBe(cause);
    expect(isOutputstraatError(err, 'OST_ERR_DATABASE')).toBe(true);
    expect(isOutputstraatError(err, 'OST_ERR_BUS')).toBe(false);
    expect(isOutputstraatError(new Error('OST_ERR_DATABASE'))).toBe(false);
  });

  it('fills the hint placeholders after the message placeholders', () => {
    const err = createError('OST_ERR_SECRET_MISSING', ['Corporation x/y', 'api', 'key', 'OST_SECRET_X']);
    expect(err.message).toBe(
      'Corporation x/y: secret api key key is not available; create the Secret in the namespace (or set OST_SECRET_X for the local street)',
    );
  });

  it('CEL and render errors are registry errors with their code and cause', () => {
    const cause = new Error('parse failure');
    const cel = new CelCompileError({ source: 'x >', env: 'precondition', problem: 'syntax error', cause });
    expect(isOutputstraatError(cel, 'OST_ERR_CEL_COMPILE')).toBe(true);
    expect(cel.statusCode).toBe(422);
    expect(cel.cause).toBe(cause);
    expect(cel.message).toBe('precondition expression `x >`: syntax error; fix the CEL expression');
    const render = new RenderError({
      code: 'OST_ERR_TEMPLATE_RENDER',
      template: 'storno-email',
      part: 'subject',
      problem: 'variable "debtor.nme" is not in the context',
      cause,
    });
    expect(isOutputstraatError(render, 'OST_ERR_TEMPLATE_RENDER')).toBe(true);
    expect(render.cause).toBe(cause);
  });
});
