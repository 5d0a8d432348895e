// The generic REST store: Kubernetes' create/update/patch/delete semantics for every
// resource, on top of ObjectStore. Every decision that depends on the current value
// runs inside one synchronous ObjectStore.update call, so it is atomic.
import type { DeleteOptions, KubeList, KubeObject, ObjectMeta } from '../../api/meta.js';
import { apiVersionOf } from '../../api/meta.js';
import { errors, ApiError, statusOf } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import { findResource, storageVersion } from '../../api/resources.js';
import { applyDefaults, prepareJobOnCreate } from '../../api/defaults.js';
import { validateCreate, validateUpdate, validateStatusUpdate } from '../../api/validation.js';
import { generateName } from '../../api/names.js';
import { parseSelector, matches, type Selector } from '../../api/labels.js';
import { parseFieldSelector, matchesFields, fieldsOf, validateFieldSelector, type FieldSelector } from '../../api/fields.js';
import { convertObject } from '../../api/conversion.js';
import { applyPatch, PatchError, parseApplyBody as decodeApplyBody } from '../patch/index.js';
import { serverSideApply, recordUpdateManager, conflictMessage, conflictCauses, type ApplyConflict } from '../patch/apply.js';
import { ObjectStore, objectStorageKey, resourcePrefix } from '../storage/store.js';
import { prepareMetaForCreate, prepareMetaForUpdate } from './object-meta.js';
import { nowTime } from '../../api/time.js';
import { initialStatus, keepStatusOnUpdate, mergeStatusUpdate, gracefulDeletionSeconds } from './strategy.js';
import { ServiceAllocations } from './services.js';
import { clone, deepEqual } from './equal.js';
import { checkShape, formatShapeError, pruneUnknownFields, unknownFieldMessages } from '../typecheck/shape.js';
import { toScale } from './scale.js';
import { NamespaceLifecycle } from './namespaces.js';
import { admitPod, type PodAdmissionOptions } from './pod-admission.js';
import { nodeIdentity } from '../auth/node-authorizer.js';
import { nodeWriteRestriction } from '../auth/node-restriction.js';
import { admitPersistentVolumeClaim } from './default-storage-class.js';
import { applyApproval, applyStatus, requestParseErrors, setRequester, statusErrors } from './csr.js';

const isCsr = (info: ResourceInfo) => info.group === 'certificates.k8s.io' && info.resource === 'certificatesigningrequests';
const isNodes = (info: ResourceInfo) => info.group === '' && info.resource === 'nodes';

/** NodeRestriction: a kubelet writing its own Node may not set its taints, ownerReferences or restricted labels. */
function restrictNodeWrite(user: RequestUser, next: KubeObject, cur: KubeObject | undefined): void {
  const node = nodeIdentity(user);
  const why = node === undefined ? undefined : nodeWriteRestriction(node, next, cur);
  if (why) {
    const name = next.metadata.name ?? '';
    throw new ApiError(statusOf(403, 'Forbidden', `nodes "${name}" is forbidden: ${why}`, { name, kind: 'nodes' }));
  }
}

export interface RequestUser {
  name: string;
  uid?: string;
  groups: string[];
}

