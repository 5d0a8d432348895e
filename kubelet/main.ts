// `kubelite kubelet`: registers the node, heartbeats its Lease, runs the pods
// bound to it (and static pods) in Docker, reports their status, and serves
// logs/exec/port-forward/stats over gRPC.
import Dockerode from 'dockerode';
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { ROOT_DIR_ANNOTATION } from '../api/local-path.js';
import type { Node, ResourceList, Taint } from '../api/types/index.js';
import { generateCA, issueCertificate } from '../client/pki.js';
import { loadKubeconfig, RestClient } from '../client/index.js';
import { ApiObjects } from './api-objects.js';
import { EventRecorder } from './events.js';
import { HandlerRunner } from './handlers.js';
import { ImageManager } from './images.js';
import { NodeLease } from './lease.js';
import { cidrGateway, dockerBridgeFor, fallbackPodCIDR, normalizeCidr, type PodNetwork } from './network.js';
import { BridgeNetwork } from './pod-net/bridge-network.js';
import { bridgeName } from './pod-net/link.js';
import { LocalPathReclaimer } from './local-path-reclaimer.js';
import { nodeLabels, NodeStatusReporter, type NodeFacts } from './node-status.js';
import { parseResolvConf } from './pod-files.js';
import { PodManager } from './pod-manager.js';
import { PodRoutesController } from './pod-routes-controller.js';
import { PodWorker } from './pod-worker.js';
import { ProbeManager } from './probes.js';
import { DockerRuntime } from './runtime/docker.js';
import { startKubeletGrpcServer } from './grpc/server.js';
import { MirrorPods, StaticPodSource } from './static-pods.js';
import { StatusManager } from './status-manager.js';
import { defaultNodeIP, diskBytes, systemInfo } from './system-info.js';

export interface KubeletOptions {
  kubeconfig: string;
  nodeName: string;
  rootDir: string;
  /** used when the control plane assigned none */
  podCIDR?: string;
  podManifestPath?: string;
  maxPods: number;
  /** `unix:///var/run/docker.sock` or `tcp://host:port` */
  dockerHost: string;
  nodeIP?: string;
  clusterDNS?: string;
  grpcPort: number;
  grpcBindAddress?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  /** pods brought up at the same time (default 4) */
  parallelPodStarts?: number;
  /** Lease duration; the lease is renewed every quarter of it (default 40 s) */
  nodeLeaseDurationSeconds?: number;
  /** pod traffic inside it is routed host-gw between nodes and not masqueraded (default 10.244.0.0/16) */
  clusterCIDR?: string;
  /** keep routes to other nodes' podCIDRs and the pod-network iptables rules (default true) */
  podRoutes?: boolean;
  /** bit of the proxy's masquerade mark; packets carrying it keep being masqueraded (default 14) */
  masqueradeBit?: number;
  /** taints the Node is created with (--register-with-taints) */
  registerWithTaints?: Taint[];
  /** labels the Node carries besides the built-in ones (--node-labels) */
  nodeLabels?: Record<string, string>;
  logger: Logger;
}

export interface Kubelet {
  grpcPort: number;
  network: PodNetwork;
  /** stops the kubelet; containers keep running and are adopted by the next start */
  close(): Promise<void>;
}

