// The one registry of error codes. Every error a user can meet has a stable code, an HTTP status for
// the API and a message template whose %s placeholders are filled in order. docs/errors.md is generated
// from this table and a test enumerates it, so a code is never removed or reused silently.
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  /** What the user should do about it; appended to the message. */
  readonly hint?: string;
}

export const errorRegistry = {
  // Resources and the compiler
  OST_ERR_RESOURCE_SCHEMA: {
    status: 422,
    message: '%s: %s',
    hint: 'fix the field so it matches the CRD schema (kubectl explain <kind>.spec shows it)',
  },
  OST_ERR_RESOURCE_PARSE: { status: 422, message: '%s: not valid YAML: %s', hint: 'fix the YAML syntax' },
  OST_ERR_RESOURCE_KIND: {
    status: 422,
    message: '%s: unknown kind %s',
    hint: 'use one of Corporation, Flow, Template, Channel, ClassificationRule (apiVersion outputstraat.io/v1alpha1)',
  },
  OST_ERR_RESOURCE_DUPLICATE: {
    status: 422,
    message: '%s: %s is declared twice (also in %s)',
    hint: 'give one of them another name or remove it',
  },
  OST_ERR_RESOURCE_NAMESPACE: {
    status: 422,
    message: '%s: %s has no namespace',
    hint: 'set metadata.namespace, or put a namespace.yaml (kind Namespace) in its folder',
  },
  OST_ERR_REFERENCE: {
    status: 422,
    message: '%s: refers to %s "%s", which does not exist or is invalid',
    hint: '%s',
  },
  OST_ERR_TEMPLATE_VARIABLE: {
    status: 422,
    message: '%s: template "%s" reads "%s", which is not declared',
    hint: 'add it to spec.variables or use a declared name',
  },
  // The where (template, part, locale, line) and the problem; the hint is the renderer's or the default.
  OST_ERR_TEMPLATE_SYNTAX: { status: 422, message: '%s: %s', hint: '%s' },
  OST_ERR_TEMPLATE_LOCALE: {
    status: 422,
    message: '%s: template "%s" has no "%s" text for part %s',
    hint: 'add the locale or the part',
  },
  OST_ERR_TEMPLATE_RENDER: { status: 500, message: '%s: %s', hint: '%s' },
  // `<env> expression `<source>`` and the problem with its position; the hint is the checker's or the default.
  OST_ERR_CEL_COMPILE: { status: 422, message: '%s: %s', hint: '%s' },
  OST_ERR_CEL_EVAL: { status: 500, message: '%s: %s', hint: '%s' },
  OST_ERR_FLOW_STRUCTURE: { status: 422, message: '%s: %s', hint: '%s' },
  // The addCosts step's id and the path that reaches it without a 14-day letter (docs/collections-law.md).
  OST_ERR_FLOW_COSTS_WITHOUT_NOTICE: {
    status: 422,
    message:
      '%s: step "%s" adds collection costs, but %s reaches it without a 14-day letter (a send step with notice: fourteenDay) before it',
    hint: 'send the 14-day letter (send.notice: fourteenDay) on every path before the addCosts step (art. 6:96 lid 6 BW)',
  },
  OST_ERR_FLOW_PATCH: {
    status: 422,
    message: '%s: patch %s refers to step "%s", which the base flow "%s" does not have',
    hint: 'use a step id from the base flow (outputstraat validate lists them)',
  },
  OST_ERR_WINDOW: { status: 422, message: '%s: %s', hint: 'give the window at least one day and from < to' },
  OST_ERR_SECRET_MISSING: {
    status: 422,
    message: '%s: secret %s key %s is not available',
    hint: 'create the Secret in the namespace (or set %s for the local street)',
  },
  OST_ERR_UNSAFE_NAME: {
    status: 422,
    message: '%s "%s" is not a valid %s, so it is never made into an API or file path',
    hint: '%s; fix the resource that names it (outputstraat validate shows which)',
  },
  OST_ERR_NOT_A_BASE: {
    status: 422,
    message:
      '%s: %s "%s" is the namespace of %s; a corporation inherits only from a base namespace (one without a Corporation)',
    hint: 'name the shared base namespace (e.g. outputstraat-base), or copy what you need into your own namespace',
  },
  OST_ERR_SENDER_DOMAIN: {
    status: 422,
    message: '%s: %s "%s" is not in a domain of spec.senderDomains (%s)',
    hint: 'add its domain to spec.senderDomains, or use an address in one of them',
  },
  OST_ERR_DKIM_DOMAIN: {
    status: 422,
    message:
      '%s: Channel %s signs with DKIM domain "%s", which does not match the sender %s of Corporation %s',
    hint: "sign for the sender's domain (one of spec.senderDomains): set smtp.dkim.domainName of an email Channel in the corporation's namespace, which replaces the base one, or remove smtp.dkim",
  },
  OST_ERR_CLAIMED: {
    status: 422,
    message: '%s: %s is already claimed by %s',
    hint: '%s; a payment host, an ERP API key and a sender domain belong to one corporation of the street, the first claimant (docs/operator.md)',
  },

  // CLI and flow tests
  OST_ERR_CLI_USAGE: { status: 400, message: '%s', hint: '%s' },
  OST_ERR_FILE_READ: {
    status: 400,
    message: 'cannot read %s: %s',
    hint: 'check the path and that the file is readable',
  },
  OST_ERR_FLOW_TEST: {
    status: 422,
    message: '%s: %s',
    hint: 'fix the FlowTest; docs/flow-tests.md describes the format',
  },
  OST_ERR_CLI_REQUEST: {
    status: 502,
    message: 'cannot reach the runtime at %s: %s',
    hint: 'check --server (or OUTPUTSTRAAT_SERVER, or the config context: the runtime API, e.g. https://outputstraat.example) and that it is reachable from here',
  },

  // ERP ingress
  OST_ERR_UNAUTHORIZED: {
    status: 401,
    message: 'missing or unknown API key',
    hint: 'send "Authorization: Bearer <key>" with the key of your Corporation',
  },
  OST_ERR_VALIDATION: { status: 400, message: '%s', hint: 'fix the field and send again' },
  OST_ERR_BODY_TOO_LARGE: { status: 413, message: 'request body is larger than %s bytes', hint: '%s' },
  OST_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    message: 'request headers are larger than %s bytes',
    hint: 'send only the headers the API needs; an Idempotency-Key has at most 255 characters',
  },
  OST_ERR_REQUEST_TIMEOUT: {
    status: 408,
    message: 'the request did not arrive in time',
    hint: 'send the headers and the body without long pauses (OST_HTTP_HEADERS_TIMEOUT_MS, OST_HTTP_REQUEST_TIMEOUT_MS); split a very large NDJSON file',
  },
  OST_ERR_UNSUPPORTED_MEDIA: {
    status: 415,
    message: 'content type %s is not supported',
    hint: 'send application/json or application/x-ndjson',
  },
  OST_ERR_NOT_FOUND: { status: 404, message: '%s not found', hint: 'check the id' },
  OST_ERR_CONFLICT: { status: 409, message: '%s', hint: '%s' },
  OST_ERR_NOT_READY: {
    status: 503,
    message: 'not ready: %s',
    hint: 'wait for the street to finish starting; /readyz says what it waits for',
  },
  OST_ERR_NO_BUNDLE: {
    status: 503,
    message: 'no configuration is loaded for corporation %s',
    hint: 'check that the operator published a bundle (kubectl get corporations)',
  },
  OST_ERR_NO_FLOW: {
    status: 422,
    message: 'no flow matches receivable kind "%s" (classification "%s")',
    hint: 'add a Flow whose trigger matches, or a ClassificationRule default',
  },
  OST_ERR_RATE_LIMITED: { status: 429, message: 'rate limit exceeded', hint: 'retry after %s seconds' },

  // Payment pages, PSP and forms
  OST_ERR_PSP: { status: 502, message: 'payment provider %s failed: %s', hint: '%s' },
  OST_ERR_PSP_NOT_CONFIGURED: {
    status: 503,
    message: 'corporation %s has no %s API key',
    hint: 'create the Secret in the corporation namespace (or set %s for the local street)',
  },
  OST_ERR_IMPLAUSIBLE_READING: {
    status: 422,
    message: 'meter %s: %s',
    hint: 'check the reading; send "confirm": true to record it anyway, flagged for review',
  },

  // Staff console (runtime/console, docs/console.md)
  OST_ERR_CONSOLE_FORBIDDEN: {
    status: 403,
    message: 'the role %s may not %s',
    hint: 'ask an admin of your corporation for a group that maps to agent or admin (spec.console.roles)',
  },
  OST_ERR_CONSOLE_CSRF: {
    status: 403,
    message: 'the form was not sent from this console session (field _csrf)',
    hint: 'reload the page and send the form again',
  },
  OST_ERR_CONSOLE_LOGIN: {
    status: 401,
    message: 'login through the identity provider failed: %s',
    hint: 'start again at /console/login; an admin can check spec.console and the IdP client',
  },
  // Collections law (core/law)
  OST_ERR_LAW_INPUT: {
    status: 422,
    message: '%s: %s',
    hint: '%s',
  },

  // Runtime and infrastructure
  OST_ERR_DATABASE: {
    status: 503,
    message: 'database unavailable: %s',
    hint: 'check DATABASE_URL and that PostgreSQL is running',
  },
  OST_ERR_BUS: {
    status: 503,
    message: 'NATS unavailable: %s',
    hint: 'check NATS_URL and that nats-server runs with JetStream (-js)',
  },
  // Where, what the server or the TLS handshake refused, and the variable to fix.
  OST_ERR_BUS_AUTH: { status: 503, message: 'cannot log in to NATS at %s: %s', hint: '%s' },
  OST_ERR_CHANNEL_SEND: { status: 502, message: 'channel %s (%s) failed: %s', hint: '%s' },
  OST_ERR_WEBHOOK_DELIVERY: {
    status: 502,
    message: 'webhook channel %s of %s failed: %s',
    hint: 'the same events are delivered again with backoff until the endpoint answers 2xx',
  },
  OST_ERR_WEBHOOK_TARGET: {
    status: 422,
    message: 'webhook URL %s is refused: %s',
    hint: '%s',
  },
  OST_ERR_SFTP_HOST_KEY: {
    status: 422,
    message: '%s: %s',
    hint: 'run `ssh-keyscan -p %s %s | ssh-keygen -lf -` on a trusted network and set spec.sftp.hostKeySha256 to the SHA256 fingerprint it prints (with or without the SHA256: prefix)',
  },
  OST_ERR_CHANNEL_CREDENTIALS: {
    status: 500,
    message: '%s: secret %s key %s is not available to the runtime',
    hint: "create the Secret in the channel's namespace and give it to the runtime as %s (or a file under OST_SECRETS_DIR)",
  },
  // Channel, Secret, the selector's DNS name: nodemailer skips signing silently with a key it cannot use.
  OST_ERR_CHANNEL_DKIM_KEY: {
    status: 500,
    message: '%s: secret %s key dkimPrivateKey is not a private key that signs (no DKIM-Signature was made)',
    hint: 'put the PEM private key (-----BEGIN PRIVATE KEY-----) whose public key is published at %s in the Secret; nothing is sent unsigned meanwhile',
  },
  OST_ERR_PROVIDER_SIGNATURE: {
    status: 403,
    message: 'the %s callback is not signed with the expected secret',
    hint: 'check the secret or auth token configured at the provider',
  },
  OST_ERR_CONFIG: { status: 500, message: '%s', hint: '%s' },
  OST_ERR_BUNDLE_REFUSED: {
    status: 500,
    message: 'the bundle %s of corporation %s is refused: %s',
    hint: 'the runtime keeps the bundle it has; fix the resources so the operator publishes a bundle that passes (kubectl get corporations shows why)',
  },
  OST_ERR_KUBE_API: {
    status: 502,
    message: 'the Kubernetes API answered %s %s: %s',
    hint: 'check the RBAC of the operator and that the CRDs are installed (kubectl get crds | grep outputstraat)',
  },
  OST_ERR_ARCHIVE_INTEGRITY: {
    status: 500,
    message: 'archived part %s of message %s no longer matches the SHA-256 recorded when it was sent',
    hint: 'the archive was altered after sending, so no evidence file is made; compare message_parts with backups',
  },
  OST_ERR_ARCHIVE_PART_MISSING: {
    status: 500,
    message: 'message %s was recorded with its exact bytes in the archive, but its %s part is not there',
    hint: 'the archive was altered or purged after the message was recorded, so it is not sent again from a shortened copy; restore message_parts from a backup, or let the step fail',
  },
  OST_ERR_INTERNAL: {
    status: 500,
    message: 'internal error',
    hint: 'see the runtime log for the request id',
  },

  // Poison messages: what a dead letter (GET /v1/dead-letters) and its receivable.rejected event say.
  OST_ERR_POISON_MESSAGE: {
    status: 422,
    message: 'a %s message the runtime cannot read: %s',
    hint: 'only the runtime publishes there; the message was kept as a dead letter and nothing else happened',
  },
  OST_ERR_STORE_REFUSED: {
    status: 422,
    message: 'the database refused this %s (SQLSTATE %s)',
    hint: 'correct it in the ERP and post it again; the message was kept as a dead letter',
  },
  OST_ERR_DELIVERY_EXHAUSTED: {
    status: 500,
    message: 'the %s failed on each of %s deliveries (last: %s)',
    hint: 'the runtime log has the cause; once it is fixed, re-drive the dead letter (POST /v1/dead-letters/{id}/retry)',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorRegistry;

/** One placeholder's value; `String(value)` is what the message shows. */
export type ErrorArg = string | number | boolean | bigint | null | undefined;
type Placeholders<S> = S extends `${string}%s${infer Rest}` ? [ErrorArg, ...Placeholders<Rest>] : [];
type HintOf<C extends ErrorCode> = (typeof errorRegistry)[C] extends { hint: infer H } ? H : '';

/** The arguments a code takes: one per %s of its message, then one per %s of its hint, in order. */
export type ErrorArgs<C extends ErrorCode> = [
  ...Placeholders<(typeof errorRegistry)[C]['message']>,
  ...Placeholders<HintOf<C>>,
];
