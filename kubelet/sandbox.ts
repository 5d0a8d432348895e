// A pod's sandbox: the pause container that holds the pod's network (its IP) and
// IPC namespaces, the per-pod hosts/resolv.conf files and the volumes. A fresh
// pod's containers are created while Docker starts the sandbox.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Container, Pod } from '../api/types/index.js';
import type { PodContainers } from './containers.js';
import { PAUSE_IMAGE } from './images.js';
import { dockerMessage, type PodContext, type PodState } from './pod-context.js';
import { podHostname, renderHosts, renderResolvConf } from './pod-files.js';
import { gracePeriodOf, renderSandboxOptions } from './runtime/create-options.js';
import type { ObservedContainer } from './runtime/types.js';
import { podDir, setupVolumes, VolumeError } from './volumes.js';

export class PodSandbox {
  constructor(
    private readonly ctx: PodContext,
    private readonly containers: PodContainers,
  ) {}

  async createSandbox(pod: Pod, st: PodState, observed: ObservedContainer[], old: ObservedContainer | undefined, log: Logger): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    const key = `${uid}/POD`;
    const now = Date.now();
    const blocked = this.ctx.failures.blockedUntil(key, now) ?? this.ctx.failures.blockedUntil(`${uid}/volumes`, now);
    if (blocked) {
      this.ctx.d.requeue(uid, blocked - now + 50);
      return false;
    }
    if (old) {
      // The pod's network namespace is gone: everything in it starts over.
      const running = observed.filter((c) => c.type !== 'sandbox' && c.state === 'running');
      if (running.length) {
        this.ctx.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
        await Promise.all(running.map((c) => this.containers.killContainer(pod, c, gracePeriodOf(pod), `Stopping container ${c.name}`)));
      }
      for (const s of observed.filter((c) => c.type === 'sandbox')) await this.ctx.d.runtime.remove(s.id);
    }
    const dir = podDir(this.ctx.d.rootDir, uid);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    const hostsPath = join(dir, 'etc-hosts');
    // The bind-mount sources must exist before any container of the pod is created.
    await Promise.all([
      writeFile(hostsPath, renderHosts(pod, undefined)),
      writeFile(join(dir, 'resolv.conf'), renderResolvConf(pod, this.ctx.d.hostResolv, this.ctx.d.clusterDNS)),
    ]);
    const attempt = (old?.attempt ?? -1) + 1;
    const t0 = Date.now();
    const volumes = this.prepareVolumes(pod, st, undefined, log);
    const bridge = pod.spec.hostNetwork ? undefined : this.ctx.d.network().bridge;
    let reservation: { ip: string; token: string } | undefined;
    try {
      reservation = bridge?.reserve();
    } catch (e) {
      this.sandboxFailed(pod, undefined, e, log);
      return false;
    }
    const sandboxId = await this.createSandboxContainer(pod, attempt, reservation?.ip, log);
    if (reservation) {
      if (sandboxId) bridge!.bound(reservation.ip, sandboxId);
      else bridge!.abandon(reservation.token);
    }
    if (!sandboxId) return false;
    const tCreated = Date.now();
    // While Docker starts the sandbox, create the containers of a fresh pod: they
    // only need the sandbox to exist. Starting them still waits for its network.
    const fresh = !(pod.spec.initContainers ?? []).length && observed.every((c) => c.type === 'sandbox');
    const precreate = fresh
      ? volumes.then((ok) => (ok ? this.precreate(pod, st, sandboxId, log) : undefined))
      : Promise.resolve();
    let started = true;
    try {
      await this.ctx.d.runtime.start(sandboxId);
      if (reservation) await bridge!.ensureSandbox(pod, { id: sandboxId, ip: reservation.ip, state: 'running' });
      this.ctx.failures.succeed(key);
    } catch (e) {
      started = false;
      this.sandboxFailed(pod, sandboxId, e, log);
    }
    const tStarted = Date.now();
    const [volumesOk] = await Promise.all([volumes, precreate]);
    log.debug({ createMs: tCreated - t0, startMs: tStarted - tCreated, waitMs: Date.now() - tStarted }, 'sandbox timings');
    if (!started) {
      await this.dropPrecreated(st);
      return false;
    }
    const ip = reservation?.ip ?? await this.ctx.d.runtime.containerIP(sandboxId);
    if (!pod.spec.hostNetwork) await writeFile(hostsPath, renderHosts(pod, ip));
    return volumesOk;
  }

  private async createSandboxContainer(pod: Pod, attempt: number, podIP: string | undefined, log: Logger): Promise<string | undefined> {
    try {
      await this.ctx.d.images.ensurePause();
      const opts = renderSandboxOptions({
        pod, nodeName: this.ctx.d.nodeName, attempt, image: PAUSE_IMAGE, networkMode: this.ctx.d.network().mode, podIP, hostname: podHostname(pod),
      });
      return await this.ctx.d.runtime.create(opts);
    } catch (e) {
      this.sandboxFailed(pod, undefined, e, log);
      return undefined;
    }
  }

  private sandboxFailed(pod: Pod, id: string | undefined, e: unknown, log: Logger): void {
    const uid = pod.metadata.uid ?? '';
    const msg = dockerMessage(e);
    log.warn({ container: 'POD', err: msg }, 'creating the pod sandbox failed');
    this.ctx.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${msg}`);
    if (id) void this.ctx.d.runtime.remove(id).catch(() => undefined);
    this.ctx.backOff(uid, `${uid}/POD`);
  }

  /** Creates (not starts) first instances of the app containers that don't need the pod IP. */
  private async precreate(pod: Pod, st: PodState, sandboxId: string, log: Logger): Promise<void> {
    await Promise.all(pod.spec.containers.map(async (c) => {
      if (needsPodIP(c)) return;
      const id = await this.containers.createContainer(pod, st, c, false, { kind: 'start', attempt: 0, backoffStep: -1 }, sandboxId, undefined, log.child({ container: c.name }))
        .catch(() => undefined);
      if (id) st.precreated.set(id, c.name);
    }));
  }

  private async dropPrecreated(st: PodState): Promise<void> {
    const ids = [...st.precreated.keys()];
    st.precreated.clear();
    await Promise.all(ids.map((id) => this.ctx.d.runtime.remove(id).catch(() => undefined)));
  }

  async prepareVolumes(pod: Pod, st: PodState, sandbox: ObservedContainer | undefined, log: Logger): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    try {
      st.volumes = await setupVolumes(pod, { rootDir: this.ctx.d.rootDir, objects: this.ctx.d.objects, podIP: sandbox?.ip, hostIP: this.ctx.d.nodeIP });
      st.volumesAt = Date.now();
      this.ctx.failures.succeed(`${uid}/volumes`);
      return true;
    } catch (e) {
      const msg = e instanceof VolumeError ? e.message : (e as Error).message;
      log.warn({ err: msg }, 'volume setup failed');
      this.ctx.event(pod, 'Warning', 'FailedMount', msg);
      // Containers that already run keep running; only new ones wait for the volumes.
      if (st.volumes) return true;
      this.ctx.backOff(uid, `${uid}/volumes`);
      return false;
    }
  }
}

/** Whether the container's environment refers to the pod IP (so it can only be created once the sandbox has one). */
function needsPodIP(c: Container): boolean {
  return (c.env ?? []).some((e) => /^status\.podIPs?$/.test(e.valueFrom?.fieldRef?.fieldPath ?? ''));
}
