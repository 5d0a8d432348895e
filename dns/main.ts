// `kubelite dns`: the cluster DNS server. Services and Endpoints come from
// informers into memory, so a query never waits on the apiserver; names outside
// the cluster domain go to the upstream resolvers of a resolv.conf. Unless told
// not to, it publishes itself as the kube-dns Service.
import type http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Endpoints, Service } from '../api/types/index.js';
import { Informer, loadKubeconfig, RestClient } from '../client/index.js';
import { errorFields } from '../client/logger.js';
import { Forwarder } from './forwarder.js';
import { QueryHandler } from './handler.js';
import { DnsMetrics, serveHealth } from './metrics.js';
import { canonicalName } from './records.js';
import { Registrar, RegistrationRejected } from './registration.js';
import { listenDns, parseHostPort, type DnsServer } from './server.js';
import { ClusterState } from './state.js';
import { formatUpstream, upstreamsFor, type SelfAddresses, type Upstream } from './upstreams.js';

export interface DnsOptions {
  kubeconfig: string;
  /** IP:PORT for UDP and TCP */
  /** `host:port`; `<advertiseAddress>:53` when unset */
  listen?: string;
  /** the address published in Endpoints kube-system/kube-dns; the --listen host when unset */
  advertiseAddress?: string;
  serviceIP: string;
  clusterDomain: string;
  upstreamResolvConf: string;
  register: boolean;
  /** IP:PORT for /healthz and /metrics; empty to disable */
  healthBindAddress: string;
  ttl: number;
  /** per upstream attempt */
  forwardTimeoutMs: number;
  logger: Logger;
}

export interface DnsInstance {
  port: number;
  healthAddress?: { host: string; port: number };
  /** stops serving and, when registered, takes our address out of the kube-dns Endpoints */
  close(): Promise<void>;
}

/** How often the upstream resolv.conf is checked for changes. */
const RESOLV_CONF_POLL_MS = 10_000;

function validate(o: DnsOptions): { listen: { host: string; port: number }; advertise?: string; domain: string } {
  const listenText = o.listen ?? (o.advertiseAddress ? `${o.advertiseAddress}:53` : undefined);
  if (!listenText) throw new Error('--listen or --advertise-address is required');
  const listen = parseHostPort('--listen', listenText);
  if (!isIP(o.serviceIP)) throw new Error(`--service-ip "${o.serviceIP}" is not an IP address`);
  const domain = canonicalName(o.clusterDomain);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain)) {
    throw new Error(`--cluster-domain "${o.clusterDomain}" is not a DNS name`);
  }
  if (!Number.isInteger(o.ttl) || o.ttl < 0 || o.ttl > 3600) throw new Error('--ttl must be 0..3600 seconds');
  let advertise = o.advertiseAddress;
  if (advertise !== undefined && !isIP(advertise)) throw new Error(`--advertise-address "${advertise}" is not an IP address`);
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::';
  if (!advertise && !wildcard) advertise = listen.host;
  // Node's UDP sockets cannot pick a reply's source address: on a wildcard socket a
  // reply to a query DNAT'd from the kube-dns ClusterIP may leave from another
  // local address, conntrack cannot un-NAT it and the client never sees it.
  if (o.register && wildcard) {
    throw new Error(`--listen ${listenText}: a wildcard address cannot serve the kube-dns Service (UDP replies could leave from another source address than the one queried); listen on the node's address, e.g. --listen ${advertise ?? '<node-ip>'}:${listen.port}`);
  }
  if (o.register && listen.port === 0) throw new Error('--listen needs a fixed port when registering in the kube-dns Endpoints');
  // The apiserver (like Kubernetes) refuses loopback endpoint addresses, and no other host could use one.
  if (o.register && advertise && isLoopback(advertise)) {
    throw new Error(`--advertise-address ${advertise} is a loopback address, which Endpoints may not hold: advertise the node's address (or pass --no-register)`);
  }
  return { listen, advertise, domain };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
}

