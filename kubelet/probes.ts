// Liveness, readiness and startup probes: one timer-driven worker per running
// container and probe kind. Results feed the pod status (ready/started) and the
// pod worker (kill on liveness/startup failure); a changed result requeues the pod.
import type { Logger } from 'pino';
import type { Container, Probe } from '../api/types/index.js';
import type { HandlerRunner } from './handlers.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeTarget {
  podUid: string;
  podIP?: string;
  containerId: string;
  container: Container;
  /** epoch ms the container started */
  startedAt: number;
  /** what the pod status last said about this very container (a restarted kubelet keeps it, no flapping) */
  wasReady?: boolean;
  wasStarted?: boolean;
}

export interface ContainerProbeView {
  ready: boolean;
  started: boolean;
  livenessFailed: boolean;
  startupFailed: boolean;
}

export type UnhealthyHandler = (t: ProbeTarget, kind: ProbeKind, message: string) => void;

interface Worker {
  kind: ProbeKind;
  target: ProbeTarget;
  probe: Probe;
  timer?: NodeJS.Timeout;
  stopped: boolean;
  successes: number;
  failures: number;
  result?: boolean;
}

const KINDS: ProbeKind[] = ['startup', 'readiness', 'liveness'];

export class ProbeManager {
  /** containerId → kind → worker */
  private readonly workers = new Map<string, Map<ProbeKind, Worker>>();
  private readonly byPod = new Map<string, Set<string>>();

  constructor(
    private readonly runner: HandlerRunner,
    private readonly onChange: (podUid: string) => void,
    private readonly onUnhealthy: UnhealthyHandler,
    private readonly log: Logger,
  ) {}

  /** Starts workers for the pod's running containers and stops those of containers no longer running. */
  sync(podUid: string, running: ProbeTarget[]): void {
    const keep = new Set(running.map((t) => t.containerId));
    for (const id of this.byPod.get(podUid) ?? []) if (!keep.has(id)) this.stopContainer(podUid, id);
    for (const t of running) {
      if (this.workers.has(t.containerId)) continue;
      const kinds = new Map<ProbeKind, Worker>();
      for (const kind of KINDS) {
        const probe = probeOf(t.container, kind);
        if (!probe) continue;
        const w: Worker = { kind, target: t, probe, stopped: false, successes: 0, failures: 0 };
        if (kind === 'readiness' && t.wasReady) w.result = true;
        if (kind === 'startup' && t.wasStarted) w.result = true;
        kinds.set(kind, w);
      }
      if (kinds.size === 0) continue;
      this.workers.set(t.containerId, kinds);
      let ids = this.byPod.get(podUid);
      if (!ids) this.byPod.set(podUid, (ids = new Set()));
      ids.add(t.containerId);
      for (const w of kinds.values()) this.schedule(w, Math.max(0, t.startedAt + (w.probe.initialDelaySeconds ?? 0) * 1000 - Date.now()));
    }
  }

  stopPod(podUid: string): void {
    for (const id of this.byPod.get(podUid) ?? []) this.stopContainer(podUid, id);
    this.byPod.delete(podUid);
  }

  stopAll(): void {
    for (const uid of [...this.byPod.keys()]) this.stopPod(uid);
  }

  /** Probe-derived view of a running container. */
  view(containerId: string, c: Container): ContainerProbeView {
    const ws = this.workers.get(containerId);
    const startup = ws?.get('startup');
    const started = !c.startupProbe ? true : startup?.result === true;
    const readiness = ws?.get('readiness');
    const ready = started && (!c.readinessProbe ? true : readiness?.result === true);
    return {
      ready,
      started,
      livenessFailed: ws?.get('liveness')?.result === false,
      startupFailed: startup?.result === false,
    };
  }

  private stopContainer(podUid: string, id: string): void {
    for (const w of this.workers.get(id)?.values() ?? []) {
      w.stopped = true;
      clearTimeout(w.timer);
    }
    this.workers.delete(id);
    this.byPod.get(podUid)?.delete(id);
  }

  private schedule(w: Worker, ms: number): void {
    if (w.stopped) return;
    w.timer = setTimeout(() => void this.tick(w).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'probe failed to run')), ms);
    w.timer.unref?.();
  }

  private async tick(w: Worker): Promise<void> {
    if (w.stopped) return;
    const period = Math.max(1, w.probe.periodSeconds ?? 10) * 1000;
    const ws = this.workers.get(w.target.containerId);
    // Liveness and readiness wait for the startup probe; the startup probe stops once it succeeded.
    const startup = ws?.get('startup');
    if (w.kind !== 'startup' && startup && startup.result !== true) return this.schedule(w, period);
    if (w.kind === 'startup' && w.result === true) return;
    const timeoutMs = Math.max(1, w.probe.timeoutSeconds ?? 1) * 1000;
    const r = await this.runner.run(w.probe, { containerId: w.target.containerId, container: w.target.container, podIP: w.target.podIP }, timeoutMs);
    if (w.stopped) return;
    const before = w.result;
    if (r.ok) {
      w.successes++;
      w.failures = 0;
      const need = w.kind === 'readiness' ? Math.max(1, w.probe.successThreshold ?? 1) : 1;
      if (w.successes >= need) w.result = true;
    } else {
      w.failures++;
      w.successes = 0;
      this.onUnhealthy(w.target, w.kind, r.message);
      if (w.failures >= Math.max(1, w.probe.failureThreshold ?? 3)) w.result = false;
    }
    if (before !== w.result) {
      this.log.debug({ container: w.target.container.name, kind: w.kind, result: w.result }, 'probe result changed');
      this.onChange(w.target.podUid);
    }
    // A failed liveness or startup probe ends with the container; keep probing otherwise.
    if (w.result === false && w.kind !== 'readiness') return;
    this.schedule(w, period);
  }
}

function probeOf(c: Container, kind: ProbeKind): Probe | undefined {
  if (kind === 'liveness') return c.livenessProbe;
  if (kind === 'readiness') return c.readinessProbe;
  return c.startupProbe;
}
