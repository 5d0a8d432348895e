// Defaulting as the apiserver applies it to every object it decodes: fills in
// what `kubectl get -o yaml` shows for a freshly created object, mirroring
// Kubernetes' SetDefaults_* functions. Mutates in place; idempotent.
import type { KubeObject } from './meta.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './defaults/apps.js';
import { defaultCronJob, defaultJob } from './defaults/batch.js';
import {
  defaultEndpoints, defaultNamespace, defaultNode, defaultPersistentVolume, defaultPersistentVolumeClaim,
  defaultReplicationController, defaultSecret, defaultService,
} from './defaults/core.js';
import { defaultHorizontalPodAutoscaler, defaultRoleBinding, defaultStorageClass } from './defaults/other.js';
import { defaultPod } from './defaults/pod.js';
import type { Obj } from './defaults/util.js';

export { prepareJobOnCreate, CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './defaults/batch.js';
export { podQOSClass } from './defaults/qos.js';
export { defaultPodSpec, defaultPullPolicy, DEFAULT_SCHEDULER_NAME } from './defaults/pod.js';

const BY_KIND: Record<string, (obj: Obj) => void> = {
  'v1/Pod': defaultPod,
  'v1/Namespace': defaultNamespace,
  'v1/Service': defaultService,
  'v1/Secret': defaultSecret,
  'v1/Node': defaultNode,
  'v1/Endpoints': defaultEndpoints,
  'v1/PersistentVolume': defaultPersistentVolume,
  'v1/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  'v1/ReplicationController': defaultReplicationController,
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': defaultReplicaSet,
  'apps/v1/DaemonSet': defaultDaemonSet,
  'apps/v1/StatefulSet': defaultStatefulSet,
  'batch/v1/Job': defaultJob,
  'batch/v1/CronJob': defaultCronJob,
  'autoscaling/v2/HorizontalPodAutoscaler': defaultHorizontalPodAutoscaler,
  'autoscaling/v1/HorizontalPodAutoscaler': defaultHorizontalPodAutoscaler,
  'storage.k8s.io/v1/StorageClass': defaultStorageClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': defaultRoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': defaultRoleBinding,
};

/** Applies the defaults for `obj.apiVersion` + `obj.kind`; unknown kinds are left alone. */
export function applyDefaults(obj: KubeObject): void {
  const fn = BY_KIND[`${obj.apiVersion ?? ''}/${obj.kind ?? ''}`];
  if (fn) fn(obj as unknown as Obj);
}
