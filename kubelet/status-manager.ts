// Writes pod status to the apiserver: only when it differs from what the server
// (or our last write) has, one write in flight per pod with the newest status
// coalesced behind it, merge PATCH of pods/status with a resourceVersion
// precondition and a re-read on 409.
import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../api/types/index.js';
import { findResource } from '../api/resources.js';
import { isConflict, isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { canonicalJson } from './hash.js';

const pods = findResource('', 'v1', 'pods')!;

/** Status fields the kubelet owns: absent ones are cleared on the server. */
const MANAGED = ['phase', 'conditions', 'message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'initContainerStatuses', 'containerStatuses', 'qosClass'] as const;
const OWN_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']);
const MAX_CONFLICT_RETRIES = 5;

export interface StatusTarget {
  namespace: string;
  name: string;
  /** uid of the API object (the mirror pod's for static pods) */
  uid: string;
}

interface Entry {
  key: string;
  target: StatusTarget;
  desired: PodStatus;
  /** pod as last seen from the server (informer or a write's reply) */
  server?: Pod;
  inflight: boolean;
  lastWritten?: string;
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly client: RestClient,
    private readonly log: Logger,
  ) {}

  /**
   * Hands over the newest status of the pod the kubelet knows as `podUid`;
   * writes it (in the background) to `target` unless the server already has it.
   */
  set(podUid: string, target: StatusTarget, desired: PodStatus, server: Pod | undefined): void {
    if (this.closed) return;
    let e = this.entries.get(podUid);
    if (!e) this.entries.set(podUid, (e = { key: podUid, target, desired, server, inflight: false }));
    if (e.target.uid !== target.uid) {
      // A new mirror pod: nothing we wrote applies to it.
      e.server = undefined;
      e.lastWritten = undefined;
    }
    e.target = target;
    e.desired = desired;
    if (server && newer(server, e.server)) e.server = server;
    this.kick(e);
  }

  forget(podUid: string): void {
    this.entries.delete(podUid);
  }

  close(): void {
    this.closed = true;
  }

  private kick(e: Entry): void {
    if (e.inflight) return;
    const want = canonicalJson(e.desired);
    if (e.server && canonicalJson(comparable(e.server.status ?? {})) === want) return;
    if (e.lastWritten === want) return;
    e.inflight = true;
    void this.write(e, want)
      .catch((err: unknown) => {
        this.log.warn({ pod: `${e.target.namespace}/${e.target.name}`, err: (err as Error).message }, 'pod status write failed');
        // Retry later unless a newer status replaces this one first.
        setTimeout(() => this.kick(e), 2000).unref?.();
      })
      .finally(() => {
        e.inflight = false;
        if (this.entries.get(e.key) === e && canonicalJson(e.desired) !== e.lastWritten) this.kick(e);
      });
  }

  private async write(e: Entry, want: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const status: Record<string, unknown> = { ...e.desired };
      const current = e.server?.status ?? {};
      // Conditions other components own survive our write.
      const foreign = (current.conditions ?? []).filter((c) => !OWN_CONDITIONS.has(c.type));
      const mine = (e.desired.conditions ?? []).filter((c) => OWN_CONDITIONS.has(c.type));
      status.conditions = [...mine, ...foreign];
      for (const k of MANAGED) if (status[k] === undefined && (current as Record<string, unknown>)[k] !== undefined) status[k] = null;
      const body = {
        metadata: { uid: e.target.uid, ...(e.server?.metadata.resourceVersion ? { resourceVersion: e.server.metadata.resourceVersion } : {}) },
        status,
      };
      try {
        const res = await this.client.patch<Pod>(pods, e.target.namespace, e.target.name, body, 'merge', { subresource: 'status', timeoutMs: 15_000 });
        e.server = res;
        e.lastWritten = want;
        return;
      } catch (err) {
        if (isNotFound(err)) {
          e.lastWritten = want;
          return;
        }
        if (!isConflict(err) && !isPreconditionFailure(err)) throw err;
        if (attempt >= MAX_CONFLICT_RETRIES) throw err;
        try {
          const fresh = await this.client.get<Pod>(pods, e.target.namespace, e.target.name, { timeoutMs: 10_000 });
          if (fresh.metadata.uid !== e.target.uid) {
            e.lastWritten = want;
            return;
          }
          e.server = fresh;
        } catch (getErr) {
          if (isNotFound(getErr)) {
            e.lastWritten = want;
            return;
          }
          throw getErr;
        }
      }
    }
  }
}

/** The server's status reduced to the fields we write, for comparison. */
function comparable(s: PodStatus): PodStatus {
  const out: Record<string, unknown> = {};
  for (const k of MANAGED) if ((s as Record<string, unknown>)[k] !== undefined) out[k] = (s as Record<string, unknown>)[k];
  return out as PodStatus;
}

function newer(a: Pod, b: Pod | undefined): boolean {
  if (!b) return true;
  const ra = a.metadata.resourceVersion ?? '';
  const rb = b.metadata.resourceVersion ?? '';
  if (/^\d+$/.test(ra) && /^\d+$/.test(rb)) return BigInt(ra) >= BigInt(rb);
  return true;
}

function isPreconditionFailure(e: unknown): boolean {
  const err = e as { code?: number; message?: string };
  return err.code === 409 || (err.code === 400 && /precondition/i.test(err.message ?? ''));
}
