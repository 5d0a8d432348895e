// The ReplicationController controller: the ReplicaSet core with RC's shape —
// a plain label map as selector (empty selects nothing) and an optional template.
import { selectorFromSet, nothing } from '../api/labels.js';
import { findResource } from '../api/resources.js';
import type { ReplicationController } from '../api/types/index.js';
import type { ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { ReplicaManager, type ReplicaKind } from './replicaset.js';

export const replicationControllerKind: ReplicaKind<ReplicationController> = {
  info: findResource('', 'v1', 'replicationcontrollers')!,
  selector: (rc) => {
    const set = rc.spec?.selector;
    return set && Object.keys(set).length ? selectorFromSet(set) : nothing();
  },
  replicas: (rc) => rc.spec?.replicas ?? 1,
  minReadySeconds: (rc) => rc.spec?.minReadySeconds ?? 0,
  template: (rc) => rc.spec?.template,
  status: (rc) => rc.status,
};

export class ReplicationControllerController extends ReplicaManager<ReplicationController> {
  constructor(ctx: ControllerContext, opts: Partial<ControllerManagerOptions> = {}) {
    super('replicationcontroller', ctx, replicationControllerKind, opts);
  }
}
