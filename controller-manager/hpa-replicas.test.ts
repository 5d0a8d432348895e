import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { DEFAULT_CALCULATOR_CONFIG as CFG, groupPods, podRequests, rawResourceReplicas, resourceReplicas, utilizationRatio, type PodMetricsInfo } from './hpa-replicas.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

interface P { cpu?: string; memory?: string; phase?: 'Pending' | 'Running' | 'Failed' | 'Succeeded'; ready?: boolean; startedAgo?: number; readyAgo?: number; deleting?: boolean }

function pod(name: string, o: P = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu !== null) requests.cpu = o.cpu ?? '1';
  if (o.memory) requests.memory = o.memory;
  const p: Pod = {
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'c', resources: { requests } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(o.startedAgo ?? 600),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readyAgo ?? 590) }],
    },
  };
  if (o.deleting) p.metadata.deletionTimestamp = ago(1);
  return p;
}

function metrics(values: Record<string, number>, atAgo = 0): PodMetricsInfo {
  return new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestampMs: NOW - atAgo * 1000, windowMs: 1000 }]));
}

const pods = (n: number, o: P = {}): Pod[] => Array.from({ length: n }, (_, i) => pod(`p${i}`, o));

test('scale up and down in proportion to utilization of requests', () => {
  // 50% against a 30% target: 3 → ceil(1.666… × 3) = 5
  assert.deepEqual(resourceReplicas(3, 30, 'cpu', pods(3), metrics({ p0: 300, p1: 500, p2: 700 }), CFG, NOW), { replicas: 5, utilization: 50, rawAverage: 500 });
  // 28% against 50%: 5 → ceil(0.56 × 5) = 3
  assert.equal(resourceReplicas(5, 50, 'cpu', pods(5), metrics({ p0: 100, p1: 300, p2: 500, p3: 250, p4: 250 }), CFG, NOW).replicas, 3);
  // 200% against 50% (a burner at its 200m limit with a 100m request): 1 → 4
  assert.deepEqual(resourceReplicas(1, 50, 'cpu', [pod('b', { cpu: '100m' })], metrics({ b: 200 }), CFG, NOW), { replicas: 4, utilization: 200, rawAverage: 200 });
});

test('within the 10% tolerance nothing changes', () => {
  assert.equal(resourceReplicas(3, 100, 'cpu', pods(3), metrics({ p0: 1050, p1: 1080, p2: 1070 }), CFG, NOW).replicas, 3);
  assert.equal(resourceReplicas(3, 100, 'cpu', pods(3), metrics({ p0: 920, p1: 910, p2: 950 }), CFG, NOW).replicas, 3);
  assert.equal(resourceReplicas(3, 100, 'cpu', pods(3), metrics({ p0: 1150, p1: 1150, p2: 1150 }), CFG, NOW).replicas, 4);
});

test('missing metrics: 100% of request on a scale-down, 0% on a scale-up, no change if the direction would flip', () => {
  assert.equal(resourceReplicas(4, 50, 'cpu', pods(4), metrics({ p0: 100, p1: 100, p2: 100 }), CFG, NOW).replicas, 3);
  assert.equal(resourceReplicas(4, 50, 'cpu', pods(4), metrics({ p0: 1000, p1: 1000, p2: 1000 }), CFG, NOW).replicas, 6);
  assert.equal(resourceReplicas(2, 50, 'cpu', pods(2), metrics({ p0: 400 }), CFG, NOW).replicas, 2);
  // the target above 100% is the fallback for missing pods
  assert.equal(resourceReplicas(2, 200, 'cpu', pods(2), metrics({ p0: 100 }), CFG, NOW).replicas, 2);
});

test('unready and pending pods count as 0% on a scale-up and are left out otherwise', () => {
  const ps = [pod('a'), pod('b'), pod('c', { ready: false, readyAgo: 590 }), pod('d', { phase: 'Pending' })];
  const m = metrics({ a: 1000, b: 1000, c: 0 });
  // ready ones at 100% of 50%: with c and d at 0, 2000/4000 = 50% → ratio 1 → within tolerance
  assert.equal(resourceReplicas(4, 50, 'cpu', ps, m, CFG, NOW).replicas, 4);
  assert.equal(resourceReplicas(3, 50, 'cpu', ps.slice(0, 3), m, CFG, NOW).replicas, 4, '2000/3000 = 66% → ceil(1.32 × 3)');
  // scale-down: unready pods do not hold it back
  assert.equal(resourceReplicas(3, 50, 'cpu', ps.slice(0, 3), metrics({ a: 100, b: 100, c: 900 }), CFG, NOW).replicas, 1);
});

