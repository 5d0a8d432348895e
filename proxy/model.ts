// Services + Endpoints → the normalized desired state every proxy mode renders from.
// Everything Kubernetes-specific (types, policies, port-name matching, address
// conflicts) is decided here once, so the renderers only lay out rules.
import type { Endpoints, Service, ServicePort } from '../api/types/index.js';
import { portProtoHash } from './hash.js';

export type L4Protocol = 'tcp' | 'udp' | 'sctp';

export interface ModelEndpoint {
  ip: string;
  port: number;
  /** on this proxy's node (`nodeName` == --node-name) */
  local: boolean;
  /** the Endpoints object named no node: it might be ours, so hairpin rules still cover it */
  nodeUnknown: boolean;
}

export interface ServicePortModel {
  /** kube-proxy's ServicePortName: `ns/name:portName` (`ns/name` for an unnamed port) */
  name: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: L4Protocol;
  port: number;
  /** kube-proxy's hash of name + protocol: the stable id of every rule this port owns */
  hash: string;
  clusterIPs: string[];
  externalIPs: string[];
  loadBalancerIPs: string[];
  nodePort?: number;
  /** sessionAffinity ClientIP timeout; unset without affinity */
  affinitySeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** ready endpoints, sorted by ip then port */
  endpoints: ModelEndpoint[];
}

export interface ProxyModel {
  /** in the order of the services given */
  ports: ServicePortModel[];
  /** addresses two services claimed; the ClusterIP, else the first by name, keeps them */
  conflicts: string[];
}

export interface ModelOptions {
  /** this proxy's node; endpoints with this nodeName are local */
  nodeName?: string;
}

const DEFAULT_AFFINITY_SECONDS = 10800;

/** The endpoints that serve in-cluster (ClusterIP) traffic. */
export function clusterEndpoints(p: ServicePortModel): ModelEndpoint[] {
  return p.internalPolicyLocal ? p.endpoints.filter((e) => e.local) : p.endpoints;
}

/** The endpoints that serve NodePort / externalIP / LoadBalancer traffic from outside the cluster. */
export function externalEndpoints(p: ServicePortModel): ModelEndpoint[] {
  return p.externalPolicyLocal ? p.endpoints.filter((e) => e.local) : clusterEndpoints(p);
}

/** Addresses other than ClusterIPs that reach the service. */
export function externalVIPs(p: ServicePortModel): string[] {
  return [...p.externalIPs, ...p.loadBalancerIPs];
}

/** Whether traffic from outside needs its own chain (masquerade or Local policy). */
export function hasExternal(p: ServicePortModel): boolean {
  return p.nodePort !== undefined || p.externalIPs.length > 0 || p.loadBalancerIPs.length > 0;
}

export function vipKey(ip: string, protocol: L4Protocol, port: number): string {
  return `${ip} . ${protocol} . ${port}`;
}

