// Randomized equivalence: the optimized managedFields bookkeeping must record exactly what
// the original algorithm (update-manager.reference.ts) records, byte for byte, for random
// objects and random sequences of writes by several managers and subresources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { recordUpdateManager } from './update-manager.js';
import { referenceRecordUpdateManager } from './update-manager.reference.js';
import { fromFieldsV1, parsePathKey, pathKey, toFieldsV1, withoutSubtrees } from './field-set.js';
import { mergeOwnedPatch, mergePatch } from './merge-patch.js';
import { deepClone } from './json.js';
import { applyDefaults } from '../../api/defaults.js';

/** mulberry32: a small seeded PRNG so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: R, p: number): boolean => r() < p;

// small vocabularies so that values collide, keys repeat and lists get duplicate keys
const WORDS = ['a', 'b', 'c', 'x"y', 'p,q', 'n]m', 'ü'];
const word = (r: R): string => pick(r, WORDS);
const scalar = (r: R): unknown => pick(r, [word(r), Math.floor(r() * 3), true, false, null, 1.5]);

function maybeNull<T>(r: R, v: T): T | null {
  return chance(r, 0.08) ? null : v;
}

function randomMap(r: R, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) out[word(r)] = depth > 0 && chance(r, 0.3) ? randomMap(r, depth - 1) : scalar(r);
  return out;
}

function container(r: R): Record<string, unknown> {
  const c: Record<string, unknown> = { image: word(r) };
  if (!chance(r, 0.05)) c.name = word(r);
  if (chance(r, 0.5)) c.env = Array.from({ length: Math.floor(r() * 3) }, () => ({ name: word(r), value: maybeNull(r, word(r)) }));
  if (chance(r, 0.4)) {
    c.ports = Array.from({ length: Math.floor(r() * 3) }, () => {
      const p: Record<string, unknown> = { containerPort: 80 + Math.floor(r() * 2) };
      if (chance(r, 0.5)) p.protocol = pick(r, ['TCP', 'UDP']);
      return p;
    });
  }
  if (chance(r, 0.3)) c.resources = { requests: randomMap(r, 0) };
  if (chance(r, 0.2)) c.args = Array.from({ length: Math.floor(r() * 3) }, () => word(r));
  return c;
}

function condition(r: R): Record<string, unknown> {
  const c: Record<string, unknown> = { status: pick(r, ['True', 'False']), lastProbeTime: null };
  if (!chance(r, 0.05)) c.type = pick(r, ['Ready', 'PodScheduled', 'Initialized', 'ContainersReady']);
  if (chance(r, 0.5)) c.lastTransitionTime = pick(r, ['t1', 't2']);
  return c;
}

function randomPod(r: R): KubeObject {
  const metadata: Record<string, unknown> = { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: String(Math.floor(r() * 9)) };
  if (chance(r, 0.7)) metadata.labels = randomMap(r, 0);
  if (chance(r, 0.4)) metadata.annotations = randomMap(r, 0);
  if (chance(r, 0.3)) metadata.finalizers = Array.from({ length: Math.floor(r() * 3) }, () => word(r));
  if (chance(r, 0.4)) metadata.ownerReferences = Array.from({ length: Math.floor(r() * 3) }, () => ({ uid: word(r), kind: 'RS', name: word(r) }));
  const spec: Record<string, unknown> = { containers: Array.from({ length: Math.floor(r() * 3) }, () => container(r)) };
  if (chance(r, 0.4)) spec.nodeName = word(r);
  if (chance(r, 0.3)) spec.tolerations = Array.from({ length: Math.floor(r() * 3) }, () => ({ key: word(r), operator: 'Exists' }));
  if (chance(r, 0.3)) spec.extra = randomMap(r, 2);
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: metadata as KubeObject['metadata'], spec };
  if (chance(r, 0.8)) {
    const status: Record<string, unknown> = { phase: pick(r, ['Pending', 'Running']) };
    if (chance(r, 0.7)) status.conditions = Array.from({ length: Math.floor(r() * 4) }, () => condition(r));
    if (chance(r, 0.4)) status.podIPs = Array.from({ length: Math.floor(r() * 2) }, () => ({ ip: word(r) }));
    if (chance(r, 0.3)) status.extra = randomMap(r, 1);
    obj.status = maybeNull(r, status);
  }
  return obj;
}

/** A write: some parts of `cur` kept as the same objects (as the apiserver shares them), some replaced. */
function mutate(r: R, cur: KubeObject): KubeObject {
  const fresh = randomPod(r);
  const next: KubeObject = { ...cur, metadata: { ...cur.metadata } };
  for (const part of ['spec', 'status'] as const) {
    if (chance(r, 0.5)) {
      if (fresh[part] === undefined) delete next[part];
      else next[part] = fresh[part];
    } else if (chance(r, 0.3)) next[part] = deepClone(cur[part]);
  }
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    if (!chance(r, 0.3)) continue;
    const v = (fresh.metadata as Record<string, unknown>)[field];
    if (v === undefined) delete (next.metadata as Record<string, unknown>)[field];
    else (next.metadata as Record<string, unknown>)[field] = v;
  }
  if (chance(r, 0.05)) next.metadata.managedFields = [];
  if (chance(r, 0.05) && cur.metadata.managedFields) next.metadata.managedFields = deepClone(cur.metadata.managedFields);
  return next;
}

