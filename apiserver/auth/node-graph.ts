// An index kept in step with the store's committed view: which node's pods refer
// to which Secrets/ConfigMaps/PVCs. It makes the node authorizer's "is this
// object used by a pod bound to you" an O(1) lookup instead of a scan of pods.
import type { KubeObject } from '../../api/meta.js';
import type { ObjectStore } from '../storage/store.js';
import { objectStorageKey, resourcePrefix } from '../storage/store.js';
import { podReferences, referenceKey, type ReferenceKind } from './pod-references.js';

/** What the node authorizer reads: single objects and the reference index. */
export interface NodeGraphView {
  pod(namespace: string, name: string): KubeObject | undefined;
  persistentVolume(name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
  /** true when some pod bound to `node` refers to the object */
  referencedFromNode(kind: ReferenceKind, namespace: string, name: string, node: string): boolean;
}

const PODS_PREFIX = resourcePrefix('', 'pods');

/** The pure part: reference counts per (object, node), fed pod by pod. */
export class ReferenceIndex {
  /** reference key → node → number of that node's pods referring to it */
  private readonly refs = new Map<string, Map<string, number>>();
  /** pod storage key → what it contributed, and the spec it was read from */
  private readonly pods = new Map<string, { node: string; keys: string[]; spec: unknown }>();

  /** Records the pod as it is now (undefined: gone). */
  setPod(podKey: string, pod: KubeObject | undefined): void {
    const old = this.pods.get(podKey);
    // Most pod writes (status updates) carry the previous spec object along, and stored
    // objects are never mutated in place: the same spec refers to the same objects from
    // the same node (the key fixes namespace and name), so there is nothing to redo.
    if (old && pod && pod.spec !== undefined && pod.spec === old.spec) return;
    if (old) {
      for (const k of old.keys) this.dec(k, old.node);
      this.pods.delete(podKey);
    }
    const node = pod ? (pod.spec as { nodeName?: unknown } | undefined)?.nodeName : undefined;
    if (!pod || typeof node !== 'string' || !node) return;
    const keys = podReferences(pod);
    for (const k of keys) {
      let byNode = this.refs.get(k);
      if (!byNode) this.refs.set(k, (byNode = new Map()));
      byNode.set(node, (byNode.get(node) ?? 0) + 1);
    }
    this.pods.set(podKey, { node, keys, spec: pod.spec });
  }

  has(kind: ReferenceKind, namespace: string, name: string, node: string): boolean {
    return (this.refs.get(referenceKey(kind, namespace, name))?.get(node) ?? 0) > 0;
  }

  private dec(key: string, node: string): void {
    const byNode = this.refs.get(key);
    if (!byNode) return;
    const n = (byNode.get(node) ?? 0) - 1;
    if (n > 0) byNode.set(node, n);
    else byNode.delete(node);
    if (byNode.size === 0) this.refs.delete(key);
  }
}

export class NodeGraph implements NodeGraphView {
  private readonly index = new ReferenceIndex();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    for (const pod of store.list(PODS_PREFIX)) {
      this.index.setPod(objectStorageKey('', 'pods', pod.metadata.namespace, pod.metadata.name ?? ''), pod);
    }
    // commit listeners run before any client can see the change, so a kubelet that
    // learns of a pod from a watch always finds that pod's references indexed
    this.unsubscribe = store.onCommit((events) => {
      for (const ev of events) {
        if (ev.key.startsWith(PODS_PREFIX)) this.index.setPod(ev.key, ev.type === 'DELETED' ? undefined : ev.object);
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  pod(namespace: string, name: string): KubeObject | undefined {
    return this.store.get(objectStorageKey('', 'pods', namespace, name));
  }

  persistentVolume(name: string): KubeObject | undefined {
    return this.store.get(objectStorageKey('', 'persistentvolumes', undefined, name));
  }

  node(name: string): KubeObject | undefined {
    return this.store.get(objectStorageKey('', 'nodes', undefined, name));
  }

  referencedFromNode(kind: ReferenceKind, namespace: string, name: string, node: string): boolean {
    return this.index.has(kind, namespace, name, node);
  }
}
