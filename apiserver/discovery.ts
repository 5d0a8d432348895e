// Discovery documents built from the RESOURCES table: aggregated discovery
// (apidiscovery.k8s.io/v2, one request for everything) and the legacy
// APIVersions / APIGroupList / APIGroup / APIResourceList documents, plus /version.

import { type ResourceInfo, RESOURCES, allGroups, groupVersions } from '../api/resources.js';

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface Subresource {
  name: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

/** One resource as discovery describes it: RESOURCES entries plus metrics.k8s.io. */
interface Served {
  group: string;
  version: string;
  kind: string;
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  subresources: Subresource[];
}

const METRICS_GROUP = 'metrics.k8s.io';
const METRICS_VERSION = 'v1beta1';

const STATUS_VERBS = ['get', 'patch', 'update'];

function gvk(group: string, version: string, kind: string): GroupVersionKind {
  return { group, version, kind };
}

/**
 * Pod subresources the apiserver answers. Eviction is left out on purpose: while it
 * is listed, `kubectl drain` evicts through policy/v1 instead of deleting pods.
 */
function podSubresources(): Subresource[] {
  return [
    { name: 'binding', responseKind: gvk('', 'v1', 'Binding'), verbs: ['create'] },
    { name: 'exec', responseKind: gvk('', 'v1', 'PodExecOptions'), verbs: ['create', 'get'] },
    { name: 'log', responseKind: gvk('', 'v1', 'Pod'), verbs: ['get'] },
    { name: 'portforward', responseKind: gvk('', 'v1', 'PodPortForwardOptions'), verbs: ['create', 'get'] },
  ];
}

function subresourcesOf(r: ResourceInfo): Subresource[] {
  const subs: Subresource[] = r.group === '' && r.resource === 'pods' ? podSubresources() : [];
  if (r.hasScale) subs.push({ name: 'scale', responseKind: gvk('autoscaling', 'v1', 'Scale'), verbs: STATUS_VERBS });
  if (r.hasStatus) subs.push({ name: 'status', responseKind: gvk(r.group, r.version, r.kind), verbs: STATUS_VERBS });
  if (r.group === 'certificates.k8s.io' && r.resource === 'certificatesigningrequests') {
    subs.push({ name: 'approval', responseKind: gvk(r.group, r.version, r.kind), verbs: STATUS_VERBS });
  }
  return subs.sort((a, b) => a.name.localeCompare(b.name));
}

function metricsResource(kind: string, resource: string, namespaced: boolean): Served {
  return {
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    kind,
    resource,
    singular: '',
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ['get', 'list'],
    subresources: [],
  };
}

// Built once: RESOURCES is a constant table.
const SERVED: readonly Served[] = [
  ...RESOURCES.map(
    (r): Served => ({
      group: r.group,
      version: r.version,
      kind: r.kind,
      resource: r.resource,
      singular: r.singular,
      namespaced: r.namespaced,
      shortNames: r.shortNames,
      categories: r.categories,
      verbs: r.verbs,
      subresources: subresourcesOf(r),
    }),
  ),
  // `kubectl top` requires metrics.k8s.io to be discoverable.
  metricsResource('NodeMetrics', 'nodes', false),
  metricsResource('PodMetrics', 'pods', true),
];

/** Served versions of a group, preferred first. */
function versionsOf(group: string): string[] {
  return group === METRICS_GROUP ? [METRICS_VERSION] : groupVersions(group);
}

function namedGroups(): string[] {
  return [...allGroups().filter((g) => g !== ''), METRICS_GROUP];
}

function servedIn(group: string, version: string): Served[] {
  return SERVED.filter((r) => r.group === group && r.version === version);
}

function groupVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

// ---- aggregated discovery (apidiscovery.k8s.io/v2) ----

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current';
}

