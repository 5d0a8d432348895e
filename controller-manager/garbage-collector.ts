// Garbage collector: deletes objects whose owners are gone, carries out
// Foreground and Orphan deletion of owners, across every resource it watches.
// Work items are objects (`<group>/<resource>|<namespace>|<name>`); each sync
// looks at the object's current state and does what is due, so a missed event
// or a crash mid-way only delays the work.
import { isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject, OwnerReference } from '../api/meta.js';
import { findByKind, RESOURCES, storageVersion, type ResourceInfo } from '../api/resources.js';
import type { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest.js';
import { Controller, type ControllerContext } from './controller.js';
import {
  decideDependent, decideOwner, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type OwnerFact, type OwnerState,
} from './garbage-collector-decide.js';
import { OwnerGraph, type GraphObject } from './garbage-collector-graph.js';
import type { ControllerManagerOptions } from './options.js';

/** While an owner waits on its dependents, look again at least this often (events normally come first). */
const FOREGROUND_RECHECK_MS = 5_000;

/** Events are never owners or owned in practice, and are by far the busiest kind. */
const IGNORED = new Set(['/events']);

/** Every listable, watchable, deletable resource once, at its storage version. */
export function collectedResources(resources: readonly ResourceInfo[] = RESOURCES): ResourceInfo[] {
  const out = new Map<string, ResourceInfo>();
  for (const r of resources) {
    const id = resourceId(r);
    if (IGNORED.has(id) || out.has(id)) continue;
    if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v as never))) continue;
    out.set(id, storageVersion(r.group, r.resource) ?? r);
  }
  return [...out.values()];
}

function resourceId(r: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `${r.group}/${r.resource}`;
}

