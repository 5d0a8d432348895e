import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, Pod, Taint } from '../api/types/index.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, DAEMON_TOLERATIONS, daemonPodTemplate, daemonPodTemplateForNode, nodeShouldRunDaemonPod, pinToNode,
  targetNodeName, withDaemonTolerations,
} from './daemonset-nodes.js';

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } };
}

function ds(spec: Partial<DaemonSet['spec']['template']['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } } },
  };
}

test('every daemon pod tolerates node problems; a same toleration is replaced, others kept', () => {
  const t = withDaemonTolerations([
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' },
  ]);
  assert.equal(t.length, DAEMON_TOLERATIONS.length + 1);
  assert.deepEqual(t[0], { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }, 'no time limit');
  assert.deepEqual(t[1], { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' });
  for (const key of ['unreachable', 'disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) {
    assert.ok(t.some((x) => x.key === `node.kubernetes.io/${key}`), key);
  }
  assert.ok(!t.some((x) => x.key === 'node.kubernetes.io/network-unavailable'));
  assert.ok(withDaemonTolerations([], true).some((x) => x.key === 'node.kubernetes.io/network-unavailable'), 'hostNetwork pods tolerate it');
});

test('nodeSelector and required node affinity decide where a daemon pod runs', () => {
  const sel = ds({ nodeSelector: { role: 'edge' } });
  assert.deepEqual(nodeShouldRunDaemonPod(node('a', { role: 'edge' }), sel), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('b'), sel), { shouldRun: false, shouldContinueRunning: false });
  const aff = ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a'] }] }] } } } });
  assert.equal(nodeShouldRunDaemonPod(node('a'), aff).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('b'), aff).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('b'), ds({ nodeName: 'a' })).shouldRun, false);
});

test('taints: NoSchedule keeps new pods out but lets existing ones stay; NoExecute pushes them out; tolerations and node problems', () => {
  const noSched = node('n', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(noSched, ds()), { shouldRun: false, shouldContinueRunning: true });
  const noExec = node('n', {}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(noExec, ds()), { shouldRun: false, shouldContinueRunning: false });
  assert.equal(nodeShouldRunDaemonPod(noExec, ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] })).shouldRun, true);
  const controlPlane = node('cp', {}, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  assert.equal(nodeShouldRunDaemonPod(controlPlane, ds()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(controlPlane, ds({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] })).shouldRun, true);
  // cordoned (the node lifecycle controller's unschedulable taint) and memory pressure are tolerated
  const cordoned = node('c', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]);
  assert.equal(nodeShouldRunDaemonPod(cordoned, ds()).shouldRun, true);
  // not ready: no new pod (NoSchedule taint) but the running one stays (NoExecute tolerated)
  const notReady = node('r', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(notReady, ds()), { shouldRun: false, shouldContinueRunning: true });
  // PreferNoSchedule never matters
  assert.equal(nodeShouldRunDaemonPod(node('p', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), ds()).shouldRun, true);
});

test('pinToNode replaces the required terms only; targetNodeName reads them back', () => {
  const pinned = pinToNode({
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
    },
    podAntiAffinity: {},
  }, 'n7');
  assert.deepEqual(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
  assert.equal(pinned.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1);
  assert.deepEqual(pinned.podAntiAffinity, {});
  assert.deepEqual(pinToNode(undefined, 'x').nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values, ['x']);

  const pod = (spec: Partial<Pod['spec']>): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], ...spec } });
  assert.equal(targetNodeName(pod({ affinity: pinned })), 'n7');
  assert.equal(targetNodeName(pod({ affinity: pinned, nodeName: 'bound' })), 'bound');
  assert.equal(targetNodeName(pod({})), undefined);
});

test('the pod template carries the hash label, the tolerations and the pin, without touching the DaemonSet', () => {
  const d = ds();
  const t = daemonPodTemplateForNode(daemonPodTemplate(d.spec.template, 'abc'), 'n1');
  assert.equal(t.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL], 'abc');
  assert.equal(t.metadata?.labels?.app, 'd');
  assert.equal(t.spec.tolerations?.length, DAEMON_TOLERATIONS.length);
  assert.equal(t.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values?.[0], 'n1');
  assert.equal(d.spec.template.spec.tolerations, undefined);
  assert.equal(d.spec.template.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL], undefined);
});