const MANAGERS = ['kubectl', 'kubelet', 'kube-scheduler', 'kube-controller-manager'];
const SUBRESOURCES = [undefined, undefined, 'status', 'binding'];

test('recordUpdateManager records exactly what the original algorithm records (random writes)', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    let curNew: KubeObject | undefined;
    let curRef: KubeObject | undefined;
    if (chance(r, 0.8)) {
      const first = randomPod(r);
      if (chance(r, 0.2)) {
        first.metadata.managedFields = [{
          manager: 'old', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:containers': {}, 'f:nodeName': {} }, 'f:status': { '.': {}, 'f:phase': {} } },
        }];
      }
      const manager = pick(r, MANAGERS);
      curNew = recordUpdateManager(undefined, deepClone(first), manager, 't0', 'v1');
      curRef = referenceRecordUpdateManager(undefined, deepClone(first), manager, 't0', 'v1');
      assert.equal(JSON.stringify(curNew), JSON.stringify(curRef), `seed ${seed}: create`);
    }
    for (let step = 0; step < 12; step++) {
      const base = curNew ?? randomPod(r);
      const next = mutate(r, base);
      const manager = pick(r, MANAGERS);
      const sub = pick(r, SUBRESOURCES);
      const time = `t${step + 1}`;
      // a restart: stored objects come back from JSON, unfrozen
      const restart = chance(r, 0.1);
      const oldNew = curNew && restart ? JSON.parse(JSON.stringify(curNew)) as KubeObject : curNew;
      const outNew = recordUpdateManager(oldNew, deepClone(next), manager, time, 'v1', sub);
      const outRef = referenceRecordUpdateManager(curRef, deepClone(next), manager, time, 'v1', sub);
      assert.equal(JSON.stringify(outNew), JSON.stringify(outRef), `seed ${seed} step ${step} (${manager}/${sub ?? ''})`);
      curNew = outNew;
      curRef = outRef;
    }
  }
});

/** A ReplicaSet's pod as the scheduler benchmark writes it: created, bound, then status after status. */
function benchPod(r: R, k: number): KubeObject {
  const rs = `bench-${k % 3}-7d9f8c6b5`;
  const containers = [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }];
  if (chance(r, 0.3)) containers.push({ name: 'side', image: 'busybox', resources: { requests: { cpu: '1m', memory: '1Mi' } } });
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${rs}-`, name: `${rs}-${k}`, namespace: 'bench', uid: `uid-${k}`, creationTimestamp: 't0',
      labels: { app: `bench-${k % 3}`, 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `rs-${k % 3}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers },
  };
  applyDefaults(pod);
  pod.status = { phase: 'Pending', qosClass: 'Burstable' };
  return pod;
}

