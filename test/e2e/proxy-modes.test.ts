// The proxy end to end, in nftables and iptables mode, against real kernel rules:
// an apiserver of its own, backends as busybox httpd containers on a Docker network
// the test creates, Endpoints written by the test (standing in for the Endpoints
// controller), and `kubelite proxy` as a process with its own table/chain/bridge
// names. Traffic only goes to loopback, the test's bridge and its containers.
// Run one mode with KUBELITE_PROXY_E2E_MODES=iptables.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeconfig, RestClient } from '../../client/index.js';
import type { Endpoints, Node, Service } from '../../api/types/index.js';
import { Kubectl, removeDir, startApiserver, tempDir, waitFor, KUBELITE, type Apiserver } from './harness.js';
import { ensureImages } from './kubelet-harness.js';
import {
  answers, distinct, foreignRule, freeSubnet, get, getFrom, proxyModes, refused, rulesSnapshot, run, saveRouteLocalnet,
  serviceRanges, serviceRuleLines, sh, TestProxy,
} from './net-harness.js';

const BUSYBOX = 'kubelite.local/busybox:latest';
const MODES = proxyModes();

for (const mode of MODES) {
  describe(`proxy (${mode} mode)`, { concurrency: false, timeout: 600_000 }, () => {
    const id = randomBytes(3).toString('hex');
    const label = `kubelite.proxy-test=${id}`;
    const netBridge = `kpn${id}`;
    const network = `kubelite-proxy-${id}`;
    const nodeName = `proxy-node-${id}`;
    let api: Apiserver;
    let client: RestClient;
    let kubectl: Kubectl;
    let proxy: TestProxy;
    let logDir: string;
    let subnet: string;
    let nodeIP: string;
    let serviceCIDR: string;
    let lbIP: string;
    let before0: Set<string>;
    const backends: Array<{ name: string; ip: string }> = [];
    const client0 = `kp-${id}-client`;
    let webIP = '';
    let webNodePort = 0;

    const svcInfo = () => client.resource('v1', 'Service');
    const epInfo = () => client.resource('v1', 'Endpoints');

    async function writeEndpoints(name: string, ips: string[]): Promise<void> {
      const obj: Endpoints = {
        apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default' },
        subsets: ips.length ? [{ addresses: ips.map((ip) => ({ ip, nodeName })), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] : [],
      };
      try {
        const cur = await client.get<Endpoints>(epInfo(), 'default', name);
        await client.update(epInfo(), 'default', { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
        await client.create(epInfo(), 'default', obj);
      }
    }

    async function createService(name: string, spec: Partial<Service['spec']>): Promise<Service> {
      return client.create<Service>(svcInfo(), 'default', {
        apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
        // a named targetPort: the Endpoints port of the same name carries the number
        spec: { ports: [{ name: 'http', port: 38001, targetPort: 'web', protocol: 'TCP' }], ...spec } as Service['spec'],
      });
    }

    let restoreRouteLocalnet: (() => Promise<void>) | undefined;

    before(async () => {
      restoreRouteLocalnet = await saveRouteLocalnet();
      await ensureImages();
      logDir = await tempDir(`proxy-e2e-${mode}`);
      const x = await freeSubnet('10.244', 150, 250);
      subnet = `10.244.${x}.0/24`;
      nodeIP = `10.244.${x}.1`;
      const ranges = await serviceRanges();
      serviceCIDR = ranges.serviceCIDR;
      lbIP = `127.0.0.${2 + Math.floor(Math.random() * 250)}`;
      api = await startApiserver({ extraArgs: ['--service-cluster-ip-range', serviceCIDR, '--service-node-port-range', ranges.nodePortRange] });
      client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
      kubectl = await Kubectl.create(api.kubeconfig);

      await sh('docker', ['network', 'create', '--subnet', subnet, '--gateway', nodeIP, '--label', label,
        '-o', `com.docker.network.bridge.name=${netBridge}`, network]);
      for (const n of ['b1', 'b2', 'b3']) {
        const name = `kp-${id}-${n}`;
        await sh('docker', ['run', '-d', '--name', name, '--hostname', `${n}-${id}`, '--label', label, '--network', network, BUSYBOX,
          'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
        const ip = (await sh('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name])).trim();
        backends.push({ name, ip });
      }
      await sh('docker', ['run', '-d', '--name', client0, '--label', label, '--network', network, BUSYBOX, 'sleep', '3600']);

      const node = await client.create<Node>(client.resource('v1', 'Node'), undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
      await client.patch(client.resource('v1', 'Node'), undefined, node.metadata.name!, { status: { addresses: [{ type: 'InternalIP', address: nodeIP }] } }, 'merge', { subresource: 'status' });

      const web = await createService('web', { type: 'NodePort' });
      webIP = web.spec.clusterIP!;
      webNodePort = web.spec.ports![0].nodePort!;
      await writeEndpoints('web', backends.map((b) => b.ip));

      before0 = await rulesSnapshot();
      proxy = new TestProxy({
        id, mode, kubeconfig: api.kubeconfig, nodeName, clusterCIDR: '10.244.0.0/16', serviceCIDR,
        // NodePorts only on loopback and the test bridge, never on the uplink address
        nodePortAddresses: ['127.0.0.0/8', subnet],
        loadBalancerIPPool: lbIP, logFile: join(logDir, 'proxy.log'),
      });
      await proxy.start();
    });

    let failed = false;
    afterEach((t) => {
      if ((t as { passed?: boolean }).passed === false) failed = true;
    });

    after(async () => {
      await proxy?.cleanupQuietly();
      const ids = (await run('docker', ['ps', '-aq', '--filter', `label=${label}`])).stdout.trim();
      if (ids) await run('docker', ['rm', '-f', ...ids.split('\n')]);
      await run('docker', ['network', 'rm', network]);
      await restoreRouteLocalnet?.();
      client?.close();
      await kubectl?.cleanup();
      await api?.stop();
      if (api) await removeDir(api.dataDir);
      // A failed run keeps the proxy's log for a look.
      if (logDir && !failed) await removeDir(logDir);
      else if (logDir) process.stderr.write(`proxy logs kept in ${logDir}\n`);
    });

    test('ClusterIP from the host balances over the backends', async () => {
      await waitFor('ClusterIP to answer', async () => (await get(webIP, 38001)).ok, 20_000);
      const seen = await answers(webIP, 38001, 50);
      assert.ok(distinct(seen).length >= 2, `only ${distinct(seen)} answered`);
      assert.ok(seen.every((h) => /^b[123]-/.test(h)), String(seen));
    });

    test('ClusterIP from another container', async () => {
      const seen = await getFrom(client0, webIP, 38001, 12);
      assert.equal(seen.length, 12, String(seen));
      assert.ok(distinct(seen).length >= 2, `only ${distinct(seen)} answered`);
    });

    test('NodePort on 127.0.0.1 and on the node address', async () => {
      assert.ok(webNodePort > 0);
      for (const host of ['127.0.0.1', nodeIP]) {
        const seen = await answers(host, webNodePort, 10);
        assert.ok(seen.every((h) => /^b[123]-/.test(h)), `${host}: ${seen}`);
      }
    });

    test('a backend reaches its own service (hairpin)', async () => {
      const me = backends[0];
      const seen = await getFrom(me.name, webIP, 38001, 20);
      assert.equal(seen.length, 20, String(seen));
      assert.ok(seen.includes(`b1-${id}`), `b1 never reached itself: ${seen}`);
    });

    test('sessionAffinity ClientIP sends one client to one backend', async () => {
      const sticky = await createService('sticky', { sessionAffinity: 'ClientIP' });
      await writeEndpoints('sticky', backends.map((b) => b.ip));
      const ip = sticky.spec.clusterIP!;
      await waitFor('sticky to answer', async () => (await get(ip, 38001)).ok, 20_000);
      const fromHost = await answers(ip, 38001, 20);
      assert.equal(distinct(fromHost).length, 1, String(fromHost));
      const fromClient = await getFrom(client0, ip, 38001, 10);
      assert.equal(distinct(fromClient).length, 1, String(fromClient));
    });

    test('LoadBalancer gets an EXTERNAL-IP from the pool that answers', async () => {
      await createService('lb', { type: 'LoadBalancer', ports: [{ name: 'http', port: 38002, targetPort: 'web', protocol: 'TCP' }] });
      await writeEndpoints('lb', backends.map((b) => b.ip));
      const svc = await waitFor('ingress IP', async () => {
        const s = await client.get<Service>(svcInfo(), 'default', 'lb');
        return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
      }, 20_000);
      assert.equal(svc.status!.loadBalancer!.ingress![0].ip, lbIP);
      const row = await kubectl.ok(['get', 'svc', 'lb', '--no-headers']);
      assert.equal(row.trim().split(/\s+/)[3], lbIP, row);
      await waitFor('LB IP to answer', async () => (await get(lbIP, 38002)).ok, 20_000);
      const seen = await answers(lbIP, 38002, 10);
      assert.ok(seen.every((h) => /^b[123]-/.test(h)), String(seen));
    });

    test('externalIPs answer like the ClusterIP', async () => {
      await createService('extip', { externalIPs: [nodeIP], ports: [{ name: 'http', port: 38003, targetPort: 'web', protocol: 'TCP' }] });
      await writeEndpoints('extip', backends.map((b) => b.ip));
      await waitFor('externalIP to answer', async () => (await get(nodeIP, 38003)).ok, 20_000);
      const seen = await answers(nodeIP, 38003, 10);
      assert.ok(seen.every((h) => /^b[123]-/.test(h)), String(seen));
    });

    test('service CIDR traffic stays on the machine', async () => {
      const unallocated = serviceCIDR.replace(/0\/24$/, '250');
      assert.match(await sh('ip', ['route', 'get', unallocated]), new RegExp(`dev ${proxy.serviceBridge} `));
      // a VIP without rules is refused at once rather than left waiting for ARP in the empty bridge
      const r = await get(unallocated, 38001);
      assert.ok(!r.ok && r.ms < 1000, JSON.stringify(r));
      const rules = await proxy.ruleset();
      if (mode === 'nftables') assert.match(rules, new RegExp(`ip daddr ${serviceCIDR.replace(/\./g, '\\.')} oifname != "${proxy.serviceBridge}" fib daddr type != local reject`));
      else assert.match(rules, new RegExp(`-A ${proxy.prefix}-CIDR-GUARD -d ${serviceCIDR.replace(/\./g, '\\.')} ! -o ${proxy.serviceBridge} .*-j REJECT`));
    });

    test('with no ready endpoint the ClusterIP and NodePort refuse at once', async () => {
      await writeEndpoints('web', []);
      const r = await waitFor('ClusterIP to refuse', () => refused(webIP, 38001), 20_000);
      assert.ok(r.ms < 1000, `took ${r.ms} ms`);
      const again = await get(webIP, 38001);
      assert.ok(!again.ok && again.ms < 1000, JSON.stringify(again));
      const np = await waitFor('NodePort to refuse', () => refused('127.0.0.1', webNodePort), 20_000);
      assert.ok(np.ms < 1000, `took ${np.ms} ms`);
      await writeEndpoints('web', backends.map((b) => b.ip));
      await waitFor('ClusterIP to answer again', async () => (await get(webIP, 38001)).ok, 20_000);
    });

    test('restarting the proxy keeps traffic flowing', async () => {
      await proxy.proc!.kill('SIGTERM');
      // rules stay while no proxy runs
      assert.equal((await answers(webIP, 38001, 10)).length, 10);
      await proxy.launch();
      const during = answers(webIP, 38001, 30);
      await proxy.waitHealthy();
      assert.equal((await during).length, 30);
      assert.equal((await answers(webIP, 38001, 10)).length, 10);
    });

    test('a periodic full sync repairs a flushed ruleset', async () => {
      if (mode === 'nftables') await sh('nft', ['flush', 'table', 'ip', proxy.table]);
      else await sh('iptables', ['-t', 'nat', '-F', `${proxy.prefix}-SERVICES`]);
      await waitFor('rules to be repaired', async () => (await get(webIP, 38001, 1000)).ok, 15_000);
    });

    test('/metrics reports syncs', async () => {
      const text = await (await fetch(`http://127.0.0.1:${proxy.metricsPort}/metrics`)).text();
      assert.match(text, /kubeproxy_sync_proxy_rules_duration_seconds_count\{mode="[a-z]+",kind="full"\} [1-9]/);
      assert.match(text, /kubeproxy_sync_proxy_rules_last_timestamp_seconds [1-9]/);
      assert.match(text, /kubeproxy_service_ports [1-9]/);
    });

    test('after deleting a service no rule of it remains', async () => {
      const web = { namespace: 'default', name: 'web', clusterIP: webIP, nodePort: webNodePort };
      assert.ok(serviceRuleLines(await proxy.ruleset(), mode, web).length > 0);
      await client.delete(svcInfo(), 'default', 'web');
      await client.delete(epInfo(), 'default', 'web');
      await waitFor('web rules to go', async () => serviceRuleLines(await proxy.ruleset(), mode, web).length === 0, 20_000);
      const r = await get(webIP, 38001, 2000);
      assert.ok(!r.ok);
    });

    test('--cleanup leaves the rules as they were before', async () => {
      await proxy.cleanup();
      const after0 = await rulesSnapshot();
      const foreign = (l: string) => foreignRule(l, proxy.ownNames());
      const added = [...after0].filter((l) => !before0.has(l) && !foreign(l));
      const removed = [...before0].filter((l) => !after0.has(l) && !foreign(l));
      assert.deepEqual(added, [], `rules left behind:\n${added.join('\n')}`);
      assert.deepEqual(removed, [], `rules removed that were there before:\n${removed.join('\n')}`);
      assert.deepEqual(await proxy.leftovers(), []);
    });
  });
}


describe('proxy (ipvs mode)', () => {
  test('refuses to start with a one-line reason when the kernel lacks IPVS', async (t) => {
    if (existsSync('/proc/net/ip_vs')) {
      t.skip('this kernel has IPVS');
      return;
    }
    const r = await run(process.execPath, [KUBELITE, 'proxy', '--kubeconfig', '/nonexistent', '--mode', 'ipvs', '--metrics-bind-address', '']);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: ipvs mode needs the ip_vs kernel module: /);
    assert.equal(r.stdout, '');
  });
});
