// A short structural diff of two JSON values: one line per changed field path, with the old and new value
// cut to a readable length; long texts say which lines changed instead of printing themselves.

const MAX = 60;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value in one short line: strings quoted, objects as compact JSON, cut at 60 characters. */
export function brief(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function isLongText(v: unknown): v is string {
  return typeof v === 'string' && (v.includes('\n') || v.length > MAX);
}

function textChange(path: string, a: string, b: string): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  let first = 0;
  while (first < la.length && first < lb.length && la[first] === lb[first]) first++;
  let endA = la.length - 1;
  let endB = lb.length - 1;
  while (endA >= first && endB >= first && la[endA] === lb[endB]) {
    endA--;
    endB--;
  }
  const removed = la.slice(first, endA + 1);
  const added = lb.slice(first, endB + 1);
  const where =
    la.length > 1 || lb.length > 1 ? ` (line ${first + 1}${endB > first ? `–${endB + 1}` : ''})` : '';
  const out = [`${path} changed${where}`];
  for (const line of removed.slice(0, 2)) out.push(`  - ${brief(line.trim())}`);
  if (removed.length > 2) out.push(`  - … ${removed.length - 2} more line(s)`);
  for (const line of added.slice(0, 2)) out.push(`  + ${brief(line.trim())}`);
  if (added.length > 2) out.push(`  + … ${added.length - 2} more line(s)`);
  return out;
}

/** Lines describing how `b` differs from `a`; empty when they are equal. */
export function diffValues(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const at = path || '(value)';
  if (a === undefined) return [`${at} added: ${brief(b)}`];
  if (b === undefined) return [`${at} removed (was ${brief(a)})`];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], join(path, k)));
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].some((v) => typeof v === 'object' && v !== null)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...diffValues(a[i], b[i], join(path, i)));
    return out;
  }
  if (isLongText(a) && isLongText(b)) return textChange(at, a, b);
  return [`${at}: ${brief(a)} → ${brief(b)}`];
}
