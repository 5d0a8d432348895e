// What to do with each container of a pod, decided from the spec and what Docker
// shows: keep it, start it (first time or restart), wait out a backoff, or kill it.
// Pure, so the restart policy and CrashLoopBackOff rules are unit-tested.
import type { Container, RestartPolicy } from '../api/types/index.js';
import { backoffDelayMs, restartTiming } from './backoff.js';
import { dockerTimeMs, type ObservedContainer } from './runtime/types.js';

export type KillReason = 'liveness' | 'startup' | 'spec-changed';

export type ContainerAction =
  /** running, or terminated for good */
  | { kind: 'keep' }
  /** create and start a new instance */
  | { kind: 'start'; attempt: number; backoffStep: number; replaceId?: string }
  /** a restart is due later (CrashLoopBackOff) */
  | { kind: 'wait'; until: number; attempt: number; delayMs: number }
  /** stop the running instance; the next sync restarts it per the policy */
  | { kind: 'kill'; id: string; reason: KillReason };

export interface DecideInput {
  restartPolicy: RestartPolicy;
  isInit: boolean;
  specHash: string;
  /** instances of this container, newest first */
  instances: ObservedContainer[];
  now: number;
  livenessFailed?: boolean;
  startupFailed?: boolean;
}

/** Whether an instance that exited with this code gets replaced. */
export function shouldRestart(policy: RestartPolicy, isInit: boolean, exitCode: number): boolean {
  if (isInit) return exitCode !== 0 && policy !== 'Never';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

export function decideContainer(input: DecideInput): ContainerAction {
  const latest = input.instances[0];
  if (!latest) return { kind: 'start', attempt: 0, backoffStep: -1 };
  if (latest.state === 'running') {
    if (latest.specHash && latest.specHash !== input.specHash) return { kind: 'kill', id: latest.id, reason: 'spec-changed' };
    if (input.startupFailed) return { kind: 'kill', id: latest.id, reason: 'startup' };
    if (input.livenessFailed) return { kind: 'kill', id: latest.id, reason: 'liveness' };
    return { kind: 'keep' };
  }
  if (latest.state === 'created') {
    // Created but never started (the kubelet died in between): start it afresh.
    return { kind: 'start', attempt: latest.attempt, backoffStep: latest.backoffStep, replaceId: latest.id };
  }
  const exitCode = latest.exitCode ?? 1;
  if (!shouldRestart(input.restartPolicy, input.isInit, exitCode) && latest.specHash === input.specHash) return { kind: 'keep' };
  const timing = restartTiming(
    { backoffStep: latest.backoffStep, startedAt: dockerTimeMs(latest.startedAt), finishedAt: dockerTimeMs(latest.finishedAt) },
    input.now,
  );
  const attempt = latest.attempt + 1;
  if (timing.notBefore > input.now) return { kind: 'wait', until: timing.notBefore, attempt, delayMs: backoffDelayMs(timing.step) };
  return { kind: 'start', attempt, backoffStep: timing.step };
}

/** An exited instance is finished for good (no restart coming). */
export function isDone(policy: RestartPolicy, isInit: boolean, c: ObservedContainer | undefined): boolean {
  return !!c && c.state === 'exited' && !shouldRestart(policy, isInit, c.exitCode ?? 1);
}

export interface PodProgress {
  /** every regular init container exited 0 */
  initialized: boolean;
  /** an init container failed and will not be retried */
  initFailed: boolean;
  /** nothing will run again: stop the sandbox */
  terminal: boolean;
}

/** Where a pod stands, from the newest instance of each container. */
export function podProgress(
  policy: RestartPolicy,
  initContainers: Container[],
  containers: Container[],
  latest: (name: string, isInit: boolean) => ObservedContainer | undefined,
): PodProgress {
  let initialized = true;
  let initFailed = false;
  for (const c of initContainers) {
    if (c.restartPolicy === 'Always') continue;
    const l = latest(c.name, true);
    if (l?.state === 'exited' && l.exitCode === 0) continue;
    initialized = false;
    if (l?.state === 'exited' && policy === 'Never') initFailed = true;
    break;
  }
  if (initFailed) return { initialized: false, initFailed: true, terminal: true };
  const terminal = initialized && containers.length > 0 && containers.every((c) => isDone(policy, false, latest(c.name, false)));
  return { initialized, initFailed: false, terminal };
}
