// Pure: desired model → what IPVS mode installs. IPVS does the balancing (one
// virtual service per VIP:port and per node address:NodePort, real servers in
// masquerade mode); VIPs are bound to a local interface so the kernel accepts them
// (an empty bridge `kube-ipvs0`, since there is no `dummy` link type here); and a
// small nft table still marks and masquerades what kube-proxy's IPVS mode does
// with iptables: off-cluster clients, external traffic, hairpin.
import {
  clusterEndpoints, externalEndpoints, externalVIPs, hairpinCandidates, vipKey,
  type L4Protocol, type ModelEndpoint, type ProxyModel,
} from '../model.js';
import { nftGuardRules } from '../service-cidr-guard.js';

export interface IpvsConfig {
  /** ipvsadm scheduler: rr, wrr, lc, sh, ... */
  scheduler: string;
  /** local addresses NodePorts get a virtual service on */
  nodeAddresses: string[];
  /** the interface VIPs are bound to */
  vipBridge: string;
  /** the nft table for the marking/masquerading rules */
  table: string;
  clusterCIDR?: string;
  serviceCIDR: string;
  serviceBridge: string;
  masqueradeMark: number;
}

export interface VirtualService {
  protocol: L4Protocol;
  /** `ip:port` */
  address: string;
  scheduler: string;
  /** ClientIP affinity timeout (ipvsadm -p) */
  persistence?: number;
  /** `ip:port`, sorted */
  reals: string[];
}

export interface IpvsPlan {
  /** keyed by `<proto> <ip:port>` */
  services: Map<string, VirtualService>;
  /** VIPs to bind (as /32) on the VIP interface, sorted */
  addresses: string[];
  nft: string;
  sysctls: Array<[string, string]>;
}

const PROTO_FLAG: Record<L4Protocol, string> = { tcp: '-t', udp: '-u', sctp: '--sctp-service' };

function reals(eps: ModelEndpoint[]): string[] {
  return eps.map((e) => `${e.ip}:${e.port}`);
}

export function buildIpvsPlan(model: ProxyModel, cfg: IpvsConfig): IpvsPlan {
  const services = new Map<string, VirtualService>();
  const addresses = new Set<string>();
  const add = (protocol: L4Protocol, ip: string, port: number, eps: ModelEndpoint[], persistence?: number): void => {
    const address = `${ip}:${port}`;
    services.set(`${protocol} ${address}`, { protocol, address, scheduler: cfg.scheduler, persistence, reals: reals(eps) });
  };
  for (const p of model.ports) {
    const cEps = clusterEndpoints(p);
    const xEps = externalEndpoints(p);
    for (const ip of p.clusterIPs) {
      add(p.protocol, ip, p.port, cEps, p.affinitySeconds);
      addresses.add(ip);
    }
    for (const ip of externalVIPs(p)) {
      add(p.protocol, ip, p.port, xEps, p.affinitySeconds);
      addresses.add(ip);
    }
    if (p.nodePort !== undefined) for (const ip of cfg.nodeAddresses) add(p.protocol, ip, p.nodePort, xEps, p.affinitySeconds);
  }
  return {
    services,
    addresses: [...addresses].sort(),
    nft: renderIpvsNft(model, cfg),
    sysctls: [
      // IPVS connections must be visible to conntrack for the masquerade rules to apply.
      ['net.ipv4.vs.conntrack', '1'],
      ['net.ipv4.vs.expire_nodest_conn', '1'],
      ['net.ipv4.vs.expire_quiescent_template', '1'],
      ['net.ipv4.conf.all.route_localnet', '1'],
      // VIPs live on a local interface; don't answer ARP for them on the uplink.
      ['net.ipv4.conf.all.arp_ignore', '1'],
      ['net.ipv4.conf.all.arp_announce', '2'],
    ],
  };
}

function virtualLine(op: '-A' | '-E', v: VirtualService): string {
  return `${op} ${PROTO_FLAG[v.protocol]} ${v.address} -s ${v.scheduler}${v.persistence !== undefined ? ` -p ${v.persistence}` : ''}`;
}

function realLine(op: '-a' | '-d', v: VirtualService, real: string): string {
  return op === '-a' ? `-a ${PROTO_FLAG[v.protocol]} ${v.address} -r ${real} -m -w 1` : `-d ${PROTO_FLAG[v.protocol]} ${v.address} -r ${real}`;
}