test('groupPods: deleting and failed pods ignored; CPU warm-up judged by start time, readiness and sample window', () => {
  const ps = [
    pod('gone', { deleting: true }), pod('failed', { phase: 'Failed' }), pod('pending', { phase: 'Pending' }), pod('nometrics'),
    // started 60 s ago, ready for 30 s, sample taken now: counted
    pod('warm', { startedAgo: 60, readyAgo: 30 }),
    // ready only 0.5 s ago: its 1 s sample still covers the not-ready time
    pod('fresh', { startedAgo: 60, readyAgo: 0.5 }),
    // long running, went unready later: still counted (it was ready once)
    pod('flapped', { ready: false, startedAgo: 600, readyAgo: 100 }),
    // long running, never ready since start
    pod('never', { ready: false, startedAgo: 600, readyAgo: 590 }),
  ];
  const g = groupPods(ps, metrics({ gone: 1, failed: 1, pending: 1, warm: 1, fresh: 1, flapped: 1, never: 1 }), 'cpu', CFG, NOW);
  assert.deepEqual([...g.ignored].sort(), ['failed', 'gone']);
  assert.deepEqual([...g.unready].sort(), ['fresh', 'never', 'pending']);
  assert.deepEqual([...g.missing], ['nometrics']);
  assert.equal(g.readyPodCount, 2);
  // memory ignores readiness
  assert.equal(groupPods([pod('never', { ready: false })], metrics({ never: 1 }), 'memory', CFG, NOW).readyPodCount, 1);
});

test('errors: no pods, no usable metrics, a container without a request', () => {
  assert.throws(() => resourceReplicas(1, 50, 'cpu', [], metrics({}), CFG, NOW), /no pods returned by selector/);
  assert.throws(() => resourceReplicas(1, 50, 'cpu', [pod('a', { phase: 'Pending' })], metrics({ a: 5 }), CFG, NOW), /did not receive metrics for targeted pods/);
  assert.throws(() => resourceReplicas(1, 50, 'memory', [pod('a')], metrics({ a: 5 }), CFG, NOW), /missing request for memory in container c of Pod a/);
  assert.throws(() => utilizationRatio(metrics({ x: 1 }), new Map(), 50), /no metrics returned matched known pods/);
});

test('requests: one container or all, with restartable init containers', () => {
  const p = pod('a', { cpu: '250m' });
  p.spec.containers.push({ name: 'side', resources: { requests: { cpu: '0.5' } } });
  p.spec.initContainers = [{ name: 'init', resources: { requests: { cpu: '2' } } }, { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } }];
  assert.equal(podRequests([p], 'cpu').get('a'), 850);
  assert.equal(podRequests([p], 'cpu', 'side').get('a'), 500);
});

test('averageValue targets: memory per pod against a quantity', () => {
  const mi = 1024 * 1024 * 1000; // milli-bytes in a MiB
  const ps = pods(2, { memory: '64Mi' });
  assert.deepEqual(rawResourceReplicas(2, 100 * mi, 'memory', ps, metrics({ p0: 200 * mi, p1: 200 * mi }), CFG, NOW), { replicas: 4, usage: 200 * mi });
  assert.equal(rawResourceReplicas(4, 100 * mi, 'memory', pods(4), metrics({ p0: 20 * mi, p1: 20 * mi, p2: 20 * mi, p3: 20 * mi }), CFG, NOW).replicas, 1);
  assert.equal(rawResourceReplicas(2, 100 * mi, 'memory', pods(2), metrics({ p0: 105 * mi, p1: 100 * mi }), CFG, NOW).replicas, 2, 'tolerance');
  // a missing pod counts as exactly the target on a scale-down
  assert.equal(rawResourceReplicas(3, 100 * mi, 'memory', pods(3), metrics({ p0: 10 * mi, p1: 10 * mi }), CFG, NOW).replicas, 2);
});
