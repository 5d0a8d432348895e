// The pod status the kubelet reports, computed from what Docker shows, the probe
// results and the reasons the worker recorded (image pull errors, backoff, ...).
// Pure: the same observations always give the same status, so a status write is
// skipped whenever nothing changed.
import type {
  Container, ContainerState, ContainerStatus, Pod, PodCondition, PodPhase, PodQOSClass, PodStatus, RestartPolicy,
} from '../api/types/index.js';
import { isDone, type PodProgress } from './decisions.js';
import { instancesOf, k8sTime, type ObservedContainer } from './runtime/types.js';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ProbeView {
  ready: boolean;
  started: boolean;
}

export interface StatusInput {
  pod: Pod;
  /** RFC 3339, seconds */
  now: string;
  hostIP: string;
  /** newest sandbox instance */
  sandbox?: ObservedContainer;
  observed: ObservedContainer[];
  /** why a container is not running, keyed by container name */
  waiting: ReadonlyMap<string, WaitingReason>;
  probes: (c: ObservedContainer) => ProbeView;
  terminationMessage: (c: ObservedContainer) => string | undefined;
  qosClass?: PodQOSClass;
  progress: PodProgress;
}

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const spec = pod.spec;
  const policy: RestartPolicy = spec.restartPolicy ?? 'Always';
  const prev = pod.status ?? {};
  const sandboxUp = input.sandbox?.state === 'running';

  const initStatuses = (spec.initContainers ?? []).map((c) => containerStatus(input, c, true, policy, sandboxUp));
  const appStatuses = spec.containers.map((c) => containerStatus(input, c, false, policy, sandboxUp));

  let phase = podPhase(spec.initContainers ?? [], initStatuses, appStatuses, policy);
  // A terminal phase is final: a pod never comes back from Succeeded/Failed.
  if (prev.phase === 'Succeeded' || prev.phase === 'Failed') phase = prev.phase;

  const status: PodStatus = {
    phase,
    conditions: podConditions(input, initStatuses, appStatuses, phase, sandboxUp),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: prev.startTime ?? input.now,
    containerStatuses: appStatuses,
    qosClass: input.qosClass ?? prev.qosClass,
  };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  const podIP = spec.hostNetwork ? input.hostIP : sandboxUp ? input.sandbox?.ip : phase === 'Succeeded' || phase === 'Failed' ? prev.podIP : undefined;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  return status;
}

function containerStatus(input: StatusInput, c: Container, isInit: boolean, policy: RestartPolicy, sandboxUp: boolean): ContainerStatus {
  const instances = instancesOf(input.observed, c.name, isInit ? 'init' : 'app');
  const latest = instances[0];
  const previous = instances[1];
  const waiting = input.waiting.get(c.name);
  const status: ContainerStatus = {
    name: c.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: latest?.attempt ?? 0,
    image: c.image ?? '',
    imageID: latest?.imageId ? `docker://${latest.imageId}` : '',
    started: false,
  };
  if (latest) status.containerID = `docker://${latest.id}`;

  if (latest?.state === 'running') {
    const probe = input.probes(latest);
    status.state = { running: { startedAt: k8sTime(latest.startedAt) } };
    if (previous) status.lastState = terminatedState(input, previous);
    status.ready = isInit ? false : probe.ready;
    status.started = probe.started;
  } else if (latest?.state === 'exited') {
    const done = isDone(policy, isInit, latest);
    if (!done && waiting) {
      status.state = { waiting: { ...waiting } };
      status.lastState = terminatedState(input, latest);
    } else if (!done && sandboxUp) {
      // A restart is about to happen; report the instance that just ended.
      status.state = { waiting: { reason: 'ContainerCreating' } };
      status.lastState = terminatedState(input, latest);
    } else {
      status.state = terminatedState(input, latest);
      if (previous) status.lastState = terminatedState(input, previous);
      if (isInit && latest.exitCode === 0) status.ready = true;
    }
  } else {
    const reason = waiting ?? { reason: defaultWaitingReason(input, isInit) };
    status.state = { waiting: { ...reason } };
    if (previous) status.lastState = terminatedState(input, previous);
  }
  if (status.state?.waiting && status.state.waiting.message === undefined) delete status.state.waiting.message;
  return status;
}

function defaultWaitingReason(input: StatusInput, isInit: boolean): string {
  if (input.sandbox?.state !== 'running') return 'ContainerCreating';
  if (!isInit && !input.progress.initialized) return 'PodInitializing';
  return 'ContainerCreating';
}

function terminatedState(input: StatusInput, c: ObservedContainer): ContainerState {
  const exitCode = c.exitCode ?? 0;
  const reason = c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode,
    reason,
    startedAt: k8sTime(c.startedAt),
    finishedAt: k8sTime(c.finishedAt),
    containerID: `docker://${c.id}`,
  };
  const message = input.terminationMessage(c);
  if (message) t.message = message;
  return { terminated: t };
}

/** Kubernetes' getPhase, restricted to what kubelite runs (sidecar init containers count as started). */
export function podPhase(
  initContainers: Container[],
  initStatuses: ContainerStatus[],
  appStatuses: ContainerStatus[],
  policy: RestartPolicy,
): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  initContainers.forEach((c, i) => {
    if (c.restartPolicy === 'Always') return;
    const s = initStatuses[i];
    if (!s) return void pendingInit++;
    const st = s.state ?? {};
    if (st.running) pendingInit++;
    else if (st.terminated) {
      if (st.terminated.exitCode !== 0) failedInit++;
    } else if (st.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  });
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of appStatuses) {
    const st = s.state ?? {};
    if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (st.terminated.exitCode === 0) succeeded++;
    } else if (st.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function podConditions(
  input: StatusInput,
  initStatuses: ContainerStatus[],
  appStatuses: ContainerStatus[],
  phase: PodPhase,
  sandboxUp: boolean,
): PodCondition[] {
  const prev = input.pod.status?.conditions ?? [];
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const out: PodCondition[] = [];
  const set = (type: string, ok: boolean, reason?: string, message?: string): void => {
    const status = ok ? 'True' : 'False';
    const old = prev.find((c) => c.type === type);
    const cond: PodCondition = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : input.now,
    };
    if (!ok && reason) cond.reason = reason;
    if (!ok && message) cond.message = message;
    out.push(cond);
  };

  set('PodReadyToStartContainers', sandboxUp || !!input.pod.spec.hostNetwork);
  const initSpecs = input.pod.spec.initContainers ?? [];
  const pendingInit = initSpecs
    .filter((c, i) => c.restartPolicy !== 'Always' && !(initStatuses[i]?.state?.terminated?.exitCode === 0))
    .map((c) => c.name);
  const initialized = pendingInit.length === 0 || input.progress.initialized;
  set('Initialized', initialized, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`);
  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const containersReady = unready.length === 0 && !terminal;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  set('ContainersReady', containersReady, notReadyReason, notReadyMessage);
  const gates = (input.pod.spec.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOk = gates.every((g) => prev.find((c) => c.type === g)?.status === 'True');
  if (containersReady && !gatesOk) set('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gates.join('", "')}" does not exist.`);
  else set('Ready', containersReady, notReadyReason, notReadyMessage);

  const scheduled = prev.find((c) => c.type === 'PodScheduled');
  out.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: input.pod.status?.startTime ?? input.now });
  // Conditions owned by others (readiness gates, DisruptionTarget, ...) stay as they are.
  const mine = new Set(out.map((c) => c.type));
  for (const c of prev) if (!mine.has(c.type)) out.push(c);
  return out;
}
