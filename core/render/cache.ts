/** A Map that forgets its oldest entries beyond a size, for compiled templates keyed by source. */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  getOrCreate(key: K, create: () => V): V {
    if (this.entries.has(key)) return this.entries.get(key) as V;
    const value = create();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return value;
  }
}