/** The address as an unsigned 32-bit number, or -1 when it is not a dotted IPv4 address. */
export function parseIPv4(s: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

function isIPv4(s: string): boolean {
  return parseIPv4(s) >= 0;
}

function protocolOf(p: { protocol?: string }): L4Protocol {
  const v = (p.protocol ?? 'TCP').toLowerCase();
  return v === 'udp' || v === 'sctp' ? v : 'tcp';
}

function uniqueSorted(ips: Iterable<string>): string[] {
  return [...new Set([...ips].filter(isIPv4))].sort();
}

/** The ServicePorts of one Service as kube-proxy models them, before conflict resolution. */
export function servicePorts(svc: Service, eps: Endpoints | undefined, opts: ModelOptions = {}): ServicePortModel[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const clusterIPs = uniqueSorted(spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []);
  if (clusterIPs.length === 0) return []; // headless or not yet allocated
  const namespace = svc.metadata.namespace ?? 'default';
  const service = svc.metadata.name ?? '';
  const isLB = spec.type === 'LoadBalancer';
  const exposesNodePorts = spec.type === 'NodePort' || isLB;
  const lbIPs = isLB
    ? uniqueSorted((svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && i.ipMode !== 'Proxy').map((i) => i.ip as string))
    : [];
  const externalIPs = uniqueSorted(spec.externalIPs ?? []);
  const affinitySeconds = spec.sessionAffinity === 'ClientIP'
    ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS
    : undefined;
  // Local external policy only means something for traffic that arrives from outside.
  const externalPolicyLocal = spec.externalTrafficPolicy === 'Local' && (exposesNodePorts || externalIPs.length > 0);
  const out: ServicePortModel[] = [];
  for (const sp of spec.ports ?? []) {
    const protocol = protocolOf(sp);
    const portName = sp.name ?? '';
    const name = `${namespace}/${service}${portName ? `:${portName}` : ''}`;
    out.push({
      name, namespace, service, portName, protocol, port: sp.port,
      hash: portProtoHash(name, protocol),
      clusterIPs, externalIPs, loadBalancerIPs: lbIPs,
      nodePort: exposesNodePorts && sp.nodePort ? sp.nodePort : undefined,
      affinitySeconds,
      externalPolicyLocal,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      endpoints: endpointsFor(sp, protocol, eps, opts),
    });
  }
  return out;
}

/**
 * Ready addresses of the Endpoints subsets whose port carries the service port's
 * name: the Endpoints controller already resolved named targetPorts per pod, so
 * one service port may map to different numbers in different subsets.
 */
function endpointsFor(sp: ServicePort, protocol: L4Protocol, eps: Endpoints | undefined, opts: ModelOptions): ModelEndpoint[] {
  const want = sp.name ?? '';
  const found: Array<{ n: number; e: ModelEndpoint }> = [];
  let sorted = true;
  for (const subset of eps?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === want && protocolOf(p) === protocol);
    if (!port) continue;
    for (const a of subset.addresses ?? []) {
      const ip = parseIPv4(a.ip);
      if (ip < 0) continue;
      // address and port in one sortable number (below 2^48, exact in a double)
      const n = ip * 65536 + port.port;
      if (found.length && found[found.length - 1].n >= n) sorted = false;
      found.push({ n, e: { ip: a.ip, port: port.port, local: opts.nodeName !== undefined && a.nodeName === opts.nodeName, nodeUnknown: !a.nodeName } });
    }
  }
  // Endpoints controllers list addresses sorted, so the sort is usually skipped.
  if (!sorted) found.sort((a, b) => a.n - b.n);
  const out: ModelEndpoint[] = [];
  for (let i = 0; i < found.length; i++) if (i === 0 || found[i].n !== found[i - 1].n) out.push(found[i].e);
  return out;
}

export function ipToInt(ip: string): number {
  const n = parseIPv4(ip);
  if (n < 0) throw new Error(`"${ip}" is not an IPv4 address`);
  return n;
}

/**
 * The whole desired state. An address:port claimed twice (an externalIP or
 * LoadBalancer IP reused, a nodePort clash) goes to a ClusterIP first, then to the
 * service port first by name, so every key belongs to exactly one service port and
 * rules never fight. Ports keep the order of `services`.
 */
export function buildModel(services: Iterable<Service>, endpoints: EndpointsLookup, opts: ModelOptions = {}): ProxyModel {
  return new ModelBuilder(opts).build(services, endpoints);
}

export type EndpointsLookup = (namespace: string, name: string) => Endpoints | undefined;

/**
 * buildModel for a long-running proxy: a Service whose object and Endpoints object
 * are the very ones seen last time (informer caches replace objects on change)
 * keeps its previous ServicePortModels, so unchanged services cost nothing to
 * re-model and renderers can reuse their rules by identity.
 */
export class ModelBuilder {
  // Keyed by the Service object itself: a replaced object misses, a deleted one is collected.
  private cache = new WeakMap<Service, { eps: Endpoints | undefined; ports: ServicePortModel[] }>();

  constructor(private readonly opts: ModelOptions = {}) {}

  build(services: Iterable<Service>, endpoints: EndpointsLookup): ProxyModel {
    const all: ServicePortModel[] = [];
    for (const svc of services) {
      const eps = endpoints(svc.metadata.namespace ?? 'default', svc.metadata.name ?? '');
      let hit = this.cache.get(svc);
      if (!hit || hit.eps !== eps) {
        hit = { eps, ports: servicePorts(svc, eps, this.opts) };
        this.cache.set(svc, hit);
      }
      for (const p of hit.ports) all.push(p);
    }
    return resolveConflicts(all);
  }
}

const claimKeys = new WeakMap<ServicePortModel, string[]>();

/**
 * The map keys one port claims (its VIP keys in list order, then its nodePort key),
 * built once per model object: the same string objects keep their hash, so a sync
 * that re-resolves 10,000 unchanged ports does not rebuild and rehash every key.
 */
