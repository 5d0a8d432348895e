// A bounded window of one resource's recent events, so watches can resume from a
// resourceVersion without relisting; older revisions answer 410 Expired.
import type { StorageEvent } from './types.js';
import { TooOldResourceVersionError } from './types.js';

export class EventWindow {
  private readonly ring: (StorageEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** every event with revision > floor is still in the window */
  private floor: number;

  constructor(private readonly capacity: number, knownFrom: number) {
    this.ring = new Array(capacity);
    this.floor = knownFrom;
  }

  push(ev: StorageEvent): void {
    if (this.size === this.capacity) {
      const evicted = this.ring[this.start]!;
      this.floor = evicted.revision;
      this.ring[this.start] = ev;
      this.start = (this.start + 1) % this.capacity;
      return;
    }
    this.ring[(this.start + this.size) % this.capacity] = ev;
    this.size++;
  }

  oldestResumable(): number {
    return this.floor;
  }

  since(fromRevision: number): StorageEvent[] {
    if (fromRevision < this.floor) throw new TooOldResourceVersionError(fromRevision, this.floor);
    const out: StorageEvent[] = [];
    // events are in revision order: binary search the first one after fromRevision
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ring[(this.start + mid) % this.capacity]!.revision <= fromRevision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.size; i++) out.push(this.ring[(this.start + i) % this.capacity]!);
    return out;
  }
}
