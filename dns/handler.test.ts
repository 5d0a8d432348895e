import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket, { type Answer, type Packet, type RecordType } from 'dns-packet';
import type { Endpoints, Service } from '../api/types/index.js';
import { QueryHandler, type Forward, type QueryOutcome } from './handler.js';
import { ClusterState } from './state.js';

function svc(name: string, spec: Partial<Service['spec']>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name }, spec: spec as Service['spec'] };
}

/** A forwarder that answers every A question with 192.0.2.1 and records what it was asked. */
class FakeForward implements Forward {
  asked: Array<{ name: string; tcp: boolean }> = [];
  fail = false;
  async forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    const q = dnsPacket.decode(query);
    this.asked.push({ name: q.questions![0].name, tcp });
    if (this.fail) return undefined;
    return dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions,
      answers: [{ type: 'A', name: q.questions![0].name, ttl: 60, data: '192.0.2.1' }],
    });
  }
}

function setup(opts: { ready?: boolean; endpoints?: Endpoints[] } = {}) {
  const fwd = new FakeForward();
  const outcomes: QueryOutcome[] = [];
  const state = new ClusterState([
    svc('web', { clusterIP: '10.96.3.7', ports: [{ name: 'http', port: 80 }] }),
    svc('ext', { type: 'ExternalName', externalName: 'example.org' }),
    svc('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    svc('big', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }),
    svc('four', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }),
  ], [
    ...(opts.endpoints ?? []),
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'default', name: 'four' }, subsets: [{ addresses: [1, 2, 3, 4].map((i) => ({ ip: `10.244.2.${i}` })), ports: [{ name: 'p', port: 1 }] }] },
  ]);
  const h = new QueryHandler({
    view: state, zone: { domain: 'cluster.local', ttl: 5 }, forwarder: fwd, ready: () => opts.ready ?? true, onQuery: (o) => outcomes.push(o),
  });
  return { h, fwd, outcomes };
}

function query(name: string, type: RecordType, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }], ...extra });
}

function rcodeOf(b: Buffer): string {
  return (dnsPacket.decode(b) as ReturnType<typeof dnsPacket.decode> & { rcode: string }).rcode;
}

test('cluster answers are authoritative, keep the ID and RD, offer RA', async () => {
  const { h, outcomes } = setup();
  const out = dnsPacket.decode((await h.handle(query('web.default.svc.cluster.local', 'A'), 'udp'))!);
  assert.equal(out.id, 4242);
  assert.ok(out.flag_qr && out.flag_aa && out.flag_rd && out.flag_ra);
  assert.deepEqual(out.answers?.map((a) => (a as { data: string }).data), ['10.96.3.7']);
  assert.deepEqual(outcomes.map((o) => [o.source, o.rcode, o.proto, o.qtype]), [['cluster', 'NOERROR', 'udp', 'A']]);
});

test('NXDOMAIN carries the SOA; other names are forwarded (over TCP for TCP queries)', async () => {
  const { h, fwd } = setup();
  const nx = (await h.handle(query('nope.default.svc.cluster.local', 'A'), 'udp'))!;
  assert.equal(rcodeOf(nx), 'NXDOMAIN');
  assert.equal(dnsPacket.decode(nx).authorities?.[0].type, 'SOA');
  assert.deepEqual(fwd.asked, []);
  const f = dnsPacket.decode((await h.handle(query('example.com', 'A'), 'tcp'))!);
  assert.deepEqual(f.answers?.map((a) => (a as { data: string }).data), ['192.0.2.1']);
  assert.deepEqual(fwd.asked, [{ name: 'example.com', tcp: true }]);
});

test('SERVFAIL when every upstream fails; cluster names never reach the forwarder', async () => {
  const { h, fwd } = setup();
  fwd.fail = true;
  assert.equal(rcodeOf((await h.handle(query('example.com', 'A'), 'udp'))!), 'SERVFAIL');
  assert.equal(rcodeOf((await h.handle(query('x.y.svc.cluster.local', 'A'), 'udp'))!), 'NXDOMAIN');
  assert.deepEqual(fwd.asked.map((a) => a.name), ['example.com']);
});

test('before the caches synced, cluster names get SERVFAIL (not a cached NXDOMAIN) while forwarding works', async () => {
  const { h } = setup({ ready: false });
  assert.equal(rcodeOf((await h.handle(query('web.default.svc.cluster.local', 'A'), 'udp'))!), 'SERVFAIL');
  assert.equal(rcodeOf((await h.handle(query('example.com', 'A'), 'udp'))!), 'NOERROR');
});