function claimKeysOf(p: ServicePortModel): string[] {
  let keys = claimKeys.get(p);
  if (!keys) {
    keys = [...p.clusterIPs, ...p.externalIPs, ...p.loadBalancerIPs].map((ip) => vipKey(ip, p.protocol, p.port));
    if (p.nodePort !== undefined) keys.push(`${p.protocol} . ${p.nodePort}`);
    claimKeys.set(p, keys);
  }
  return keys;
}

type ClaimList = 0 | 1 | 2; // clusterIPs, externalIPs, loadBalancerIPs: earlier lists win

interface Claim {
  p: ServicePortModel;
  list: ClaimList;
}

function beats(a: Claim, b: Claim): boolean {
  if (a.list !== b.list) return a.list < b.list;
  if (a.p.name !== b.p.name) return a.p.name < b.p.name;
  return a.p.protocol < b.p.protocol;
}

/** Order-independent (no sort of all ports per sync): winners are decided per clashing key. */
export function resolveConflicts(ports: ServicePortModel[]): ProxyModel {
  const vips = new Map<string, Claim>();
  const nodePorts = new Map<string, Claim>();
  const conflicts: string[] = [];
  // `ip` names the VIP claimed (undefined: the nodePort); the message is built only on a clash.
  const claim = (table: Map<string, Claim>, key: string, c: Claim, ip?: string): void => {
    const cur = table.get(key);
    if (!cur) {
      table.set(key, c);
      return;
    }
    if (cur.p === c.p && cur.list === c.list) return; // the same address twice in one list: nothing to decide
    const what = ip !== undefined ? `${ip}:${c.p.port}` : `nodePort ${c.p.nodePort}`;
    if (beats(c, cur)) {
      table.set(key, c);
      conflicts.push(`${cur.p.name}/${cur.p.protocol}: ${what} is taken by ${c.p.name}`);
    } else {
      conflicts.push(`${c.p.name}/${c.p.protocol}: ${what} is taken by ${cur.p.name}`);
    }
  };
  for (const p of ports) {
    const keys = claimKeysOf(p);
    let i = 0;
    for (const ip of p.clusterIPs) claim(vips, keys[i++], { p, list: 0 }, ip);
    for (const ip of p.externalIPs) claim(vips, keys[i++], { p, list: 1 }, ip);
    for (const ip of p.loadBalancerIPs) claim(vips, keys[i++], { p, list: 2 }, ip);
    if (p.nodePort !== undefined) claim(nodePorts, keys[i], { p, list: 0 });
  }
  if (conflicts.length === 0) return { ports, conflicts };
  // Rare: rebuild only the ports that lost something; the rest stay the same objects.
  const won = (p: ServicePortModel, list: ClaimList) => (ip: string): boolean => {
    const c = vips.get(vipKey(ip, p.protocol, p.port));
    return c !== undefined && c.p === p && c.list === list;
  };
  const out = ports.map((p) => {
    const clusterIPs = p.clusterIPs.filter(won(p, 0));
    const externalIPs = p.externalIPs.filter(won(p, 1));
    const loadBalancerIPs = p.loadBalancerIPs.filter(won(p, 2));
    const keepNodePort = p.nodePort === undefined || nodePorts.get(`${p.protocol} . ${p.nodePort}`)?.p === p;
    if (clusterIPs.length === p.clusterIPs.length && externalIPs.length === p.externalIPs.length
      && loadBalancerIPs.length === p.loadBalancerIPs.length && keepNodePort) return p;
    return { ...p, clusterIPs, externalIPs, loadBalancerIPs, nodePort: keepNodePort ? p.nodePort : undefined };
  });
  return { ports: out, conflicts };
}

/** Endpoints that may send hairpin traffic through this node: the local ones, and those of unknown node. */
export function hairpinCandidates(p: ServicePortModel): ModelEndpoint[] {
  return p.endpoints.filter((e) => e.local || e.nodeUnknown);
}

const fingerprints = new WeakMap<ServicePortModel, string>();

/** Whole-object fingerprint of one service port (memoized): equal fingerprints render equal rules. */
export function fingerprint(p: ServicePortModel): string {
  let f = fingerprints.get(p);
  if (f === undefined) {
    f = JSON.stringify(p);
    fingerprints.set(p, f);
  }
  return f;
}

/** Same rules either way: the very same object (the common, free case) or equal content. */
export function sameServicePort(a: ServicePortModel, b: ServicePortModel): boolean {
  return a === b || fingerprint(a) === fingerprint(b);
}
