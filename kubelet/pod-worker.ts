// Syncs one pod with Docker: sandbox first, then init containers in order, then
// the app containers together; restarts per the restart policy with
// CrashLoopBackOff; kills on failed liveness/startup probes; reports status.
// Level-triggered and idempotent: every sync starts from what Docker shows, so a
// repeated or late sync does no harm. The pod manager runs at most one sync per
// pod at a time.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Container, Pod } from '../api/types/index.js';
import { podQOSClass } from '../api/defaults.js';
import { PodContainers } from './containers.js';
import { decideContainer, podProgress, type ContainerAction } from './decisions.js';
import { containerSpecHash } from './hash.js';
import { PodContext, type PodState, type PodWorkerDeps } from './pod-context.js';
import type { ProbeTarget } from './probes.js';
import { gracePeriodOf } from './runtime/create-options.js';
import { dockerTimeMs, instancesOf, type ObservedContainer } from './runtime/types.js';
import { PodSandbox } from './sandbox.js';
import { computePodStatus } from './status.js';
import { teardownPodDir } from './volumes.js';
import { nowTime } from '../api/time.js';

export type { PodWorkerDeps } from './pod-context.js';

const VOLUME_REFRESH_MS = 60_000;
const MAX_TERMINATION_MESSAGE = 4096;
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

export class PodWorker {
  private readonly states = new Map<string, PodState>();
  private readonly ctx: PodContext;
  private readonly containers: PodContainers;
  private readonly sandbox: PodSandbox;

  constructor(deps: PodWorkerDeps) {
    this.ctx = new PodContext(deps);
    this.containers = new PodContainers(this.ctx);
    this.sandbox = new PodSandbox(this.ctx, this.containers);
  }

  async sync(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const st = this.state(uid);
    const log = this.podLog(pod);
    const spec = pod.spec;
    const policy = spec.restartPolicy ?? 'Always';
    const t0 = Date.now();
    let observed = await this.ctx.d.runtime.list(uid);
    const latest = (name: string, isInit: boolean) => instancesOf(observed, name, isInit ? 'init' : 'app')[0];
    const progress = podProgress(policy, spec.initContainers ?? [], spec.containers, latest);
    const prevPhase = st.lastStatus?.phase ?? pod.status?.phase;
    let sandbox = instancesOf(observed, 'POD', 'sandbox')[0];

    if (prevPhase === 'Succeeded' || prevPhase === 'Failed' || progress.terminal) {
      // Nothing will run again: stop what still runs, keep the containers for their logs.
      await this.stopRunning(pod, observed);
      return this.report(pod, st, log);
    }

    if (!sandbox || sandbox.state !== 'running') {
      // Starting a pod is Docker-heavy: a few at a time finish sooner on average
      // than all at once (Docker gains little from more parallel starts).
      await this.ctx.startSlots.run(async () => {
        const created = await this.sandbox.createSandbox(pod, st, observed, sandbox, log);
        if (!created) return;
        const tList = Date.now();
        observed = await this.ctx.d.runtime.list(uid);
        log.debug({ ms: Date.now() - tList }, 'relisted after the sandbox');
        sandbox = instancesOf(observed, 'POD', 'sandbox')[0];
        if (!sandbox || sandbox.state !== 'running') {
          log.warn({ container: 'POD' }, 'sandbox stopped right after it started');
          this.ctx.d.requeue(uid, 1000);
          return;
        }
        await this.syncContainers(pod, st, observed, sandbox, progress.initialized, log);
      });
    } else {
      // A kubelet restarted half-way through plugging a sandbox in finishes it here; hostPorts follow the spec.
      await this.ctx.d.network().bridge?.ensureSandbox(pod, sandbox);
      if (!st.volumes || Date.now() - st.volumesAt > VOLUME_REFRESH_MS) {
        if (!(await this.sandbox.prepareVolumes(pod, st, sandbox, log))) return this.report(pod, st, log);
      }
      await this.syncContainers(pod, st, observed, sandbox, progress.initialized, log);
    }
    await this.collectGarbage(observed);
    await this.report(pod, st, log);
    log.debug({ ms: Date.now() - t0 }, 'pod synced');
  }

  private async syncContainers(pod: Pod, st: PodState, observed: ObservedContainer[], sandbox: ObservedContainer, initialized: boolean, log: Logger): Promise<void> {
    if (!initialized) return this.syncInitContainers(pod, st, observed, sandbox, log);
    await Promise.all(pod.spec.containers.map((c) => this.syncContainer(pod, st, c, false, observed, sandbox, log)));
  }

  /** Runs init containers one at a time; the first one not done is the only one acted on. */
  private async syncInitContainers(pod: Pod, st: PodState, observed: ObservedContainer[], sandbox: ObservedContainer, log: Logger): Promise<void> {
    for (const c of pod.spec.initContainers ?? []) {
      const latest = instancesOf(observed, c.name, 'init')[0];
      if (latest?.state === 'exited' && latest.exitCode === 0) continue;
      await this.syncContainer(pod, st, c, true, observed, sandbox, log);
      // Sidecars (restartPolicy Always) run alongside: move on once started.
      if (c.restartPolicy === 'Always') continue;
      return;
    }
  }

