// The environment variable through which a Secret's value reaches a process that has no mounted Secret
// (the local street, the operator's directory source, the runtime). The one spelling, shared by the
// operator and the runtime:
//
//   OST_SECRET_<NAMESPACE>__<NAME>__<key>
//
// - namespace and Secret name: upper case, `-` as `_`  (woonstad-noord → WOONSTAD_NOORD)
// - the key keeps its case                                (authToken → authToken, api-key → api_key)
// - the three parts are joined by `__`
// - rarer characters are escaped with `_` and a lower-case letter: `.` → `_d`, `_` → `_u`, and a `-`
//   that is followed by another `-`, `.`, `_`, the letters d, h or u, or nothing, → `_h`
//
//   (woonstad-noord, twilio-credentials, authToken) → OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__authToken
//   (woonstad-noord, erp-api-key, api-key)          → OST_SECRET_WOONSTAD_NOORD__ERP_API_KEY__api_key
//   (ns, smtp.relay, tls.crt)                       → OST_SECRET_NS__SMTP_dRELAY__tls_dcrt
//
// The spelling is injective: every `_` is followed by a letter or digit, so no part holds `__` or ends
// in `_`, and the first two `__` are the separators; within a part, `_` + d/u/h is an escape and `_` +
// anything else is a `-`. parseSecretEnvName is its inverse, and secret-env-name.test.ts checks both
// over generated names. (The older spelling OST_SECRET_<NAMESPACE>_<NAME>_<KEY> gave `a`/`b-smtp` and
// `a-b`/`smtp` the same variable.)
import { checkSecretRef } from '../resources/names.js';

export const SECRET_ENV_PREFIX = 'OST_SECRET_';
const SEPARATOR = '__';
const ALNUM = /^[A-Za-z0-9]$/;
const ESCAPES: Record<string, string> = { '.': '_d', _: '_u', '-': '_h' };
const UNESCAPES: Record<string, string> = { d: '.', u: '_', h: '-' };

function encodePart(part: string, upper: boolean): string {
  const chars = [...(upper ? part.toUpperCase() : part)];
  return chars
    .map((c, i) => {
      if (ALNUM.test(c)) return c;
      const next = chars[i + 1];
      // A bare `_` is a `-` only when what follows it cannot be read as an escape.
      if (c === '-' && next !== undefined && ALNUM.test(next) && !(next in UNESCAPES)) return '_';
      return ESCAPES[c]!;
    })
    .join('');
}

function decodePart(part: string, upper: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c !== '_') {
      if (!ALNUM.test(c) || (upper && c !== c.toUpperCase())) return undefined;
      out += upper ? c.toLowerCase() : c;
      continue;
    }
    const next = part[i + 1];
    if (next !== undefined && next in UNESCAPES) {
      out += UNESCAPES[next];
      i++;
    } else if (next !== undefined && ALNUM.test(next)) {
      out += '-';
    } else {
      return undefined;
    }
  }
  return out;
}

/**
 * The variable of key `key` of Secret `name` in `namespace`. Throws OST_ERR_UNSAFE_NAME for anything
 * that is not a Kubernetes namespace, Secret name or Secret key.
 */
export function secretEnvName(namespace: string, name: string, key: string): string {
  checkSecretRef(namespace, name, key);
  return [
    `${SECRET_ENV_PREFIX}${encodePart(namespace, true)}`,
    encodePart(name, true),
    encodePart(key, false),
  ].join(SEPARATOR);
}

/** The Secret reference a variable stands for; undefined when it is not one secretEnvName spells. */
export function parseSecretEnvName(
  variable: string,
): { namespace: string; name: string; key: string } | undefined {
  if (!variable.startsWith(SECRET_ENV_PREFIX)) return undefined;
  const rest = variable.slice(SECRET_ENV_PREFIX.length);
  const first = rest.indexOf(SEPARATOR);
  const second = first < 0 ? -1 : rest.indexOf(SEPARATOR, first + SEPARATOR.length);
  if (second < 0) return undefined;
  const namespace = decodePart(rest.slice(0, first), true);
  const name = decodePart(rest.slice(first + SEPARATOR.length, second), true);
  const key = decodePart(rest.slice(second + SEPARATOR.length), false);
  if (namespace === undefined || name === undefined || key === undefined) return undefined;
  try {
    // Only the one spelling counts: `_h` where a bare `_` belongs, say, is not a secret variable.
    return secretEnvName(namespace, name, key) === variable ? { namespace, name, key } : undefined;
  } catch {
    return undefined;
  }
}
