// Wire shapes of coordination.k8s.io/v1: Lease, used for node heartbeats and
// leader election.
import type { KubeObject } from '../meta.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime: RFC 3339 with microseconds, e.g. `2024-01-02T03:04:05.000006Z` */
  acquireTime?: string;
  /** MicroTime */
  renewTime?: string;
  leaseTransitions?: number;
  strategy?: string;
  preferredHolder?: string;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}