export interface APIGroupDiscovery {
  metadata: { name: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: 'apidiscovery.k8s.io/v2';
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

function resourceDiscovery(r: Served): APIResourceDiscovery {
  const out: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: gvk(r.group, r.version, r.kind),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  // Empty lists are omitted, as Kubernetes' omitempty does.
  if (r.shortNames.length > 0) out.shortNames = [...r.shortNames];
  if (r.categories.length > 0) out.categories = [...r.categories];
  if (r.subresources.length > 0) {
    out.subresources = r.subresources.map((s) => ({ subresource: s.name, responseKind: { ...s.responseKind }, verbs: [...s.verbs] }));
  }
  return out;
}

function groupDiscovery(group: string): APIGroupDiscovery {
  return {
    metadata: { name: group },
    versions: versionsOf(group).map((version) => ({
      version,
      resources: servedIn(group, version).map(resourceDiscovery),
      freshness: 'Current',
    })),
  };
}

/** `/api` (core group only) or `/apis` (every named group) as one APIGroupDiscoveryList. */
export function aggregatedDiscovery(scope: 'core' | 'apis'): APIGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: scope === 'core' ? [groupDiscovery('')] : namedGroups().map(groupDiscovery),
  };
}

/**
 * Whether an Accept header asks for aggregated discovery v2. kubectl lists it first
 * and falls back to plain JSON, so any acceptable mention counts.
 */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...rawParams] = range.split(';').map((p) => p.trim());
    if (type.toLowerCase() !== 'application/json') return false;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    return (
      params.get('g') === 'apidiscovery.k8s.io' &&
      params.get('v') === 'v2' &&
      params.get('as') === 'APIGroupDiscoveryList' &&
      Number(params.get('q') ?? '1') > 0
    );
  });
}

// ---- legacy discovery ----

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind: 'APIGroup';
  apiVersion: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: Omit<APIGroup, 'kind' | 'apiVersion'>[];
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** `GET /api`: the core group's versions and where to reach the server. */
export function apiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: versionsOf(''),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string): Omit<APIGroup, 'kind' | 'apiVersion'> | undefined {
  const versions = versionsOf(group).map((version) => ({ groupVersion: groupVersionOf(group, version), version }));
  const preferred = versions[0];
  if (preferred === undefined) return undefined;
  return { name: group, versions, preferredVersion: preferred };
}

/** `GET /apis`. */
export function apiGroupList(): APIGroupList {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: namedGroups().flatMap((g) => groupEntry(g) ?? []),
  };
}

/** `GET /apis/<group>`; undefined for a group that is not served. */
export function apiGroup(group: string): APIGroup | undefined {
  if (group === '' || !namedGroups().includes(group)) return undefined;
  const entry = groupEntry(group);
  return entry === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...entry };
}

function legacyResources(r: Served): APIResource[] {
  const main: APIResource = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length > 0) main.shortNames = [...r.shortNames];
  if (r.categories.length > 0) main.categories = [...r.categories];
  const subs = r.subresources.map((s): APIResource => {
    const entry: APIResource = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.responseKind.kind, verbs: [...s.verbs] };
    // group/version are only spelled out when they differ from the list's (e.g. autoscaling/v1 Scale).
    if (s.responseKind.group !== r.group || s.responseKind.version !== r.version) {
      entry.group = s.responseKind.group;
      entry.version = s.responseKind.version;
    }
    return entry;
  });
  return [main, ...subs];
}

/** `GET /api/v1` or `GET /apis/<group>/<version>`; undefined when not served. */
export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const served = servedIn(group, version);
  if (served.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf(group, version),
    resources: served.flatMap(legacyResources),
  };
}

// ---- /version ----

export interface VersionInfo {
  /** Strings, not numbers: kubectl's version dispatcher fails on a numeric minor. */
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export function versionInfo(build: { gitCommit?: string; buildDate?: string } = {}): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-kubelite',
    gitCommit: build.gitCommit ?? '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: build.buildDate ?? '1970-01-01T00:00:00Z',
    goVersion: `node${process.version}`,
    compiler: 'kubelite',
    platform: 'linux/amd64',
  };
}
