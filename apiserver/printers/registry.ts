// Which printer serves which resource, keyed by group and plural resource so that
// every served version of a kind (e.g. autoscaling v1 and v2 HPAs) prints alike.

import type { ResourceInfo } from '../../api/resources.js';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { certificateSigningRequestPrinter } from './certificates.js';
import { configMapPrinter } from './configmaps.js';
import { leasePrinter } from './coordination.js';
import { defaultPrinter } from './default.js';
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './events.js';
import { namespacePrinter } from './namespaces.js';
import { nodePrinter } from './nodes.js';
import { persistentVolumeClaimPrinter } from './persistentvolumeclaims.js';
import { persistentVolumePrinter } from './persistentvolumes.js';
import { podPrinter } from './pods.js';
import { clusterRoleBindingPrinter, roleBindingPrinter, rolePrinter } from './rbac.js';
import { replicationControllerPrinter } from './replicationcontrollers.js';
import { secretPrinter } from './secrets.js';
import { serviceAccountPrinter } from './serviceaccounts.js';
import { servicePrinter } from './services.js';
import { storageClassPrinter } from './storage.js';
import type { Printer } from './types.js';

const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/nodes', nodePrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/events', eventPrinter],
  ['/namespaces', namespacePrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['certificates.k8s.io/certificatesigningrequests', certificateSigningRequestPrinter],
  ['rbac.authorization.k8s.io/roles', rolePrinter],
  ['rbac.authorization.k8s.io/clusterroles', rolePrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
]);

export function printerFor(info: Pick<ResourceInfo, 'group' | 'resource'>): Printer {
  return PRINTERS.get(`${info.group}/${info.resource}`) ?? defaultPrinter;
}
