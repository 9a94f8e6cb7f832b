// The print provider's return file for registered letters (docs/channels.md, "Registered letters"): one
// line per tracking event, CSV with a header or a JSON array. Parsed without trusting a byte of it: a bad
// line is reported with its line number and reason (never its contents, which may be anything) and the
// good lines still count; a file too large or not text is refused whole.

export const RETURN_FILE_MAX_BYTES = 1024 * 1024;
export const RETURN_FILE_MAX_LINES = 20_000;
const LINE_MAX_CHARS = 512;

export const RETURN_REASONS = ['not-collected', 'refused', 'moved', 'unknown-address', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export interface ReturnEntry {
  /** 1-based line of the CSV (the header is line 1) or entry of the JSON array. */
  line: number;
  messageId: string;
  trackingNumber: string;
  status: 'delivered' | 'returned';
  /** YYYY-MM-DD: the day it was delivered or came back. */
  date: string;
  reason?: ReturnReason;
}

export interface ReturnProblem {
  line: number;
  reason: string;
}

export interface ParsedReturnFile {
  entries: ReturnEntry[];
  problems: ReturnProblem[];
  /** Set when the whole file was refused (too large, not UTF-8, no header, bad JSON). */
  refused?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACKING = /^[A-Za-z0-9-]{4,40}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COLUMNS = ['messageId', 'trackingNumber', 'status', 'date', 'reason'] as const;

function realDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && y >= 2000;
}

/** One entry from its fields, or the reason it is not one (naming the field, never echoing it). */
function entryOf(line: number, f: Record<string, unknown>): ReturnEntry | string {
  const { messageId, trackingNumber, status, date, reason } = f;
  if (typeof messageId !== 'string' || !UUID.test(messageId.toLowerCase()))
    return 'messageId is not a message id (a UUID from the manifest)';
  if (typeof trackingNumber !== 'string' || !TRACKING.test(trackingNumber))
    return 'trackingNumber must be 4 to 40 letters, digits or dashes';
  if (status !== 'delivered' && status !== 'returned') return 'status must be delivered or returned';
  if (typeof date !== 'string' || !realDate(date)) return 'date must be a real date, YYYY-MM-DD';
  const given = reason === undefined || reason === null || reason === '' ? undefined : reason;
  if (given !== undefined && !RETURN_REASONS.includes(given as ReturnReason))
    return `reason must be one of ${RETURN_REASONS.join(', ')}`;
  if (given !== undefined && status !== 'returned') return 'reason is only given for a returned letter';
  return {
    line,
    messageId: messageId.toLowerCase(),
    trackingNumber,
    status,
    date,
    ...(given !== undefined ? { reason: given as ReturnReason } : {}),
  };
}

function parseCsv(text: string): ParsedReturnFile {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length > RETURN_FILE_MAX_LINES + 1)
    return { entries: [], problems: [], refused: `more than ${RETURN_FILE_MAX_LINES} lines` };
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',');
  const known = header.every((h, i) => h === COLUMNS[i]) && header.length >= 4;
  if (!known)
    return {
      entries: [],
      problems: [],
      refused: `line 1 must be the header ${COLUMNS.slice(0, 4).join(',')}[,reason]`,
    };
  const entries: ReturnEntry[] = [];
  const problems: ReturnProblem[] = [];
  const push = (line: number, f: Record<string, unknown>) => {
    const entry = entryOf(line, f);
    if (typeof entry === 'string') problems.push({ line, reason: entry });
    else entries.push(entry);
  };
  for (const [i, raw] of lines.slice(1).entries()) {
    const line = i + 2;
    if (raw.trim() === '') continue;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    const control = /[\u0000-\u001f\u007f]/.test(raw);
    const fields = raw.split(',');
    if (raw.length > LINE_MAX_CHARS)
      problems.push({ line, reason: `longer than ${LINE_MAX_CHARS} characters` });
    else if (control) problems.push({ line, reason: 'holds control characters' });
    else if (fields.length !== header.length)
      problems.push({ line, reason: `has ${fields.length} fields, the header ${header.length}` });
    else push(line, Object.fromEntries(header.map((h, k) => [h, fields[k]!.trim()])));
  }
  return { entries, problems };
}

function parseJson(text: string): ParsedReturnFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { entries: [], problems: [], refused: 'not valid JSON' };
  }
  if (!Array.isArray(data)) return { entries: [], problems: [], refused: 'JSON must be an array of entries' };
  if (data.length > RETURN_FILE_MAX_LINES)
    return { entries: [], problems: [], refused: `more than ${RETURN_FILE_MAX_LINES} entries` };
  const entries: ReturnEntry[] = [];
  const problems: ReturnProblem[] = [];
  for (const [i, item] of (data as unknown[]).entries()) {
    const line = i + 1;
    const extra =
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? Object.keys(item).filter((k) => !(COLUMNS as readonly string[]).includes(k)).length
        : -1;
    if (extra < 0) problems.push({ line, reason: 'is not an object' });
    else if (extra > 0) problems.push({ line, reason: `has unknown fields (${extra})` });
    else {
      const entry = entryOf(line, item as Record<string, unknown>);
      if (typeof entry === 'string') problems.push({ line, reason: entry });
      else entries.push(entry);
    }
  }
  return { entries, problems };
}

/** Parses a return file by its name's ending (.csv or .json); anything else is refused. */
export function parseReturnFile(name: string, body: Buffer): ParsedReturnFile {
  if (body.length > RETURN_FILE_MAX_BYTES)
    return { entries: [], problems: [], refused: `larger than ${RETURN_FILE_MAX_BYTES} bytes` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { entries: [], problems: [], refused: 'not UTF-8 text' };
  }
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return parseCsv(text);
  if (lower.endsWith('.json')) return parseJson(text);
  return { entries: [], problems: [], refused: 'the name must end in .csv or .json' };
}

/** The report put beside a processed file: what was recorded and each bad line with its reason. */
export function returnReport(
  name: string,
  parsed: ParsedReturnFile,
  recorded: number,
  unknown: ReturnProblem[],
): string {
  const problems = [...parsed.problems, ...unknown].sort((a, b) => a.line - b.line);
  const head = parsed.refused
    ? [`${name}: refused: ${parsed.refused}`]
    : [`${name}: ${recorded} recorded, ${problems.length} refused`];
  return `${[...head, ...problems.map((p) => `line ${p.line}: ${p.reason}`)].join('\n')}\n`;
}
