// Binding a pod to its node through `POST pods/<name>/binding`, with a cap on
// how many bindings are in flight at once so a burst of decisions can't bury
// the apiserver (and the decisions keep flowing while earlier binds complete).
import { isApiError } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { Binding } from '../api/types/index.js';
import type { RestClient } from '../client/index.js';
import type { PodInfo } from './pod-info.js';

const podsInfo = findResource('', 'v1', 'pods')!;

export function bindingFor(pod: PodInfo, nodeName: string): Binding {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.name, namespace: pod.namespace, uid: pod.pod.metadata.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
}

/**
 * `bound`: someone (another scheduler, an earlier attempt) already assigned it —
 * the informer will report where. `gone`: deleted or replaced. `retry`: anything else.
 */
export type BindFailure = 'bound' | 'gone' | 'retry';

export function classifyBindError(e: unknown): BindFailure {
  if (!isApiError(e)) return 'retry';
  if (e.code === 404) return 'gone';
  if (e.code === 409) {
    const msg = e.message ?? '';
    if (/already assigned/.test(msg)) return 'bound';
    // A UID mismatch means the pod was recreated, deletion means it's going away.
    return 'gone';
  }
  return 'retry';
}

export class Binder {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly client: RestClient,
    readonly maxInFlight: number,
    private readonly timeoutMs = 30_000,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  /** Resolves once another binding may start (or `signal` aborts). */
  async slot(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.maxInFlight && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve();
        };
        this.waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async bind(pod: PodInfo, nodeName: string): Promise<void> {
    this.inFlight++;
    try {
      await this.client.createSubresource(podsInfo, pod.namespace, pod.name, 'binding', bindingFor(pod, nodeName), {
        timeoutMs: this.timeoutMs,
      });
    } finally {
      this.inFlight--;
      this.waiters.shift()?.();
    }
  }
}
