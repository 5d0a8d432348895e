// Leader election on a coordination.k8s.io/v1 Lease, like client-go's
// leaderelection: only one of several replicas (controller-manager, scheduler)
// does the work; optimistic concurrency on the Lease decides races.
import type { KubeObject } from '../api/meta.js';
import { isAlreadyExists, isApiError, isNotFound } from '../api/errors.js';
import { findByKind, type ResourceInfo } from '../api/resources.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import { sleep } from './rate-limit.js';
import type { RestClient } from './rest.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** unique per replica, e.g. `<hostname>_<uuid>` */
  identity: string;
  leaseDurationSeconds?: number;
  /** how long the leader keeps trying to renew before giving up */
  renewDeadlineMs?: number;
  /** pause between acquire/renew attempts */
  retryPeriodMs?: number;
  /** called once leading starts; `signal` aborts when leadership is lost or run() is cancelled */
  onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
  /** called whenever the observed holder changes (including to ourselves) */
  onNewLeader?: (identity: string) => void;
  /** on cancel, give the lease up so another replica takes over without waiting for expiry */
  releaseOnCancel?: boolean;
  logger?: Logger;
  /** clock, for tests */
  now?: () => number;
}

const LEASE_INFO: ResourceInfo = leaseResource();

function leaseResource(): ResourceInfo {
  const info = findByKind('coordination.k8s.io/v1', 'Lease');
  if (!info) throw new Error('leader election: coordination.k8s.io/v1 Lease missing from api/resources');
  return info;
}

/** MicroTime as Kubernetes writes it: `2026-01-02T03:04:05.123456Z`. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Parses RFC 3339 with any number of fractional digits; NaN when invalid. */
export function parseMicroTime(s: string | undefined): number {
  if (!s) return NaN;
  // Date.parse is only specified for millisecond precision.
  return Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
}

export class LeaderElector {
  private readonly client: RestClient;
  private readonly o: Required<Pick<LeaderElectorOptions, 'leaseDurationSeconds' | 'renewDeadlineMs' | 'retryPeriodMs'>> &
    LeaderElectorOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private observedHolder?: string;
  private leading = false;
  private lastLease?: Lease;

  constructor(client: RestClient, opts: LeaderElectorOptions) {
    this.client = client;
    this.o = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...opts };
    if (this.o.renewDeadlineMs >= this.o.leaseDurationSeconds * 1000) {
      throw new Error('leader election: renewDeadline must be shorter than the lease duration');
    }
    this.log = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Holder identity last seen on the Lease. */
  getLeader(): string | undefined {
    return this.observedHolder;
  }

