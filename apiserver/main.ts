// `kubelite apiserver`: HTTPS Kubernetes API over LevelDB.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ObjectStore } from './storage/store.js';
import { warmUpShapeTables } from './typecheck/shape.js';
import { Registry } from './registry/registry.js';
import { ensureApiserverPki } from './pki.js';
import { buildServer, type RouteExtension } from './http/server.js';
import { ApiserverMetrics } from './metrics.js';
import { loadTokenFile, type TokenAuthenticator } from './auth/authenticate.js';
import { buildKubeconfig } from '../client/kubeconfig.js';
import { findResource, RESOURCES } from '../api/resources.js';
import { resourcePrefix } from './storage/store.js';
import { createStreamsExtension } from './streams/index.js';
import { bootstrapTokenAuthenticator } from './auth/bootstrap-token.js';
import { admitCreate, authorize } from './auth/authorize.js';
import { NodeGraph } from './auth/node-graph.js';
import type { Secret } from '../api/types/core.js';

export interface ApiserverOptions {
  dataDir: string;
  bindAddress?: string;
  securePort?: number;
  advertiseAddress?: string;
  serviceClusterIpRange?: string;
  serviceNodePortRange?: string;
  tokenAuthFile?: string;
  tlsSans?: string[];
  defaultTolerationSeconds?: number;
  logLevel?: string;
  /** size of each resource's watch event window */
  watchWindow?: number;
  logger?: Logger;
  extensions?: (ctx: { registry: Registry; logger: Logger }) => RouteExtension[];
}

export interface RunningApiserver {
  port: number;
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

function firstLanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function run(opts: ApiserverOptions): Promise<RunningApiserver> {
  const logger = opts.logger ?? pino({ name: 'apiserver', level: opts.logLevel ?? 'info' });
  const bindAddress = opts.bindAddress ?? '0.0.0.0';
  const port = opts.securePort ?? 6443;
  const wildcard = bindAddress === '0.0.0.0' || bindAddress === '::';
  const advertiseAddress = opts.advertiseAddress ?? (wildcard ? firstLanAddress() : bindAddress);
  const serviceRange = opts.serviceClusterIpRange ?? '10.96.0.0/12';
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });

  const metrics = new ApiserverMetrics();
  const store = new ObjectStore(join(opts.dataDir, 'db'), opts.watchWindow ?? 50_000, (ms, n) => {
    metrics.storageBatch.observe(ms / 1000);
    metrics.storageBatchSize.observe(n);
  });
  await store.open();
  const registry = new Registry(store, {
    serviceClusterIpRange: serviceRange,
    serviceNodePortRange: opts.serviceNodePortRange ?? '30000-32767',
    advertiseAddress,
    securePort: port,
    podAdmission: { defaultTolerationSeconds: opts.defaultTolerationSeconds ?? 300 },
  });
  warmUpShapeTables();
  await registry.init();
  metrics.setObjectCounter(() => RESOURCES.map((r) => [r.resource, store.count(resourcePrefix(r.group, r.resource))]));

  const ips = ['127.0.0.1', advertiseAddress, registry.services.kubernetesServiceIp];
  if (!wildcard) ips.push(bindAddress);
  const sans = {
    dnsNames: ['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: [...new Set([...ips, ...(opts.tlsSans ?? []).filter((s) => /^\d+\.\d+\.\d+\.\d+$/.test(s))])],
  };
  sans.dnsNames.push(...(opts.tlsSans ?? []).filter((s) => !/^\d+\.\d+\.\d+\.\d+$/.test(s)));
  const pki = await ensureApiserverPki(opts.dataDir, sans);

  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (opts.tokenAuthFile) tokenAuthenticators.push(loadTokenFile(opts.tokenAuthFile));
  const secretsInfo = findResource('', 'v1', 'secrets')!;
  tokenAuthenticators.push(bootstrapTokenAuthenticator((ns, name) => store.get(registry.key(secretsInfo, ns, name)) as Secret | undefined));
  const nodeGraph = new NodeGraph(store);

  let ready = false;
  const streams = createStreamsExtension({
    registry, logger,
    kubeletClientTls: { caPem: pki.ca.certPem, certPem: pki.kubeletClient.certPem, keyPem: pki.kubeletClient.keyPem },
  });
  const { app, hub } = buildServer({
    tls: { key: pki.serving.keyPem, cert: pki.serving.certPem, ca: pki.ca.certPem },
    registry, metrics, logger, tokenAuthenticators,
    authorize: (user, attrs) => authorize(user, attrs, nodeGraph),
    admitCreate,
    serverAddress: `${advertiseAddress}:${port}`,
    isReady: () => ready,
    extensions: [...(opts.extensions?.({ registry, logger }) ?? []), streams],
  });
  await app.listen({ host: bindAddress, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const clientHost = wildcard ? '127.0.0.1' : bindAddress;
  const url = `https://${clientHost}:${actualPort}`;

  const kubeconfig = buildKubeconfig({
    clusterName: 'kubelite', server: url, caData: pki.ca.certPem, contextName: 'kubelite',
    user: { name: 'kubelite-admin', certData: pki.admin.certPem, keyData: pki.admin.keyPem },
  });
  const kcPath = join(opts.dataDir, 'admin.kubeconfig');
  await writeFile(`${kcPath}.tmp`, kubeconfig, { mode: 0o600 });
  await rename(`${kcPath}.tmp`, kcPath);
  ready = true;
  logger.info({ url, dataDir: opts.dataDir, revision: store.currentRevision() }, 'apiserver ready');

  return {
    port: actualPort,
    url,
    registry,
    async close() {
      ready = false;
      hub.closeAll();
      streams.close();
      nodeGraph.close();
      await app.close();
      await store.close();
    },
  };
}
