// apps/v1 rows: ports of printDeployment, printReplicaSet, printDaemonSet,
// printStatefulSet and printControllerRevision.

import type { KubeObject } from '../../api/meta.js';
import { at, num, optNum, record } from './accessors.js';
import { AGE, CONTAINERS, IMAGES, NAME, col, selectorColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { formatLabelSelector, formatLabels, labelSelectorString, layoutContainerCells } from './format.js';
import type { Printer } from './types.js';

/** Defaulting sets replicas to 1 when omitted. */
function desiredReplicas(obj: KubeObject): number {
  return optNum(obj.spec, 'replicas') ?? 1;
}

function age(obj: KubeObject, now: Date): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}

function templateContainers(obj: KubeObject): [string, string] {
  return layoutContainerCells(at(obj.spec, 'template', 'spec', 'containers'));
}

export const deploymentPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  cells(d, now) {
    const [names, images] = templateContainers(d);
    return [
      d.metadata.name ?? '',
      `${num(d.status, 'readyReplicas')}/${desiredReplicas(d)}`,
      num(d.status, 'updatedReplicas'),
      num(d.status, 'availableReplicas'),
      age(d, now),
      names,
      images,
      // Deployments print selector.String() without the `<none>` substitution.
      labelSelectorString(at(d.spec, 'selector')),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME,
    col('Desired', 'Replicas is the number of desired replicas.', 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('Selector is a label query over pods that should match the replica count.'),
  ],
  cells(rs, now) {
    const [names, images] = templateContainers(rs);
    return [
      rs.metadata.name ?? '',
      desiredReplicas(rs),
      num(rs.status, 'replicas'),
      num(rs.status, 'readyReplicas'),
      age(rs, now),
      names,
      images,
      formatLabelSelector(at(rs.spec, 'selector')),
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME,
    col('Desired', 'The total number of nodes that should be running the daemon pod.', 'integer'),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 'integer'),
    col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', 'integer'),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 'integer'),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', 'integer'),
    col('Node Selector', "NodeSelector is a selector which must be true for the pod to fit on a node."),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('A label query over pods that are managed by the daemon set.'),
  ],
  cells(ds, now) {
    const [names, images] = templateContainers(ds);
    return [
      ds.metadata.name ?? '',
      num(ds.status, 'desiredNumberScheduled'),
      num(ds.status, 'currentNumberScheduled'),
      num(ds.status, 'numberReady'),
      num(ds.status, 'updatedNumberScheduled'),
      num(ds.status, 'numberAvailable'),
      formatLabels(record(ds.spec, 'template', 'spec', 'nodeSelector')),
      age(ds, now),
      names,
      images,
      formatLabelSelector(at(ds.spec, 'selector')),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [NAME, col('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  cells(sts, now) {
    const [names, images] = templateContainers(sts);
    return [sts.metadata.name ?? '', `${num(sts.status, 'readyReplicas')}/${desiredReplicas(sts)}`, age(sts, now), names, images];
  },
};

/** `kind.group/name` lower-cased, e.g. `statefulset.apps/web`; `<none>` without a controller. */
export function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (ref === undefined) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  if (ref.kind === '' && group === '') return ref.name;
  return `${(group === '' ? ref.kind : `${ref.kind}.${group}`).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [NAME, col('Controller', 'Controller of the object'), col('Revision', 'Revision indicates the revision of the state represented by Data.'), AGE],
  cells(cr, now) {
    return [cr.metadata.name ?? '', controllerName(cr), num(cr, 'revision'), age(cr, now)];
  },
};