  private async syncContainer(
    pod: Pod, st: PodState, c: Container, isInit: boolean, observed: ObservedContainer[], sandbox: ObservedContainer, log: Logger,
  ): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const instances = instancesOf(observed, c.name, isInit ? 'init' : 'app');
    const current = instances[0];
    const view = current?.state === 'running' ? this.ctx.d.probes.view(current.id, c) : undefined;
    // Sidecar init containers restart like app containers with policy Always.
    const policy = isInit && c.restartPolicy === 'Always' ? 'Always' : pod.spec.restartPolicy ?? 'Always';
    const action: ContainerAction = decideContainer({
      restartPolicy: policy,
      isInit: isInit && c.restartPolicy !== 'Always',
      specHash: containerSpecHash(c),
      instances,
      now: Date.now(),
      livenessFailed: view?.livenessFailed,
      startupFailed: view?.startupFailed,
    });
    const cLog = log.child({ container: c.name });
    try {
      switch (action.kind) {
        case 'keep':
          if (current?.state === 'running') st.waiting.delete(c.name);
          return;
        case 'wait': {
          const delay = `${Math.round(action.delayMs / 1000)}s`;
          st.waiting.set(c.name, {
            reason: 'CrashLoopBackOff',
            message: `back-off ${delay} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
          });
          this.ctx.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${uid})`, c.name, isInit);
          this.ctx.d.requeue(uid, action.until - Date.now() + 50);
          return;
        }
        case 'kill': {
          const why = action.reason === 'liveness'
            ? `Container ${c.name} failed liveness probe, will be restarted`
            : action.reason === 'startup'
              ? `Container ${c.name} failed startup probe, will be restarted`
              : `Container ${c.name} definition changed, will be restarted`;
          const probe = action.reason === 'liveness' ? c.livenessProbe : action.reason === 'startup' ? c.startupProbe : undefined;
          const grace = probe?.terminationGracePeriodSeconds ?? gracePeriodOf(pod);
          cLog.info({ reason: action.reason }, 'killing container');
          await this.containers.killContainer(pod, current!, grace, why);
          this.ctx.d.requeue(uid, 0);
          return;
        }
        case 'start':
          await this.containers.startContainer(pod, st, c, isInit, action, sandbox, cLog);
          return;
      }
    } catch (e) {
      cLog.warn({ err: (e as Error).message }, 'container sync failed');
      this.ctx.d.requeue(uid, 2000);
    }
  }

  /** Stops running containers (and the sandbox) of a pod that is done. */
  private async stopRunning(pod: Pod, observed: ObservedContainer[]): Promise<void> {
    const running = observed.filter((c) => c.type !== 'sandbox' && c.state === 'running');
    await Promise.all(running.map((c) => this.containers.killContainer(pod, c, gracePeriodOf(pod), `Stopping container ${c.name}`)));
    await Promise.all(observed.filter((c) => c.type === 'sandbox' && c.state === 'running').map((s) => this.ctx.d.runtime.stop(s.id, 2)));
    this.ctx.d.probes.stopPod(pod.metadata.uid ?? '');
  }

