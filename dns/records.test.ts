import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket, { type Answer, type RecordType } from 'dns-packet';
import type { Endpoints, Service } from '../api/types/index.js';
import { canonicalName, inZone, ptrNameToIPv4, resolveLocal, type ZoneConfig } from './records.js';
import { ClusterState } from './state.js';

const cfg: ZoneConfig = { domain: 'cluster.local', ttl: 5, serviceIP: '10.96.0.10' };

function svc(ns: string, name: string, spec: Partial<Service['spec']>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: spec as Service['spec'] };
}

function eps(ns: string, name: string, subsets: Endpoints['subsets']): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: ns, name }, subsets };
}

function cluster(): ClusterState {
  return new ClusterState(
    [
      svc('default', 'web', { clusterIP: '10.96.3.7', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
      svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
      svc('default', 'empty', { clusterIP: 'None', ports: [{ name: 'x', port: 1, protocol: 'TCP' }] }),
      svc('default', 'ext', { type: 'ExternalName', externalName: 'Example.COM.', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
      svc('shop', 'cart', { clusterIP: '10.96.3.8', ports: [{ port: 9000 }] }),
    ],
    [
      eps('default', 'web', [{ addresses: [{ ip: '10.244.1.5' }], notReadyAddresses: [{ ip: '10.244.1.9' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]),
      eps('default', 'db', [{
        addresses: [{ ip: '10.244.1.10', hostname: 'db-0' }, { ip: '10.244.2.11', hostname: 'db-1' }, { ip: '10.244.2.12' }],
        notReadyAddresses: [{ ip: '10.244.2.13', hostname: 'db-2' }],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      }]),
      // Endpoints without a Service: no names, no PTR.
      eps('default', 'orphan', [{ addresses: [{ ip: '10.244.9.9' }] }]),
    ],
  );
}

function ask(name: string, type: RecordType, view = cluster()) {
  return resolveLocal({ name, type }, view, cfg);
}

function data(answers: Answer[], type?: string): unknown[] {
  return answers.filter((a) => !type || a.type === type).map((a) => ('data' in a ? a.data : undefined));
}

test('ClusterIP service: A is the ClusterIP, AAAA is empty NOERROR with the SOA', () => {
  const a = ask('web.default.svc.cluster.local', 'A')!;
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(a.answers, [{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.3.7' }]);
  assert.deepEqual(a.authorities, []);
  const aaaa = ask('web.default.svc.cluster.local', 'AAAA')!;
  assert.equal(aaaa.rcode, 'NOERROR');
  assert.deepEqual(aaaa.answers, []);
  assert.equal(aaaa.authorities[0].type, 'SOA');
  assert.equal(aaaa.authorities[0].name, 'cluster.local');
  assert.equal((aaaa.authorities[0] as { data: { minimum: number } }).data.minimum, 5);
});

test('names are case-insensitive and the owner name echoes the question; a trailing dot is fine', () => {
  const a = ask('WEB.Default.SVC.cluster.LOCAL.', 'A')!;
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(data(a.answers), ['10.96.3.7']);
  assert.equal(a.answers[0].name, 'WEB.Default.SVC.cluster.LOCAL.');
  assert.equal(canonicalName('A.B.'), 'a.b');
  assert.ok(inZone('X.Cluster.Local', 'cluster.local'));
  assert.ok(!inZone('notcluster.local', 'cluster.local'));
});

test('headless service: A records are the ready endpoint IPs only', () => {
  const a = ask('db.default.svc.cluster.local', 'A')!;
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(data(a.answers).sort(), ['10.244.1.10', '10.244.2.11', '10.244.2.12']);
  // no ready endpoints: the name exists, so NODATA rather than NXDOMAIN
  const e = ask('empty.default.svc.cluster.local', 'A')!;
  assert.equal(e.rcode, 'NOERROR');
  assert.deepEqual(e.answers, []);
  assert.equal(e.authorities[0].type, 'SOA');
});

test('hostname.subdomain names (StatefulSet pods) and dashed-IP endpoint names', () => {
  assert.deepEqual(data(ask('db-0.db.default.svc.cluster.local', 'A')!.answers), ['10.244.1.10']);
  assert.deepEqual(data(ask('DB-1.db.default.svc.cluster.local', 'A')!.answers), ['10.244.2.11']);
  assert.deepEqual(data(ask('10-244-2-12.db.default.svc.cluster.local', 'A')!.answers), ['10.244.2.12']);
  // a pod with a hostname is not also published under its dashed IP
  assert.equal(ask('10-244-1-10.db.default.svc.cluster.local', 'A')!.rcode, 'NXDOMAIN');
  // not ready: not published
  assert.equal(ask('db-2.db.default.svc.cluster.local', 'A')!.rcode, 'NXDOMAIN');
  // endpoint names work under ClusterIP services too (like CoreDNS)
  assert.deepEqual(data(ask('10-244-1-5.web.default.svc.cluster.local', 'A')!.answers), ['10.244.1.5']);
  assert.equal(ask('10-244-1-9.web.default.svc.cluster.local', 'A')!.rcode, 'NXDOMAIN');
});

test('SRV for named ports: ClusterIP target is the service, port is the service port, glue in additionals', () => {
  const a = ask('_http._tcp.web.default.svc.cluster.local', 'SRV')!;
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(a.answers, [{
    type: 'SRV', name: '_http._tcp.web.default.svc.cluster.local', ttl: 5, class: 'IN',
    data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
  }]);
  assert.deepEqual(a.additionals, [{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.3.7' }]);
  // protocol must match: dns is UDP
  assert.equal(ask('_dns._tcp.web.default.svc.cluster.local', 'SRV')!.rcode, 'NXDOMAIN');
  assert.equal(ask('_dns._udp.web.default.svc.cluster.local', 'SRV')!.answers.length, 1);
  assert.equal(ask('_HTTP._TCP.web.default.svc.cluster.local', 'SRV')!.answers.length, 1);
  assert.equal(ask('_nope._tcp.web.default.svc.cluster.local', 'SRV')!.rcode, 'NXDOMAIN');
  // the name exists, but has no A record
  const noA = ask('_http._tcp.web.default.svc.cluster.local', 'A')!;
  assert.equal(noA.rcode, 'NOERROR');
  assert.deepEqual(noA.answers, []);
  // _tcp.<svc> is an empty non-terminal; _quic is no protocol
  assert.equal(ask('_tcp.web.default.svc.cluster.local', 'SRV')!.rcode, 'NOERROR');
  assert.equal(ask('_http._quic.web.default.svc.cluster.local', 'SRV')!.rcode, 'NXDOMAIN');
});

test('SRV on a headless service: one record per ready endpoint, target named by hostname or dashed IP, endpoint port', () => {
  const a = ask('_pg._tcp.db.default.svc.cluster.local', 'SRV')!;
  const srv = a.answers.map((r) => (r as { data: { target: string; port: number; weight: number } }).data);
  assert.deepEqual(srv.map((s) => s.target).sort(), [
    '10-244-2-12.db.default.svc.cluster.local', 'db-0.db.default.svc.cluster.local', 'db-1.db.default.svc.cluster.local',
  ]);
  assert.ok(srv.every((s) => s.port === 5432 && s.weight === 33));
  assert.deepEqual(a.additionals.map((r) => `${r.name}=${(r as { data: string }).data}`).sort(), [
    '10-244-2-12.db.default.svc.cluster.local=10.244.2.12', 'db-0.db.default.svc.cluster.local=10.244.1.10', 'db-1.db.default.svc.cluster.local=10.244.2.11',
  ]);
  // SRV on the bare service name lists every port
  const bare = ask('web.default.svc.cluster.local', 'SRV')!;
  assert.deepEqual(bare.answers.map((r) => (r as { data: { port: number } }).data.port).sort(), [53, 80]);
  // an unnamed port has no _port._proto name
  assert.equal(ask('cart.shop.svc.cluster.local', 'SRV')!.answers.length, 1);
});

test('ExternalName: a CNAME to the external name for any type', () => {
  for (const t of ['A', 'AAAA', 'CNAME'] as const) {
    const a = ask('ext.default.svc.cluster.local', t)!;
    assert.equal(a.rcode, 'NOERROR');
    assert.deepEqual(a.answers, [{ type: 'CNAME', name: 'ext.default.svc.cluster.local', ttl: 5, class: 'IN', data: 'example.com' }]);
  }
  const srv = ask('_https._tcp.ext.default.svc.cluster.local', 'SRV')!;
  assert.deepEqual(data(srv.answers), [{ priority: 0, weight: 100, port: 443, target: 'example.com' }]);
});

test('NXDOMAIN with the SOA for unknown cluster names; NODATA for names that exist without records', () => {
  for (const n of ['nope.default.svc.cluster.local', 'web.nons.svc.cluster.local', 'foo.cluster.local', 'a.b.c.d.e.svc.cluster.local', 'nons.svc.cluster.local']) {
    const a = ask(n, 'A')!;
    assert.equal(a.rcode, 'NXDOMAIN', n);
    assert.deepEqual(a.answers, []);
    assert.equal(a.authorities.length, 1);
    assert.equal(a.authorities[0].type, 'SOA');
  }
  for (const n of ['cluster.local', 'svc.cluster.local', 'default.svc.cluster.local', 'pod.cluster.local', 'shop.pod.cluster.local', 'dns.cluster.local']) {
    const a = ask(n, 'A')!;
    assert.equal(a.rcode, 'NOERROR', n);
    assert.deepEqual(a.answers, [], n);
  }
});

test('search-path expansions of a full name must not match', () => {
  for (const n of [
    'web.default.svc.cluster.local.default.svc.cluster.local',
    'web.default.svc.cluster.local.svc.cluster.local',
    'web.default.svc.cluster.local.cluster.local',
    'web.default.svc.default.svc.cluster.local',
  ]) {
    assert.equal(ask(n, 'A')!.rcode, 'NXDOMAIN', n);
  }
});

test('names outside the zone are not ours (undefined → forwarded)', () => {
  assert.equal(ask('example.com', 'A'), undefined);
  assert.equal(ask('web.default.svc.cluster.local.example.com', 'A'), undefined);
  assert.equal(ask('cluster.localx', 'A'), undefined);
});

test('pods: <a-b-c-d>.<ns>.pod answers the dashed IP without checking the pod (insecure mode)', () => {
  const a = ask('10-244-1-5.default.pod.cluster.local', 'A')!;
  assert.deepEqual(data(a.answers), ['10.244.1.5']);
  assert.equal(ask('10-244-1-5.default.pod.cluster.local', 'AAAA')!.rcode, 'NOERROR');
  assert.equal(ask('10-244-1-256.default.pod.cluster.local', 'A')!.rcode, 'NXDOMAIN');
  assert.equal(ask('web.default.pod.cluster.local', 'A')!.rcode, 'NXDOMAIN');
  assert.equal(ask('x.10-244-1-5.default.pod.cluster.local', 'A')!.rcode, 'NXDOMAIN');
});

test('PTR for ClusterIPs and ready endpoint IPs; unknown IPs are forwarded', () => {
  assert.deepEqual(data(ask('7.3.96.10.in-addr.arpa', 'PTR')!.answers), ['web.default.svc.cluster.local']);
  assert.deepEqual(data(ask('10.1.244.10.IN-ADDR.ARPA.', 'PTR')!.answers), ['db-0.db.default.svc.cluster.local']);
  assert.deepEqual(data(ask('5.1.244.10.in-addr.arpa', 'PTR')!.answers), ['10-244-1-5.web.default.svc.cluster.local']);
  assert.equal(ask('9.1.244.10.in-addr.arpa', 'PTR'), undefined); // not ready
  assert.equal(ask('9.9.244.10.in-addr.arpa', 'PTR'), undefined); // endpoints without a service
  assert.equal(ask('1.0.0.127.in-addr.arpa', 'PTR'), undefined);
  assert.equal(ptrNameToIPv4('1.2.3.in-addr.arpa'), undefined);
  assert.equal(ptrNameToIPv4('4.3.2.1.in-addr.arpa'), '1.2.3.4');
});

test('the zone apex answers SOA and NS; ns.dns is the DNS service IP; dns-version TXT', () => {
  const soa = ask('cluster.local', 'SOA')!;
  assert.equal(soa.answers[0].type, 'SOA');
  const ns = ask('cluster.local', 'NS')!;
  assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
  assert.deepEqual(data(ns.additionals), ['10.96.0.10']);
  assert.deepEqual(data(ask('ns.dns.cluster.local', 'A')!.answers), ['10.96.0.10']);
  assert.deepEqual(data(ask('dns-version.cluster.local', 'TXT')!.answers), ['1.1.0']);
});

test('another cluster domain works the same', () => {
  const a = resolveLocal({ name: 'web.default.svc.k8s.test', type: 'A' }, cluster(), { domain: 'k8s.test', ttl: 30 })!;
  assert.deepEqual(a.answers, [{ type: 'A', name: 'web.default.svc.k8s.test', ttl: 30, class: 'IN', data: '10.96.3.7' }]);
  assert.equal(resolveLocal({ name: 'web.default.svc.cluster.local', type: 'A' }, cluster(), { domain: 'k8s.test', ttl: 30 }), undefined);
});

test('the state follows informer events: deletes remove names, namespaces and PTRs', () => {
  const view = cluster();
  const web = view.service('default', 'web')!;
  view.deleteService(web);
  assert.equal(ask('web.default.svc.cluster.local', 'A', view)!.rcode, 'NXDOMAIN');
  assert.equal(ask('7.3.96.10.in-addr.arpa', 'PTR', view), undefined);
  view.deleteService(view.service('shop', 'cart')!);
  assert.equal(ask('shop.svc.cluster.local', 'A', view)!.rcode, 'NXDOMAIN');
  view.setService(svc('shop', 'cart', { clusterIP: '10.96.3.9' }));
  assert.deepEqual(data(ask('cart.shop.svc.cluster.local', 'A', view)!.answers), ['10.96.3.9']);
  view.setEndpoints(eps('default', 'db', [{ addresses: [{ ip: '10.244.5.5', hostname: 'db-0' }] }]));
  assert.deepEqual(data(ask('db-0.db.default.svc.cluster.local', 'A', view)!.answers), ['10.244.5.5']);
  assert.equal(ask('10.1.244.10.in-addr.arpa', 'PTR', view), undefined);
  view.deleteEndpoints(view.endpoints('default', 'db')!);
  assert.equal(ask('db.default.svc.cluster.local', 'A', view)!.answers.length, 0);
});

test('IPv6 ClusterIPs answer AAAA', () => {
  const view = new ClusterState([svc('default', 'v6', { clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] })]);
  assert.deepEqual(data(ask('v6.default.svc.cluster.local', 'AAAA', view)!.answers), ['fd00::10']);
  assert.deepEqual(ask('v6.default.svc.cluster.local', 'A', view)!.answers, []);
});

test('every answer encodes with dns-packet', () => {
  for (const [n, t] of [
    ['_pg._tcp.db.default.svc.cluster.local', 'SRV'], ['nope.default.svc.cluster.local', 'A'], ['cluster.local', 'NS'],
    ['dns-version.cluster.local', 'TXT'], ['ext.default.svc.cluster.local', 'A'], ['7.3.96.10.in-addr.arpa', 'PTR'],
  ] as const) {
    const a = ask(n, t)!;
    const buf = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: n, type: t }], answers: a.answers, authorities: a.authorities, additionals: a.additionals });
    const back = dnsPacket.decode(buf);
    assert.equal(back.answers?.length, a.answers.length, n);
  }
});
