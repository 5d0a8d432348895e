// Which rules apply to which kind. Keyed by `group/Kind` (core group: `/Kind`)
// because validation is the same at every served version of a kind.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import type { NameValidator } from './meta.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, pathSegmentName } from './meta.js';
import * as apps from './apps.js';
import * as autoscaling from './autoscaling.js';
import * as batch from './batch.js';
import * as certificates from './certificates.js';
import { validateLease } from './coordination.js';
import * as core from './core.js';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './pod-kind.js';
import * as rbac from './rbac.js';
import * as service from './service.js';
import * as storage from './storage.js';

export interface KindRules {
  /** rule for metadata.name / generateName */
  name: NameValidator;
  /** the object's own fields; `old` is set on update */
  validate?: (obj: KubeObject, old: KubeObject | undefined) => FieldError[];
  /** what may not change on update (immutability) */
  update?: (obj: KubeObject, old: KubeObject) => FieldError[];
  /** writes through the `status` subresource */
  status?: (obj: KubeObject, old: KubeObject) => FieldError[];
}

const RULES: Record<string, KindRules> = {
  '/Namespace': { name: nameIsDNSLabel, validate: core.validateNamespace, status: core.validateNamespaceStatus },
  '/Pod': {
    name: nameIsDNSSubdomain,
    validate: (o, old) => (old ? validatePodUpdate(o, old) : validatePod(o)),
    status: validatePodStatusUpdate,
  },
  '/Node': { name: nameIsDNSSubdomain, validate: core.validateNode, update: core.validateNodeUpdate },
  '/Service': {
    name: nameIsDNS1035Label, validate: service.validateService, update: service.validateServiceUpdate, status: service.validateServiceStatus,
  },
  '/Endpoints': { name: nameIsDNSSubdomain, validate: service.validateEndpoints },
  '/Event': { name: nameIsDNSSubdomain, validate: core.validateEvent, update: core.validateEventUpdate },
  '/ConfigMap': { name: nameIsDNSSubdomain, validate: core.validateConfigMap, update: core.validateConfigMapUpdate },
  '/Secret': { name: nameIsDNSSubdomain, validate: core.validateSecret, update: core.validateSecretUpdate },
  '/ServiceAccount': { name: nameIsDNSSubdomain },
  '/ReplicationController': { name: nameIsDNSSubdomain, validate: core.validateReplicationController, status: apps.validateReplicaSetStatus },
  '/PersistentVolume': {
    name: nameIsDNSSubdomain, validate: storage.validatePersistentVolume, update: storage.validatePersistentVolumeUpdate,
    status: storage.validatePersistentVolumeStatus,
  },
  '/PersistentVolumeClaim': {
    name: nameIsDNSSubdomain, validate: storage.validatePersistentVolumeClaim, update: storage.validatePersistentVolumeClaimUpdate,
    status: storage.validatePersistentVolumeClaimStatus,
  },
  'coordination.k8s.io/Lease': { name: nameIsDNSSubdomain, validate: validateLease },
  'apps/Deployment': {
    name: nameIsDNSSubdomain, validate: apps.validateDeployment, update: apps.validateSelectorUpdate, status: apps.validateDeploymentStatus,
  },
  'apps/ReplicaSet': {
    name: nameIsDNSSubdomain, validate: apps.validateReplicaSet, update: apps.validateSelectorUpdate, status: apps.validateReplicaSetStatus,
  },
  'apps/DaemonSet': {
    name: nameIsDNSSubdomain, validate: apps.validateDaemonSet, update: apps.validateSelectorUpdate, status: apps.validateDaemonSetStatus,
  },
  'apps/StatefulSet': {
    name: nameIsDNSSubdomain, validate: apps.validateStatefulSet, update: apps.validateStatefulSetUpdate, status: apps.validateStatefulSetStatus,
  },
  'apps/ControllerRevision': {
    name: nameIsDNSSubdomain, validate: apps.validateControllerRevision, update: apps.validateControllerRevisionUpdate,
  },
  'batch/Job': { name: nameIsDNSSubdomain, validate: batch.validateJob, update: batch.validateJobUpdate, status: batch.validateJobStatus },
  'batch/CronJob': { name: nameIsDNSSubdomain, validate: batch.validateCronJob },
  'autoscaling/HorizontalPodAutoscaler': {
    name: nameIsDNSSubdomain, validate: autoscaling.validateHorizontalPodAutoscaler, status: autoscaling.validateHorizontalPodAutoscalerStatus,
  },
  'storage.k8s.io/StorageClass': { name: nameIsDNSSubdomain, validate: storage.validateStorageClass, update: storage.validateStorageClassUpdate },
  'certificates.k8s.io/CertificateSigningRequest': {
    name: nameIsDNSSubdomain, validate: certificates.validateCertificateSigningRequest, status: certificates.validateCSRConditions,
  },
  'rbac.authorization.k8s.io/Role': { name: pathSegmentName, validate: rbac.validateRole },
  'rbac.authorization.k8s.io/ClusterRole': { name: pathSegmentName, validate: rbac.validateClusterRole },
  'rbac.authorization.k8s.io/RoleBinding': { name: pathSegmentName, validate: rbac.validateRoleBinding, update: rbac.validateBindingUpdate },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    name: pathSegmentName, validate: rbac.validateClusterRoleBinding, update: rbac.validateBindingUpdate,
  },
};

const DEFAULT_RULES: KindRules = { name: nameIsDNSSubdomain };

export function rulesFor(group: string, kind: string): KindRules {
  return RULES[`${group}/${kind}`] ?? DEFAULT_RULES;
}
