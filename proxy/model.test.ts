import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, clusterEndpoints, externalEndpoints, ModelBuilder } from './model.js';
import { endpoints, lookup, service } from './testdata.js';

test('a service port gets the ready endpoints of the Endpoints port with its name', () => {
  const svc = service('web', '10.96.0.10', {
    ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9090, targetPort: 9090 }],
  });
  const eps = endpoints('web', ['10.244.1.3', '10.244.1.2'], { notReady: ['10.244.1.9'] });
  eps.subsets!.push({ addresses: [{ ip: '10.244.2.2' }], ports: [{ name: 'http', port: 8081 }, { name: 'metrics', port: 9090 }] });
  const m = buildModel([svc], lookup([eps]), { nodeName: 'node-a' });
  assert.equal(m.ports.length, 2);
  const [http, metrics] = m.ports;
  assert.equal(http.name, 'default/web:http');
  assert.equal(http.protocol, 'tcp');
  assert.deepEqual(http.endpoints.map((e) => `${e.ip}:${e.port}`), ['10.244.1.2:8080', '10.244.1.3:8080', '10.244.2.2:8081']);
  assert.deepEqual(http.endpoints.map((e) => [e.local, e.nodeUnknown]), [[true, false], [true, false], [false, true]]);
  assert.deepEqual(metrics.endpoints.map((e) => `${e.ip}:${e.port}`), ['10.244.2.2:9090']);
});

test('an unnamed port matches the unnamed Endpoints port', () => {
  const svc = service('one', '10.96.0.11', { ports: [{ port: 80, targetPort: 8080 }] });
  const m = buildModel([svc], lookup([endpoints('one', ['10.244.1.2'], { portName: '' })]));
  assert.equal(m.ports[0].name, 'default/one');
  assert.equal(m.ports[0].endpoints.length, 1);
});

test('headless and ExternalName services are not proxied', () => {
  const m = buildModel([
    service('headless', 'None'),
    { ...service('ext', ''), spec: { type: 'ExternalName', externalName: 'example.com' } },
  ], lookup([]));
  assert.equal(m.ports.length, 0);
});

test('NodePort, LoadBalancer IPs, externalIPs, affinity and policies are carried over', () => {
  const lb = service('lb', '10.96.0.12', {
    type: 'LoadBalancer', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP', externalIPs: ['192.0.2.50'],
    ports: [{ name: 'http', port: 80, nodePort: 30080 }],
  });
  lb.status = { loadBalancer: { ingress: [{ ip: '127.0.0.50' }, { hostname: 'x.example' }] } };
  const np = service('np', '10.96.0.13', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30081 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
  np.status = { loadBalancer: { ingress: [{ ip: '127.0.0.51' }] } }; // not a LoadBalancer: ignored
  const m = buildModel([lb, np], lookup([
    endpoints('lb', ['10.244.1.2'], { nodeName: 'node-a' }),
    { ...endpoints('lb', ['10.244.2.2'], { nodeName: 'node-b' }), metadata: { name: 'ignored' } },
  ]), { nodeName: 'node-a' });
  const [p, q] = m.ports;
  assert.deepEqual(p.loadBalancerIPs, ['127.0.0.50']);
  assert.deepEqual(p.externalIPs, ['192.0.2.50']);
  assert.equal(p.nodePort, 30080);
  assert.equal(p.affinitySeconds, 10800);
  assert.equal(p.externalPolicyLocal, true);
  assert.deepEqual(q.loadBalancerIPs, []);
  assert.equal(q.affinitySeconds, 60);
});

test('Local external policy keeps only local endpoints for outside traffic', () => {
  const svc = service('loc', '10.96.0.14', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30082 }] });
  const eps = endpoints('loc', ['10.244.1.2'], { nodeName: 'node-a' });
  eps.subsets!.push({ addresses: [{ ip: '10.244.2.2', nodeName: 'node-b' }], ports: [{ name: 'http', port: 8080 }] });
  const [p] = buildModel([svc], lookup([eps]), { nodeName: 'node-a' }).ports;
  assert.equal(clusterEndpoints(p).length, 2);
  assert.deepEqual(externalEndpoints(p).map((e) => e.ip), ['10.244.1.2']);
});

test('an address claimed twice goes to the first service by name', () => {
  const a = service('a', '10.96.0.20', { externalIPs: ['192.0.2.9'] });
  const b = service('b', '10.96.0.21', { externalIPs: ['192.0.2.9'], type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090 }] });
  const c = service('c', '10.96.0.22', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090 }] });
  for (const order of [[c, b, a], [a, b, c], [b, c, a]]) {
    const m = buildModel(order, lookup([]));
    const byName = new Map(m.ports.map((p) => [p.service, [p.externalIPs, p.nodePort]]));
    assert.deepEqual(byName.get('a'), [['192.0.2.9'], undefined]);
    assert.deepEqual(byName.get('b'), [[], 30090]);
    assert.deepEqual(byName.get('c'), [[], undefined]);
    assert.equal(m.conflicts.length, 2);
  }
  // a ClusterIP beats an externalIP whatever the names
  const z = service('z', '10.96.0.40');
  const y = service('y', '10.96.0.41', { externalIPs: ['10.96.0.40'] });
  const m2 = buildModel([y, z], lookup([]));
  assert.deepEqual(m2.ports.map((p) => [p.service, p.clusterIPs, p.externalIPs]), [['y', ['10.96.0.41'], []], ['z', ['10.96.0.40'], []]]);
});

test('ModelBuilder reuses the models of services whose objects did not change', () => {
  const svcs = [service('a', '10.96.0.30'), service('b', '10.96.0.31')];
  const eps = [endpoints('a', ['10.244.1.2']), endpoints('b', ['10.244.1.3'])];
  const b = new ModelBuilder({ nodeName: 'node-a' });
  const m1 = b.build(svcs, lookup(eps));
  eps[1] = endpoints('b', ['10.244.1.4']);
  const m2 = b.build(svcs, lookup(eps));
  assert.equal(m2.ports[0], m1.ports[0]);
  assert.notEqual(m2.ports[1], m1.ports[1]);
  assert.deepEqual(m2.ports[1].endpoints.map((e) => e.ip), ['10.244.1.4']);
  assert.equal(b.build([svcs[0]], lookup(eps)).ports.length, 1);
});
