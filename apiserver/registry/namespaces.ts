// Namespace lifecycle admission: objects may only be created in namespaces that
// exist and are not terminating.
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { ApiError, errors, statusOf } from '../../api/errors.js';
import type { ObjectStore } from '../storage/store.js';
import { objectStorageKey } from '../storage/store.js';

export class NamespaceLifecycle {
  constructor(private readonly store: ObjectStore) {}

  checkCanCreate(info: ResourceInfo, obj: KubeObject): void {
    if (!info.namespaced) return;
    const ns = obj.metadata.namespace!;
    const nsObj = this.store.latestValue(objectStorageKey('', 'namespaces', undefined, ns));
    if (!nsObj) throw errors.notFound('namespaces', '', ns);
    // Events about a terminating namespace's objects are still accepted, as in Kubernetes.
    if (nsObj.metadata.deletionTimestamp && !(info.group === '' && info.resource === 'events')) {
      throw new ApiError(statusOf(403, 'Forbidden',
        `${info.resource} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name: obj.metadata.name, kind: info.resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] }));
    }
  }
}