export interface WriteContext {
  user: RequestUser;
  /** field manager: `?fieldManager=` or derived from the user agent */
  manager: string;
  dryRun?: boolean;
  /** `?fieldValidation=`: unknown fields are an error (Strict), a warning (Warn, the default) or dropped silently (Ignore) */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** warnings for the client (`Warning: 299` headers) */
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteResult {
  /** the object as it is now (still present with deletionTimestamp) or as it was when removed */
  object: KubeObject;
  /** true when the object is gone from storage */
  gone: boolean;
}

export interface RegistryOptions {
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  /** where the `kubernetes` Service's endpoints point */
  advertiseAddress: string;
  securePort: number;
  podAdmission?: PodAdmissionOptions;
}

const MANAGED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class Registry {
  readonly services: ServiceAllocations;
  readonly namespaces: NamespaceLifecycle;

  constructor(readonly store: ObjectStore, private readonly opts: RegistryOptions) {
    this.services = new ServiceAllocations(opts.serviceClusterIpRange, opts.serviceNodePortRange);
    this.namespaces = new NamespaceLifecycle(store);
  }

  /** Rebuilds allocations from stored Services and makes the built-in objects exist. */
  async init(): Promise<void> {
    const svcInfo = storageVersion('', 'services')!;
    for (const svc of this.store.list(resourcePrefix('', 'services'))) this.services.restore(svc);
    const nsInfo = storageVersion('', 'namespaces')!;
    const system: WriteContext = { user: { name: 'system:apiserver', groups: ['system:masters'] }, manager: 'kube-apiserver' };
    for (const ns of MANAGED_NAMESPACES) {
      if (!this.store.get(this.key(nsInfo, undefined, ns))) {
        await this.create(nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, system);
      }
    }
    await this.reconcileKubernetesService(svcInfo, system);
  }

  private async reconcileKubernetesService(svcInfo: ResourceInfo, ctx: WriteContext): Promise<void> {
    const ip = this.services.kubernetesServiceIp;
    if (!this.store.get(this.key(svcInfo, 'default', 'kubernetes'))) {
      await this.create(svcInfo, 'default', {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: ip, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.opts.securePort }] },
      }, ctx);
    }
    // Written straight to storage: on a single-host cluster the apiserver may well
    // advertise a loopback address, which Endpoints validation (rightly) refuses from clients.
    const epInfo = storageVersion('', 'endpoints')!;
    const subsets = [{ addresses: [{ ip: this.opts.advertiseAddress }], ports: [{ name: 'https', port: this.opts.securePort, protocol: 'TCP' }] }];
    await this.store.update(this.key(epInfo, 'default', 'kubernetes'), (cur) => {
      if (cur && deepEqual(cur.subsets, subsets)) return undefined;
      const obj: KubeObject = {
        apiVersion: 'v1', kind: 'Endpoints',
        metadata: cur ? { ...cur.metadata } : { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets,
      };
      if (!cur) prepareMetaForCreate(obj, epInfo, nowTime());
      return obj;
    });
  }

  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return objectStorageKey(info.group, info.resource, info.namespaced ? namespace : undefined, name);
  }

  private storageInfo(info: ResourceInfo): ResourceInfo {
    return storageVersion(info.group, info.resource) ?? info;
  }

  /** The stored object as the requested version shows it. */
  private present(info: ResourceInfo, obj: KubeObject): KubeObject {
    const want = apiVersionOf(info.group, info.version);
    return obj.apiVersion === want ? obj : convertObject(obj, want);
  }

  private toStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
    const sinfo = this.storageInfo(info);
    const want = apiVersionOf(sinfo.group, sinfo.version);
    return obj.apiVersion === want ? obj : convertObject(obj, want);
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(this.key(info, namespace, name));
    if (!obj) throw errors.notFound(info.resource, info.group, name);
    return this.present(info, obj);
  }

  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): KubeList {
    const filter = compileFilter(info, opts);
    const prefix = resourcePrefix(info.group, info.resource) + (info.namespaced && namespace ? `${namespace}/` : '');
    const revision = this.store.currentRevision();
    let all = this.store.list(prefix);
    let startAfter: string | undefined;
    if (opts.continue) startAfter = decodeContinue(opts.continue);
    const items: KubeObject[] = [];
    let next: string | undefined;
    let remaining = 0;
    if (startAfter !== undefined) {
      const after = startAfter;
      all = all.filter((o) => this.key(info, o.metadata.namespace, o.metadata.name!) > after);
    }
    for (const obj of all) {
      if (!filter(obj)) continue;
      if (opts.limit && items.length >= opts.limit) {
        remaining++;
        continue;
      }
      items.push(this.present(info, obj));
    }
    if (opts.limit && remaining > 0) {
      const last = items[items.length - 1];
      next = encodeContinue(this.key(info, last.metadata.namespace, last.metadata.name!), revision);
    }
    const metadata: KubeList['metadata'] = { resourceVersion: String(revision) };
    if (next) {
      metadata.continue = next;
      metadata.remainingItemCount = remaining;
    }
    return { apiVersion: apiVersionOf(info.group, info.version), kind: info.listKind, metadata, items };
  }

  /** Validates, defaults and stores a new object. */
  async create(info: ResourceInfo, namespace: string | undefined, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const obj = this.prepareCreate(info, namespace, body, ctx);
    const key = this.key(info, obj.metadata.namespace, obj.metadata.name!);
    const allocated = this.services.allocateFor(info, obj);
    if (ctx.dryRun) {
      this.services.releaseAllocated(allocated);
      if (this.store.latestValue(key)) throw errors.alreadyExists(info.resource, info.group, obj.metadata.name!);
      return this.present(info, obj);
    }
    try {
      const res = await this.store.update(key, (cur) => {
        if (cur) throw errors.alreadyExists(info.resource, info.group, obj.metadata.name!);
        this.namespaces.checkCanCreate(info, obj);
        return this.toStorage(info, obj);
      });
      return this.present(info, res.object!);
    } catch (e) {
      this.services.releaseAllocated(allocated);
      throw e;
    }
  }

  private prepareCreate(info: ResourceInfo, namespace: string | undefined, body: KubeObject, ctx: WriteContext): KubeObject {
    // the caller hands over a body it no longer uses (freshly decoded, or built for this call)
    const obj = decodeCheck(checkBody(info, body), ctx);
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw errors.badRequest('the namespace of the object is required');
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    const now = nowTime();
    prepareMetaForCreate(obj, info, now);
    applyDefaults(obj);
    if (info.group === 'batch' && info.resource === 'jobs') prepareJobOnCreate(obj as Parameters<typeof prepareJobOnCreate>[0], meta.uid!);
    if (info.group === '' && info.resource === 'pods') admitPod(obj, this.opts.podAdmission);
    if (info.group === '' && info.resource === 'persistentvolumeclaims') {
      admitPersistentVolumeClaim(obj, this.store.list(resourcePrefix('storage.k8s.io', 'storageclasses')));
    }
    if (isCsr(info)) setRequester(obj, ctx.user);
    if (isNodes(info)) restrictNodeWrite(ctx.user, obj, undefined);
    const status = initialStatus(info, obj);
    if (status === undefined) delete obj.status;
    else obj.status = status;
    const errs = validateCreate(obj, info);
    if (isCsr(info) && !errs.some((e) => e.field === 'spec.request')) errs.push(...requestParseErrors(obj));
    if (errs.length) throw errors.invalid(info.kind, info.group, meta.name ?? '', errs);
    return recordManager(undefined, obj, ctx, info);
  }

  /** PUT: replaces the object; a stale resourceVersion is a 409 Conflict. */
  async update(info: ResourceInfo, namespace: string | undefined, name: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const incoming = checkBody(info, clone(body));
    checkNameMatches(incoming, name);
    return this.write(info, namespace, name, ctx, (cur) => {
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      checkPrecondition(info, name, incoming.metadata.resourceVersion, cur);
      return this.prepareUpdate(info, incoming, cur, ctx);
    });
  }

  private prepareUpdate(info: ResourceInfo, incoming: KubeObject, cur: KubeObject, ctx: WriteContext): KubeObject | null {
    const next = clone(decodeCheck(incoming, ctx));
    next.metadata.namespace = cur.metadata.namespace;
    next.metadata.name = cur.metadata.name;
    prepareMetaForUpdate(next, cur, info);
    keepStatusOnUpdate(info, next, cur);
    applyDefaults(next);
    if (isNodes(info)) restrictNodeWrite(ctx.user, next, cur);
    const errs = validateUpdate(next, cur, info);
    if (errs.length) throw errors.invalid(info.kind, info.group, cur.metadata.name ?? '', errs);
    this.services.reallocateOnUpdate(info, next, cur);
    return finishDeletionIfReleased(recordManager(cur, next, ctx, info));
  }

  /** PUT/PATCH of the status subresource: only status changes. */
  async updateStatus(info: ResourceInfo, namespace: string | undefined, name: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const incoming = checkBody(info, clone(body));
    checkNameMatches(incoming, name);
    return this.write(info, namespace, name, ctx, (cur) => {
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      checkPrecondition(info, name, incoming.metadata.resourceVersion, cur);
      return this.prepareStatus(info, incoming, cur, ctx);
    });
  }

  private prepareStatus(info: ResourceInfo, incoming: KubeObject, cur: KubeObject, ctx: WriteContext): KubeObject {
    let next = mergeStatusUpdate(cur, decodeCheck(incoming, ctx));
    if (isCsr(info)) next = applyStatus(cur, next, nowTime());
    const errs = validateStatusUpdate(next, cur, info);
    if (isCsr(info)) errs.push(...statusErrors(next, cur));
    if (errs.length) throw errors.invalid(info.kind, info.group, cur.metadata.name ?? '', errs);
    return recordManager(cur, next, ctx, info, 'status');
  }

  /** PUT `certificatesigningrequests/<name>/approval`: only the Approved/Denied conditions change. */
  async updateApproval(info: ResourceInfo, name: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const incoming = checkBody(info, clone(body));
    checkNameMatches(incoming, name);
    return this.write(info, undefined, name, ctx, (cur) => {
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      checkPrecondition(info, name, incoming.metadata.resourceVersion, cur);
      return this.prepareApproval(info, decodeCheck(incoming, ctx), cur, ctx);
    });
  }

  private prepareApproval(info: ResourceInfo, incoming: KubeObject, cur: KubeObject, ctx: WriteContext): KubeObject {
    const next = applyApproval(cur, incoming, nowTime());
    const errs = validateStatusUpdate(next, cur, info);
    if (errs.length) throw errors.invalid(info.kind, info.group, cur.metadata.name ?? '', errs);
    return recordManager(cur, next, ctx, info, 'approval');
  }

  /** PATCH on the object or a subresource (`status`, `scale`, a CSR's `approval`). */
  async patch(
    info: ResourceInfo, namespace: string | undefined, name: string, contentType: string, body: Buffer,
    ctx: WriteContext & { force?: boolean }, subresource?: string,
  ): Promise<KubeObject> {
    if (contentType === 'application/apply-patch+yaml' && !subresource) return this.apply(info, namespace, name, body, ctx);
    if (contentType === 'application/apply-patch+yaml') throw errors.unsupportedMediaType(contentType);
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    const result = await this.write(info, namespace, name, ctx, (stored) => {
      if (!stored) throw errors.notFound(info.resource, info.group, name);
      const cur = this.present(info, stored);
      if (subresource === 'scale') {
        const scale = toScale(cur);
        const patched = runPatch(contentType, scale, body, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
        return this.applyScale(info, patched, stored, ctx);
      }
      // a status write keeps only the patched status and copies what it changes, so the
      // patch may share the untouched rest of the stored object instead of cloning it
      const share = subresource === 'status' && !isCsr(info);
      const patched = runPatch(contentType, cur, body, gvk, share);
      checkNameMatches(patched, name);
      checkPrecondition(info, name, patched.metadata.resourceVersion, cur);
      const asStored = this.toStorage(info, patched);
      if (subresource === 'approval') return this.prepareApproval(info, asStored, stored, ctx);
      return subresource === 'status' ? this.prepareStatus(info, asStored, stored, ctx) : this.prepareUpdate(info, asStored, stored, ctx);
    });
    return subresource === 'scale' ? toScale(result) : result;
  }

  /** Server-side apply: creates when missing, else merges the applied fields with ownership tracking. */
  private async apply(info: ResourceInfo, namespace: string | undefined, name: string, body: Buffer, ctx: WriteContext & { force?: boolean }): Promise<KubeObject> {
    let applied: KubeObject;
    try {
      applied = decodeApplyBody(body);
    } catch (e) {
      throw errors.badRequest(`error decoding apply patch: ${(e as Error).message}`);
    }
    checkNameMatches(applied, name);
    if (info.namespaced && namespace) applied.metadata.namespace ??= namespace;
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    const key = this.key(info, namespace, name);
    const existing = this.store.latestValue(key);
    if (!existing) {
      const { object } = serverSideApply(undefined, applied, { manager: ctx.manager, force: !!ctx.force, now: nowTime(), gvk });
      try {
        return await this.create(info, namespace, object, { ...ctx, manager: '' });
      } catch (e) {
        // lost a race with another creator: fall through to the update path
        if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
      }
    }
    return this.write(info, namespace, name, ctx, (stored) => {
      if (!stored) throw errors.conflict(info.resource, info.group, name, 'the object was deleted while being applied');
      const cur = this.present(info, stored);
      const { object, conflicts } = serverSideApply(cur, applied, { manager: ctx.manager, force: !!ctx.force, now: nowTime(), gvk });
      if (conflicts.length) throw applyConflict(info, name, conflicts);
      return this.prepareUpdate(info, this.toStorage(info, object), stored, { ...ctx, manager: '' });
    });
  }

  getScale(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    return toScale(this.get(info, namespace, name));
  }

  async updateScale(info: ResourceInfo, namespace: string | undefined, name: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    if (body.kind && body.kind !== 'Scale') throw errors.badRequest(`expected a Scale, got ${body.kind}`);
    checkNameMatches(body, name);
    const obj = await this.write(info, namespace, name, ctx, (cur) => {
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      checkPrecondition(info, name, body.metadata?.resourceVersion, cur);
      return this.applyScale(info, body, cur, ctx);
    });
    return toScale(obj);
  }

  private applyScale(info: ResourceInfo, scale: KubeObject, cur: KubeObject, ctx: WriteContext): KubeObject | null {
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('Scale', 'autoscaling', cur.metadata.name ?? '', [
        { type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
      ]);
    }
    const next = clone(cur);
    (next.spec as { replicas?: number }).replicas = replicas;
    return this.prepareUpdate(info, next, cur, { ...ctx });
  }

  /** pods/binding: assigns a node once. */
  async bind(namespace: string, podName: string, binding: KubeObject, ctx: WriteContext): Promise<void> {
    const podInfo = findResource('', 'v1', 'pods')!;
    const target = (binding.target ?? {}) as { name?: string; kind?: string };
    if (!target.name) {
      throw errors.invalid('Binding', '', podName, [{ type: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
    }
    await this.write(podInfo, namespace, podName, ctx, (cur) => {
      if (!cur) throw errors.notFound('pods', '', podName);
      if (binding.metadata?.uid && binding.metadata.uid !== cur.metadata.uid) {
        throw errors.conflict('pods', '', podName, 'the UID in the precondition does not match the UID in record');
      }
      if (cur.metadata.deletionTimestamp) throw errors.conflict('pods', '', podName, 'pod is being deleted, cannot be assigned to a host');
      const spec = cur.spec as { nodeName?: string };
      if (spec.nodeName) throw errors.conflict('pods', '', podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      // copies only what changes and shares the rest with the stored (immutable) pod
      const next: KubeObject = { ...cur, metadata: { ...cur.metadata }, spec: { ...(cur.spec as object), nodeName: target.name } };
      if (binding.metadata?.annotations) {
        next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...binding.metadata.annotations };
      }
      const status = { ...((cur.status ?? {}) as { conditions?: Array<Record<string, unknown>> }) };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTime() });
      status.conditions = conditions;
      next.status = status;
      // Kubernetes' binding writes the pod straight to storage, past the field manager: a
      // bound pod's managedFields name no scheduler, and spec.nodeName and the PodScheduled
      // condition stay unowned (kubernetes/kubernetes#127508). The bookkeeping would also
      // cost a diff of the whole pod on every bind.
      return next;
    });
  }

  /** namespaces/<name>/finalize: lets the namespace controller drop spec.finalizers. */
  async finalizeNamespace(name: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const nsInfo = findResource('', 'v1', 'namespaces')!;
    return this.write(nsInfo, undefined, name, ctx, (cur) => {
      if (!cur) throw errors.notFound('namespaces', '', name);
      const next = clone(cur);
      next.spec = { ...((next.spec as object) ?? {}), finalizers: ((body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) };
      return finishDeletionIfReleased(next);
    });
  }

  /**
   * DELETE: honours preconditions, finalizers, propagation policy and graceful
   * deletion; the object stays (with deletionTimestamp) until nothing holds it.
   */
  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions, ctx: WriteContext): Promise<DeleteResult> {
    const key = this.key(info, namespace, name);
    if (ctx.dryRun) {
      const cur = this.store.latestValue(key);
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      return { object: this.present(info, cur), gone: true };
    }
    let last: KubeObject | undefined;
    const res = await this.store.update(key, (cur) => {
      if (!cur) throw errors.notFound(info.resource, info.group, name);
      last = cur;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid) {
        throw errors.conflict(info.resource, info.group, name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
        throw errors.conflict(info.resource, info.group, name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
      }
      return decideDeletion(info, cur, opts);
    });
    if (!res.changed) return { object: this.present(info, last!), gone: false };
    const stillThere = this.store.get(key);
    if (stillThere && stillThere.metadata.resourceVersion === res.object?.metadata.resourceVersion) {
      return { object: this.present(info, stillThere), gone: false };
    }
    this.services.releaseFor(info, last!);
    return { object: this.present(info, res.object ?? last!), gone: true };
  }

  async deleteCollection(info: ResourceInfo, namespace: string | undefined, listOpts: ListOptions, opts: DeleteOptions, ctx: WriteContext): Promise<KubeList> {
    const list = this.list(info, namespace, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
    const deleted: KubeObject[] = [];
    for (const item of list.items) {
      try {
        const r = await this.delete(info, item.metadata.namespace, item.metadata.name!, opts, ctx);
        deleted.push(r.object);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return { ...list, items: deleted, metadata: { resourceVersion: String(this.store.currentRevision()) } };
  }

  /** Runs a read-modify-write and releases service allocations a deletion freed. */
  private async write(
    info: ResourceInfo, namespace: string | undefined, name: string, ctx: WriteContext,
    decide: (cur: KubeObject | undefined) => KubeObject | null,
  ): Promise<KubeObject> {
    const key = this.key(info, namespace, name);
    if (ctx.dryRun) {
      const next = decide(this.store.latestValue(key));
      return this.present(info, next ?? this.store.latestValue(key)!);
    }
    let before: KubeObject | undefined;
    const res = await this.store.update(key, (cur) => {
      before = cur;
      const next = decide(cur);
      if (next && cur && deepEqual(stripRv(next), stripRv(cur))) return undefined;
      return next;
    });
    if (!res.object) throw errors.notFound(info.resource, info.group, name);
    if (res.changed && !this.store.get(key) && before) this.services.releaseFor(info, before);
    return this.present(info, res.object);
  }
}

/**
 * What decoding into Go structs does in Kubernetes: wrong JSON types are a 400, and
 * unknown fields are refused (Strict), reported as warnings (Warn) or dropped (Ignore).
 */
function decodeCheck(obj: KubeObject, ctx: WriteContext): KubeObject {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  const mode = ctx.fieldValidation ?? 'Warn';
  const res = checkShape(obj, apiVersion, kind, { strict: true });
  if (res.typeErrors.length) throw errors.badRequest(formatShapeError(res, { apiVersion, kind }));
  if (!res.unknownFields.length) return obj;
  if (mode === 'Strict') throw errors.badRequest(formatShapeError(res, { apiVersion, kind }));
  if (mode === 'Warn') (ctx.warnings ??= []).push(...unknownFieldMessages(res));
  return pruneUnknownFields(obj, apiVersion, kind) as KubeObject;
}

function stripRv(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } };
}

/** After an update, an object marked for deletion with no finalizers left is removed. */
function finishDeletionIfReleased(next: KubeObject): KubeObject | null {
  if (!next.metadata.deletionTimestamp) return next;
  if ((next.metadata.finalizers ?? []).length) return next;
  const specFinalizers = (next.spec as { finalizers?: string[] } | undefined)?.finalizers;
  if (next.kind === 'Namespace' && specFinalizers && specFinalizers.length) return next;
  if (next.kind === 'Pod' && (next.metadata.deletionGracePeriodSeconds ?? 0) > 0) return next;
  return null;
}

function decideDeletion(info: ResourceInfo, cur: KubeObject, opts: DeleteOptions): KubeObject | null | undefined {
  const next = clone(cur);
  const meta = next.metadata;
  let finalizers = [...(meta.finalizers ?? [])];
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
  if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
  if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
  if (policy === 'Background') finalizers = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  const isNamespace = info.group === '' && info.resource === 'namespaces';
  const grace = gracefulDeletionSeconds(info, cur, opts.gracePeriodSeconds);
  const now = new Date();

  if (isNamespace) {
    if (meta.deletionTimestamp) return undefined; // already terminating
    meta.deletionTimestamp = nowTime(now);
    meta.deletionGracePeriodSeconds = 0;
    meta.finalizers = finalizers.length ? finalizers : undefined;
    next.status = { ...((next.status as object) ?? {}), phase: 'Terminating' };
    return finishDeletionIfReleased(next);
  }
  if (grace > 0) {
    const deadline = new Date(now.getTime() + grace * 1000);
    const existing = meta.deletionTimestamp ? new Date(meta.deletionTimestamp) : undefined;
    if (!existing || deadline < existing) {
      meta.deletionTimestamp = nowTime(deadline);
      meta.deletionGracePeriodSeconds = grace;
    }
    meta.finalizers = finalizers.length ? finalizers : undefined;
    if (!meta.finalizers) delete meta.finalizers;
    return next;
  }
  if (finalizers.length) {
    if (meta.deletionTimestamp && deepEqual(finalizers, cur.metadata.finalizers ?? [])) {
      if (info.resource === 'pods' && meta.deletionGracePeriodSeconds) {
        meta.deletionGracePeriodSeconds = 0;
        return next;
      }
      return undefined; // nothing changes: finalizers still hold it
    }
    meta.deletionTimestamp ??= nowTime(now);
    meta.deletionGracePeriodSeconds = 0;
    meta.finalizers = finalizers;
    return next;
  }
  return null;
}

function checkBody(info: ResourceInfo, obj: KubeObject): KubeObject {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw errors.badRequest('the request body must be a JSON or YAML object');
  const want = apiVersionOf(info.group, info.version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    // the body may name the storage or another served version of the same kind
    const sinfo = storageVersion(info.group, info.resource);
    const other = sinfo && obj.apiVersion === apiVersionOf(sinfo.group, sinfo.version) && obj.kind === info.kind;
    if (!other) throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== info.kind) {
    throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  }
  obj.apiVersion ??= want;
  obj.kind = info.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw errors.badRequest('metadata must be an object');
  return obj;
}

function checkNameMatches(obj: KubeObject, name: string): void {
  obj.metadata ??= {};
  if (obj.metadata.name === undefined || obj.metadata.name === '') obj.metadata.name = name;
  if (obj.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
}

function checkPrecondition(info: ResourceInfo, name: string, rv: string | undefined, cur: KubeObject): void {
  if (rv && rv !== cur.metadata.resourceVersion) {
    throw errors.conflict(info.resource, info.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

function runPatch(contentType: string, cur: KubeObject, body: Buffer, gvk: { group: string; version: string; kind: string }, shareOriginal = false): KubeObject {
  try {
    const out = applyPatch(contentType, cur, body, gvk, { shareOriginal });
    if (!out || typeof out !== 'object' || Array.isArray(out)) throw new PatchError('the patch produced something that is not an object');
    out.metadata ??= {};
    return out;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof PatchError) {
      if (e.status === 415) throw errors.unsupportedMediaType(contentType);
      if (e.status === 422) throw errors.invalid(cur.kind ?? '', '', cur.metadata.name ?? '', [{ type: 'FieldValueInvalid', field: '', message: e.message }]);
      throw errors.badRequest(e.message);
    }
    throw errors.badRequest(`unable to apply patch: ${(e as Error).message}`);
  }
}

function applyConflict(info: ResourceInfo, name: string, conflicts: ApplyConflict[]): ApiError {
  return new ApiError(statusOf(409, 'Conflict', conflictMessage(conflicts),
    { name, group: info.group || undefined, kind: info.resource, causes: conflictCauses(conflicts) }));
}

function recordManager(old: KubeObject | undefined, next: KubeObject, ctx: WriteContext, info: ResourceInfo, subresource?: string): KubeObject {
  if (!ctx.manager) return next;
  try {
    return recordUpdateManager(old, next, ctx.manager, nowTime(), apiVersionOf(info.group, info.version), subresource);
  } catch {
    // ownership bookkeeping must never fail a write
    return next;
  }
}

function compileFilter(info: ResourceInfo, opts: ListOptions): (o: KubeObject) => boolean {
  let labelSel: Selector | undefined;
  let fieldSel: FieldSelector | undefined;
  try {
    if (opts.labelSelector) labelSel = parseSelector(opts.labelSelector);
  } catch (e) {
    throw errors.badRequest(`unable to parse requirement: ${(e as Error).message}`.replace('unable to parse requirement: unable to parse requirement: ', 'unable to parse requirement: '));
  }
  try {
    if (opts.fieldSelector) {
      fieldSel = parseFieldSelector(opts.fieldSelector);
      validateFieldSelector(info.kind, fieldSel);
    }
  } catch (e) {
    throw errors.badRequest((e as Error).message);
  }
  if (!labelSel && !fieldSel) return () => true;
  return (o) => (!labelSel || matches(labelSel, o.metadata.labels)) && (!fieldSel || matchesFields(fieldSel, fieldsOf(info.kind, o)));
}

export { compileFilter };

function encodeContinue(key: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof parsed.start !== 'string') throw new Error('no start key');
    return parsed.start;
  } catch {
    throw errors.badRequest('continue key is not valid: the token could not be decoded');
  }
}

export type { ObjectMeta };
