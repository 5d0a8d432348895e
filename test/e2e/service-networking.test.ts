// Service networking through the real flow, in nftables and iptables mode: the
// real kubectl creates and exposes a Deployment; the controller-manager makes its
// pods and their Endpoints, the scheduler binds them, a kubelet runs them in
// Docker, `kubelite proxy` programs the kernel and `kubelite dns` answers for
// Services. The node's address is the gateway of its pod bridge (never the
// uplink), so all test traffic stays on loopback, that bridge and its pods.
// Run one mode with KUBELITE_PROXY_E2E_MODES=iptables.
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Endpoints, Pod, Service } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';
import { freePort, Kubectl, removeDir, startApiserver, startProcess, tempDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { adminClient, ensureImages, isRunningReady, podsInfo, startKubelet, type KubeletProc } from './kubelet-harness.js';
import { bridgeName } from '../../kubelet/pod-net/link.js';
import {
  answers, distinct, freeSubnet, get, ncGetScript, nonEmptyLines, proxyModes, refused, saveRouteLocalnet, serviceRanges,
  serviceRuleLines, sh, TestProxy,
} from './net-harness.js';

const WEB = 'kubelite.local/web:latest';
const BUSYBOX = 'kubelite.local/busybox:latest';

for (const mode of proxyModes()) {
  describe(`service networking through the real flow (${mode} mode)`, { concurrency: false, timeout: 600_000 }, () => {
    const id = randomBytes(3).toString('hex');
    const nodeName = `svcnet-${id}`;
    let api: Apiserver;
    let client: RestClient;
    let kubectl: Kubectl;
    let controllerManager: Proc | undefined;
    let scheduler: Proc | undefined;
    let kubelet: KubeletProc | undefined;
    let dns: Proc | undefined;
    let proxy: TestProxy | undefined;
    let restoreRouteLocalnet: (() => Promise<void>) | undefined;
    let logDir: string;
    type ServiceRef = { namespace: string; name: string; clusterIP: string; nodePort?: number };

    /** `kubectl delete service`, then waits until the proxy has no rule of it left (and shows any that stay). */
    async function deleteServiceAndWaitForItsRulesToGo(svc: ServiceRef): Promise<void> {
      assert.ok(serviceRuleLines(await proxy!.ruleset(), mode, svc).length > 0, `no rule of ${svc.name} to begin with`);
      await kubectl.ok(['delete', 'service', svc.name]);
      await waitFor(`${svc.name} rules to go`, async () => {
        const left = serviceRuleLines(await proxy!.ruleset(), mode, svc);
        if (left.length) throw new Error(left.join('\n'));
        return true;
      }, 20_000);
    }

    /**
     * `kubectl scale --replicas=0` of the Deployment behind the same-named Service: once
     * its Endpoints are empty and the proxy's reject rule is in place, the ClusterIP
     * refuses at once (three tries, each under a second).
     */
    async function scaleToZeroAndExpectRefusals(t: TestContext, name: string, vip: string, port: number): Promise<void> {
      const started = Date.now();
      await kubectl.ok(['scale', 'deployment', name, '--replicas=0']);
      await waitFor(`Endpoints ${name} to empty`, async () => (await readyEndpoints(name)).length === 0, 20_000, 20);
      t.diagnostic(`Endpoints empty ${Date.now() - started} ms after kubectl scale started`);
      await waitRejectRule(vip, port);
      t.diagnostic(`reject rule in place ${Date.now() - started} ms after kubectl scale started`);
      // the proxy's reject rule (not a pod going away) answers once the Endpoints are empty
      const first = await waitFor(`${vip}:${port} to refuse`, () => refused(vip, port), 10_000);
      t.diagnostic(`ClusterIP refused ${Date.now() - started} ms after kubectl scale started`);
      for (const r of [first, await get(vip, port), await get(vip, port)]) {
        assert.ok(!r.ok && (r.code === 'ECONNREFUSED' || r.code === 'ECONNRESET') && r.ms < 1000, JSON.stringify(r));
      }
    }

    let podCIDR: string;
    let nodeIP: string;
    let lbIP: string;
    let serviceCIDR: string;
    let webIP = '';
    let webNodePort = 0;
    let ready = false;

    const epInfo = () => client.resource('v1', 'Endpoints');

    async function webPods(): Promise<Pod[]> {
      return (await client.list<Pod>(podsInfo, 'default', { labelSelector: 'app=web' })).items;
    }

    /** The IPs the Endpoints controller lists as ready for a service. */
    async function readyEndpoints(name: string): Promise<string[]> {
      const ep = await client.get<Endpoints>(epInfo(), 'default', name).catch(() => undefined);
      return (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    }

    /** n GETs from inside a pod, through the apiserver's exec stream to the kubelet. */
    async function getFromPod(pod: string, host: string, port: number, n: number): Promise<string[]> {
      return nonEmptyLines(await kubectl.ok(['exec', pod, '--', 'sh', '-c', ncGetScript(host, port, n)], { timeoutMs: 120_000 }));
    }

    async function svcField(name: string, jsonpath: string): Promise<string> {
      return (await kubectl.ok(['get', 'svc', name, '-o', `jsonpath={${jsonpath}}`])).trim();
    }

    const reEsc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

    /**
     * nftables mode: the VIP's service-ips verdict, its service-endpoints-tcp elements
     * as `index ip:port`, whether it is in no-endpoint-services, and pick chains no
     * service-ips element leads to.
     */
    async function nftLayout(vip: string, port: number) {
      const ruleset = await proxy!.ruleset();
      const ip = `(?<![0-9.])${reEsc(vip)}`;
      const verdict = new RegExp(`${ip} \\. tcp \\. ${port} : goto ([\\w-]+)`).exec(ruleset)?.[1];
      const endpoints = [...ruleset.matchAll(new RegExp(`${ip} \\. ${port} \\. (\\d+) : ([0-9.]+) \\. (\\d+)`, 'g'))]
        .map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
      const noEndpoint = new RegExp(`${ip} \\. tcp \\. ${port}(?![0-9]|\\s*:)`).test(ruleset);
      const picks = [...ruleset.matchAll(/^\s*chain (pick-\S+) \{/gm)].map((m) => m[1]);
      const orphanPicks = picks.filter((c) => !new RegExp(`: goto ${reEsc(c)}(?![\\w-])`).test(ruleset));
      return { verdict, endpoints, noEndpoint, orphanPicks, ruleset };
    }

    /**
     * Waits for the proxy's own reject rule for a ClusterIP port without endpoints.
     * Until the proxy syncs, connections still go to the dying pods, whose network
     * namespaces refuse them too: a refusal alone does not show the proxy acted.
     */
    async function waitRejectRule(vip: string, port: number): Promise<void> {
      await waitFor(`the proxy's reject rule for ${vip}:${port}`, async () => {
        if (mode === 'nftables') return (await nftLayout(vip, port)).noEndpoint;
        return (await proxy!.ruleset()).split('\n')
          .some((l) => l.includes(`-d ${vip}/32 `) && new RegExp(`--dport ${port}\\b`).test(l) && l.includes('-j REJECT'));
      }, 10_000, 20);
    }

    before(async () => {
      restoreRouteLocalnet = await saveRouteLocalnet();
      await ensureImages();
      logDir = await tempDir(`svcnet-e2e-${mode}`);
      const x = await freeSubnet('10.244', 100, 250);
      podCIDR = `10.244.${x}.0/24`;
      nodeIP = `10.244.${x}.1`;
      const ranges = await serviceRanges();
      serviceCIDR = ranges.serviceCIDR;
      const dnsIP = serviceCIDR.replace(/0\/24$/, '10');
      lbIP = `127.0.0.${2 + Math.floor(Math.random() * 250)}`;
      api = await startApiserver({ extraArgs: ['--service-cluster-ip-range', serviceCIDR, '--service-node-port-range', ranges.nodePortRange] });
      client = adminClient(api);
      kubectl = await Kubectl.create(api.kubeconfig);

      // The pod bridge exists before the kubelet starts (it adopts its bridge when
      // found), so the DNS server and the kubelet's gRPC can listen on the node IP.
      await sh('ip', ['link', 'add', bridgeName(nodeName), 'type', 'bridge']);
      await sh('ip', ['addr', 'add', `${nodeIP}/24`, 'dev', bridgeName(nodeName)]);
      await sh('ip', ['link', 'set', bridgeName(nodeName), 'up']);
      // The cluster DNS on the node address (pods reach it there through the kube-dns
      // ClusterIP), started first so the DNS ClusterIP is still free. Names outside the
      // cluster go to a loopback port where nothing answers, never off the machine.
      const upstream = join(logDir, 'upstream-resolv.conf');
      await writeFile(upstream, `nameserver 127.0.0.1:${await freePort()}\n`);
      const dnsPort = await freePort();
      dns = startProcess(['dns', '--kubeconfig', api.kubeconfig, '--listen', `${nodeIP}:${dnsPort}`, '--advertise-address', nodeIP,
        '--service-ip', dnsIP, '--health-bind-address', `127.0.0.1:${await freePort()}`, '--upstream-resolv-conf', upstream,
        '--forward-timeout', '300'], join(logDir, 'dns.log'));
      await waitFor('kube-dns Service and Endpoints', async () => {
        if (dns?.child.exitCode !== null) throw new Error(`dns exited: ${await readFile(join(logDir, 'dns.log'), 'utf8')}`);
        const svc = await client.get<Service>(client.resource('v1', 'Service'), 'kube-system', 'kube-dns').catch(() => undefined);
        const ep = await client.get<Endpoints>(epInfo(), 'kube-system', 'kube-dns').catch(() => undefined);
        const members = (ep?.subsets ?? []).flatMap((x) => (x.addresses ?? []).map((a) => `${a.ip}:${x.ports?.[0]?.port}`));
        return svc?.spec.clusterIP === dnsIP && members.includes(`${nodeIP}:${dnsPort}`);
      }, 60_000, 200);
      // Node IPAM over exactly this /24 hands the node the CIDR the kubelet also asks for.
      controllerManager = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, '--cluster-cidr', podCIDR,
        '--node-cidr-mask-size', '24'], join(logDir, 'controller-manager.log'));
      scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(logDir, 'scheduler.log'));
      kubelet = await startKubelet(api, { nodeName, nodeIp: nodeIP, podCIDR, extraArgs: ['--cluster-dns', dnsIP, '--grpc-bind-address', nodeIP] });
      proxy = new TestProxy({
        id, mode, kubeconfig: api.kubeconfig, nodeName, clusterCIDR: podCIDR, serviceCIDR,
        // NodePorts only on loopback and the pod bridge, never on the uplink address
        nodePortAddresses: ['127.0.0.0/8', podCIDR],
        loadBalancerIPPool: lbIP, logFile: join(logDir, 'proxy.log'),
      });
      await proxy.start();

      await kubectl.ok(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'client', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] }],
          },
        }),
      });
      ready = true;
    });

    let failed = false;
    afterEach((t) => {
      if ((t as { passed?: boolean }).passed === false) failed = true;
    });

    after(async () => {
      if (!ready) failed = true;
      await proxy?.cleanupQuietly();
      await dns?.kill();
      await scheduler?.kill();
      await controllerManager?.kill();
      if (kubelet) {
        await kubelet.stop().catch(() => undefined);
        if (failed && logDir) await copyFile(kubelet.logFile, join(logDir, 'kubelet.log')).catch(() => undefined);
        await kubelet.cleanup().catch(() => undefined);
      }
      // the bridge when the kubelet never started
      await sh('ip', ['link', 'del', bridgeName(nodeName)]).catch(() => undefined);
      await restoreRouteLocalnet?.();
      client?.close();
      await kubectl?.cleanup();
      await api?.stop();
      if (api) await removeDir(api.dataDir);
      // A failed run keeps the logs for a look.
      if (logDir && !failed) await removeDir(logDir);
      else if (logDir) process.stderr.write(`logs kept in ${logDir}\n`);
    });

    test('kubectl create deployment and expose: 3 pods Running, a NodePort Service with their Endpoints', async () => {
      await kubectl.ok(['create', 'deployment', 'web', `--image=${WEB}`, '--replicas=3', '--port=8001']);
      await kubectl.ok(['expose', 'deployment', 'web', '--port=38001', '--target-port=8001', '--type=NodePort']);
      await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
      const pods = await waitFor('3 web pods Running and Ready', async () => {
        const ps = (await webPods()).filter(isRunningReady);
        return ps.length === 3 ? ps : undefined;
      }, 30_000);
      const podIPs = pods.map((p) => p.status!.podIP!).sort();
      await waitFor('Endpoints web to list the 3 pods', async () => (await readyEndpoints('web')).join() === podIPs.join(), 20_000);
      webIP = await svcField('web', '.spec.clusterIP');
      webNodePort = Number(await svcField('web', '.spec.ports[0].nodePort'));
      assert.ok(webIP.startsWith(serviceCIDR.replace(/0\/24$/, '')), `${webIP} outside ${serviceCIDR}`);
      assert.ok(webNodePort > 0, String(webNodePort));
      await waitFor('pod client Running', async () => {
        const p = await client.get<Pod>(podsInfo, 'default', 'client').catch(() => undefined);
        return p && isRunningReady(p);
      }, 30_000);
    });

    test('ClusterIP from the host: 50 requests reach at least 2 pods', async () => {
      await waitFor('ClusterIP to answer', async () => (await get(webIP, 38001)).ok, 20_000);
      const seen = await answers(webIP, 38001, 50);
      const names = (await webPods()).map((p) => p.metadata.name!);
      assert.ok(seen.every((h) => names.includes(h)), `answers from outside the deployment: ${distinct(seen)}`);
      assert.ok(distinct(seen).length >= 2, `only ${distinct(seen)} answered`);
    });

    test('ClusterIP from another pod: 50 requests reach at least 2 pods', async () => {
      const seen = await getFromPod('client', webIP, 38001, 50);
      assert.equal(seen.length, 50, String(seen));
      const names = (await webPods()).map((p) => p.metadata.name!);
      assert.ok(seen.every((h) => names.includes(h)), `answers from outside the deployment: ${distinct(seen)}`);
      assert.ok(distinct(seen).length >= 2, `only ${distinct(seen)} answered`);
    });

    test('NodePort answers on 127.0.0.1 and on the node address', async () => {
      const names = (await webPods()).map((p) => p.metadata.name!);
      for (const host of ['127.0.0.1', nodeIP]) {
        const seen = await answers(host, webNodePort, 10);
        assert.ok(seen.every((h) => names.includes(h)), `${host}: ${seen}`);
      }
    });

    test('a pod reaches its own Service (hairpin)', async () => {
      const me = (await webPods()).filter(isRunningReady)[0].metadata.name!;
      const seen = await getFromPod(me, webIP, 38001, 20);
      assert.equal(seen.length, 20, String(seen));
      assert.ok(seen.includes(me), `${me} never reached itself: ${distinct(seen)}`);
    });

    test('sessionAffinity ClientIP sends one client to one pod', async () => {
      await kubectl.ok(['expose', 'deployment', 'web', '--name=web-sticky', '--port=38003', '--target-port=8001', '--session-affinity=ClientIP']);
      const ip = await svcField('web-sticky', '.spec.clusterIP');
      await waitFor('web-sticky Endpoints', async () => (await readyEndpoints('web-sticky')).length === 3, 20_000);
      await waitFor('web-sticky to answer', async () => (await get(ip, 38003)).ok, 20_000);
      const fromHost = await answers(ip, 38003, 20);
      assert.equal(distinct(fromHost).length, 1, String(fromHost));
      const fromPod = await getFromPod('client', ip, 38003, 10);
      assert.equal(fromPod.length, 10, String(fromPod));
      assert.equal(distinct(fromPod).length, 1, String(fromPod));
    });

    test('a LoadBalancer Service shows an EXTERNAL-IP in kubectl get svc that answers', async () => {
      await kubectl.ok(['expose', 'deployment', 'web', '--name=web-lb', '--port=38002', '--target-port=8001', '--type=LoadBalancer']);
      const row = await waitFor('EXTERNAL-IP', async () => {
        const r = (await kubectl.ok(['get', 'svc', 'web-lb', '--no-headers'])).trim();
        return r.split(/\s+/)[3] === lbIP ? r : undefined;
      }, 20_000);
      assert.match(row, /^web-lb\s+LoadBalancer\s/);
      await waitFor('EXTERNAL-IP to answer', async () => (await get(lbIP, 38002)).ok, 20_000);
      const names = (await webPods()).map((p) => p.metadata.name!);
      const seen = await answers(lbIP, 38002, 10);
      assert.ok(seen.every((h) => names.includes(h)), String(seen));
    });

    test('a pod resolves web.default.svc.cluster.local and web to the ClusterIP (busybox nslookup)', async () => {
      for (const name of ['web.default.svc.cluster.local', 'web']) {
        const r = await kubectl.run(['exec', 'client', '--', 'busybox', 'nslookup', name], { timeoutMs: 60_000 });
        const out = r.stdout;
        // busybox nslookup tries every search domain of the pod's resolv.conf and exits 1
        // when any of them is NXDOMAIN, as web.svc.cluster.local is: the short name
        // passes on its answer, the full name must succeed outright.
        if (name.includes('.')) assert.equal(r.code, 0, `${out}${r.stderr}`);
        else assert.ok(r.code === 0 || /NXDOMAIN/.test(out), `${out}${r.stderr}`);
        // the Address lines after "Name:" are the answers; the one before is the server
        const addrs = out.split(/^Name:/m).slice(1).flatMap((b) => [...b.matchAll(/^Address:\s*(\S+)\s*$/gm)].map((m) => m[1]));
        assert.deepEqual(distinct(addrs), [webIP], `nslookup ${name}:\n${out}`);
        assert.match(out, /^Name:\s+web\.default\.svc\.cluster\.local$/m, out);
      }
    });

    test('kubectl scale --replicas=0: the ClusterIP refuses at once', async (t) => {
      await scaleToZeroAndExpectRefusals(t, 'web', webIP, 38001);
    });

    test('after kubectl delete service no rule of it remains', async () => {
      await deleteServiceAndWaitForItsRulesToGo({ namespace: 'default', name: 'web', clusterIP: webIP, nodePort: webNodePort });
      // the other services' rules are still there: only web's went
      assert.ok(serviceRuleLines(await proxy!.ruleset(), mode, { namespace: 'default', name: 'web-sticky', clusterIP: await svcField('web-sticky', '.spec.clusterIP') }).length > 0);
      await waitFor('Endpoints web gone', async () => (await client.get(epInfo(), 'default', 'web').then(() => false, () => true)), 20_000);
    });

    // Plain ClusterIP Services (no NodePort, external address or affinity) of their own
    // Deployment, so scaling it leaves `web` alone. In nftables mode their VIPs jump to a
    // shared pick-tcp-<k> chain that DNATs through the service-endpoints-tcp map, so
    // scaling is a map-element update: the layout checks below pin that down.
    const PLAIN_PORT = 38004;
    const PLAIN2_PORT = 38005;
    let plainIP = '';
    let plain2IP = '';

    /** Running, Ready pods of the plain Deployment that are not being deleted. */
    async function plainPods(): Promise<Pod[]> {
      const ps = (await client.list<Pod>(podsInfo, 'default', { labelSelector: 'app=plain' })).items;
      return ps.filter((p) => !p.metadata.deletionTimestamp && isRunningReady(p));
    }

    /** Waits for the Deployment's live pods and the Service's Endpoints to both be exactly n pods. */
    async function plainAt(n: number, svc = 'plain'): Promise<Pod[]> {
      return waitFor(`${n} plain pods in Endpoints ${svc}`, async () => {
        const ps = await plainPods();
        const ips = ps.map((p) => p.status!.podIP!).sort();
        return ps.length === n && (await readyEndpoints(svc)).join() === ips.join() ? ps : undefined;
      }, 90_000, 200);
    }

    /** nftables mode: waits until the VIP DNATs through pick-tcp-<k> to exactly these pod IPs (k = their count). */
    async function waitPlainLayout(vip: string, port: number, podIPs: string[]): Promise<void> {
      if (mode !== 'nftables') return;
      const k = podIPs.length;
      const want = podIPs.map((ip) => `${ip}:8001`).sort();
      await waitFor(`${vip}:${port} to DNAT through pick-tcp-${k} to ${want}`, async () => {
        const l = await nftLayout(vip, port);
        const idx = l.endpoints.map((e) => e.split(' ')[0]).sort();
        const ips = l.endpoints.map((e) => e.split(' ')[1]).sort();
        const ok = k === 0
          ? l.verdict === undefined && l.endpoints.length === 0 && l.noEndpoint
          : l.verdict === `pick-tcp-${k}` && !l.noEndpoint && ips.join() === want.join()
            && idx.join() === [...Array(k).keys()].map(String).sort().join()
            && l.ruleset.includes(`chain pick-tcp-${k} {`);
        if (!ok || l.orphanPicks.length) {
          const lines = l.ruleset.split('\n').filter((x) => x.includes(vip) || /pick-/.test(x)).join('\n');
          throw new Error(`verdict ${l.verdict}, endpoints [${l.endpoints}], no-endpoint ${l.noEndpoint}, orphan picks [${l.orphanPicks}]\n${lines}`);
        }
        return true;
      }, 20_000);
    }

    test('plain ClusterIP Service (kubectl expose, no --type): answers from the host and a pod, spread over 3 pods', async () => {
      await kubectl.ok(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'plain', labels: { app: 'plain' } },
          spec: {
            replicas: 3, selector: { matchLabels: { app: 'plain' } },
            template: {
              metadata: { labels: { app: 'plain' } },
              spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: WEB, ports: [{ containerPort: 8001 }] }] },
            },
          },
        }),
      });
      await kubectl.ok(['expose', 'deployment', 'plain', '--name', 'plain', `--port=${PLAIN_PORT}`, '--target-port=8001']);
      await kubectl.ok(['expose', 'deployment', 'plain', '--name', 'plain2', `--port=${PLAIN2_PORT}`, '--target-port=8001']);
      assert.equal(await svcField('plain', '.spec.type'), 'ClusterIP');
      plainIP = await svcField('plain', '.spec.clusterIP');
      plain2IP = await svcField('plain2', '.spec.clusterIP');
      const pods = await plainAt(3);
      await plainAt(3, 'plain2');
      const podIPs = pods.map((p) => p.status!.podIP!);
      await waitPlainLayout(plainIP, PLAIN_PORT, podIPs);
      await waitPlainLayout(plain2IP, PLAIN2_PORT, podIPs);
      const names = pods.map((p) => p.metadata.name!);
      await waitFor('plain ClusterIP to answer', async () => (await get(plainIP, PLAIN_PORT)).ok, 20_000);
      const fromHost = await answers(plainIP, PLAIN_PORT, 50);
      assert.ok(fromHost.every((h) => names.includes(h)), `answers from outside the deployment: ${distinct(fromHost)}`);
      assert.ok(distinct(fromHost).length >= 2, `only ${distinct(fromHost)} answered`);
      const fromPod = await getFromPod('client', plainIP, PLAIN_PORT, 50);
      assert.equal(fromPod.length, 50, String(fromPod));
      assert.ok(fromPod.every((h) => names.includes(h)), `answers from outside the deployment: ${distinct(fromPod)}`);
      assert.ok(distinct(fromPod).length >= 2, `only ${distinct(fromPod)} answered`);
      assert.ok(names.includes((await answers(plain2IP, PLAIN2_PORT, 1))[0]));
    });

    test('plain ClusterIP follows kubectl scale 3 → 1 → 3: only the remaining pod answers at 1', async () => {
      await kubectl.ok(['scale', 'deployment', 'plain', '--replicas=1']);
      const [remaining] = await plainAt(1);
      const me = remaining.metadata.name!;
      await waitPlainLayout(plainIP, PLAIN_PORT, [remaining.status!.podIP!]);
      // terminating pods may still serve for a moment in iptables mode's eyes: wait
      // for one clean round, then demand that every later answer is the remaining pod
      await waitFor(`only ${me} to answer`, async () => (await answers(plainIP, PLAIN_PORT, 10)).every((h) => h === me), 20_000);
      const fromHost = await answers(plainIP, PLAIN_PORT, 30);
      assert.deepEqual(distinct(fromHost), [me]);
      const fromPod = await getFromPod('client', plainIP, PLAIN_PORT, 10);
      assert.equal(fromPod.length, 10, String(fromPod));
      assert.deepEqual(distinct(fromPod), [me]);

      await kubectl.ok(['scale', 'deployment', 'plain', '--replicas=3']);
      const pods = await plainAt(3);
      await plainAt(3, 'plain2');
      await waitPlainLayout(plainIP, PLAIN_PORT, pods.map((p) => p.status!.podIP!));
      const names = pods.map((p) => p.metadata.name!);
      const seen = await waitFor('a new pod to answer', async () => {
        const s = await answers(plainIP, PLAIN_PORT, 50);
        return s.some((h) => h !== me) ? s : undefined;
      }, 20_000);
      assert.ok(seen.every((h) => names.includes(h)), `answers from outside the deployment: ${distinct(seen)}`);
      assert.ok(distinct(seen).length >= 2, `only ${distinct(seen)} answered`);
    });

    test('deleting one plain ClusterIP Service with endpoints removes its rules and map elements, the other keeps working', async () => {
      if (mode === 'nftables') assert.equal((await nftLayout(plain2IP, PLAIN2_PORT)).endpoints.length, 3);
      await deleteServiceAndWaitForItsRulesToGo({ namespace: 'default', name: 'plain2', clusterIP: plain2IP });
      // the shared pick chain stays for plain, which still answers from all its pods
      await waitPlainLayout(plainIP, PLAIN_PORT, (await plainPods()).map((p) => p.status!.podIP!));
      const names = (await plainPods()).map((p) => p.metadata.name!);
      const seen = await answers(plainIP, PLAIN_PORT, 10);
      assert.ok(seen.every((h) => names.includes(h)), String(seen));
    });

    test('plain ClusterIP scaled to 0 refuses at once', async (t) => {
      await scaleToZeroAndExpectRefusals(t, 'plain', plainIP, PLAIN_PORT);
      // no map element or pick verdict left, the VIP in no-endpoint-services, no orphaned pick chain
      await waitPlainLayout(plainIP, PLAIN_PORT, []);
    });

    test('after kubectl delete service no rule of the plain ClusterIP Service remains', async () => {
      await deleteServiceAndWaitForItsRulesToGo({ namespace: 'default', name: 'plain', clusterIP: plainIP });
      // nowhere in the kernel's rules, not just our table or chains, is either ClusterIP
      // (our service CIDR is one no other test uses)
      const all = (await sh('nft', ['list', 'ruleset'])) + (await sh('iptables-save', []));
      for (const ip of [plainIP, plain2IP]) {
        assert.deepEqual(all.split('\n').filter((l) => new RegExp(`(?<![0-9.])${reEsc(ip)}(?![0-9])`).test(l)), [], ip);
      }
      if (mode === 'nftables') assert.deepEqual((await nftLayout(plainIP, PLAIN_PORT)).orphanPicks, []);
    });

    test('proxy --cleanup removes every rule, route and bridge of the proxy', async () => {
      await proxy!.cleanup();
      assert.deepEqual(await proxy!.leftovers(), []);
    });
  });
}
