// Patch metadata of the built-in types: the `patchStrategy:"merge" patchMergeKey:"..."`
// struct tags of Kubernetes' Go types, as a small type schema so nested paths resolve
// by walking the object (Deployment.spec -> DeploymentSpec.template -> PodTemplateSpec.spec
// -> PodSpec.containers -> Container.env ...). Anything not described here is treated
// like JSON merge: maps merge, lists are replaced.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface FieldMeta {
  /** Schema type of the value; for lists, of each element. */
  readonly type?: string;
  /**
   * `merge`: lists of maps merge element-wise by `mergeKey`, lists of primitives are
   * unioned. Without it a list is replaced as a whole (atomic).
   */
  readonly strategy?: 'merge';
  readonly mergeKey?: string;
  /**
   * Server-side apply identifies list items by these keys (Kubernetes' +listMapKey),
   * which can be more than the strategic merge key: Service ports are `port`+`protocol`.
   */
  readonly mapKeys?: readonly string[];
  /** Values assumed for a missing map key, as API defaulting would fill them in. */
  readonly keyDefaults?: Readonly<Record<string, string | number>>;
}

export type TypeSchema = Readonly<Record<string, FieldMeta>>;

const type = (name: string): FieldMeta => ({ type: name });
const keyed = (mergeKey: string, elementType?: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  strategy: 'merge',
  mergeKey,
  ...(elementType === undefined ? {} : { type: elementType }),
  ...extra,
});
/** A list of primitives merged as a set (e.g. finalizers). */
const primitiveSet: FieldMeta = { strategy: 'merge' };
const conditions = keyed('type');
const tcp = { protocol: 'TCP' };

/** Object kinds whose only patch-relevant part is their metadata share this root. */
const GENERIC_ROOT = 'Object';

export const SCHEMA: Readonly<Record<string, TypeSchema>> = {
  [GENERIC_ROOT]: { metadata: type('ObjectMeta') },
  ObjectMeta: { finalizers: primitiveSet, ownerReferences: keyed('uid') },

  PodTemplateSpec: { metadata: type('ObjectMeta'), spec: type('PodSpec') },
  PodSpec: {
    volumes: keyed('name'),
    initContainers: keyed('name', 'Container'),
    containers: keyed('name', 'Container'),
    ephemeralContainers: keyed('name', 'Container'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey', undefined, { mapKeys: ['topologyKey', 'whenUnsatisfiable'] }),
    schedulingGates: keyed('name'),
    resourceClaims: keyed('name'),
  },
  // EphemeralContainer embeds the same fields, so it shares this entry.
  Container: {
    ports: keyed('containerPort', undefined, { mapKeys: ['containerPort', 'protocol'], keyDefaults: tcp }),
    env: keyed('name'),
    volumeMounts: keyed('mountPath'),
    volumeDevices: keyed('devicePath'),
  },
  PodStatus: { conditions, podIPs: keyed('ip'), hostIPs: keyed('ip'), resourceClaimStatuses: keyed('name') },
  Pod: { metadata: type('ObjectMeta'), spec: type('PodSpec'), status: type('PodStatus') },
  PodTemplate: { metadata: type('ObjectMeta'), template: type('PodTemplateSpec') },

  WorkloadSpec: { template: type('PodTemplateSpec') },
  WorkloadStatus: { conditions },
  Deployment: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  ReplicaSet: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  DaemonSet: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  StatefulSet: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  ReplicationController: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  Job: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec'), status: type('WorkloadStatus') },
  JobTemplateSpec: { metadata: type('ObjectMeta'), spec: type('WorkloadSpec') },
  CronJobSpec: { jobTemplate: type('JobTemplateSpec') },
  CronJob: { metadata: type('ObjectMeta'), spec: type('CronJobSpec') },

  ServiceSpec: { ports: keyed('port', undefined, { mapKeys: ['port', 'protocol'], keyDefaults: tcp }) },
  ConditionsStatus: { conditions },
  Service: { metadata: type('ObjectMeta'), spec: type('ServiceSpec'), status: type('ConditionsStatus') },

  // Taints have no patch strategy upstream: they are replaced as a whole.
  NodeSpec: { podCIDRs: primitiveSet },
  NodeStatus: { conditions, addresses: keyed('type') },
  Node: { metadata: type('ObjectMeta'), spec: type('NodeSpec'), status: type('NodeStatus') },

  Namespace: { metadata: type('ObjectMeta'), status: type('ConditionsStatus') },
  PersistentVolumeClaim: { metadata: type('ObjectMeta'), status: type('ConditionsStatus') },
  HorizontalPodAutoscaler: { metadata: type('ObjectMeta'), status: type('ConditionsStatus') },
  ServiceAccount: { metadata: type('ObjectMeta'), secrets: keyed('name') },
};

/** The schema type of a whole object of this kind. */
export function rootTypeOf(gvk: Pick<GroupVersionKind, 'kind'>): string {
  return Object.hasOwn(SCHEMA, gvk.kind) ? gvk.kind : GENERIC_ROOT;
}

/** Patch metadata of `field` inside a value of schema type `typeName`. */
export function fieldMeta(typeName: string | undefined, field: string): FieldMeta | undefined {
  if (typeName === undefined) return undefined;
  const schema = SCHEMA[typeName];
  return schema !== undefined && Object.hasOwn(schema, field) ? schema[field] : undefined;
}
