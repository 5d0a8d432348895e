import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES } from '../api/resources.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  type APIResourceDiscovery,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from './discovery.js';

function allResources(): (APIResourceDiscovery & { group: string; version: string })[] {
  return [...aggregatedDiscovery('core').items, ...aggregatedDiscovery('apis').items].flatMap((g) =>
    g.versions.flatMap((v) => v.resources.map((r) => ({ ...r, group: g.metadata.name, version: v.version }))),
  );
}

function find(group: string, version: string, resource: string): APIResourceDiscovery | undefined {
  return allResources().find((r) => r.group === group && r.version === version && r.resource === resource);
}

test('versionInfo: minor is a JSON string', () => {
  const v = versionInfo();
  assert.equal(v.major, '1');
  assert.equal(v.minor, '32');
  assert.equal(v.gitVersion, 'v1.32.0-kubelite');
  assert.match(JSON.stringify(v), /"minor":"32"/);
  assert.equal(v.goVersion, `node${process.version}`);
  assert.equal(versionInfo({ gitCommit: 'abc' }).gitCommit, 'abc');
});

test('aggregated discovery envelope: /api is the core group only, /apis the named groups', () => {
  const core = aggregatedDiscovery('core');
  assert.equal(core.kind, 'APIGroupDiscoveryList');
  assert.equal(core.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.deepEqual(core.metadata, {});
  assert.deepEqual(core.items.map((g) => g.metadata.name), ['']);
  assert.deepEqual(core.items[0]?.versions.map((v) => [v.version, v.freshness]), [['v1', 'Current']]);
  const names = aggregatedDiscovery('apis').items.map((g) => g.metadata.name);
  assert.equal(names.includes(''), false);
  for (const g of ['apps', 'batch', 'autoscaling', 'coordination.k8s.io', 'rbac.authorization.k8s.io', 'metrics.k8s.io']) assert.ok(names.includes(g), g);
  const autoscaling = aggregatedDiscovery('apis').items.find((g) => g.metadata.name === 'autoscaling');
  assert.deepEqual(autoscaling?.versions.map((v) => v.version), ['v2', 'v1']);
});

test('every served resource is in discovery with responseKind, scope, singular and verbs', () => {
  for (const r of RESOURCES) {
    const d = find(r.group, r.version, r.resource);
    assert.ok(d, `${r.group}/${r.version}/${r.resource}`);
    assert.deepEqual(d.responseKind, { group: r.group, version: r.version, kind: r.kind });
    assert.equal(d.scope, r.namespaced ? 'Namespaced' : 'Cluster');
    assert.equal(d.singularResource, r.singular);
    assert.deepEqual(d.verbs, r.verbs);
  }
  for (const d of allResources()) assert.ok(d.responseKind.kind !== '', d.resource);
});

test('short names and the all category', () => {
  const short = new Map(allResources().flatMap((r) => (r.shortNames ?? []).map((s) => [s, r.resource] as const)));
  const want: Record<string, string> = {
    deploy: 'deployments', svc: 'services', po: 'pods', rs: 'replicasets', ds: 'daemonsets', sts: 'statefulsets',
    ns: 'namespaces', no: 'nodes', ep: 'endpoints', cm: 'configmaps', hpa: 'horizontalpodautoscalers', cj: 'cronjobs',
  };
  for (const [s, resource] of Object.entries(want)) assert.equal(short.get(s), resource, s);
  for (const [g, v, res] of [['', 'v1', 'pods'], ['', 'v1', 'services'], ['apps', 'v1', 'deployments'], ['apps', 'v1', 'replicasets'],
    ['apps', 'v1', 'daemonsets'], ['apps', 'v1', 'statefulsets'], ['batch', 'v1', 'jobs'], ['batch', 'v1', 'cronjobs'],
    ['autoscaling', 'v2', 'horizontalpodautoscalers']] as const) {
    assert.deepEqual(find(g, v, res)?.categories, ['all'], res);
  }
  assert.equal(find('', 'v1', 'configmaps')?.categories, undefined);
});

test('subresources: status, scale (autoscaling/v1 Scale) and pod streams', () => {
  const deploy = find('apps', 'v1', 'deployments');
  assert.deepEqual(deploy?.subresources, [
    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
  ]);
  const pods = find('', 'v1', 'pods');
  assert.deepEqual(pods?.subresources?.map((s) => s.subresource), ['binding', 'exec', 'log', 'portforward', 'status']);
  assert.deepEqual(pods?.subresources?.find((s) => s.subresource === 'exec')?.responseKind, { group: '', version: 'v1', kind: 'PodExecOptions' });
  assert.equal(find('', 'v1', 'configmaps')?.subresources, undefined);
});

test('metrics.k8s.io/v1beta1 is discoverable for kubectl top', () => {
  assert.deepEqual(find('metrics.k8s.io', 'v1beta1', 'pods')?.responseKind, { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' });
  assert.deepEqual(find('metrics.k8s.io', 'v1beta1', 'nodes')?.verbs, ['get', 'list']);
  assert.equal(find('metrics.k8s.io', 'v1beta1', 'nodes')?.scope, 'Cluster');
  assert.equal(apiGroup('metrics.k8s.io')?.preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
  assert.deepEqual(apiResourceList('metrics.k8s.io', 'v1beta1')?.resources.map((r) => r.kind), ['NodeMetrics', 'PodMetrics']);
});

test('wantsAggregatedDiscovery', () => {
  const kubectl =
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(wantsAggregatedDiscovery(kubectl), true);
  assert.equal(wantsAggregatedDiscovery(AGGREGATED_DISCOVERY_CONTENT_TYPE), true);
  assert.equal(wantsAggregatedDiscovery('application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList'), true);
  assert.equal(wantsAggregatedDiscovery('application/json'), false);
  assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'), false);
  assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0'), false);
  assert.equal(wantsAggregatedDiscovery(undefined), false);
  assert.equal(wantsAggregatedDiscovery('*/*'), false);
});

test('legacy APIVersions, APIGroupList and APIGroup', () => {
  assert.deepEqual(apiVersions('10.0.0.1:6443'), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
  });
  const list = apiGroupList();
  assert.equal(list.kind, 'APIGroupList');
  assert.equal(list.apiVersion, 'v1');
  const autoscaling = list.groups.find((g) => g.name === 'autoscaling');
  assert.deepEqual(autoscaling?.versions, [
    { groupVersion: 'autoscaling/v2', version: 'v2' },
    { groupVersion: 'autoscaling/v1', version: 'v1' },
  ]);
  assert.deepEqual(autoscaling?.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.equal(list.groups.some((g) => g.name === ''), false);
  assert.deepEqual(apiGroup('apps'), {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
  assert.equal(apiGroup('nope.example.com'), undefined);
  assert.equal(apiGroup(''), undefined);
});

test('legacy APIResourceList with subresource entries', () => {
  const core = apiResourceList('', 'v1');
  assert.equal(core?.kind, 'APIResourceList');
  assert.equal(core?.groupVersion, 'v1');
  const byName = new Map(core?.resources.map((r) => [r.name, r]));
  assert.deepEqual(byName.get('pods'), {
    name: 'pods',
    singularName: 'pod',
    namespaced: true,
    kind: 'Pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'],
    categories: ['all'],
  });
  for (const sub of ['pods/status', 'pods/log', 'pods/exec', 'pods/binding', 'pods/portforward', 'nodes/status']) assert.ok(byName.has(sub), sub);
  assert.deepEqual(byName.get('pods/exec'), { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
  assert.equal(byName.get('nodes')?.namespaced, false);

  const apps = apiResourceList('apps', 'v1');
  assert.equal(apps?.groupVersion, 'apps/v1');
  assert.deepEqual(apps?.resources.find((r) => r.name === 'deployments/scale'), {
    name: 'deployments/scale',
    singularName: '',
    namespaced: true,
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
  });
  assert.equal(apiResourceList('autoscaling', 'v1')?.resources[0]?.kind, 'HorizontalPodAutoscaler');
  assert.equal(apiResourceList('apps', 'v2'), undefined);
  assert.equal(apiResourceList('nope', 'v1'), undefined);
});
