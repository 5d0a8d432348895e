// Namespace controller: empties a terminating namespace (every namespaced
// resource, workloads first), waits until nothing is left, then removes the
// `kubernetes` finalizer through namespaces/<name>/finalize so the apiserver
// can delete the namespace.
import { isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import type { Namespace } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { errorFields } from '../client/logger.js';
import { Controller, type ControllerContext } from './controller.js';
import {
  deletionConditions, mergeConditions, namespacedResourcesInDeletionOrder, recheckDelayMs, type CleanupOutcome, type RemainingContent,
} from './namespace-cleanup.js';
import type { ControllerManagerOptions } from './options.js';
import { formatTime } from '../api/time.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
export const FINALIZER_KUBERNETES = 'kubernetes';
/** deletecollection over a large namespace may take a while */
const DELETE_TIMEOUT_MS = 120_000;

export class NamespaceController extends Controller {
  private readonly namespaces: Informer<Namespace>;
  private readonly resources = namespacedResourcesInDeletionOrder();
  /** consecutive passes that found content left, by namespace: spaces out the rechecks */
  private readonly attempts = new Map<string, number>();

  constructor(ctx: ControllerContext, _opts: ControllerManagerOptions) {
    super('namespace', ctx);
    this.namespaces = ctx.informers.get<Namespace>(NAMESPACES);
    const onNs = (ns: Namespace): void => {
      if (ns.metadata.deletionTimestamp) this.enqueue(ns);
    };
    this.namespaces.on('add', onNs);
    this.namespaces.on('update', (_o, ns) => onNs(ns));
    this.namespaces.on('delete', (ns) => {
      this.attempts.delete(ns.metadata.name ?? '');
    });
  }

  async sync(name: string): Promise<void> {
    const ns = this.namespaces.store.getByName(undefined, name);
    if (!ns?.metadata.deletionTimestamp) {
      this.attempts.delete(name);
      return;
    }
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;

    const outcome = await this.deleteContent(name);
    if (outcome.remaining.length || outcome.failures.length) {
      await this.writeConditions(ns, outcome);
      const attempt = this.attempts.get(name) ?? 0;
      this.attempts.set(name, attempt + 1);
      this.log.info({ namespace: name, remaining: outcome.remaining.map((r) => `${r.resource}=${r.count}`), failures: outcome.failures.length },
        'namespace content remains; checking again');
      this.queue.addAfter(name, recheckDelayMs(attempt));
      return;
    }
    await this.finalize(ns);
    this.attempts.delete(name);
  }

  /** One pass: deletes every resource's content, then counts what is still there. */
  private async deleteContent(namespace: string): Promise<CleanupOutcome> {
    const outcome: CleanupOutcome = { remaining: [], failures: [] };
    for (const info of this.resources) {
      const label = info.group ? `${info.resource}.${info.group}` : info.resource;
      try {
        const left = await this.deleteAll(info, namespace);
        if (left.length) outcome.remaining.push(summarize(label, left));
      } catch (e) {
        outcome.failures.push({ resource: label, message: (e as Error).message });
        this.log.warn({ namespace, resource: label, ...errorFields(e) }, 'could not delete namespace content');
      }
    }
    return outcome;
  }

  /**
   * Deletes everything of one resource in the namespace (pods on nodes
   * gracefully: their kubelets confirm) and returns what is left.
   */
  private async deleteAll(info: ResourceInfo, namespace: string): Promise<KubeObject[]> {
    const existing = await this.ctx.client.list(info, namespace, { timeoutMs: DELETE_TIMEOUT_MS });
    const live = existing.items ?? [];
    if (live.length === 0) return [];
    // Everything is already on its way out (pods waiting for their kubelets): deleting again would only rewrite them.
    // Objects held by an orphan/foreground finalizer are deleted again: Background releases them.
    const settled = (i: KubeObject): boolean =>
      !!i.metadata.deletionTimestamp && !(i.metadata.finalizers ?? []).some((f) => f === 'orphan' || f === 'foregroundDeletion');
    if (live.every(settled)) return live;
    // Background overrides orphan/foreground finalizers the namespace's objects may carry, so none of them blocks the namespace.
    const opts = { propagationPolicy: 'Background' as const };
    if (info.verbs.includes('deletecollection')) {
      await this.ctx.client.deleteCollection(info, namespace, {}, opts, { timeoutMs: DELETE_TIMEOUT_MS });
    } else {
      for (const item of live) {
        if (item.metadata.deletionTimestamp) continue;
        try {
          await this.ctx.client.delete(info, namespace, item.metadata.name ?? '', opts, { timeoutMs: DELETE_TIMEOUT_MS });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    const after = await this.ctx.client.list(info, namespace, { timeoutMs: DELETE_TIMEOUT_MS });
    return after.items ?? [];
  }

  private async writeConditions(ns: Namespace, outcome: CleanupOutcome): Promise<void> {
    const conditions = mergeConditions(ns.status?.conditions, deletionConditions(outcome, formatTime(Date.now())));
    if (!conditions) return;
    try {
      await this.ctx.client.updateStatus<Namespace>(NAMESPACES, undefined, { ...ns, status: { ...ns.status, conditions } });
    } catch (e) {
      // Only informative: the next pass writes them again.
      this.log.debug({ namespace: ns.metadata.name, ...errorFields(e) }, 'could not update namespace conditions');
    }
  }

  private async finalize(ns: Namespace): Promise<void> {
    const name = ns.metadata.name ?? '';
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
    try {
      await this.ctx.client.putSubresource(NAMESPACES, undefined, name, 'finalize', {
        apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: ns.metadata.uid }, spec: { finalizers },
      });
      this.log.info({ namespace: name }, 'namespace emptied and finalized');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // 404 normally means the namespace is gone already; if it is not, the
      // apiserver does not serve namespaces/<name>/finalize, which must be said loudly.
      const still = await this.ctx.client.get<Namespace>(NAMESPACES, undefined, name).catch(() => undefined);
      if (still?.metadata.uid === ns.metadata.uid) {
        throw new Error(`PUT namespaces/${name}/finalize answered 404 although the namespace exists: ${(e as Error).message}`);
      }
    }
  }
}

function summarize(resource: string, items: KubeObject[]): RemainingContent {
  const finalizers: Record<string, number> = {};
  for (const i of items) for (const f of i.metadata.finalizers ?? []) finalizers[f] = (finalizers[f] ?? 0) + 1;
  return { resource, count: items.length, finalizers };
}