function bound(cur: KubeObject, node: string, time: string): KubeObject {
  const status = { ...(cur.status as Record<string, unknown>) };
  const conditions = ((status.conditions ?? []) as Array<Record<string, unknown>>).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time });
  status.conditions = conditions;
  return { ...cur, metadata: { ...cur.metadata }, spec: { ...(cur.spec as object), nodeName: node }, status };
}

/** The hollow kubelet's merge patch of pods/status carrying the whole status, applied as the registry does. */
function statusPatched(r: R, cur: KubeObject, time: string): KubeObject {
  const ready = chance(r, 0.6);
  const ip = `10.1.0.${Math.floor(r() * 4)}`;
  const hostIP = `10.0.0.${Math.floor(r() * 2)}`;
  const cond = (type: string): Record<string, unknown> => ({
    type, status: ready || type === 'PodScheduled' || type === 'Initialized' ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: time,
  });
  const types = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  const status: Record<string, unknown> = {
    phase: pick(r, ['Running', 'Running', 'Pending']), hostIP, hostIPs: [{ ip: hostIP }], podIP: ip, podIPs: [{ ip }],
    startTime: pick(r, ['t0', time]), qosClass: 'Burstable',
    conditions: chance(r, 0.2) ? types.slice(1).reverse().map(cond) : types.map(cond),
    containerStatuses: ((cur.spec as { containers: Array<{ name: string; image: string }> }).containers).map((c) => ({
      name: c.name, ready, started: true, restartCount: Math.floor(r() * 2), image: c.image, imageID: `hollow://${c.image}`,
      containerID: `hollow://${cur.metadata.uid}/${c.name}`, state: { running: { startedAt: time } },
    })),
  };
  if (chance(r, 0.1)) delete status.podIPs;
  const patched = mergeOwnedPatch(cur, { status }, true) as KubeObject;
  return { ...cur, metadata: { ...cur.metadata }, status: patched.status };
}

test('recordUpdateManager records what the original algorithm records (benchmark-shaped pods)', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const r = rng(seed * 7919);
    const body = benchPod(r, seed);
    let curNew = recordUpdateManager(undefined, deepClone(body), 'kube-controller-manager', 't0', 'v1');
    let curRef = referenceRecordUpdateManager(undefined, deepClone(body), 'kube-controller-manager', 't0', 'v1');
    assert.equal(JSON.stringify(curNew), JSON.stringify(curRef), `seed ${seed}: create`);
    const writes: Array<[string, string | undefined]> = [['kube-scheduler', 'binding']];
    for (let i = 0; i < 5; i++) writes.push(['kubelet', 'status']);
    if (chance(r, 0.3)) writes.splice(3, 0, ['kube-controller-manager', undefined]);
    writes.forEach(([manager, sub], step) => {
      const time = `t${step + 1}`;
      const next = sub === 'binding' ? bound(curNew, `node-${seed % 2}`, time)
        : sub === 'status' ? statusPatched(r, curNew, time)
          : { ...curNew, metadata: { ...curNew.metadata, labels: { ...curNew.metadata.labels, extra: String(step) } } };
      const restart = chance(r, 0.1);
      const oldNew = restart ? JSON.parse(JSON.stringify(curNew)) as KubeObject : curNew;
      // the optimized path gets `next` sharing subtrees with the stored pod, as in the registry
      const refInput = deepClone(next);
      const outNew = recordUpdateManager(oldNew, next, manager, time, 'v1', sub);
      const outRef = referenceRecordUpdateManager(curRef, refInput, manager, time, 'v1', sub);
      assert.equal(JSON.stringify(outNew), JSON.stringify(outRef), `seed ${seed} step ${step} (${manager}/${sub ?? ''})`);
      curNew = outNew;
      curRef = outRef;
    });
  }
});

