// `kubelite dns` end to end: an apiserver of its own, two DNS processes on loopback
// (two "hosts": 127.0.0.1 and 127.0.0.2, one port), Services and hand-written
// Endpoints, and queries over UDP and TCP from this process. Non-cluster names go to
// a small fake upstream this test runs on loopback. No VIP traffic: the kube-dns
// ClusterIP is only checked as an object. Endpoints may not hold loopback
// addresses, so the instances advertise TEST-NET-2 addresses (198.51.100.0/24),
// which only appear as data: nothing is sent to them.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import dnsPacket, { type Answer, type DecodedPacket, type RecordType } from 'dns-packet';
import type { Endpoints, Service } from '../../api/types/index.js';
import { loadKubeconfig, RestClient } from '../../client/index.js';
import { freePort, removeDir, startApiserver, startProcess, tempDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { serviceRanges } from './net-harness.js';

type Reply = DecodedPacket & { rcode: string };

/** What the two instances publish (TEST-NET-2: data only, never a destination). */
const ADV1 = '198.51.100.1';
const ADV2 = '198.51.100.2';

function decode(b: Buffer): Reply {
  return dnsPacket.decode(b) as Reply;
}

function udpQuery(host: string, port: number, msg: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error(`no UDP answer from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(msg, port, host);
  });
}

function tcpQuery(host: string, port: number, msg: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`no TCP answer from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      s.write(Buffer.concat([len, msg]));
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        s.end();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
  });
}

