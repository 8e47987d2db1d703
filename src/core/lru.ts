/** A small LRU map bounded by its number of entries (a Map keeps insertion order: the first key is the oldest use). */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  /** @param max entries are evicted, oldest use first, beyond this count. */
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void { this.map.delete(key); }

  clear(): void { this.map.clear(); }

  get size(): number { return this.map.size; }
}
