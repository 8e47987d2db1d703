/**
 * A small LRU map bounded by the total weight of its entries: by default each
 * entry weighs 1 (a bound on the count); `weigh` can weigh values instead
 * (Buffers by their bytes). A Map keeps insertion order, so the first key is
 * the oldest use. A single value heavier than the bound is not kept.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private weight = 0;

  /** @param max entries are evicted, oldest use first, beyond this total weight. */
  constructor(private readonly max: number, private readonly weigh: (v: V) => number = () => 1) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const w = this.weigh(value);
    if (w > this.max) return;
    this.map.set(key, value);
    this.weight += w;
    for (const [k, v] of this.map) {
      if (this.weight <= this.max) break;
      this.map.delete(k);
      this.weight -= this.weigh(v);
    }
  }

  delete(key: K): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.map.delete(key);
    this.weight -= this.weigh(old);
  }

  clear(): void { this.map.clear(); this.weight = 0; }

  get size(): number { return this.map.size; }

  /** The total weight kept (bytes, for a byte-weighed cache). */
  get totalWeight(): number { return this.weight; }
}