/** The fake upstream: A 192.0.2.77 for anything under upstream.test, silence for silent.upstream.test, NXDOMAIN otherwise. */
async function fakeUpstream(): Promise<{ port: number; seen: Array<{ name: string; proto: string }>; close(): Promise<void> }> {
  const seen: Array<{ name: string; proto: string }> = [];
  const answer = (msg: Buffer, proto: string): Buffer | undefined => {
    const q = dnsPacket.decode(msg);
    const name = q.questions![0].name.toLowerCase();
    seen.push({ name, proto });
    if (name === 'silent.upstream.test') return undefined;
    const ours = name.endsWith('.upstream.test');
    return dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (ours ? 0 : 3), questions: q.questions,
      answers: ours && q.questions![0].type === 'A' ? [{ type: 'A', name: q.questions![0].name, ttl: 60, data: '192.0.2.77' }] : [],
    });
  };
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const port = udp.address().port;
  udp.on('message', (m, rinfo) => {
    const out = answer(m, 'udp');
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  const tcp = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      const out = answer(d.subarray(2, 2 + d.readUInt16BE(0)), 'tcp');
      if (!out) return;
      const len = Buffer.alloc(2);
      len.writeUInt16BE(out.length);
      s.end(Buffer.concat([len, out]));
    });
  });
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', () => r()));
  return {
    port, seen,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

function dataOf(answers: Answer[] | undefined, type?: string): unknown[] {
  return (answers ?? []).filter((a) => !type || a.type === type).map((a) => (a as { data: unknown }).data);
}

describe('cluster DNS (kubelite dns)', { concurrency: false, timeout: 180_000 }, () => {
  let api: Apiserver;
  let client: RestClient;
  let dir: string;
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
  let dnsIP: string;
  let port: number;
  let healthPort: number;
  const procs: Proc[] = [];
  let dns1: Proc;
  let dns2: Proc | undefined;
  let webIP = '';

  const svcInfo = () => client.resource('v1', 'Service');
  const epInfo = () => client.resource('v1', 'Endpoints');

  function startDns(host: string, advertise: string, health: number): Proc {
    const p = startProcess([
      'dns', '--kubeconfig', api.kubeconfig, '--listen', `${host}:${port}`, '--advertise-address', advertise, '--service-ip', dnsIP,
      '--upstream-resolv-conf', join(dir, 'resolv.conf'), '--health-bind-address', `127.0.0.1:${health}`, '--forward-timeout', '1500',
    ], join(dir, `dns-${host}.log`));
    procs.push(p);
    return p;
  }

  async function waitHealthy(p: Proc, health: number): Promise<void> {
    await waitFor(`dns /healthz on ${health}`, async () => {
      if (p.child.exitCode !== null) throw new Error(`dns exited ${p.child.exitCode}: ${await readFile(p.logFile, 'utf8')}`);
      const r = await fetch(`http://127.0.0.1:${health}/healthz`).catch(() => undefined);
      return r?.status === 200;
    }, 30_000);
  }

  async function ask(name: string, type: RecordType, proto: 'udp' | 'tcp' = 'udp', host = '127.0.0.1'): Promise<Reply> {
    const msg = dnsPacket.encode({ type: 'query', id: Math.floor(Math.random() * 65536), flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] });
    return decode(proto === 'udp' ? await udpQuery(host, port, msg) : await tcpQuery(host, port, msg));
  }

  async function kubeDnsAddresses(): Promise<string[]> {
    const ep = await client.get<Endpoints>(epInfo(), 'kube-system', 'kube-dns').catch(() => undefined);
    return (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
  }

  before(async () => {
    dir = await tempDir('dns-e2e');
    const { serviceCIDR } = await serviceRanges();
    dnsIP = serviceCIDR.replace(/0\/24$/, '10');
    api = await startApiserver({ extraArgs: ['--service-cluster-ip-range', serviceCIDR] });
    client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
    upstream = await fakeUpstream();
    port = await freePort();
    healthPort = await freePort();
    // Our own address comes first: it must be skipped, or every forward would loop back to us.
    await writeFile(join(dir, 'resolv.conf'), `search example.internal\nnameserver 127.0.0.1:${port}\nnameserver ${dnsIP}\nnameserver 127.0.0.1:${upstream.port}\n`);

    const web = await client.create<Service>(svcInfo(), 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] } as Service['spec'],
    });
    webIP = web.spec.clusterIP!;
    dns1 = startDns('127.0.0.1', ADV1, healthPort);
    await waitHealthy(dns1, healthPort);
  });

  let failed = false;
  afterEach((t) => {
    if ((t as { passed?: boolean }).passed === false) failed = true;
  });

  after(async () => {
    for (const p of procs) await p.kill('SIGKILL').catch(() => undefined);
    await upstream?.close();
    client?.close();
    await api?.stop();
    // Logs stay for a failed run.
    if (failed || process.env.KUBELITE_KEEP_LOGS) {
      process.stderr.write(`dns e2e logs kept in ${dir} and ${api?.dataDir}\n`);
      return;
    }
    if (api) await removeDir(api.dataDir);
    if (dir) await removeDir(dir);
  });

  test('registers the kube-dns Service (no selector, the DNS ClusterIP) and its own address in the Endpoints', async () => {
    const svc = await client.get<Service>(svcInfo(), 'kube-system', 'kube-dns');
    assert.equal(svc.spec.clusterIP, dnsIP);
    assert.equal(svc.spec.selector, undefined);
    assert.equal(svc.metadata.labels?.['k8s-app'], 'kube-dns');
    assert.deepEqual(svc.spec.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort]), [['dns', 53, 'UDP', port], ['dns-tcp', 53, 'TCP', port]]);
    await waitFor('our address in Endpoints kube-dns', async () => (await kubeDnsAddresses()).includes(ADV1));
    const ep = await client.get<Endpoints>(epInfo(), 'kube-system', 'kube-dns');
    assert.deepEqual(ep.subsets?.[0].ports?.map((p) => [p.name, p.port, p.protocol]), [['dns', port, 'UDP'], ['dns-tcp', port, 'TCP']]);
  });

  test('ClusterIP service: A over UDP and TCP, AAAA empty, SRV for a named port, PTR, case-insensitive', async () => {
    const a = await waitFor('web A', async () => {
      const r = await ask('web.default.svc.cluster.local', 'A');
      return r.rcode === 'NOERROR' && r.answers?.length ? r : undefined;
    });
    assert.ok(a.flag_aa);
    assert.deepEqual(dataOf(a.answers), [webIP]);
    assert.equal(a.answers![0].type === 'A' && a.answers![0].ttl, 5);
    assert.deepEqual(dataOf((await ask('web.default.svc.cluster.local', 'A', 'tcp')).answers), [webIP]);
    assert.deepEqual(dataOf((await ask('WEB.Default.Svc.Cluster.Local', 'A')).answers), [webIP]);
    const aaaa = await ask('web.default.svc.cluster.local', 'AAAA');
    assert.equal(aaaa.rcode, 'NOERROR');
    assert.equal(aaaa.answers?.length ?? 0, 0);
    assert.equal(aaaa.authorities?.[0]?.type, 'SOA');
    const srv = await ask('_http._tcp.web.default.svc.cluster.local', 'SRV', 'tcp');
    assert.deepEqual(dataOf(srv.answers), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    assert.deepEqual(dataOf(srv.additionals, 'A'), [webIP]);
    const ptr = await ask(`${webIP.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
    assert.deepEqual(dataOf(ptr.answers), ['web.default.svc.cluster.local']);
  });

  test('headless service with hand-written Endpoints: ready pod IPs, hostname.subdomain names, SRV per endpoint', async () => {
    await client.create<Service>(svcInfo(), 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' },
      spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] } as Service['spec'],
    });
    await client.create<Endpoints>(epInfo(), 'default', {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'default' },
      subsets: [{
        addresses: [{ ip: '10.244.7.10', hostname: 'db-0' }, { ip: '10.244.7.11', hostname: 'db-1' }],
        notReadyAddresses: [{ ip: '10.244.7.12', hostname: 'db-2' }],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      }],
    });
    const a = await waitFor('db A', async () => {
      const r = await ask('db.default.svc.cluster.local', 'A');
      return r.answers?.length === 2 ? r : undefined;
    });
    assert.deepEqual(dataOf(a.answers).sort(), ['10.244.7.10', '10.244.7.11']);
    assert.deepEqual(dataOf((await ask('db-1.db.default.svc.cluster.local', 'A', 'tcp')).answers), ['10.244.7.11']);
    assert.equal((await ask('db-2.db.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
    const srv = await ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    assert.deepEqual(dataOf(srv.answers).map((d) => `${(d as { target: string }).target}:${(d as { port: number }).port}`).sort(),
      ['db-0.db.default.svc.cluster.local:5432', 'db-1.db.default.svc.cluster.local:5432']);
    assert.deepEqual(srv.additionals?.filter((r) => r.type === 'A').map((r) => `${r.name}=${(r as { data: string }).data}`).sort(),
      ['db-0.db.default.svc.cluster.local=10.244.7.10', 'db-1.db.default.svc.cluster.local=10.244.7.11']);
  });

  test('ExternalName → CNAME, followed through the upstream; NXDOMAIN with SOA for unknown and search-expanded names', async () => {
    await client.create<Service>(svcInfo(), 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' },
      spec: { type: 'ExternalName', externalName: 'www.upstream.test' } as Service['spec'],
    });
    const r = await waitFor('ext CNAME', async () => {
      const x = await ask('ext.default.svc.cluster.local', 'A');
      return x.answers?.length === 2 ? x : undefined;
    });
    assert.deepEqual(r.answers?.map((x) => `${x.type} ${(x as { data: string }).data}`), ['CNAME www.upstream.test', 'A 192.0.2.77']);
    for (const n of ['nope.default.svc.cluster.local', 'web.default.svc.cluster.local.default.svc.cluster.local', 'web.nons.svc.cluster.local']) {
      const nx = await ask(n, 'A');
      assert.equal(nx.rcode, 'NXDOMAIN', n);
      assert.equal(nx.authorities?.[0]?.type, 'SOA', n);
    }
    assert.ok(!upstream.seen.some((s) => s.name.endsWith('cluster.local')), 'cluster names must never be forwarded');
  });

  test('other names are forwarded: UDP over UDP, TCP over TCP, own address skipped, SERVFAIL when the upstream is silent', async () => {
    const before = upstream.seen.length;
    const u = await ask('host.upstream.test', 'A');
    assert.equal(u.rcode, 'NOERROR');
    assert.deepEqual(dataOf(u.answers), ['192.0.2.77']);
    const t = await ask('Other.Upstream.Test', 'A', 'tcp');
    assert.deepEqual(dataOf(t.answers), ['192.0.2.77']);
    assert.deepEqual(upstream.seen.slice(before).map((s) => `${s.proto} ${s.name}`), ['udp host.upstream.test', 'tcp other.upstream.test']);
    assert.equal((await ask('nothing.example', 'A')).rcode, 'NXDOMAIN');
    assert.equal((await ask('silent.upstream.test', 'A')).rcode, 'SERVFAIL');
    const log = await readFile(dns1.logFile, 'utf8');
    assert.match(log, new RegExp(`"skipped":\\["127\\.0\\.0\\.1:${port}","${dnsIP.replace(/\./g, '\\.')}:53"\\]`));
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    assert.match(metrics, /kubelite_dns_requests_total\{proto="udp",type="A",rcode="NXDOMAIN",source="cluster"\} [1-9]/);
    assert.match(metrics, /kubelite_dns_requests_total\{proto="udp",type="A",rcode="SERVFAIL",source="error"\} [1-9]/);
  });

  test('a second host\'s instance merges into the Endpoints; a dropped address is re-added; SIGTERM removes only our own', async () => {
    const health2 = await freePort();
    dns2 = startDns('127.0.0.2', ADV2, health2);
    await waitHealthy(dns2, health2);
    await waitFor('both addresses', async () => (await kubeDnsAddresses()).join() === `${ADV1},${ADV2}`);
    assert.deepEqual(dataOf((await ask('web.default.svc.cluster.local', 'A', 'udp', '127.0.0.2')).answers), [webIP]);

    // Someone drops the first instance's address: it puts itself back.
    const ep = await client.get<Endpoints>(epInfo(), 'kube-system', 'kube-dns');
    await client.update(epInfo(), 'kube-system', { ...ep, subsets: ep.subsets!.map((s) => ({ ...s, addresses: s.addresses!.filter((a) => a.ip !== ADV1) })) });
    assert.deepEqual(await kubeDnsAddresses(), [ADV2]);
    await waitFor('first address re-added', async () => (await kubeDnsAddresses()).join() === `${ADV1},${ADV2}`);

    await dns2.kill('SIGTERM');
    assert.equal(await dns2.exited, 0);
    assert.deepEqual(await kubeDnsAddresses(), [ADV1]);
    await dns1.kill('SIGTERM');
    assert.equal(await dns1.exited, 0);
    assert.deepEqual(await kubeDnsAddresses(), []);
    // the Service stays for the next instance
    assert.equal((await client.get<Service>(svcInfo(), 'kube-system', 'kube-dns')).spec.clusterIP, dnsIP);
  });

  test('refuses a wildcard --listen when registering, a loopback advertise address, and a --service-ip outside the service range', async () => {
    const p1 = startProcess(['dns', '--kubeconfig', api.kubeconfig, '--listen', `0.0.0.0:${await freePort()}`, '--health-bind-address', ''], join(dir, 'bad1.log'));
    const p3 = startProcess(['dns', '--kubeconfig', api.kubeconfig, '--listen', `127.0.0.1:${await freePort()}`, '--health-bind-address', ''], join(dir, 'bad3.log'));
    procs.push(p1, p3);
    assert.equal(await p1.exited, 1);
    assert.match(await readFile(p1.logFile, 'utf8'), /a wildcard address cannot serve the kube-dns Service/);
    assert.equal(await p3.exited, 1);
    assert.match(await readFile(p3.logFile, 'utf8'), /--advertise-address 127\.0\.0\.1 is a loopback address/);
    await client.delete(svcInfo(), 'kube-system', 'kube-dns');
    const p2 = startProcess(['dns', '--kubeconfig', api.kubeconfig, '--listen', `127.0.0.1:${await freePort()}`, '--advertise-address', ADV1, '--service-ip', '10.0.0.10',
      '--upstream-resolv-conf', join(dir, 'resolv.conf'), '--health-bind-address', ''], join(dir, 'bad2.log'));
    procs.push(p2);
    assert.equal(await p2.exited, 1);
    assert.match(await readFile(p2.logFile, 'utf8'), /cannot create Service kube-system\/kube-dns with clusterIP 10\.0\.0\.10/);
  });
});
