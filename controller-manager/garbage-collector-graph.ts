// The owner → dependents index the garbage collector works from, across every
// watched resource, keyed by uid (ownerReferences name owners by uid; a new
// object under an old name is a different owner).
import type { OwnerReference } from '../api/meta.js';

export interface GraphObject {
  /** `<group>/<resource>` of the watched resource */
  resource: string;
  namespace?: string;
  name: string;
  uid: string;
  owners: OwnerReference[];
}

export interface Dependent {
  object: GraphObject;
  /** the dependent's reference to the owner in question */
  ref: OwnerReference;
}

export class OwnerGraph {
  private readonly objects = new Map<string, GraphObject>();
  /** owner uid → dependent uids; an owner need not be (or still be) in `objects` */
  private readonly dependents = new Map<string, Set<string>>();

  get size(): number {
    return this.objects.size;
  }

  get(uid: string): GraphObject | undefined {
    return this.objects.get(uid);
  }

  /** Adds or refreshes an object and its owner edges. */
  upsert(obj: GraphObject): void {
    const old = this.objects.get(obj.uid);
    if (old) this.unlink(old);
    this.objects.set(obj.uid, obj);
    for (const ref of obj.owners) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(obj.uid);
    }
  }

  /** Forgets an object; returns what it was. Edges from its dependents stay: they now point at a gone owner. */
  remove(uid: string): GraphObject | undefined {
    const old = this.objects.get(uid);
    if (!old) return undefined;
    this.unlink(old);
    this.objects.delete(uid);
    return old;
  }

  dependentsOf(ownerUid: string): Dependent[] {
    const out: Dependent[] = [];
    for (const uid of this.dependents.get(ownerUid) ?? []) {
      const object = this.objects.get(uid);
      if (!object) continue;
      // An object may list the same owner twice; the first reference decides.
      const ref = object.owners.find((r) => r.uid === ownerUid);
      if (ref) out.push({ object, ref });
    }
    return out;
  }

  hasDependents(ownerUid: string): boolean {
    return (this.dependents.get(ownerUid)?.size ?? 0) > 0;
  }

  private unlink(obj: GraphObject): void {
    for (const ref of obj.owners) {
      const set = this.dependents.get(ref.uid);
      if (!set) continue;
      set.delete(obj.uid);
      if (set.size === 0) this.dependents.delete(ref.uid);
    }
  }
}