  /** Keeps the newest and the previous instance of each container; dead sandboxes go. */
  private async collectGarbage(observed: ObservedContainer[]): Promise<void> {
    const groups = new Map<string, ObservedContainer[]>();
    for (const c of observed) {
      const k = `${c.type}/${c.name}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(c);
    }
    const doomed: string[] = [];
    for (const [k, list] of groups) {
      list.sort((a, b) => b.attempt - a.attempt);
      const keep = k.startsWith('sandbox/') ? 1 : 2;
      for (const c of list.slice(keep)) if (c.state !== 'running') doomed.push(c.id);
    }
    await Promise.all(doomed.map((id) => this.ctx.d.runtime.remove(id).catch(() => undefined)));
  }

  /**
   * Stops and removes everything of a pod: preStop hooks and graceful stops run
   * concurrently within `graceSeconds`, then containers, sandbox and pod
   * directory are removed. `pod` is undefined for containers of unknown pods.
   */
  async terminate(uid: string, pod: Pod | undefined, graceSeconds: number): Promise<void> {
    this.ctx.d.probes.stopPod(uid);
    const t0 = Date.now();
    const ms: Record<string, number> = {};
    const lap = (what: string): void => {
      ms[what] = Date.now() - t0;
    };
    const observed = await this.ctx.d.runtime.list(uid);
    lap('listed');
    const running = observed.filter((c) => c.type !== 'sandbox' && c.state === 'running');
    await Promise.all(
      // Without the pod, the grace period recorded on the container caps ours.
      running.map((c) => this.containers.killContainer(pod, c, pod ? graceSeconds : Math.min(graceSeconds, c.gracePeriodSeconds ?? graceSeconds), `Stopping container ${c.name}`)),
    );
    lap('killed');
    await Promise.all(observed.filter((c) => c.type === 'sandbox' && c.state === 'running').map((s) => this.ctx.d.runtime.stop(s.id, 2)));
    lap('sandboxStopped');
    // Containers that joined the sandbox go before the sandbox itself.
    await Promise.all(observed.filter((c) => c.type !== 'sandbox').map((c) => this.ctx.d.runtime.remove(c.id)));
    await Promise.all(observed.filter((c) => c.type === 'sandbox').map((c) => this.ctx.d.runtime.remove(c.id)));
    lap('removed');
    await teardownPodDir(this.ctx.d.rootDir, uid);
    this.forget(uid);
    if (observed.length) {
      this.ctx.d.log.debug({ uid, node: this.ctx.d.nodeName, grace: graceSeconds, containers: observed.map((c) => `${c.name}:${c.state}`), ms }, 'pod terminated');
    }
  }

  forget(uid: string): void {
    this.states.delete(uid);
    this.ctx.failures.forgetPrefix(`${uid}/`);
    this.ctx.d.probes.stopPod(uid);
  }

  private async report(pod: Pod, st: PodState, log: Logger): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const observed = await this.ctx.d.runtime.list(uid);
    const specOf = (c: ObservedContainer): Container | undefined =>
      (c.type === 'init' ? pod.spec.initContainers ?? [] : pod.spec.containers).find((x) => x.name === c.name);
    await this.loadTerminationMessages(pod, st, observed);
    const sandbox = instancesOf(observed, 'POD', 'sandbox')[0];

    const targets: ProbeTarget[] = [];
    for (const c of observed) {
      if (c.type === 'sandbox' || c.state !== 'running') continue;
      const spec = specOf(c);
      if (!spec) continue;
      const reported = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]
        .find((s) => s.name === c.name && s.containerID === `docker://${c.id}`);
      targets.push({
        podUid: uid, podIP: sandbox?.ip, containerId: c.id, container: spec, startedAt: dockerTimeMs(c.startedAt) ?? Date.now(),
        wasReady: reported?.ready, wasStarted: reported?.started,
      });
    }
    this.ctx.d.probes.sync(uid, targets);

    const policy = pod.spec.restartPolicy ?? 'Always';
    const progress = podProgress(policy, pod.spec.initContainers ?? [], pod.spec.containers, (n, i) => instancesOf(observed, n, i ? 'init' : 'app')[0]);
    // Our last computed status is the freshest record of our own conditions and
    // startTime; conditions owned by others come from the server copy.
    const base: Pod = st.lastStatus
      ? { ...pod, status: { ...st.lastStatus, conditions: [...(st.lastStatus.conditions ?? []), ...(pod.status?.conditions ?? []).filter((c) => !(st.lastStatus!.conditions ?? []).some((o) => o.type === c.type))] } }
      : pod;
    const status = computePodStatus({
      pod: base,
      now: nowTime(),
      hostIP: this.ctx.d.nodeIP,
      sandbox,
      observed,
      waiting: st.waiting,
      probes: (c) => {
        const spec = specOf(c);
        const v = spec ? this.ctx.d.probes.view(c.id, spec) : undefined;
        return { ready: v?.ready ?? false, started: v?.started ?? false };
      },
      terminationMessage: (c) => st.termMessages.get(c.id),
      qosClass: podQOSClass(pod.spec),
      progress,
    });
    if (st.lastStatus?.phase !== status.phase) log.info({ phase: status.phase }, 'pod phase');
    st.lastStatus = status;
    this.ctx.d.writeStatus(pod, status);
  }

  private async loadTerminationMessages(pod: Pod, st: PodState, observed: ObservedContainer[]): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const live = new Set(observed.map((c) => c.id));
    for (const id of st.termMessages.keys()) if (!live.has(id)) st.termMessages.delete(id);
    await Promise.all(
      observed
        .filter((c) => c.type !== 'sandbox' && c.state === 'exited' && !st.termMessages.has(c.id))
        .map(async (c) => {
          let msg = '';
          try {
            const buf = await readFile(this.containers.terminationLogPath(uid, c.name, c.attempt));
            msg = buf.subarray(0, MAX_TERMINATION_MESSAGE).toString('utf8');
          } catch {
            // no file: the container had its own mount there, or the pod dir is gone
          }
          if (!msg.trim() && c.terminationMessagePolicy === 'FallbackToLogsOnError' && (c.exitCode ?? 0) !== 0) {
            const tail = await this.ctx.d.runtime.logTail(c.id, FALLBACK_LOG_LINES).catch(() => '');
            msg = tail.length > FALLBACK_LOG_BYTES ? tail.slice(tail.length - FALLBACK_LOG_BYTES) : tail;
          }
          st.termMessages.set(c.id, msg || undefined);
        }),
    );
  }

  private state(uid: string): PodState {
    let st = this.states.get(uid);
    if (!st) this.states.set(uid, (st = { waiting: new Map(), volumesAt: 0, termMessages: new Map(), precreated: new Map() }));
    return st;
  }

  private podLog(pod: Pod): Logger {
    return this.ctx.d.log.child({ pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`, node: this.ctx.d.nodeName });
  }
}