  /**
   * Campaigns until leading, leads until the lease can't be renewed within the
   * renew deadline or `signal` aborts, then returns. Never rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leaderCtl = new AbortController();
    const onCancel = (): void => leaderCtl.abort();
    signal.addEventListener('abort', onCancel, { once: true });
    this.leading = true;
    this.log.info({ lease: this.leaseName(), identity: this.o.identity }, 'became leader');
    this.startLeading(leaderCtl.signal);
    try {
      await this.renewLoop(leaderCtl.signal);
    } finally {
      signal.removeEventListener('abort', onCancel);
      leaderCtl.abort();
      this.leading = false;
      if (signal.aborted && this.o.releaseOnCancel) await this.release();
      this.log.info({ lease: this.leaseName(), identity: this.o.identity }, 'stopped leading');
      this.safely('onStoppedLeading', () => this.o.onStoppedLeading?.());
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(this.o.renewDeadlineMs)) return true;
      await sleep(jittered(this.o.retryPeriodMs), signal).catch(() => undefined);
    }
    return false;
  }

  /** Renews every retry period; gives up when no renewal succeeded within the renew deadline. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.now();
    while (!signal.aborted) {
      await sleep(this.o.retryPeriodMs, signal).catch(() => undefined);
      if (signal.aborted) return;
      const left = this.o.renewDeadlineMs - (this.now() - lastRenew);
      if (left > 0 && (await this.tryAcquireOrRenew(left))) {
        lastRenew = this.now();
        continue;
      }
      if (this.now() - lastRenew >= this.o.renewDeadlineMs) {
        this.log.warn({ lease: this.leaseName(), identity: this.o.identity }, 'failed to renew lease; leadership lost');
        return;
      }
    }
  }

  private startLeading(signal: AbortSignal): void {
    const cb = this.o.onStartedLeading;
    if (!cb) return;
    this.safely('onStartedLeading', () => {
      const r = cb(signal);
      if (r && typeof r.then === 'function') {
        r.then(undefined, (e: unknown) =>
          this.log.error({ lease: this.leaseName(), ...errorFields(e) }, 'onStartedLeading failed'),
        );
      }
    });
  }

  /** One attempt: true when we hold the lease afterwards. Errors count as a failed attempt. */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const { namespace, name, identity } = this.o;
    const now = this.now();
    const nowTime = formatMicroTime(now);
    try {
      let lease: Lease;
      try {
        lease = await this.client.get<Lease>(LEASE_INFO, namespace, name, { timeoutMs });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const created = await this.client.create<Lease>(
          LEASE_INFO,
          namespace,
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.o.leaseDurationSeconds,
              acquireTime: nowTime,
              renewTime: nowTime,
              leaseTransitions: 0,
            },
          },
          { timeoutMs },
        );
        this.lastLease = created;
        this.observe(identity);
        return true;
      }

      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      if (holder) this.observe(holder);
      const ours = holder === identity;
      if (holder && !ours && !this.expired(spec, now)) return false;

      const next: Lease = {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds: this.o.leaseDurationSeconds,
          renewTime: nowTime,
          acquireTime: ours ? spec.acquireTime ?? nowTime : nowTime,
          leaseTransitions: ours ? spec.leaseTransitions ?? 0 : (spec.leaseTransitions ?? 0) + 1,
        },
      };
      // metadata.resourceVersion is carried over, so a concurrent writer makes this a 409.
      this.lastLease = await this.client.update<Lease>(LEASE_INFO, namespace, next, { timeoutMs });
      this.observe(identity);
      return true;
    } catch (e) {
      if (isApiError(e) && (e.code === 409 || isAlreadyExists(e))) {
        this.log.debug({ lease: this.leaseName(), identity }, 'lost a race for the lease');
      } else {
        this.log.warn({ lease: this.leaseName(), identity, ...errorFields(e) }, 'lease acquire/renew failed');
      }
      return false;
    }
  }

  private expired(spec: LeaseSpec, now: number): boolean {
    const renew = parseMicroTime(spec.renewTime ?? spec.acquireTime);
    if (Number.isNaN(renew)) return true;
    return renew + (spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000 < now;
  }

  /** Hands the lease back with an empty holder so the next replica needn't wait out the duration. */
  private async release(): Promise<void> {
    const lease = this.lastLease;
    if (!lease || lease.spec?.holderIdentity !== this.o.identity) return;
    const nowTime = formatMicroTime(this.now());
    try {
      await this.client.update<Lease>(
        LEASE_INFO,
        this.o.namespace,
        {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: nowTime, acquireTime: nowTime },
        },
        { timeoutMs: this.o.renewDeadlineMs },
      );
    } catch (e) {
      this.log.warn({ lease: this.leaseName(), ...errorFields(e) }, 'failed to release lease');
    }
  }

  private observe(holder: string): void {
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    this.log.info({ lease: this.leaseName(), holder }, 'new leader observed');
    const cb = this.o.onNewLeader;
    if (cb) this.safely('onNewLeader', () => cb(holder));
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ lease: this.leaseName(), ...errorFields(e) }, `${what} failed`);
    }
  }

  private leaseName(): string {
    return `${this.o.namespace}/${this.o.name}`;
  }
}

function jittered(ms: number): number {
  return ms * (1 + Math.random() * 0.2);
}
