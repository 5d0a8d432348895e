// The resources kubelite serves: one table shared by the apiserver (routing,
// discovery, storage keys), the client (URL building) and the CLI (kind aliases).

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** plural, lower case: the URL segment */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** has a `status` subresource */
  hasStatus: boolean;
  /** has a `scale` subresource (autoscaling/v1 Scale) */
  hasScale: boolean;
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function res(
  group: string,
  version: string,
  kind: string,
  resource: string,
  opts: Partial<Pick<ResourceInfo, 'namespaced' | 'shortNames' | 'categories' | 'verbs' | 'hasStatus' | 'hasScale'>> = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    resource,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    verbs: opts.verbs ?? ALL_VERBS,
    hasStatus: opts.hasStatus ?? false,
    hasScale: opts.hasScale ?? false,
  };
}

const all = ['all'];

export const RESOURCES: readonly ResourceInfo[] = [
  res('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], hasStatus: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  res('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: all, hasStatus: true }),
  res('', 'v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], hasStatus: true }),
  res('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: all, hasStatus: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  res('', 'v1', 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  res('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  res('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  res('', 'v1', 'Secret', 'secrets'),
  res('', 'v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  res('', 'v1', 'ReplicationController', 'replicationcontrollers', { shortNames: ['rc'], categories: all, hasStatus: true, hasScale: true }),
  res('', 'v1', 'PersistentVolume', 'persistentvolumes', { namespaced: false, shortNames: ['pv'], hasStatus: true }),
  res('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'], hasStatus: true }),
  res('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  res('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: all, hasStatus: true, hasScale: true }),
  res('apps', 'v1', 'ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: all, hasStatus: true, hasScale: true }),
  res('apps', 'v1', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: all, hasStatus: true }),
  res('apps', 'v1', 'StatefulSet', 'statefulsets', { shortNames: ['sts'], categories: all, hasStatus: true, hasScale: true }),
  res('apps', 'v1', 'ControllerRevision', 'controllerrevisions'),
  res('batch', 'v1', 'Job', 'jobs', { categories: all, hasStatus: true }),
  res('batch', 'v1', 'CronJob', 'cronjobs', { shortNames: ['cj'], categories: all, hasStatus: true }),
  res('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', { shortNames: ['hpa'], categories: all, hasStatus: true }),
  res('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', { shortNames: ['hpa'], categories: all, hasStatus: true }),
  res('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', { namespaced: false, shortNames: ['sc'] }),
  res('certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', { namespaced: false, shortNames: ['csr'], hasStatus: true }),
  res('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  res('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', { namespaced: false }),
  res('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  res('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false }),
];

/**
 * Versions served for one group, preferred first. A kind served at several versions
 * (HPA: autoscaling/v2 and v1) is stored once, at the first (storage) version.
 */
export function groupVersions(group: string): string[] {
  return [...(VERSIONS_BY_GROUP.get(group) ?? [])];
}

/** Whether `group` is served at `version`: groupVersions without the copy. */
export function servesGroupVersion(group: string, version?: string): boolean {
  const versions = VERSIONS_BY_GROUP.get(group);
  return versions !== undefined && (version === undefined || versions.includes(version));
}

export function allGroups(): string[] {
  const seen: string[] = [];
  for (const r of RESOURCES) if (!seen.includes(r.group)) seen.push(r.group);
  return seen;
}

// The apiserver resolves a resource on every request: RESOURCES is static, so it is
// indexed once. The first entry wins, as with a scan.
const RESOURCE_BY_GVR = new Map<string, ResourceInfo>();
const VERSIONS_BY_GROUP = new Map<string, string[]>();
for (const r of RESOURCES) {
  const key = gvrKey(r.group, r.version, r.resource);
  if (!RESOURCE_BY_GVR.has(key)) RESOURCE_BY_GVR.set(key, r);
  const versions = VERSIONS_BY_GROUP.get(r.group) ?? [];
  if (!versions.includes(r.version)) versions.push(r.version);
  VERSIONS_BY_GROUP.set(r.group, versions);
}

function gvrKey(group: string, version: string, resource: string): string {
  // no served name holds NUL, so a looked-up part holding one (a decoded %00) cannot
  // make its key equal a served one
  return `${group}\0${version}\0${resource}`;
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCE_BY_GVR.get(gvrKey(group, version, resource));
}

export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** The version objects of this group/resource are stored at (the first one listed). */
export function storageVersion(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

/**
 * Resolves what a person types (`deploy`, `deployments`, `deployment.apps`, `Pod`)
 * to a resource at its preferred version.
 */
export function resolveResourceAlias(alias: string): ResourceInfo | undefined {
  const lower = alias.toLowerCase();
  const dot = lower.indexOf('.');
  const name = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  return RESOURCES.find(
    (r) =>
      (group === undefined || r.group === group) &&
      (r.resource === name || r.singular === name || r.shortNames.includes(name) || r.kind.toLowerCase() === name),
  );
}