export function itemKey(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}|${namespace ?? ''}|${name}`;
}

function parseItemKey(key: string): { resource: string; namespace?: string; name: string } {
  const [resource, namespace, ...rest] = key.split('|');
  return { resource, namespace: namespace || undefined, name: rest.join('|') };
}

export class GarbageCollector extends Controller {
  private readonly infos = new Map<string, ResourceInfo>();
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly graph = new OwnerGraph();

  constructor(ctx: ControllerContext, _opts: ControllerManagerOptions) {
    super('garbage-collector', ctx);
    for (const info of collectedResources()) {
      const id = resourceId(info);
      const inf = ctx.informers.get<KubeObject>(info);
      this.infos.set(id, info);
      this.informers.set(id, inf);
      inf.on('add', (o) => this.observe(id, undefined, o));
      inf.on('update', (old, o) => this.observe(id, old, o));
      inf.on('delete', (o) => this.forget(o));
    }
  }

  // ---- graph upkeep (informer handlers: cheap, no I/O) ----

  private observe(resource: string, old: KubeObject | undefined, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    if (old?.metadata.uid && old.metadata.uid !== uid) this.forget(old);
    const owners = obj.metadata.ownerReferences ?? [];
    if (owners.length || this.graph.get(uid)) this.graph.upsert(toGraph(resource, obj, owners));
    const key = itemKey(resource, obj.metadata.namespace, obj.metadata.name ?? '');
    if (owners.length) this.queue.add(key);
    if (obj.metadata.deletionTimestamp && hasGcFinalizer(obj)) this.queue.add(key);
  }

  private forget(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.graph.remove(uid);
    // Its dependents may now be orphans; its foreground-deleting owners may be done waiting.
    for (const d of this.graph.dependentsOf(uid)) this.queue.add(keyOf(d.object));
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const owner = this.graph.get(ref.uid);
      if (owner) this.queue.add(keyOf(owner));
      else this.enqueueOwnerByRef(ref, obj.metadata.namespace);
    }
  }

  /** Owners without owners of their own are not in the graph; find them by reference. */
  private enqueueOwnerByRef(ref: OwnerReference, dependentNamespace: string | undefined): void {
    const info = findByKind(ref.apiVersion, ref.kind);
    if (!info) return;
    const id = resourceId(info);
    if (!this.informers.has(id)) return;
    this.queue.add(itemKey(id, info.namespaced ? dependentNamespace : undefined, ref.name));
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const { resource, namespace, name } = parseItemKey(key);
    const info = this.infos.get(resource);
    const obj = this.informers.get(resource)?.store.getByName(namespace, name);
    if (!info || !obj || !obj.metadata.uid) return;
    if (obj.metadata.deletionTimestamp) {
      await this.syncDeletingOwner(info, obj, key);
      return;
    }
    if (obj.metadata.ownerReferences?.length) await this.syncDependent(info, obj);
  }

  private async syncDependent(info: ResourceInfo, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    const owners: OwnerFact[] = [];
    for (const ref of refs) owners.push({ uid: ref.uid, state: await this.ownerState(obj, ref) });
    const uid = obj.metadata.uid!;
    const action = decideDependent({ finalizers: obj.metadata.finalizers, hasDependents: this.graph.hasDependents(uid), owners });
    const what = `${info.resource}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
    if (action.kind === 'keep') return;
    if (action.kind === 'removeOwnerReferences') {
      const drop = new Set(action.uids);
      await mutate(this.ctx.client, info, obj, (o) => {
        const before = o.metadata.ownerReferences ?? [];
        const after = before.filter((r) => !drop.has(r.uid));
        if (after.length === before.length) return undefined;
        return { ...o, metadata: { ...o.metadata, ownerReferences: after.length ? after : undefined } };
      });
      this.log.info({ object: what, removed: action.uids }, 'removed references to owners that are gone or deleting');
      return;
    }
    await deleteObject(this.ctx.client, info, obj, action.propagationPolicy);
    this.log.info({ object: what, propagationPolicy: action.propagationPolicy }, 'deleted object whose owners are gone');
  }

  private async syncDeletingOwner(info: ResourceInfo, obj: KubeObject, key: string): Promise<void> {
    const uid = obj.metadata.uid!;
    const dependents = this.graph.dependentsOf(uid);
    const action = decideOwner({
      deleting: true,
      finalizers: obj.metadata.finalizers,
      dependents: dependents.map((d) => ({ uid: d.object.uid, blocking: d.ref.blockOwnerDeletion === true })),
    });
    const what = `${info.resource}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
    switch (action.kind) {
      case 'none':
        return;
      case 'orphanDependents': {
        for (const d of dependents) {
          const dInfo = this.infos.get(d.object.resource);
          if (!dInfo) continue;
          const current = this.informers.get(d.object.resource)?.store.getByName(d.object.namespace, d.object.name);
          if (!current || current.metadata.uid !== d.object.uid) continue;
          await mutate(this.ctx.client, dInfo, current, (o) => {
            const before = o.metadata.ownerReferences ?? [];
            const after = before.filter((r) => r.uid !== uid);
            if (after.length === before.length) return undefined;
            return { ...o, metadata: { ...o.metadata, ownerReferences: after.length ? after : undefined } };
          });
        }
        this.log.info({ owner: what, dependents: dependents.length }, 'orphaned dependents');
        // The graph learns of the removed references through the informers; come back then.
        this.queue.addAfter(key, 200);
        return;
      }
      case 'removeFinalizer':
        await mutate(this.ctx.client, info, obj, (o) => {
          const before = o.metadata.finalizers ?? [];
          if (!before.includes(action.finalizer)) return undefined;
          const after = before.filter((f) => f !== action.finalizer);
          return { ...o, metadata: { ...o.metadata, finalizers: after.length ? after : undefined } };
        });
        this.log.info({ owner: what, finalizer: action.finalizer }, action.finalizer === FINALIZER_ORPHAN
          ? 'dependents orphaned; owner released' : 'blocking dependents gone; owner released');
        return;
      case 'deleteDependents':
        // Each dependent sees this owner as waiting and deletes itself accordingly.
        for (const d of dependents) this.queue.add(keyOf(d.object));
        this.queue.addAfter(key, FOREGROUND_RECHECK_MS);
        return;
    }
  }

  /** What an owner reference points at, from the cache, confirmed by a live read before calling it gone. */
  private async ownerState(dependent: KubeObject, ref: OwnerReference): Promise<OwnerState> {
    const info = findByKind(ref.apiVersion, ref.kind);
    if (!info) return 'unresolvable';
    let namespace: string | undefined;
    if (info.namespaced) {
      // A cluster-scoped object cannot be owned by a namespaced one: the reference is invalid, not dangling.
      if (!dependent.metadata.namespace) return 'unresolvable';
      namespace = dependent.metadata.namespace;
    }
    const cached = this.informers.get(resourceId(info))?.store.getByName(namespace, ref.name);
    let owner = cached?.metadata.uid === ref.uid ? cached : undefined;
    if (!owner) {
      // The cache may lag behind a just-created owner; only the apiserver can say it is gone.
      try {
        const live = await this.ctx.client.get(info, namespace, ref.name);
        if (live.metadata.uid === ref.uid) owner = live;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (!owner) return 'dangling';
    if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) return 'waiting';
    return 'solid';
  }
}

function toGraph(resource: string, obj: KubeObject, owners: OwnerReference[]): GraphObject {
  return { resource, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '', uid: obj.metadata.uid!, owners };
}

function keyOf(o: GraphObject): string {
  return itemKey(o.resource, o.namespace, o.name);
}

function hasGcFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata.finalizers ?? [];
  return f.includes(FINALIZER_ORPHAN) || f.includes(FINALIZER_FOREGROUND);
}

/**
 * Read-modify-write on the live object with its resourceVersion, retried on
 * conflicts; a different uid under the name means our object is gone.
 */
async function mutate(client: RestClient, info: ResourceInfo, obj: KubeObject, change: (o: KubeObject) => KubeObject | undefined): Promise<void> {
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name ?? '';
  for (let attempt = 0; ; attempt++) {
    let live: KubeObject;
    try {
      live = await client.get(info, ns, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (live.metadata.uid !== obj.metadata.uid) return;
    const next = change(live);
    if (!next) return;
    try {
      await client.update(info, ns, next);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e) || attempt >= 4) throw e;
    }
  }
}

async function deleteObject(client: RestClient, info: ResourceInfo, obj: KubeObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
  try {
    await client.delete(info, obj.metadata.namespace, obj.metadata.name ?? '', { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
  } catch (e) {
    // Gone already, or the name belongs to a new object now.
    if (!isNotFound(e) && !isConflict(e)) throw e;
  }
}
