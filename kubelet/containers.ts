// One container of a pod: image, environment and mounts, `docker create`,
// start, postStart; and stopping one with its preStop hook and grace period.
// Failures become the container's waiting reason, an event and a backoff.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConfigMap, Container, Pod, Secret } from '../api/types/index.js';
import { podQOSClass } from '../api/defaults.js';
import type { ContainerAction } from './decisions.js';
import { EnvError, envReferences, expandCommand, resolveEnv } from './env.js';
import { containerSpecHash } from './hash.js';
import { ImageError } from './images.js';
import { dockerMessage, type PodContext, type PodState } from './pod-context.js';
import { gracePeriodOf, renderContainerOptions, type Mount } from './runtime/create-options.js';
import { instancesOf, type ObservedContainer } from './runtime/types.js';
import { containerMounts, podDir, VolumeError } from './volumes.js';

const POST_START_TIMEOUT_MS = 120_000;

export type StartAction = Extract<ContainerAction, { kind: 'start' }>;

export class PodContainers {
  constructor(private readonly ctx: PodContext) {}

  async startContainer(
    pod: Pod, st: PodState, c: Container, isInit: boolean, action: StartAction, sandbox: ObservedContainer, log: Logger,
  ): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const key = `${uid}/${c.name}`;
    let id: string | undefined;
    if (action.replaceId && st.precreated.get(action.replaceId) === c.name) {
      // Created while the sandbox started: only starting is left.
      id = action.replaceId;
      st.precreated.delete(id);
    } else {
      const now = Date.now();
      const blocked = this.ctx.failures.blockedUntil(key, now);
      if (blocked) {
        const w = st.waiting.get(c.name);
        if (w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff') {
          const message = `Back-off pulling image "${c.image}"`;
          st.waiting.set(c.name, { reason: 'ImagePullBackOff', message });
          this.ctx.event(pod, 'Normal', 'BackOff', message, c.name, isInit);
        }
        this.ctx.d.requeue(uid, blocked - now + 50);
        return;
      }
      if (action.replaceId) await this.ctx.d.runtime.remove(action.replaceId);
      id = await this.createContainer(pod, st, c, isInit, action, sandbox.id, sandbox.ip, log);
      if (!id) return;
    }
    try {
      await this.ctx.d.runtime.start(id);
    } catch (e) {
      // Docker refused to run it (e.g. privileged here): report, clean up, retry with backoff.
      await this.ctx.d.runtime.remove(id).catch(() => undefined);
      log.warn({ err: dockerMessage(e) }, 'starting container failed');
      return this.containerFailed(pod, st, c, isInit, 'CreateContainerError', dockerMessage(e));
    }
    this.ctx.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name, isInit);
    st.waiting.delete(c.name);
    this.ctx.failures.succeed(key);
    log.info({ attempt: action.attempt, id: id.slice(0, 12) }, 'started container');

    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await this.ctx.d.handlers.run(postStart, { containerId: id, container: c, podIP: sandbox.ip }, POST_START_TIMEOUT_MS);
      if (!r.ok) {
        this.ctx.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.message}`.trim(), c.name, isInit);
        const observed = (await this.ctx.d.runtime.list(uid)).find((x) => x.id === id);
        if (observed) await this.killContainer(pod, observed, gracePeriodOf(pod), `FailedPostStartHook`);
      }
    }
  }

  /** Image, environment, mounts and `docker create`; undefined (with the waiting reason recorded) when any fails. */
  async createContainer(
    pod: Pod, st: PodState, c: Container, isInit: boolean, action: StartAction,
    sandboxId: string, sandboxIP: string | undefined, log: Logger,
  ): Promise<string | undefined> {
    const uid = pod.metadata.uid ?? '';
    try {
      await this.ctx.d.images.ensure(c.image ?? '', c.imagePullPolicy, (type, reason, message) => this.ctx.event(pod, type, reason, message, c.name, isInit));
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
      st.waiting.set(c.name, { reason: e.reason, message: e.message });
      if (e.reason !== 'ErrImagePull') this.ctx.event(pod, 'Warning', e.reason, e.message, c.name, isInit);
      this.ctx.backOff(uid, `${uid}/${c.name}`);
      return undefined;
    }
    let env: Map<string, string>;
    try {
      env = await this.buildEnv(pod, c, sandboxIP);
    } catch (e) {
      if (!(e instanceof EnvError)) throw e;
      return this.containerFailed(pod, st, c, isInit, 'CreateContainerConfigError', e.message);
    }
    let mounts: Mount[];
    try {
      mounts = [...(await containerMounts(c, st.volumes ?? new Map(), env)), ...(await this.managedMounts(pod, c, action.attempt))];
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      return this.containerFailed(pod, st, c, isInit, 'CreateContainerConfigError', e.message);
    }
    const cmd = expandCommand(c, env);
    const opts = renderContainerOptions({
      pod, container: c, type: isInit ? 'init' : 'app', nodeName: this.ctx.d.nodeName, attempt: action.attempt, backoffStep: action.backoffStep,
      specHash: containerSpecHash(c), sandboxId, image: c.image ?? '', env, command: cmd.command, args: cmd.args, mounts,
      qosClass: podQOSClass(pod.spec), nodeMemoryBytes: this.ctx.d.nodeMemoryBytes,
    });
    try {
      const id = await this.ctx.d.runtime.create(opts);
      this.ctx.event(pod, 'Normal', 'Created', `Created container ${c.name}`, c.name, isInit);
      return id;
    } catch (e) {
      if (/no such image/i.test(dockerMessage(e))) this.ctx.d.images.forget(c.image ?? '');
      log.warn({ err: dockerMessage(e) }, 'creating container failed');
      return this.containerFailed(pod, st, c, isInit, 'CreateContainerError', dockerMessage(e));
    }
  }

  private containerFailed(pod: Pod, st: PodState, c: Container, isInit: boolean, reason: string, message: string): undefined {
    const uid = pod.metadata.uid ?? '';
    st.waiting.set(c.name, { reason, message });
    this.ctx.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name, isInit);
    this.ctx.backOff(uid, `${uid}/${c.name}`);
    return undefined;
  }

  private async buildEnv(pod: Pod, c: Container, sandboxIP: string | undefined): Promise<Map<string, string>> {
    const ns = pod.metadata.namespace ?? 'default';
    const refs = envReferences(c);
    const cms = new Map<string, ConfigMap | undefined>();
    const secrets = new Map<string, Secret | undefined>();
    await Promise.all([
      ...refs.configMaps.map(async (n) => cms.set(n, await this.ctx.d.objects.configMap(ns, n))),
      ...refs.secrets.map(async (n) => secrets.set(n, await this.ctx.d.objects.secret(ns, n))),
    ]);
    return resolveEnv(c, {
      pod,
      podIP: pod.spec.hostNetwork ? this.ctx.d.nodeIP : sandboxIP,
      hostIP: this.ctx.d.nodeIP,
      configMap: (n) => cms.get(n),
      secret: (n) => secrets.get(n),
      nodeAllocatable: this.ctx.d.nodeAllocatable(),
    });
  }

  /** /etc/hosts, /etc/resolv.conf and the termination log, unless the pod mounts its own. */
  private async managedMounts(pod: Pod, c: Container, attempt: number): Promise<Mount[]> {
    const dir = podDir(this.ctx.d.rootDir, pod.metadata.uid ?? '');
    const taken = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
    const out: Mount[] = [];
    if (!pod.spec.hostNetwork && !taken.has('/etc/hosts')) out.push({ Type: 'bind', Source: join(dir, 'etc-hosts'), Target: '/etc/hosts' });
    if (!taken.has('/etc/resolv.conf')) out.push({ Type: 'bind', Source: join(dir, 'resolv.conf'), Target: '/etc/resolv.conf' });
    const termPath = c.terminationMessagePath || '/dev/termination-log';
    if (!taken.has(termPath)) {
      const file = this.terminationLogPath(pod.metadata.uid ?? '', c.name, attempt);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, '', { flag: 'w' });
      await chmod(file, 0o666);
      out.push({ Type: 'bind', Source: file, Target: termPath });
    }
    return out;
  }

  terminationLogPath(uid: string, name: string, attempt: number): string {
    return join(podDir(this.ctx.d.rootDir, uid), 'containers', name, String(attempt), 'termination-log');
  }

  /** preStop (bounded by the grace period), then SIGTERM and SIGKILL after what is left of it. */
  async killContainer(pod: Pod | undefined, c: ObservedContainer, graceSeconds: number, message: string): Promise<void> {
    const spec = pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((x) => x.name === c.name) : undefined;
    if (pod) this.ctx.event(pod, 'Normal', 'Killing', message, c.name, c.type === 'init');
    const t0 = Date.now();
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && c.state === 'running' && graceSeconds > 0) {
      const sandboxIP = pod ? await this.sandboxIP(pod.metadata.uid ?? '') : undefined;
      const r = await this.ctx.d.handlers.run(preStop, { containerId: c.id, container: spec!, podIP: sandboxIP }, graceSeconds * 1000);
      if (!r.ok && pod) this.ctx.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.message}`.trim(), c.name, c.type === 'init');
    }
    const left = Math.max(0, graceSeconds - (Date.now() - t0) / 1000);
    await this.ctx.d.runtime.stop(c.id, left);
  }

  private async sandboxIP(uid: string): Promise<string | undefined> {
    const observed = await this.ctx.d.runtime.list(uid);
    return instancesOf(observed, 'POD', 'sandbox').find((s) => s.state === 'running')?.ip;
  }
}
