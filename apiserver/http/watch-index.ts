// Watchers of one resource indexed by the value a field selector pins them to. A
// thousand kubelets each watch pods with `spec.nodeName=<self>`: an event about a
// pod on node A can only matter to A's kubelet (and to unpinned watchers), so it is
// matched against those, not against all thousand.
import { parseFieldSelector } from '../../api/fields.js';

/** The field a resource's watchers are indexed on: what kubelets pin their watches to. */
export function indexFieldOf(kind: string): string {
  return kind === 'Pod' ? 'spec.nodeName' : 'metadata.name';
}

/**
 * The value `selector` requires `field` to equal (`field=v` or `field==v`), or undefined
 * when it has no such single term: only objects whose field has that value can match.
 */
export function pinnedValue(selector: string | undefined, field: string): string | undefined {
  if (!selector) return undefined;
  let terms;
  try {
    terms = parseFieldSelector(selector).requirements.filter((r) => r.field === field && r.operator === 'Equals');
  } catch {
    return undefined;
  }
  return terms.length === 1 ? terms[0].value : undefined;
}

export class WatcherIndex<W> {
  private readonly unpinned = new Set<W>();
  private readonly pinned = new Map<string, Set<W>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get hasPinned(): boolean {
    return this.pinned.size > 0;
  }

  add(w: W, value: string | undefined): void {
    const set = value === undefined ? this.unpinned : this.pinnedSet(value);
    if (set.has(w)) return;
    set.add(w);
    this.count++;
  }

  delete(w: W, value: string | undefined): void {
    const set = value === undefined ? this.unpinned : this.pinned.get(value);
    if (!set?.delete(w)) return;
    this.count--;
    if (value !== undefined && set.size === 0) this.pinned.delete(value);
  }

  /** Every watcher that could see an event whose object's field went from `before` to `after`. */
  *candidates(before: string | undefined, after: string | undefined): Generator<W> {
    yield* this.unpinned;
    if (after !== undefined) {
      const set = this.pinned.get(after);
      if (set) yield* set;
    }
    if (before !== undefined && before !== after) {
      const set = this.pinned.get(before);
      if (set) yield* set;
    }
  }

  *all(): Generator<W> {
    yield* this.unpinned;
    for (const set of this.pinned.values()) yield* set;
  }

  private pinnedSet(value: string): Set<W> {
    let set = this.pinned.get(value);
    if (!set) this.pinned.set(value, (set = new Set()));
    return set;
  }
}