test('ExternalName CNAMEs are followed: outside names through the forwarder, cluster names locally', async () => {
  const { h, fwd } = setup();
  const ext = dnsPacket.decode((await h.handle(query('ext.default.svc.cluster.local', 'A'), 'udp'))!);
  assert.deepEqual(ext.answers?.map((a) => `${a.type} ${(a as { data: string }).data}`), ['CNAME example.org', 'A 192.0.2.1']);
  assert.deepEqual(fwd.asked.map((a) => a.name), ['example.org']);
  const alias = dnsPacket.decode((await h.handle(query('alias.default.svc.cluster.local', 'A'), 'udp'))!);
  assert.deepEqual(alias.answers?.map((a) => `${a.type} ${(a as { data: string }).data}`), ['CNAME web.default.svc.cluster.local', 'A 10.96.3.7']);
  // asking for the CNAME itself does not chase
  const only = dnsPacket.decode((await h.handle(query('ext.default.svc.cluster.local', 'CNAME'), 'udp'))!);
  assert.equal(only.answers?.length, 1);
});

test('UDP answers over 512 bytes (no EDNS) keep the records that fit and set TC; over TCP or with EDNS all fit', async () => {
  // dns-packet writes names uncompressed (~45 bytes per A record): 20 records are over 512 but under 1232.
  const addresses = Array.from({ length: 20 }, (_, i) => ({ ip: `10.244.1.${i + 1}` }));
  const { h } = setup({ endpoints: [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'default', name: 'big' }, subsets: [{ addresses, ports: [{ name: 'p', port: 1 }] }] }] });
  const udp = (await h.handle(query('big.default.svc.cluster.local', 'A'), 'udp'))!;
  const u = dnsPacket.decode(udp);
  assert.ok(u.flag_tc);
  assert.ok(udp.length <= 512);
  assert.ok((u.answers?.length ?? 0) >= 8 && (u.answers?.length ?? 0) < 20, `kept ${u.answers?.length}`);
  assert.equal(u.id, 4242);
  const t = dnsPacket.decode((await h.handle(query('big.default.svc.cluster.local', 'A'), 'tcp'))!);
  assert.ok(!t.flag_tc);
  assert.equal(t.answers?.length, 20);
  const opt: Answer = { type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
  const e = dnsPacket.decode((await h.handle(query('big.default.svc.cluster.local', 'A', { additionals: [opt] }), 'udp'))!);
  assert.ok(!e.flag_tc);
  assert.equal(e.answers?.length, 20);
  assert.equal(e.additionals?.find((a) => a.type === 'OPT')?.type, 'OPT');
  // SRV glue is dropped before any answer, and without TC (4 SRV records fit in 512 bytes, their A records don't)
  const full = dnsPacket.decode((await h.handle(query('_p._tcp.four.default.svc.cluster.local', 'SRV'), 'tcp'))!);
  assert.equal(full.additionals?.length, 4);
  const srvOut = (await h.handle(query('_p._tcp.four.default.svc.cluster.local', 'SRV'), 'udp'))!;
  const srv = dnsPacket.decode(srvOut);
  assert.ok(srvOut.length <= 512);
  assert.ok(!srv.flag_tc);
  assert.equal(srv.answers?.length, 4);
  assert.equal(srv.additionals?.length ?? 0, 0);
});

test('malformed and unsupported messages: FORMERR, NOTIMP, responses ignored', async () => {
  const { h } = setup();
  const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff]);
  const r = (await h.handle(garbage, 'udp'))!;
  assert.equal(r.readUInt16BE(0), 0x1234);
  assert.equal(r[3] & 0x0f, 1);
  assert.equal(await h.handle(Buffer.from([1, 2, 3]), 'udp'), undefined);
  const two = dnsPacket.encode({ type: 'query', id: 7, questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
  assert.equal(rcodeOf((await h.handle(two, 'udp'))!), 'FORMERR');
  const notify = query('web.default.svc.cluster.local', 'A');
  notify[2] = (notify[2] & 0x87) | (4 << 3); // opcode NOTIFY
  assert.equal(rcodeOf((await h.handle(notify, 'udp'))!), 'NOTIMP');
  const response = dnsPacket.encode({ type: 'response', id: 9, questions: [{ name: 'web.default.svc.cluster.local', type: 'A' }] });
  assert.equal(await h.handle(response, 'udp'), undefined);
});
