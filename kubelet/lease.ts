// The node heartbeat: Lease kube-node-lease/<node>, renewed every quarter of its
// duration (10 s for the default 40 s, like Kubernetes). The node lifecycle
// controller reads renewTime to tell a live kubelet from a dead one.
import type { Logger } from 'pino';
import { findResource } from '../api/resources.js';
import { isConflict, isNotFound } from '../api/errors.js';
import type { Lease } from '../api/types/index.js';
import { formatMicroTime, type RestClient } from '../client/index.js';

const leases = findResource('coordination.k8s.io', 'v1', 'leases')!;
export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export class NodeLease {
  private lease?: Lease;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    private readonly nodeUid: () => string | undefined,
    private readonly log: Logger,
    private readonly durationSeconds = LEASE_DURATION_SECONDS,
  ) {}

  private get renewMs(): number {
    return (this.durationSeconds * 1000) / 4;
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.renew()
        .catch((e: unknown) => this.log.warn({ node: this.nodeName, err: (e as Error).message }, 'lease renewal failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.renewMs);
        });
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async renew(): Promise<void> {
    const now = formatMicroTime(Date.now());
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.lease) {
        try {
          this.lease = await this.client.get<Lease>(leases, LEASE_NAMESPACE, this.nodeName, { timeoutMs: 10_000 });
        } catch (e) {
          if (!isNotFound(e)) throw e;
          this.lease = await this.client.create<Lease>(leases, LEASE_NAMESPACE, this.desired(now), { timeoutMs: 10_000 });
          return;
        }
      }
      const next: Lease = { ...this.lease, spec: { ...this.lease.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: now } };
      if (!next.metadata.ownerReferences?.length && this.owner()) next.metadata = { ...next.metadata, ownerReferences: this.owner() };
      try {
        this.lease = await this.client.update<Lease>(leases, LEASE_NAMESPACE, next, { timeoutMs: 10_000 });
        return;
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
        this.lease = undefined;
      }
    }
  }

  private desired(now: string): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.nodeName, namespace: LEASE_NAMESPACE, ownerReferences: this.owner() },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: now },
    };
  }

  private owner(): Lease['metadata']['ownerReferences'] {
    const uid = this.nodeUid();
    return uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] : undefined;
  }
}