export async function run(o: DnsOptions): Promise<DnsInstance> {
  const { listen, advertise, domain } = validate(o);
  const log = o.logger;

  const self: SelfAddresses = {
    listenHost: listen.host, listenPort: listen.port, advertiseAddress: advertise, serviceIP: o.serviceIP, localAddresses: localAddresses(),
  };
  let upstreams: Upstream[] = [];
  let resolvMtime = -1;
  const loadUpstreams = async (): Promise<void> => {
    const st = await stat(o.upstreamResolvConf).catch(() => undefined);
    const mtime = st?.mtimeMs ?? 0;
    if (mtime === resolvMtime) return;
    resolvMtime = mtime;
    const text = st ? await readFile(o.upstreamResolvConf, 'utf8').catch(() => '') : '';
    const r = upstreamsFor(text, self);
    upstreams = r.upstreams;
    const fields = { file: o.upstreamResolvConf, upstreams: r.upstreams.map(formatUpstream), skipped: r.skipped.map(formatUpstream), invalid: r.invalid };
    if (!upstreams.length) log.warn(fields, 'no upstream nameservers: names outside the cluster domain will get SERVFAIL');
    else log.info(fields, 'upstream nameservers');
  };
  await loadUpstreams();
  const poll = setInterval(() => void loadUpstreams().catch((e: unknown) => log.warn(errorFields(e), 'cannot read the upstream resolv.conf')), RESOLV_CONF_POLL_MS);
  poll.unref();

  const client = new RestClient(loadKubeconfig({ path: o.kubeconfig }), { qps: 20, burst: 40, logger: log, userAgent: 'kubelite-dns/v1.32.0' });
  const services = new Informer<Service>(client, client.resource('v1', 'Service'), { logger: log });
  const endpoints = new Informer<Endpoints>(client, client.resource('v1', 'Endpoints'), { logger: log });
  const state = new ClusterState();
  services.on('add', (s) => state.setService(s)).on('update', (_a, s) => state.setService(s)).on('delete', (s) => state.deleteService(s));
  endpoints.on('add', (e) => state.setEndpoints(e)).on('update', (_a, e) => state.setEndpoints(e)).on('delete', (e) => state.deleteEndpoints(e));

  let synced = false;
  const metrics = new DnsMetrics();
  const forwarder = new Forwarder({ upstreams: () => upstreams, timeoutMs: o.forwardTimeoutMs, logger: log });
  const handler = new QueryHandler({
    view: state, zone: { domain, ttl: o.ttl, serviceIP: o.serviceIP }, forwarder, ready: () => synced, logger: log,
    onQuery: (q) => {
      metrics.observe(q);
      if (q.source === 'error') log.debug({ ...q }, 'query failed');
    },
  });

  const cleanups: Array<() => Promise<void> | void> = [() => clearInterval(poll), () => client.close()];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c();
  };
  let server: DnsServer;
  try {
    server = await listenDns(listen, (msg, proto) => handler.handle(msg, proto), log);
  } catch (e) {
    await cleanup();
    throw new Error(`cannot listen on ${o.listen} (UDP and TCP): ${(e as Error).message}`);
  }
  cleanups.push(() => server.close());

  let health: http.Server | undefined;
  let healthAddress: DnsInstance['healthAddress'];
  if (o.healthBindAddress) {
    try {
      health = await serveHealth(parseHostPort('--health-bind-address', o.healthBindAddress), metrics, () => (
        synced ? { ok: true, detail: `${state.serviceCount} services` } : { ok: false, detail: 'waiting for the Service and Endpoints caches' }
      ));
    } catch (e) {
      await cleanup();
      throw new Error(`cannot serve health on ${o.healthBindAddress}: ${(e as Error).message}`);
    }
    const a = health.address();
    if (a && typeof a === 'object') healthAddress = { host: a.address, port: a.port };
    cleanups.push(() => new Promise<void>((r) => health!.close(() => r())));
  }

  const stopper = new AbortController();
  cleanups.push(() => stopper.abort());
  void services.start(stopper.signal);
  void endpoints.start(stopper.signal);

  let registrar: Registrar | undefined;
  if (o.register) {
    registrar = new Registrar({ client, serviceIP: o.serviceIP, member: { ip: advertise!, port: server.port }, endpoints, services, logger: log });
    // A Service the apiserver refuses for good (IP outside the range, taken) stops us here with its reason.
    try {
      await registrar.ensureService();
    } catch (e) {
      if (e instanceof RegistrationRejected) {
        await cleanup();
        throw e;
      }
      log.warn(errorFields(e), 'cannot ensure Service kube-system/kube-dns yet; retrying');
    }
  }

  const registered = registrar;
  void Promise.all([services.waitForSync(stopper.signal), endpoints.waitForSync(stopper.signal)]).then((ok) => {
    if (!ok.every(Boolean)) return;
    synced = true;
    log.info({ listen: `${server.host}:${server.port}`, domain, services: state.serviceCount }, 'caches synced; answering cluster names');
    // Only a server that can answer joins the Service.
    registered?.start();
  });

  log.info({ listen: `${server.host}:${server.port}`, advertise, serviceIP: o.serviceIP, domain, register: o.register }, 'dns server listening');
  return {
    port: server.port,
    healthAddress,
    async close() {
      // Leave the Service first so clients stop being sent here, then stop answering.
      if (registered) await registered.stop();
      await cleanup();
    },
  };
}
