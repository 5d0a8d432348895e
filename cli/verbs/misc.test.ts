import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { hoistGlobalFlags, parseDuration } from './context.js';
import { rolloutStatus, tabwriteHistory } from './rollout-format.js';
import { nodeMetricRows, podMetricRows, topText } from './top.js';
import { contextRows, mergeDocs, minify, redact, structOrder } from './config.js';
import { apiResourceRows, clusterInfoText } from './cluster-info.js';
import { formatRows } from './tabwriter.js';
import { bashCompletion } from './completion.js';
import { errorComment, stripComments } from './edit.js';
import type { Node } from '../../api/types/index.js';

test('global flags before the verb move behind it', () => {
  const verbs = { get: {}, rollout: { status: {} }, create: { service: { clusterip: {} } } };
  assert.deepEqual(hoistGlobalFlags(['node', 'k', '-n', 'x', 'get', 'pods'], verbs), ['node', 'k', 'get', '-n', 'x', 'pods']);
  assert.deepEqual(hoistGlobalFlags(['node', 'k', '--context=c', '--kubeconfig', 'f', 'get', 'po'], verbs), ['node', 'k', 'get', '--context=c', '--kubeconfig', 'f', 'po']);
  assert.deepEqual(hoistGlobalFlags(['n', 'k', '-n', 'x', 'rollout', 'status', 'deploy/w'], verbs), ['n', 'k', 'rollout', 'status', '-n', 'x', 'deploy/w']);
  assert.deepEqual(hoistGlobalFlags(['n', 'k', '-n', 'x', 'create', 'service', 'clusterip', 's'], verbs), ['n', 'k', 'create', 'service', 'clusterip', '-n', 'x', 's']);
  assert.deepEqual(hoistGlobalFlags(['n', 'k', '-n', 'x', 'create', '-f', 'a.yaml'], verbs), ['n', 'k', 'create', '-n', 'x', '-f', 'a.yaml']);
  const same = ['node', 'k', 'apiserver', '--kubeconfig', 'f'];
  assert.equal(hoistGlobalFlags(same, verbs), same);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('3'), 3000);
  assert.throws(() => parseDuration('soon'));
});

test('rollout status messages', () => {
  const d = (spec: object, status: object, generation = 2): KubeObject => ({ kind: 'Deployment', metadata: { name: 'web', generation }, spec, status });
  assert.equal(rolloutStatus(d({ replicas: 3 }, { observedGeneration: 1 })).message, 'Waiting for deployment spec update to be observed...\n');
  assert.equal(rolloutStatus(d({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 1 })).message, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
  assert.equal(rolloutStatus(d({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 })).message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n');
  assert.equal(rolloutStatus(d({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 1 })).message, 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n');
  const done = rolloutStatus(d({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }));
  assert.deepEqual(done, { message: 'deployment "web" successfully rolled out\n', done: true });
  assert.throws(() => rolloutStatus(d({}, { observedGeneration: 2, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] })), /exceeded its progress deadline/);
  assert.equal(tabwriteHistory([['1', '<none>'], ['2', 'kubelite set image']]), 'REVISION  CHANGE-CAUSE\n1         <none>\n2         kubelite set image\n');
});

test('top rows', () => {
  const pods = [
    { metadata: { name: 'a', namespace: 'd' }, containers: [{ name: 'c1', usage: { cpu: '1500000n', memory: '2Mi' } }, { name: 'c2', usage: { cpu: '3m', memory: '1048576' } }] },
    { metadata: { name: 'b', namespace: 'd' }, containers: [{ name: 'c', usage: { cpu: '10m', memory: '1Ki' } }] },
  ];
  assert.equal(topText(podMetricRows(pods, { sortBy: 'cpu' })), 'NAME   CPU(cores)   MEMORY(bytes)   \nb      10m          0Mi             \na      5m           3Mi             \n');
  assert.deepEqual(podMetricRows(pods, { containers: true, allNamespaces: true })[1], ['d', 'a', 'c1', '2m', '2Mi']);
  const node = { metadata: { name: 'n' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } } as unknown as Node;
  assert.deepEqual(nodeMetricRows([{ metadata: { name: 'n' }, usage: { cpu: '500m', memory: '1Gi' } }], [node, { metadata: { name: 'm' } } as Node], {}), [
    ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'],
    ['n', '500m', '25%', '1024Mi', '25%'],
    ['m', '<unknown>', '<unknown>', '<unknown>', '<unknown>'],
  ]);
});

test('kubeconfig: merge (first wins), redact, minify, contexts table, struct order', () => {
  const a = { 'current-context': 'c1', clusters: [{ name: 'k', cluster: { server: 's', 'certificate-authority-data': 'QQ==' } }], contexts: [{ name: 'c1', context: { cluster: 'k', user: 'u', namespace: 'ns' } }], users: [{ name: 'u', user: { token: 't' } }] };
  const b = { 'current-context': 'c2', contexts: [{ name: 'c1', context: { cluster: 'other' } }, { name: 'c2', context: { cluster: 'k2', user: 'u2' } }] };
  const doc = mergeDocs([a, b]);
  assert.equal(doc['current-context'], 'c1');
  assert.deepEqual(doc.contexts.map((c) => c.name), ['c1', 'c2']);
  const red = redact(doc);
  assert.equal((red.clusters[0].cluster as Record<string, string>)['certificate-authority-data'], 'DATA+OMITTED');
  assert.equal((red.users[0].user as Record<string, string>).token, 'REDACTED');
  assert.deepEqual(minify(doc).contexts.map((c) => c.name), ['c1']);
  assert.equal(formatRows(contextRows(doc)), 'CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         c1     k         u          ns\n          c2     k2        u2         \n');
  assert.deepEqual(Object.keys(structOrder(doc)), ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context']);
});

test('cluster-info, api-resources, completion, edit helpers', () => {
  assert.equal(clusterInfoText('https://1.2.3.4:6443', [{ name: 'kube-dns', namespace: 'kube-system', label: 'CoreDNS', ports: [{ name: 'dns', port: 53 }] }]),
    'Kubernetes control plane is running at https://1.2.3.4:6443\nCoreDNS is running at https://1.2.3.4:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use \'kubelite cluster-info dump\'.\n');
  const rows = apiResourceRows([
    { group: 'apps', version: 'v1', resource: { name: 'deployments', namespaced: true, kind: 'Deployment', shortNames: ['deploy'] } },
    { group: '', version: 'v1', resource: { name: 'pods', namespaced: true, kind: 'Pod', shortNames: ['po'] } },
  ], {});
  assert.deepEqual(rows.map((r) => r[0]), ['NAME', 'pods', 'deployments']);
  assert.match(bashCompletion(['get', 'logs'], ['pods', 'po']), /complete -o default -F _kubelite kubelite/);
  assert.equal(stripComments('# a\nkind: Pod\n  # b\nx: 1\n'), 'kind: Pod\nx: 1');
  assert.equal(errorComment('deployments.apps "web"', ['spec.replicas: bad']), '# deployments.apps "web" was not valid:\n# * spec.replicas: bad\n#\n');
});
