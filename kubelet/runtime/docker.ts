// The kubelet's view of Docker: containers of this node decoded from their labels,
// create/start/stop/remove, exec, log tails and the event stream. Inspect results
// are cached per (container, state) so a sync costs one list call plus inspects of
// containers that changed.
import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import {
  LABEL_BACKOFF_STEP, LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_GRACE_PERIOD, LABEL_NODE, LABEL_POD_NAME,
  LABEL_POD_IP, LABEL_POD_NAMESPACE, LABEL_POD_UID, LABEL_RESTART_COUNT, LABEL_SANDBOX_ID, LABEL_SPEC_HASH,
  LABEL_TERMINATION_MESSAGE_POLICY, type ContainerType,
} from '../labels.js';
import type { CreateOptions } from './create-options.js';
import type { ObservedContainer, ObservedState } from './types.js';

export interface ContainerEvent {
  id: string;
  action: string;
  podUid?: string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

interface CacheEntry {
  listState: string;
  observed: ObservedContainer;
}

export class DockerRuntime {
  private readonly cache = new Map<string, CacheEntry>();
  /**
   * Containers with a recent event: Docker announces `die` before its list view
   * shows the exit, so their state comes from inspect (which waits for the
   * daemon's own update) until this time.
   */
  private readonly fresh = new Map<string, number>();

  /** Told of every container this runtime removed (the pod network frees its IP). */
  onRemoved?: (id: string) => void;

  constructor(
    readonly docker: Dockerode,
    readonly nodeName: string,
    private readonly log: Logger,
  ) {}

  /** Containers of one pod (or of the whole node), fully inspected. */
  async list(podUid?: string): Promise<ObservedContainer[]> {
    const label = [`${LABEL_NODE}=${this.nodeName}`];
    if (podUid) label.push(`${LABEL_POD_UID}=${podUid}`);
    const infos = await this.docker.listContainers({ all: true, filters: { label } });
    const out = await Promise.all(infos.map((i) => this.observe(i)));
    if (!podUid) {
      // Forget inspect results of containers that no longer exist.
      const live = new Set(infos.map((i) => i.Id));
      for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    }
    return out.filter((c): c is ObservedContainer => c !== undefined);
  }

  /** Call for every container event, before acting on it. */
  noteEvent(id: string): void {
    this.cache.delete(id);
    this.fresh.set(id, Date.now() + 5000);
    if (this.fresh.size > 1000) for (const [k, t] of this.fresh) if (t < Date.now()) this.fresh.delete(k);
  }