export function dockerFromHost(host: string): Dockerode {
  if (host.startsWith('unix://')) return new Dockerode({ socketPath: host.slice('unix://'.length) });
  if (host.startsWith('tcp://') || host.startsWith('http://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    return new Dockerode({ host: u.hostname, port: Number(u.port || 2375), protocol: 'http' });
  }
  return new Dockerode({ socketPath: host });
}

export async function run(o: KubeletOptions): Promise<Kubelet> {
  const log = o.logger;
  const nodeName = o.nodeName;
  await mkdir(o.rootDir, { recursive: true, mode: 0o750 });
  const docker = dockerFromHost(o.dockerHost);
  const runtimeVersion = await waitForDocker(docker, log);
  const client = new RestClient(loadKubeconfig({ path: o.kubeconfig }), { qps: 100, burst: 200, logger: log, userAgent: `kubelet/v1.32.0-kubelite (${nodeName})` });
  const system = await systemInfo();
  const nodeIP = o.nodeIP ?? defaultNodeIP() ?? '127.0.0.1';
  const images = new ImageManager(docker, log);
  const pauseReady = images.ensurePause().catch((e: unknown) => log.error({ err: (e as Error).message }, 'cannot build the pause image'));

  const grpc = await startGrpc(o, docker, client, nodeIP, log);

  const facts = async (): Promise<NodeFacts> => {
    let healthy = true;
    let message: string | undefined;
    try {
      await docker.ping();
    } catch (e) {
      healthy = false;
      message = (e as Error).message;
    }
    const disk = await diskBytes(o.rootDir);
    const imgs = healthy ? await docker.listImages().catch(() => []) : [];
    return {
      nodeName, nodeIP, system, maxPods: o.maxPods, runtimeVersion, grpcPort: grpc.port, ephemeralStorageBytes: disk?.capacity,
      runtimeHealthy: healthy, runtimeMessage: message,
      images: imgs
        .filter((i) => (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'))
        .sort((a, b) => b.Size - a.Size)
        .slice(0, 50)
        .map((i) => ({ names: [...(i.RepoDigests ?? []), ...(i.RepoTags ?? [])].filter((t) => !t.includes('<none>')), sizeBytes: i.Size })),
    };
  };
  let node: Node | undefined;
  // The local-path provisioner puts volumes under the root dir it reads from this annotation.
  const rootDir = resolve(o.rootDir);
  const reporter = new NodeStatusReporter({ client, nodeName, log, facts, onNode: (n) => (node = n), annotations: { [ROOT_DIR_ANNOTATION]: rootDir },
    labels: o.nodeLabels, taints: o.registerWithTaints });
  node = await registerWithRetry(reporter, log);

  // The control plane's podCIDR wins; --pod-cidr fills in when it assigned none.
  let podCIDR = node?.spec?.podCIDR || undefined;
  if (!podCIDR && o.podCIDR) {
    podCIDR = o.podCIDR;
    if (node) await reporter.setPodCIDR(o.podCIDR).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'cannot record podCIDR on the node'));
  } else if (!podCIDR && node) {
    podCIDR = await waitForPodCIDR(reporter, log);
  }
  if (o.podCIDR && podCIDR && podCIDR !== o.podCIDR) log.info({ podCIDR, flag: o.podCIDR }, 'using the podCIDR the control plane assigned');
  const runtime = new DockerRuntime(docker, nodeName, log);
  const network = await setUpPodNetwork(docker, runtime, nodeName, podCIDR, o.clusterCIDR ?? '10.244.0.0/16', log);
  await pauseReady;
  // Started after the pod bridge exists, so its connected route keeps our own podCIDR out of the routes.
  const podRoutes = o.podRoutes === false ? undefined : new PodRoutesController({
    client, nodeName, clusterCIDR: o.clusterCIDR ?? '10.244.0.0/16', masqueradeBit: o.masqueradeBit ?? 14, log,
  });
  podRoutes?.start();

  const handlers = new HandlerRunner(runtime);
  const events = new EventRecorder(client, nodeName, log);
  const hostResolv = parseResolvConf(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
  let manager: PodManager | undefined;
  const probes = new ProbeManager(
    handlers,
    (uid) => manager?.requeue(uid, 0),
    (t, kind, message) => {
      const pod = manager?.podByUid(t.podUid);
      if (!pod) return;
      const name = kind.charAt(0).toUpperCase() + kind.slice(1);
      events.record({ kind: 'Pod', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace, uid: pod.metadata.uid }, 'Warning', 'Unhealthy',
        `${name} probe failed: ${message}`.trim(), `spec.containers{${t.container.name}}`);
    },
    log,
  );
  const status = new StatusManager(client, log);
  const allocatable = (): ResourceList => ({ cpu: String(system.cpus), memory: `${Math.floor(system.memoryBytes / 1024)}Ki`, ...(node?.status?.allocatable ?? {}) });
  const worker = new PodWorker({
    nodeName, rootDir: o.rootDir, runtime, images, objects: new ApiObjects(client), events, probes, handlers,
    network: () => network, nodeIP, clusterDNS: o.clusterDNS, hostResolv, nodeAllocatable: allocatable, nodeMemoryBytes: system.memoryBytes,
    log,
    parallelPodStarts: o.parallelPodStarts,
    requeue: (uid, ms) => manager?.requeue(uid, ms),
    writeStatus: (pod, st) => {
      const target = manager?.apiObjectFor(pod);
      if (!target) return;
      status.set(pod.metadata.uid ?? '', { namespace: target.metadata.namespace ?? 'default', name: target.metadata.name ?? '', uid: target.metadata.uid ?? '' }, st, target);
    },
  });

  let staticPods: StaticPodSource | undefined;
  if (o.podManifestPath) {
    staticPods = new StaticPodSource(o.podManifestPath, nodeName, (uids) => manager?.onStaticChange(uids), log);
  }
  manager = new PodManager({
    client, nodeName, runtime, worker, status, staticPods, log,
    mirrors: staticPods ? new MirrorPods(client, nodeName, () => node?.metadata.uid, log) : undefined,
  });
  await staticPods?.start();

  const lease = new NodeLease(client, nodeName, () => node?.metadata.uid, log, o.nodeLeaseDurationSeconds);
  lease.start();
  reporter.start();
  if (!node) retryRegistration(reporter, log);
  events.record({ kind: 'Node', name: nodeName, uid: nodeName }, 'Normal', 'Starting', 'Starting kubelet.');
  await manager.start();
  const reclaimer = new LocalPathReclaimer({ client, node: { name: nodeName, labels: nodeLabels(nodeName, system) }, rootDir, log: log.child({ component: 'local-path-reclaimer' }) });
  reclaimer.start();
  log.info({ node: nodeName, nodeIP, podCIDR: network.subnet, grpcPort: grpc.port }, 'kubelet started');

  return {
    grpcPort: grpc.port,
    network,
    async close() {
      reclaimer.stop();
      network.bridge?.stop();
      await podRoutes?.stop();
      reporter.stop();
      lease.stop();
      staticPods?.stop();
      await manager?.stop();
      probes.stopAll();
      status.close();
      await events.flush(1000);
      await grpc.close().catch(() => undefined);
      client.close();
    },
  };
}

/** Dockerd's default bridge when it has the podCIDR (dockerd --bip), else the kubelet's own bridge. */
async function setUpPodNetwork(docker: Dockerode, runtime: DockerRuntime, nodeName: string, podCIDR: string | undefined, clusterCIDR: string, log: Logger): Promise<PodNetwork> {
  const cidr = normalizeCidr(podCIDR ?? fallbackPodCIDR());
  if (!podCIDR) log.warn({ podCIDR: cidr }, 'no podCIDR from the control plane or --pod-cidr; using a free local range');
  const dockers = await dockerBridgeFor(docker, nodeName, cidr, log);
  if (dockers) return dockers;
  const gateway = cidrGateway(cidr);
  const bridge = new BridgeNetwork({
    nodeName, bridge: bridgeName(nodeName), podCIDR: cidr, gateway, clusterCIDR: normalizeCidr(clusterCIDR),
    pidOf: (id) => runtime.pid(id),
    listSandboxes: async () => (await runtime.list()).filter((c) => c.type === 'sandbox'),
    log,
  });
  await bridge.start();
  runtime.onRemoved = (id) => bridge.removed(id);
  log.info({ bridge: bridge.bridge, subnet: cidr, gateway }, 'pod network ready');
  return { mode: 'none', name: bridge.bridge, subnet: cidr, gateway, bridge };
}

async function waitForDocker(docker: Dockerode, log: Logger): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const v = await docker.version();
      return v.Version;
    } catch (e) {
      if (attempt % 10 === 0) log.error({ err: (e as Error).message }, 'Docker is not answering; retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A few quick tries; static pods must not wait for an unreachable apiserver. */
async function registerWithRetry(reporter: NodeStatusReporter, log: Logger): Promise<Node | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await reporter.register();
    } catch (e) {
      log.warn({ err: (e as Error).message, attempt }, 'node registration failed');
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
  return undefined;
}

function retryRegistration(reporter: NodeStatusReporter, log: Logger): void {
  const again = (): void => {
    reporter.register().catch((e: unknown) => {
      log.warn({ err: (e as Error).message }, 'node registration failed; retrying');
      setTimeout(again, 10_000);
    });
  };
  setTimeout(again, 5_000);
}

/** Gives node IPAM a moment to assign a podCIDR; Docker picks a subnet otherwise. */
async function waitForPodCIDR(reporter: NodeStatusReporter, log: Logger): Promise<string | undefined> {
  for (let i = 0; i < 10; i++) {
    const node = await reporter.refresh().catch(() => undefined);
    if (node?.spec?.podCIDR) return node.spec.podCIDR;
    await new Promise((r) => setTimeout(r, 500));
  }
  log.warn({}, 'no podCIDR assigned and no --pod-cidr given; Docker chooses the pod subnet');
  return undefined;
}

async function startGrpc(o: KubeletOptions, docker: Dockerode, client: RestClient, nodeIP: string, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  let tls: { caPem: string; certPem: string; keyPem: string };
  const caPem = o.clientCAFile ? await readFile(o.clientCAFile, 'utf8') : client.config.ca?.toString('utf8') ?? '';
  if (o.tlsCertFile && o.tlsPrivateKeyFile) {
    tls = { caPem, certPem: await readFile(o.tlsCertFile, 'utf8'), keyPem: await readFile(o.tlsPrivateKeyFile, 'utf8') };
  } else {
    const ca = await generateCA(`kubelite-kubelet-${o.nodeName}-ca`);
    const cert = await issueCertificate(ca, { commonName: o.nodeName, dnsNames: [o.nodeName, 'localhost'], ipAddresses: [nodeIP, '127.0.0.1'], usage: 'server' });
    tls = { caPem, certPem: cert.certPem + ca.certPem, keyPem: cert.keyPem };
    log.warn({ node: o.nodeName }, 'no --tls-cert-file/--tls-private-key-file: serving gRPC with a self-signed certificate the apiserver cannot verify');
  }
  if (!caPem) log.warn({ node: o.nodeName }, 'no client CA (--client-ca-file or the kubeconfig CA): gRPC clients cannot be verified');
  return startKubeletGrpcServer({ port: o.grpcPort, host: o.grpcBindAddress ?? '0.0.0.0', tls, docker, nodeName: o.nodeName, logger: log });
}
