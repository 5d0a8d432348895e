// Per-kind rules layered on the generic store: status on create, what a status
// update may change, and how deletion proceeds.
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { podQOSClass } from '../../api/defaults.js';

type Obj = Record<string, unknown>;

/** Status a new object starts with; clients cannot create objects with a status of their choosing. */
export function initialStatus(info: ResourceInfo, obj: KubeObject): unknown {
  switch (`${info.group}/${info.resource}`) {
    case '/pods': {
      const spec = (obj.spec ?? {}) as Parameters<typeof podQOSClass>[0];
      return { phase: 'Pending', qosClass: podQOSClass(spec) };
    }
    case '/namespaces':
      return { phase: 'Active' };
    case '/persistentvolumeclaims':
      return { phase: 'Pending' };
    case '/persistentvolumes':
      return { phase: 'Pending' };
    case '/services':
      return { loadBalancer: {} };
    case '/nodes':
    case 'certificates.k8s.io/certificatesigningrequests':
      // nodes register with their status; CSRs carry none
      return obj.status ?? {};
    default:
      return info.hasStatus ? {} : undefined;
  }
}

/**
 * The object a status-subresource write produces: the old object with only the
 * new status (and, for nodes, nothing else either), like Kubernetes' status strategies.
 */
export function mergeStatusUpdate(old: KubeObject, incoming: KubeObject): KubeObject {
  const next: KubeObject = { ...old, metadata: { ...old.metadata }, status: incoming.status };
  // Kubernetes lets status writers keep labels/annotations/finalizers unchanged, nothing more.
  if (incoming.metadata.resourceVersion) next.metadata.resourceVersion = incoming.metadata.resourceVersion;
  return next;
}

/** A main-resource write cannot change status (it has its own subresource). */
export function keepStatusOnUpdate(info: ResourceInfo, next: KubeObject, old: KubeObject): void {
  if (!info.hasStatus) return;
  if (old.status === undefined) delete next.status;
  else next.status = old.status;
}

/** Pods bound to a node are deleted gracefully: the kubelet stops them and confirms. */
export function gracefulDeletionSeconds(info: ResourceInfo, obj: KubeObject, requested: number | undefined): number {
  if (info.group !== '' || info.resource !== 'pods') return 0;
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  if (!spec.nodeName) return 0;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  let grace = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
  if (grace < 0) grace = 0;
  return grace;
}