  private async observe(info: Dockerode.ContainerInfo): Promise<ObservedContainer | undefined> {
    const until = this.fresh.get(info.Id);
    const forced = until !== undefined && until > Date.now();
    const hit = this.cache.get(info.Id);
    if (!forced && hit && hit.listState === info.State) return hit.observed;
    let inspect: Dockerode.ContainerInspectInfo;
    try {
      inspect = await this.docker.getContainer(info.Id).inspect();
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
    const observed = decode(inspect);
    if (!observed) return undefined;
    // Only states that cannot change without a new list state are cacheable.
    if (!forced && (info.State === 'running' || info.State === 'exited' || info.State === 'dead')) {
      this.cache.set(info.Id, { listState: info.State, observed });
    }
    return observed;
  }

  /** Creates a container; a leftover with the same name (from an interrupted attempt) is replaced. */
  async create(opts: CreateOptions): Promise<string> {
    try {
      return (await this.docker.createContainer(opts)).id;
    } catch (e) {
      if (statusCode(e) !== 409 || !opts.name) throw e;
      this.log.info({ name: opts.name }, 'replacing a leftover container with the same name');
      await this.remove(opts.name);
      return (await this.docker.createContainer(opts)).id;
    }
  }

  /** The container's address on its network (the pod IP for a sandbox). */
  async containerIP(id: string): Promise<string | undefined> {
    const i = await this.docker.getContainer(id).inspect();
    return decode(i)?.ip;
  }

  /** Pid of a running container's first process (its namespaces are the container's). */
  async pid(id: string): Promise<number> {
    const pid = (await this.docker.getContainer(id).inspect()).State?.Pid;
    if (!pid) throw new Error(`container ${id.slice(0, 12)} is not running`);
    return pid;
  }

  async start(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  /** SIGTERM (or the image's stop signal), SIGKILL after `graceSeconds`. Already stopped is fine. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    const t = stopTimeout(graceSeconds);
    if (!Number.isFinite(graceSeconds)) this.log.warn({ id: id.slice(0, 12), graceSeconds }, 'no usable grace period; stopping at once');
    const t0 = Date.now();
    try {
      await this.docker.getContainer(id).stop({ t });
      this.log.debug({ id: id.slice(0, 12), t, ms: Date.now() - t0 }, 'container stopped');
    } catch (e) {
      const code = statusCode(e);
      if (code === 304 || code === 404) return;
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    this.cache.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      const code = statusCode(e);
      // 409: removal already in progress.
      if (code === 409) return;
      if (code !== 404) throw e;
    }
    this.onRemoved?.(id);
  }

  /** Runs a command in a running container, giving up waiting after `timeoutMs`. */
  async exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const exec = await this.docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = await exec.start({ hijack: true, stdin: false });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    let size = 0;
    sink.on('data', (d: Buffer) => {
      if (size < 64 * 1024) chunks.push(d);
      size += d.length;
    });
    this.docker.modem.demuxStream(stream, sink, sink);
    const finished = new Promise<boolean>((resolve) => {
      stream.on('end', () => resolve(true));
      stream.on('close', () => resolve(true));
      stream.on('error', () => resolve(true));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([finished, timeout]);
    clearTimeout(timer);
    if (!done) {
      stream.destroy();
      return { exitCode: -1, output: Buffer.concat(chunks).toString('utf8'), timedOut: true };
    }
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8'), timedOut: false };
  }

  /** The last lines of a container's output (stdout and stderr interleaved). */
  async logTail(id: string, lines: number): Promise<string> {
    const raw = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
    return demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  }

  /**
   * Follows Docker's container events for this node until `signal` aborts,
   * reconnecting after failures; `onReconnect` runs after every (re)connect so
   * the caller can resync what it may have missed.
   */
  watchEvents(onEvent: (ev: ContainerEvent) => void, onReconnect: () => void, signal: AbortSignal): void {
    const loop = async (): Promise<void> => {
      let delay = 500;
      while (!signal.aborted) {
        try {
          const stream = (await this.docker.getEvents({
            filters: { type: ['container'], label: [`${LABEL_NODE}=${this.nodeName}`] },
            abortSignal: signal,
          })) as NodeJS.ReadableStream;
          delay = 500;
          onReconnect();
          await consumeEvents(stream, onEvent, signal);
        } catch (e) {
          if (signal.aborted) return;
          this.log.warn({ err: (e as Error).message }, 'docker event stream failed; reconnecting');
        }
        if (signal.aborted) return;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    };
    void loop().catch((e: unknown) => this.log.error({ err: (e as Error).message }, 'docker event loop stopped'));
  }
}

function consumeEvents(stream: NodeJS.ReadableStream, onEvent: (ev: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onAbort = (): void => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          const ev = JSON.parse(line) as { id?: string; Action?: string; status?: string; Actor?: { Attributes?: Record<string, string> } };
          const id = ev.id ?? '';
          const action = (ev.Action ?? ev.status ?? '').split(':')[0];
          onEvent({ id, action, podUid: ev.Actor?.Attributes?.[LABEL_POD_UID] });
        } catch {
          // a malformed line is skipped; the next resync covers it
        }
      }
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    stream.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/** Decodes one inspected container; undefined when it is not a kubelite container. */
export function decode(i: Dockerode.ContainerInspectInfo): ObservedContainer | undefined {
  const l = i.Config?.Labels ?? {};
  const uid = l[LABEL_POD_UID];
  const name = l[LABEL_CONTAINER_NAME];
  if (!uid || !name) return undefined;
  const type = (l[LABEL_CONTAINER_TYPE] as ContainerType | undefined) ?? (name === 'POD' ? 'sandbox' : 'app');
  const st = i.State;
  let state: ObservedState = 'unknown';
  if (st?.Running || st?.Restarting || st?.Paused) state = 'running';
  else if (st?.Status === 'created') state = 'created';
  else if (st?.Status === 'exited' || st?.Status === 'dead') state = 'exited';
  const nets = i.NetworkSettings?.Networks ?? {};
  // On the kubelet's own bridge Docker knows no address: the label is the record.
  const ip = l[LABEL_POD_IP] || Object.values(nets).map((n) => n.IPAddress).find((a) => !!a) || (i.NetworkSettings as { IPAddress?: string } | undefined)?.IPAddress || undefined;
  const grace = Number(l[LABEL_GRACE_PERIOD]);
  return {
    id: i.Id,
    podUid: uid,
    podName: l[LABEL_POD_NAME] ?? '',
    podNamespace: l[LABEL_POD_NAMESPACE] ?? '',
    name,
    type,
    attempt: intLabel(l[LABEL_RESTART_COUNT], 0),
    specHash: l[LABEL_SPEC_HASH] ?? '',
    backoffStep: intLabel(l[LABEL_BACKOFF_STEP], -1),
    sandboxId: l[LABEL_SANDBOX_ID],
    state,
    createdAt: i.Created,
    startedAt: st?.StartedAt,
    finishedAt: st?.FinishedAt,
    exitCode: state === 'exited' ? st?.ExitCode : undefined,
    oomKilled: st?.OOMKilled || undefined,
    error: st?.Error || undefined,
    image: i.Config?.Image ?? '',
    imageId: i.Image ?? '',
    ip,
    gracePeriodSeconds: Number.isFinite(grace) ? grace : undefined,
    terminationMessagePolicy: l[LABEL_TERMINATION_MESSAGE_POLICY],
  };
}

function intLabel(v: string | undefined, dflt: number): number {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) ? n : dflt;
}

/**
 * Docker's `t` for a grace period. The query string drops a non-finite number
 * (`t=`), and Docker then waits its own 10 s default: never send one.
 */
export function stopTimeout(graceSeconds: number): number {
  return Number.isFinite(graceSeconds) ? Math.max(0, Math.ceil(graceSeconds)) : 0;
}

export function statusCode(e: unknown): number | undefined {
  const c = (e as { statusCode?: unknown }).statusCode;
  return typeof c === 'number' ? c : undefined;
}

/** Docker's multiplexed log format: 8-byte frame headers before each chunk. Plain text (TTY) passes through. */
export function demuxBuffer(buf: Buffer): string {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const kind = buf[off];
    if (kind > 2 || buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) return buf.toString('utf8');
    const size = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, off + 8 + size));
    off += 8 + size;
  }
  if (off === 0 && buf.length > 0) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
