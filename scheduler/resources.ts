// Resource amounts as plain numbers (millicores, bytes, counts), so the per-node
// arithmetic of a scheduling cycle never parses a Quantity. Requests follow
// Kubernetes' effective-request rules (component-helpers/resource.PodRequests).
import { cpuToMilli, Quantity } from '../api/quantity.js';
import type { Container, PodSpec, ResourceList } from '../api/types/index.js';

export interface Resources {
  milliCPU: number;
  memory: number;
  /** every other resource (ephemeral-storage, hugepages-*, extended) in its base unit; undefined when none */
  scalar?: Record<string, number>;
}

/** What Kubernetes assumes a container without requests uses, for spreading by load (not for fit). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

// The same few spellings ("100m", "128Mi") repeat across thousands of pods; Quantity
// parsing goes through bigint, so remember results.
const MEMO_LIMIT = 10_000;
const cpuMemo = new Map<string, number>();
const valueMemo = new Map<string, number>();

function memoized(memo: Map<string, number>, text: string, parse: (s: string) => number): number {
  let v = memo.get(text);
  if (v !== undefined) return v;
  try {
    v = parse(text);
  } catch {
    // The apiserver validates quantities; a malformed one can only come from a
    // foreign writer, and counting it as zero beats wedging the queue.
    v = 0;
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, v);
  return v;
}

export function milliCPUOf(q: string | number | undefined): number {
  if (q === undefined) return 0;
  return memoized(cpuMemo, String(q), cpuToMilli);
}

/** Integer value of a quantity in its base unit (bytes, pods, devices), rounded up like Quantity.Value(). */
export function valueOf(q: string | number | undefined): number {
  if (q === undefined) return 0;
  return memoized(valueMemo, String(q), (s) => Quantity.parse(s.trim()).value());
}

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0 };
}

export function fromResourceList(list: ResourceList | undefined): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    if (name === 'cpu') r.milliCPU = milliCPUOf(q);
    else if (name === 'memory') r.memory = valueOf(q);
    else if (name !== 'pods') (r.scalar ??= {})[name] = valueOf(q);
  }
  return r;
}

export function addInto(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const [k, v] of Object.entries(r.scalar)) s[k] = (s[k] ?? 0) + sign * v;
  }
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const [k, v] of Object.entries(r.scalar)) s[k] = Math.max(s[k] ?? 0, v);
  }
}

function copy(r: Resources): Resources {
  return { milliCPU: r.milliCPU, memory: r.memory, scalar: r.scalar ? { ...r.scalar } : undefined };
}

type ContainerRequests = (c: Container) => Resources;

const actualRequests: ContainerRequests = (c) => fromResourceList(c.resources?.requests);

/** Missing cpu/memory requests count as the defaults: used to compare nodes by load. */
const nonZeroRequests: ContainerRequests = (c) => {
  const r = fromResourceList(c.resources?.requests);
  const req = c.resources?.requests;
  if (req?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
  if (req?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  return r;
};

/**
 * The pod's effective request: app containers (plus sidecars, i.e. init containers
 * with restartPolicy Always) run together, ordinary init containers run one at a
 * time before them, so the larger of the two phases counts; overhead comes on top.
 */
function podRequests(spec: PodSpec, of: ContainerRequests): Resources {
  const reqs = emptyResources();
  for (const c of spec.containers ?? []) addInto(reqs, of(c));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const r = of(c);
    let phase: Resources;
    if (c.restartPolicy === 'Always') {
      addInto(reqs, r);
      addInto(sidecars, r);
      phase = copy(sidecars);
    } else {
      phase = copy(r);
      addInto(phase, sidecars);
    }
    maxInto(initMax, phase);
  }
  maxInto(reqs, initMax);
  if (spec.overhead) addInto(reqs, fromResourceList(spec.overhead));
  return reqs;
}

export function podResourceRequests(spec: PodSpec): { requests: Resources; nonZeroCPU: number; nonZeroMemory: number } {
  const requests = podRequests(spec, actualRequests);
  const nonZero = podRequests(spec, nonZeroRequests);
  return { requests, nonZeroCPU: nonZero.milliCPU, nonZeroMemory: nonZero.memory };
}
