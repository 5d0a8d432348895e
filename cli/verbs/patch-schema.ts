// Strategic-merge metadata of the built-in types (the `patchStrategy` /
// `patchMergeKey` struct tags of Kubernetes' Go types) that client-side apply
// needs to diff lists by key. Anything not described merges like JSON: maps
// recurse, lists are replaced whole.

export interface FieldPatchMeta {
  /** schema type of the value, or of each element for lists */
  type?: string;
  /** lists of maps merge by `mergeKey`; lists of scalars merge as sets */
  strategy?: 'merge';
  mergeKey?: string;
  /** the map is sent with `$retainKeys` so switching e.g. a strategy type drops the old one's fields */
  retainKeys?: boolean;
}

type Schema = Record<string, Record<string, FieldPatchMeta>>;

const t = (type: string): FieldPatchMeta => ({ type });
const keyed = (mergeKey: string, type?: string): FieldPatchMeta => ({ strategy: 'merge', mergeKey, type });
const set: FieldPatchMeta = { strategy: 'merge' };
const meta = t('ObjectMeta');

const SCHEMA: Schema = {
  Object: { metadata: meta },
  ObjectMeta: { finalizers: set, ownerReferences: keyed('uid') },
  PodTemplateSpec: { metadata: meta, spec: t('PodSpec') },
  PodSpec: {
    volumes: keyed('name', 'Volume'),
    initContainers: keyed('name', 'Container'),
    containers: keyed('name', 'Container'),
    ephemeralContainers: keyed('name', 'Container'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey'),
    schedulingGates: keyed('name'),
    resourceClaims: keyed('name'),
  },
  Volume: {},
  Container: {
    ports: keyed('containerPort'),
    env: keyed('name'),
    volumeMounts: keyed('mountPath'),
    volumeDevices: keyed('devicePath'),
  },
  Pod: { metadata: meta, spec: t('PodSpec') },
  PodTemplate: { metadata: meta, template: t('PodTemplateSpec') },
  DeploymentSpec: { template: t('PodTemplateSpec'), strategy: { retainKeys: true } },
  DaemonSetSpec: { template: t('PodTemplateSpec'), updateStrategy: { retainKeys: true } },
  StatefulSetSpec: { template: t('PodTemplateSpec'), updateStrategy: { retainKeys: true } },
  WorkloadSpec: { template: t('PodTemplateSpec') },
  Deployment: { metadata: meta, spec: t('DeploymentSpec') },
  DaemonSet: { metadata: meta, spec: t('DaemonSetSpec') },
  StatefulSet: { metadata: meta, spec: t('StatefulSetSpec') },
  ReplicaSet: { metadata: meta, spec: t('WorkloadSpec') },
  ReplicationController: { metadata: meta, spec: t('WorkloadSpec') },
  Job: { metadata: meta, spec: t('WorkloadSpec') },
  JobTemplateSpec: { metadata: meta, spec: t('WorkloadSpec') },
  CronJobSpec: { jobTemplate: t('JobTemplateSpec') },
  CronJob: { metadata: meta, spec: t('CronJobSpec') },
  ServiceSpec: { ports: keyed('port') },
  Service: { metadata: meta, spec: t('ServiceSpec') },
  NodeSpec: { podCIDRs: set },
  Node: { metadata: meta, spec: t('NodeSpec') },
  ServiceAccount: { metadata: meta, secrets: keyed('name') },
};

/** The schema type of a whole object of `kind`. */
export function rootType(kind: string | undefined): string {
  return kind && Object.hasOwn(SCHEMA, kind) ? kind : 'Object';
}

export function fieldPatchMeta(typeName: string | undefined, field: string): FieldPatchMeta | undefined {
  if (typeName === undefined) return undefined;
  const s = SCHEMA[typeName];
  return s && Object.hasOwn(s, field) ? s[field] : undefined;
}