test('withoutSubtrees equals dropping members whose path has a prefix among the roots', () => {
  const r = rng(7);
  const element = (): string => pick(r, ['f:a', 'f:b', 'f:a,b', 'k:{"x":"]"}', 'v:"\\""', 'f:']);
  const path = (): string[] => Array.from({ length: 1 + Math.floor(r() * 3) }, element);
  for (let i = 0; i < 2000; i++) {
    const set = new Set(Array.from({ length: Math.floor(r() * 8) }, () => pathKey(path())));
    if (chance(r, 0.05)) set.add('[]');
    const roots = new Set(Array.from({ length: Math.floor(r() * 3) }, () => pathKey(path())));
    if (chance(r, 0.05)) roots.add('[]');
    const expected = [...set].filter((key) => {
      const p = parsePathKey(key);
      for (let n = 1; n <= p.length; n++) if (roots.has(pathKey(p.slice(0, n)))) return false;
      return true;
    });
    assert.deepEqual([...withoutSubtrees(set, roots)], expected);
  }
});

test('toFieldsV1 encodes random sets as the sorted-members encoding, and lists them sorted', () => {
  const r = rng(11);
  const element = (): string => pick(r, ['f:a', 'f:b', 'f:a b', 'f:a!', 'f:a"', 'f:a\\', 'f:a\n', 'f:ab', 'k:{"x":"]"}', 'v:"\\""', 'f:', 'f:ü', 'f:\ud83d\ude00']);
  const path = (): string[] => Array.from({ length: 1 + Math.floor(r() * 3) }, element);
  // the original encoding: sort the whole member texts, insert in that order
  const reference = (set: Set<string>): unknown => {
    const root: Record<string, unknown> = {};
    const members = new Set<object>();
    const nodes: Array<[Record<string, unknown>, Record<string, unknown>]> = [];
    for (const key of [...set].sort()) {
      let node = root;
      for (const el of JSON.parse(key) as string[]) {
        if (!Object.hasOwn(node, el)) node[el] = {};
        node = node[el] as Record<string, unknown>;
      }
      members.add(node);
    }
    const encode = (node: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (members.has(node) && Object.keys(node).length > 0) out['.'] = {};
      for (const [k, v] of Object.entries(node)) out[k] = encode(v as Record<string, unknown>);
      return out;
    };
    nodes.length = 0;
    return encode(root);
  };
  for (let i = 0; i < 3000; i++) {
    const set = new Set(Array.from({ length: Math.floor(r() * 10) }, () => pathKey(path())));
    if (chance(r, 0.05)) set.add('[]');
    const tree = toFieldsV1(set);
    assert.equal(JSON.stringify(tree), JSON.stringify(reference(set)), [...set].join(' '));
    assert.deepEqual([...fromFieldsV1(tree)], [...set].sort());
  }
});

test('fromFieldsV1 of a shared tree is a fresh set equal to the walked one', () => {
  const set = new Set(['["f:a","f:b"]', '["f:a"]', '["f:c"]']);
  const tree = toFieldsV1(set);
  const first = fromFieldsV1(tree);
  assert.deepEqual([...first].sort(), [...set].sort());
  first.add('["f:z"]');
  assert.deepEqual([...fromFieldsV1(tree)].sort(), [...set].sort(), 'callers may change the set they get');
  assert.deepEqual([...fromFieldsV1(JSON.parse(JSON.stringify(tree)))].sort(), [...set].sort());
  // the same members in another insertion order encode to the same tree
  assert.equal(JSON.stringify(toFieldsV1(new Set([...set].reverse()))), JSON.stringify(tree));
});

test('mergeOwnedPatch gives what mergePatch gives (random documents)', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const r = rng(seed);
    const original = randomPod(r);
    const patch = chance(r, 0.5) ? { status: randomPod(r).status, metadata: { labels: randomMap(r, 1) } } : randomMap(r, 3);
    for (const share of [false, true]) {
      const expected = JSON.stringify(mergePatch(deepClone(original), deepClone(patch), share));
      const before = JSON.stringify(original);
      assert.equal(JSON.stringify(mergeOwnedPatch(original, deepClone(patch), share)), expected, `seed ${seed}`);
      assert.equal(JSON.stringify(original), before, 'the original is never changed');
    }
  }
});
