import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, lines, service, statusErrors, updateErrors } from './testing.js';

function errs(obj: Loose, edit: (o: Loose) => void = () => {}): string[] {
  edit(obj);
  return lines(createErrors(obj));
}

test('ports are required except for ExternalName and headless services', () => {
  assert.deepEqual(errs(service(), (s) => { s.spec.ports = []; }), ['spec.ports: Required value']);
  assert.deepEqual(errs(service(), (s) => { s.spec.ports = []; s.spec.clusterIP = 'None'; }), []);
  assert.deepEqual(errs(service(), (s) => { s.spec = { type: 'ExternalName', externalName: 'db.example.com.' }; }), []);
  assert.deepEqual(errs(service(), (s) => { s.spec = { type: 'ExternalName' }; }), ['spec.externalName: Required value']);
});

test('ports: range, protocol, names required when several and unique', () => {
  assert.deepEqual(errs(service(), (s) => { s.spec.ports = [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'dns', port: 53, protocol: 'UDP' }]; }), []);
  assert.deepEqual(errs(service(), (s) => {
    s.spec.ports = [{ port: 80 }, { name: 'b', port: 0, protocol: 'HTTP', targetPort: 'Not_A_Name' }, { name: 'b', port: 80 }];
  }), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[1].targetPort: Invalid value: "Not_A_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.ports[2].name: Duplicate value: "b"',
    'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
});

test('type values; nodePort only for NodePort/LoadBalancer', () => {
  assert.deepEqual(errs(service(), (s) => { s.spec.type = 'NodePort'; s.spec.ports[0].nodePort = 30080; }), []);
  assert.deepEqual(errs(service(), (s) => { s.spec.type = 'Ingress'; }), [
    'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(errs(service(), (s) => { s.spec.ports[0].nodePort = 30080; }),
    ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(errs(service(), (s) => { s.spec.type = 'NodePort'; s.spec.clusterIP = 'None'; }),
    ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]);
});

test('clusterIP: None or a valid IP', () => {
  assert.deepEqual(errs(service(), (s) => { s.spec.clusterIP = '10.96.0.10'; }), []);
  assert.deepEqual(errs(service(), (s) => { s.spec.clusterIP = '10.96.0.300'; }),
    ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(errs(service(), (s) => { s.spec.clusterIP = '10.96.0.10'; s.spec.clusterIPs = ['10.96.0.11']; }),
    ['spec.clusterIPs: Invalid value: []string{"10.96.0.11"}: first value must match `clusterIP`']);
});

test('session affinity, traffic policies and externalIPs', () => {
  assert.deepEqual(errs(service(), (s) => { s.spec.sessionAffinity = 'ClientIP'; s.spec.externalIPs = ['203.0.113.10']; }), []);
  assert.deepEqual(errs(service(), (s) => {
    s.spec.sessionAffinity = 'Sticky';
    s.spec.externalTrafficPolicy = 'Local';
    s.spec.internalTrafficPolicy = 'Node';
    s.spec.externalIPs = ['127.0.0.1'];
  }), [
    'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
    'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
  ]);
  assert.deepEqual(errs(service(), (s) => { s.spec.sessionAffinity = 'ClientIP'; s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } }; }),
    ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']);
  assert.deepEqual(errs(service(), (s) => { s.spec.externalTrafficPolicy = 'Local'; }),
    ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']);
});

test('selector values are label values', () => {
  assert.equal(errs(service(), (s) => { s.spec.selector = { app: 'bad value' }; })[0].split(':')[0], 'spec.selector');
});

test('update: clusterIP cannot change once set, except to or from ExternalName', () => {
  const old = service();
  old.spec.clusterIP = '10.96.0.10';
  createErrors(old);
  const next = clone(old);
  next.spec.ports[0].port = 8080;
  next.spec.ports[0].targetPort = 8080;
  assert.deepEqual(updateErrors(next, old), []);
  next.spec.clusterIP = '10.96.0.11';
  next.spec.clusterIPs = ['10.96.0.11'];
  assert.deepEqual(lines(updateErrors(next, old)), ['spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set']);
  const ext = clone(old);
  ext.spec = { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' };
  assert.deepEqual(updateErrors(ext, old), []);
});

test('status: load balancer ingress', () => {
  const old = service();
  createErrors(old);
  const next = clone(old);
  next.status = { loadBalancer: { ingress: [{ ip: '198.51.100.1' }, { hostname: 'lb.example.com' }] } };
  assert.deepEqual(statusErrors(next, old), []);
  next.status = { loadBalancer: { ingress: [{ ip: 'nope' }] } };
  assert.equal(statusErrors(next, old)[0].field, 'status.loadBalancer.ingress[0].ip');
});

function endpoints(subsets: unknown): Loose {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets };
}

test('endpoints: addresses are routable IPs, ports valid', () => {
  assert.deepEqual(errs(endpoints([{
    addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1' } }],
    notReadyAddresses: [{ ip: 'fd00::5', hostname: 'web-2' }], ports: [{ port: 80 }],
  }])), []);
  assert.deepEqual(errs(endpoints([
    { ports: [{ port: 80 }] },
    { addresses: [{ ip: '169.254.0.1' }, { ip: 'x' }], ports: [{ port: 80 }, { name: 'b', port: 99999, protocol: 'TCP' }] },
  ])), [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].addresses[0].ip: Invalid value: "169.254.0.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'subsets[1].addresses[1].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[1].ports[0].name: Required value',
    'subsets[1].ports[1].port: Invalid value: 99999: must be between 1 and 65535, inclusive',
  ]);
});
