// Text the street can store and show. PostgreSQL cannot hold U+0000 in text or jsonb, nor half of a
// UTF-16 surrogate pair; other control characters (U+0001–U+001F) break CSV exports, letters, SMS and log
// lines. Every ERP contract (receivable, payment, patch, query) is checked here before anything is
// accepted, so such text gets a 400 naming its field instead of failing later in the database.

/** A field and what is wrong with it (the shape of validate-schema's FieldError). */
interface FieldProblem {
  field: string;
  message: string;
}

/** Fields whose text may span lines: tab, line feed and carriage return are allowed there, nothing else. */
export type MultilineFields = readonly string[];

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');
const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The first code unit that is a control character (but for line breaks and tabs where allowed) or half a surrogate pair. */
function firstUnsafe(
  text: string,
  multiline: boolean,
): { index: number; code: number; lone: boolean } | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20) {
      if (multiline && (code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN)) continue;
      return { index: i, code, lone: false };
    }
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) i++;
    else if (isHigh(code) || isLow(code)) return { index: i, code, lone: true };
  }
  return undefined;
}

/**
 * Whether PostgreSQL can store the text at all (text and jsonb refuse U+0000 and half a surrogate pair):
 * the check every route applies to every JSON body, beyond the ERP contracts' stricter textProblem.
 */
export function isStorableText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return false;
    if (isHigh(code) && isLow(text.charCodeAt(i + 1))) i++;
    else if (isHigh(code) || isLow(code)) return false;
  }
  return true;
}

/** A field name or key as it can be shown: control characters and lone surrogates as `\uXXXX`. */
export function printable(text: string): string {
  let out = '';
  let from = 0;
  for (let found = firstUnsafe(text, false); found; found = firstUnsafe(text.slice(from), false)) {
    const at = from + found.index;
    out += `${text.slice(from, at)}\\u${hex(found.code).toLowerCase()}`;
    from = at + 1;
  }
  return out + text.slice(from);
}

/** What is wrong with one string, or undefined when it is fine. */
export function textProblem(text: string, multiline = false): string | undefined {
  const found = firstUnsafe(text, multiline);
  if (!found) return undefined;
  const where = `at character ${found.index + 1}`;
  if (found.lone) return `must be valid Unicode: half a surrogate pair (U+${hex(found.code)}) ${where}`;
  const allowed = multiline ? '' : '; tabs and line breaks are allowed only in free-text fields';
  return `must not contain the control character U+${hex(found.code)} (${where})${allowed}`;
}

/** Whether the string holds a control character (tabs and line breaks too) or half a surrogate pair. */
const suspicious = (text: string) => firstUnsafe(text, false) !== undefined;

/**
 * Whether any string or key in a JSON value is suspicious: when none is, no field can have a problem and the
 * walk is skipped (the ingress checks every receivable of a rent day; issue #16).
 */
function mayHoldUnsafe(v: unknown): boolean {
  if (typeof v === 'string') return suspicious(v);
  if (Array.isArray(v)) {
    for (const item of v) if (mayHoldUnsafe(item)) return true;
    return false;
  }
  if (v === null || typeof v !== 'object') return false;
  const object = v as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(object)) if (suspicious(key) || mayHoldUnsafe(object[key])) return true;
  return false;
}

function matches(field: string, multiline: MultilineFields): boolean {
  return multiline.some((name) =>
    name.endsWith('.*')
      ? field.startsWith(name.slice(0, -1)) && !field.slice(name.length - 1).includes('.')
      : field === name,
  );
}

/**
 * Every string (and every object key) in a JSON value that the street cannot take, by field as the ERP
 * wrote it: `debtor.name`, `paymentHistory[2].note`, `vars.<key>`. `multiline` names the fields that may
 * hold tabs and line breaks (`description`, `vars.*` for every key of vars).
 */
export function unsafeTextErrors(value: unknown, multiline: MultilineFields = []): FieldProblem[] {
  // The walk below names a field for every string it meets; almost every body has nothing it could refuse.
  if (!mayHoldUnsafe(value)) return [];
  const errors: FieldProblem[] = [];
  const visit = (v: unknown, field: string) => {
    if (typeof v === 'string') {
      const problem = textProblem(v, matches(field, multiline));
      if (problem) errors.push({ field: field || '(body)', message: problem });
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) visit(item, `${field}[${i}]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const child = field ? `${field}.${printable(key)}` : printable(key);
        const problem = textProblem(key);
        if (problem) errors.push({ field: child, message: `is a field name that ${problem}` });
        else visit(item, child);
      }
    }
  };
  visit(value, '');
  return errors;
}
