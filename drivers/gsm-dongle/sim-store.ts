/** The simulated SIM message store: numbered slots from 1 up to its capacity. */
export interface StoredPdu { index: number; pdu: string; kind: 'message' | 'report' }

export class SimStore {
  private readonly slots = new Map<number, StoredPdu>();
  constructor(readonly capacity: number) {}
  get used(): number { return this.slots.size; }
  get full(): boolean { return this.slots.size >= this.capacity; }
  add(pdu: string, kind: StoredPdu['kind']): number {
    let index = 1;
    while (this.slots.has(index)) index++;
    this.slots.set(index, { index, pdu, kind });
    return index;
  }
  get(index: number): StoredPdu | undefined { return this.slots.get(index); }
  delete(index: number): void { this.slots.delete(index); }
  list(): StoredPdu[] { return [...this.slots.values()].sort((a, b) => a.index - b.index); }
}
