// The DaemonSet controller's decisions as pure functions (Kubernetes'
// daemon_controller.go podsShouldBeOnNode/manage, update.go rollingUpdate, and
// updateDaemonSetStatus): which nodes need a pod, which pods must go, one rolling
// update step, and the status counts.
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../api/types/index.js';
import { scaledValue } from './deployment-rollout.js';
import { CONTROLLER_REVISION_HASH_LABEL, nodeShouldRunDaemonPod } from './daemonset-nodes.js';
import { isPodAvailable, isPodReady } from './pod-control.js';

/** Pods of one DaemonSet by the node they run on (or are pinned to). */
export type NodeToPods = Map<string, Pod[]>;

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 0 : 1;
  const sb = b.spec?.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function isPodUpdated(pod: Pod, hash: string): boolean {
  return hash !== '' && pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}

/** SurgeCount: 0 unless RollingUpdate with maxSurge; percentages round up. */
export function surgeCount(ds: DaemonSet, desired: number): number {
  const s = ds.spec.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return 0;
  return scaledValue(s?.rollingUpdate?.maxSurge, desired, true);
}

/** UnavailableCount: percentages round up. */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  const s = ds.spec.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return 0;
  return scaledValue(s?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
}

// ---------------------------------------------------------------- failed pods

/**
 * flowcontrol.Backoff for failed daemon pods per (DaemonSet, node): a kubelet
 * that keeps rejecting a pod must not make the controller delete and recreate
 * it in a hot loop. 1 s doubling to 15 min; forgotten after twice the maximum.
 */
export class FailedPodsBackoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(private readonly initialMs = 1_000, private readonly maxMs = 15 * 60_000) {}

  /** Remaining wait if `key` is backing off at `now`, else undefined. */
  inBackoff(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const left = e.lastUpdate + e.delayMs - now;
    return left > 0 ? left : undefined;
  }

  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) this.entries.set(key, { delayMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdate: now });
  }

  /** Drops entries idle for longer than twice the maximum. */
  gc(now: number): void {
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }
}

// ---------------------------------------------------------------- manage

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: Pod[];
  /** failed pods about to be deleted: worth a Warning event */
  failedPods: Pod[];
  /** a failed pod is backing off: look again after this long */
  requeueAfterMs?: number;
}

/**
 * podsShouldBeOnNode over every node, plus unscheduled pods pinned to nodes that
 * no longer exist: a node that should run a pod and has none gets one; failed
 * and succeeded pods are replaced (failed ones with backoff); extra pods on a
 * node are trimmed to the oldest (or, with surge, to at most one old and one new
 * while the new one is not yet available); pods on nodes that may no longer run
 * them are deleted.
 */
export function managePlan(
  ds: DaemonSet, nodes: readonly Node[], nodeToPods: NodeToPods, hash: string, now: number, backoff: FailedPodsBackoff, dsKey: string,
): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const surge = allowsSurge(ds);
  const minReady = ds.spec.minReadySeconds ?? 0;
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(name);
    const exists = pods !== undefined && pods.length > 0;
    if (shouldRun && !exists) {
      plan.nodesNeedingPods.push(name);
      continue;
    }
    if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        const phase = pod.status?.phase;
        if (phase === 'Failed') {
          const key = `${dsKey}/${name}`;
          const wait = backoff.inBackoff(key, now);
          if (wait !== undefined) {
            plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, wait);
            continue;
          }
          backoff.next(key, now);
          plan.failedPods.push(pod);
          plan.podsToDelete.push(pod);
        } else if (phase === 'Succeeded') {
          plan.podsToDelete.push(pod);
        } else {
          running.push(pod);
        }
      }
      running.sort(byCreationTimestampAndPhase);
      if (!surge) {
        plan.podsToDelete.push(...running.slice(1));
        continue;
      }
      if (running.length <= 1) {
        if (running.length === 0 && shouldRun) plan.nodesNeedingPods.push(name);
        continue;
      }
      // With surge two pods may share a node: the oldest new one while it comes up, and the oldest old one until then.
      let oldestNew: Pod | undefined;
      let oldestOld: Pod | undefined;
      for (const pod of running) {
        if (isPodUpdated(pod, hash)) {
          if (!oldestNew) {
            oldestNew = pod;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = pod;
          continue;
        }
        plan.podsToDelete.push(pod);
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) {
        plan.podsToDelete.push(oldestOld);
      }
      continue;
    }
    if (exists) for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push(pod);
  }
  // Pods the scheduler can never bind: their node is gone (bound ones are pod GC's job).
  const live = new Set(nodes.map((n) => n.metadata.name ?? ''));
  for (const [name, pods] of nodeToPods) {
    if (live.has(name)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName) plan.podsToDelete.push(pod);
  }
  return plan;
}