/** `ipvsadm-restore` input creating every virtual service of the plan. */
export function renderIpvsRestore(plan: IpvsPlan): string {
  const out: string[] = [];
  for (const v of plan.services.values()) {
    out.push(virtualLine('-A', v));
    for (const r of v.reals) out.push(realLine('-a', v, r));
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

/** `ipvsadm-restore` input turning `prev` into `next`. */
export function renderIpvsDelta(prev: IpvsPlan, next: IpvsPlan): string {
  const out: string[] = [];
  for (const [k, v] of prev.services) {
    if (!next.services.has(k)) out.push(`-D ${PROTO_FLAG[v.protocol]} ${v.address}`);
  }
  for (const [k, v] of next.services) {
    const old = prev.services.get(k);
    if (!old) {
      out.push(virtualLine('-A', v));
      for (const r of v.reals) out.push(realLine('-a', v, r));
      continue;
    }
    if (old.scheduler !== v.scheduler || old.persistence !== v.persistence) out.push(virtualLine('-E', v));
    const before = new Set(old.reals);
    const after = new Set(v.reals);
    for (const r of old.reals) if (!after.has(r)) out.push(realLine('-d', v, r));
    for (const r of v.reals) if (!before.has(r)) out.push(realLine('-a', v, r));
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

/** `ip` invocations binding and unbinding VIPs on the VIP interface. */
export function vipAddressCommands(prev: string[], next: string[], bridge: string): string[][] {
  const before = new Set(prev);
  const after = new Set(next);
  return [
    ...prev.filter((a) => !after.has(a)).map((a) => ['addr', 'del', `${a}/32`, 'dev', bridge]),
    ...next.filter((a) => !before.has(a)).map((a) => ['addr', 'add', `${a}/32`, 'dev', bridge]),
  ];
}

/** The nft rules IPVS mode still needs, as one converging transaction. */
export function renderIpvsNft(model: ProxyModel, cfg: IpvsConfig): string {
  const t = `ip ${cfg.table}`;
  const mark = `0x${cfg.masqueradeMark.toString(16)}`;
  const setMark = `meta mark set meta mark | ${mark}`;
  const cluster: string[] = [];
  const external: string[] = [];
  const nodePorts: string[] = [];
  const hairpin = new Set<string>();
  for (const p of model.ports) {
    for (const ip of p.clusterIPs) cluster.push(vipKey(ip, p.protocol, p.port));
    for (const ip of externalVIPs(p)) external.push(vipKey(ip, p.protocol, p.port));
    if (p.nodePort !== undefined) nodePorts.push(`${p.protocol} . ${p.nodePort}`);
    for (const e of hairpinCandidates(p)) hairpin.add(`${e.ip} . ${e.ip}`);
  }
  const offCluster = cfg.clusterCIDR ? `ip saddr != ${cfg.clusterCIDR} ` : 'ip saddr 127.0.0.0/8 ';
  const els = (set: string, items: string[]): string[] => (items.length ? [`add element ${t} ${set} { ${items.join(', ')} }`] : []);
  return [
    `add table ${t}`,
    `flush table ${t}`,
    `table ${t} {`,
    `\tcomment "kubelite proxy (ipvs mode): masquerading rules"`,
    `\tset cluster-ips { type ipv4_addr . inet_proto . inet_service; }`,
    `\tset external-ips { type ipv4_addr . inet_proto . inet_service; }`,
    `\tset nodeports { type inet_proto . inet_service; }`,
    `\tset hairpin { type ipv4_addr . ipv4_addr; }`,
    `\tchain nat-prerouting { type nat hook prerouting priority -100; policy accept; }`,
    `\tchain nat-output { type nat hook output priority -100; policy accept; }`,
    `\tchain nat-postrouting { type nat hook postrouting priority 100; policy accept; }`,
    `\tchain filter-forward { type filter hook forward priority -1; policy accept; }`,
    `\tchain filter-output { type filter hook output priority -1; policy accept; }`,
    `\tchain mark-services { }`,
    `}`,
    `flush set ${t} cluster-ips`,
    `flush set ${t} external-ips`,
    `flush set ${t} nodeports`,
    `flush set ${t} hairpin`,
    `add rule ${t} nat-prerouting jump mark-services`,
    `add rule ${t} nat-output jump mark-services`,
    `add rule ${t} mark-services ip daddr . meta l4proto . th dport @cluster-ips ${offCluster}${setMark}`,
    `add rule ${t} mark-services ip daddr . meta l4proto . th dport @external-ips ${setMark}`,
    `add rule ${t} mark-services fib daddr type local meta l4proto . th dport @nodeports ${setMark}`,
    `add rule ${t} nat-postrouting ip saddr . ip daddr @hairpin ${setMark}`,
    `add rule ${t} nat-postrouting meta mark & ${mark} == 0 return`,
    `add rule ${t} nat-postrouting meta mark set meta mark ^ ${mark}`,
    `add rule ${t} nat-postrouting masquerade fully-random`,
    ...nftGuardRules({ serviceCIDR: cfg.serviceCIDR, bridge: cfg.serviceBridge }).flatMap((r) => [`add rule ${t} filter-forward ${r}`, `add rule ${t} filter-output ${r}`]),
    ...els('cluster-ips', cluster),
    ...els('external-ips', external),
    ...els('nodeports', nodePorts),
    ...els('hairpin', [...hairpin]),
  ].join('\n') + '\n';
}

const FLAG_PROTO: Record<string, L4Protocol> = { '-t': 'tcp', '-u': 'udp', '--sctp-service': 'sctp' };

/** Parses `ipvsadm -Sn` output (the format renderIpvsRestore writes). */
export function parseIpvsSave(text: string): Map<string, VirtualService> {
  const services = new Map<string, VirtualService>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const protocol = FLAG_PROTO[f[1]];
    if (!protocol || !f[2]) continue;
    const key = `${protocol} ${f[2]}`;
    if (f[0] === '-A') {
      const s = f.indexOf('-s');
      const p = f.indexOf('-p');
      services.set(key, {
        protocol, address: f[2], scheduler: s > 0 ? f[s + 1] : 'wlc',
        persistence: p > 0 ? Number(f[p + 1]) : undefined, reals: [],
      });
    } else if (f[0] === '-a') {
      const r = f.indexOf('-r');
      const v = services.get(key);
      if (v && r > 0) v.reals.push(f[r + 1]);
    }
  }
  for (const v of services.values()) v.reals.sort();
  return services;
}
