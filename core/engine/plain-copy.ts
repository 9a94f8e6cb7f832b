// A deep copy of plain data (objects, arrays, strings, numbers, booleans, null): what structuredClone
// gives for the case state and a receivable's JSON, at a fraction of its cost (structuredClone was the
// simulator's and replay's hottest call). Anything else (a Date, a Map, a class instance) is handed to
// structuredClone, so the copy is never shallower than before.

export function plainCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = plainCopy(value[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    // structuredClone keeps an own property set to undefined; so does this.
    out[key] = plainCopy(v);
  }
  return out as T;
}