// ---------------------------------------------------------------- rolling update

export interface UpdatePlan {
  podsToDelete: Pod[];
  nodesToCreate: string[];
}

/** findUpdatedPodsOnNode: the node's one new and one old pod; ok false when there are more. */
export function updatedPodsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * One step of a RollingUpdate (rollingUpdate in update.go). Without surge: delete
 * old pods, unavailable ones freely and available ones only while fewer than
 * maxUnavailable pods are unavailable; the manage step then creates the new pods.
 * With surge: start a new pod beside an old one (always when the old one is
 * unavailable, otherwise up to maxSurge at once) and delete the old one once the
 * new one is available.
 */
export function rollingUpdatePlan(ds: DaemonSet, nodes: readonly Node[], nodeToPodsIn: NodeToPods, hash: string, now: number): UpdatePlan {
  const nodeToPods: NodeToPods = new Map(nodeToPodsIn);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    const name = node.metadata.name ?? '';
    if (!nodeToPods.has(name)) nodeToPods.set(name, []);
  }
  const maxSurge = surgeCount(ds, desired);
  let maxUnavailable = unavailableCount(ds, desired);
  // An impossible configuration (both 0) falls back to one unavailable at a time.
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, now);
  const ordered = [...nodeToPods.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const [, pods] of ordered) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replacements.push(oldPod);
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...replacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const podsToDelete: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [name, pods] of ordered) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod && available(newPod)) {
      numAvailable++;
    }
    if (!oldPod) continue;
    const node = nodeByName.get(name);
    const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun) podsToDelete.push(oldPod);
        else allowedNodes.push(name);
      } else if (!shouldRun) {
        shouldNotRun.push(oldPod);
      } else if (numSurge < maxSurge) {
        candidateNodes.push(name);
      }
      continue;
    }
    if (!available(newPod)) numSurge++;
    else podsToDelete.push(oldPod);
  }
  // With surge the owner expects full availability: a pod on a node it no longer fits goes only once others make up for it.
  const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRun.length);
  podsToDelete.push(...shouldNotRun.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)] };
}

// ---------------------------------------------------------------- status

/** The counts of updateDaemonSetStatus; observedGeneration is the caller's. */
export function daemonSetCounts(ds: DaemonSet, nodes: readonly Node[], nodeToPods: NodeToPods, hash: string, now: number): Omit<DaemonSetStatus, 'observedGeneration' | 'collisionCount' | 'conditions'> {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  const minReady = ds.spec.minReadySeconds ?? 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(node.metadata.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (!shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...pods].sort(byCreationTimestampAndPhase)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    updatedNumberScheduled: updated,
    numberUnavailable: desired - available,
  };
}

/** Equal as a reader sees them: a missing count is 0. */
export function daemonSetStatusEqual(a: DaemonSetStatus | undefined, b: DaemonSetStatus): boolean {
  const keys: Array<keyof DaemonSetStatus> = [
    'desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'numberAvailable',
    'updatedNumberScheduled', 'numberUnavailable', 'observedGeneration', 'collisionCount',
  ];
  return keys.every((k) => (a?.[k] ?? 0) === (b[k] ?? 0));
}
