// The cluster zone as a pure function: one question plus a view of Services and
// Endpoints → the records kube-dns/CoreDNS would answer (Kubernetes DNS-based
// service discovery spec, pods "insecure" mode). Undefined means "not ours":
// the caller forwards the question upstream.
import type { Answer, Question } from 'dns-packet';
import type { EndpointAddress, EndpointPort, Endpoints, Service, ServicePort } from '../api/types/index.js';

/** Version of the Kubernetes DNS schema, served as TXT at dns-version.<domain>. */
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface ZoneConfig {
  /** lower case, no trailing dot, e.g. cluster.local */
  domain: string;
  /** seconds, for every record and the negative-caching SOA minimum */
  ttl: number;
  /** the kube-dns Service IP, the address of ns.dns.<domain> */
  serviceIP?: string;
}

/** What the zone reads; backed by informer caches, so a query never calls the apiserver. */
export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  /** some Service lives in the namespace (stands in for namespace existence) */
  hasNamespace(namespace: string): boolean;
  /** who owns an IP: Services by ClusterIP, endpoint addresses by Endpoints */
  reverse(ip: string): ReverseEntry[];
}

export interface ReverseEntry {
  namespace: string;
  service: string;
  /** endpoint label (hostname or dashed IP) when the IP is an endpoint address */
  endpoint?: string;
}

export interface LocalAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** A name's data; absent fields mean "no records of that type" (NODATA, not NXDOMAIN). */
interface NameData {
  addresses?: string[];
  cname?: string;
  srv?: Array<{ port: number; target: string; weight: number }>;
  /** addresses of SRV targets, for the additional section */
  glue?: Map<string, string[]>;
  ptr?: string[];
  txt?: string;
  apex?: boolean;
}

/** Lower case, no trailing dot: DNS names compare case-insensitively. */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

export function inZone(name: string, domain: string): boolean {
  const n = canonicalName(name);
  return n === domain || n.endsWith(`.${domain}`);
}

function isIPv4(s: string): boolean {
  const p = s.split('.');
  return p.length === 4 && p.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

function isIPv6(s: string): boolean {
  return s.includes(':') && /^[0-9a-f:.]+$/i.test(s);
}

/** 10.244.1.5 → 10-244-1-5, the label kube-dns gives an endpoint without a hostname. */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** 10-244-1-5 → 10.244.1.5 (IPv4 only), for <a-b-c-d>.<ns>.pod.<domain>. */
function undashIPv4(label: string): string | undefined {
  const ip = label.replace(/-/g, '.');
  return /^\d+-\d+-\d+-\d+$/.test(label) && isIPv4(ip) ? ip : undefined;
}

/** 5.1.244.10.in-addr.arpa → 10.244.1.5 */
export function ptrNameToIPv4(name: string): string | undefined {
  const n = canonicalName(name);
  if (!n.endsWith('.in-addr.arpa')) return undefined;
  const parts = n.slice(0, -'.in-addr.arpa'.length).split('.');
  if (parts.length !== 4) return undefined;
  const ip = parts.reverse().join('.');
  return isIPv4(ip) ? ip : undefined;
}

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function clusterIPs(svc: Service): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** Ready addresses only: the Endpoints controller already moves publishNotReadyAddresses pods there. */
function readyAddresses(ep: Endpoints | undefined): Array<{ addr: EndpointAddress; ports: EndpointPort[] }> {
  const out: Array<{ addr: EndpointAddress; ports: EndpointPort[] }> = [];
  for (const s of ep?.subsets ?? []) for (const addr of s.addresses ?? []) out.push({ addr, ports: s.ports ?? [] });
  return out;
}

export function endpointLabel(addr: EndpointAddress): string {
  return (addr.hostname || dashedIP(addr.ip)).toLowerCase();
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function srvWeight(n: number): number {
  // kube-dns spreads 100 over the records of one answer.
  return Math.max(1, Math.floor(100 / Math.max(1, n)));
}

function protoOf(label: string): string | undefined {
  const m = /^_(tcp|udp|sctp)$/.exec(label);
  return m ? m[1].toUpperCase() : undefined;
}

function portMatches(p: { name?: string; protocol?: string }, portName: string, proto: string): boolean {
  return (p.name ?? '').toLowerCase() === portName && (p.protocol ?? 'TCP').toUpperCase() === proto;
}

class Zone {
  constructor(private readonly view: ClusterView, private readonly cfg: ZoneConfig) {}

  private svcName(svc: string, ns: string): string {
    return `${svc}.${ns}.svc.${this.cfg.domain}`;
  }

  /** labels: the name minus the zone, most significant first (svc, default, web …). Undefined: NXDOMAIN. */
  lookup(labels: string[]): NameData | undefined {
    const [top, ...rest] = labels;
    if (top === undefined) return { apex: true };
    if (top === 'svc') return this.lookupSvc(rest);
    if (top === 'pod') return this.lookupPod(rest);
    if (top === 'dns' && rest.length === 0) return {};
    if (top === 'dns' && rest.length === 1 && rest[0] === 'ns') return this.cfg.serviceIP ? { addresses: [this.cfg.serviceIP] } : {};
    if (top === 'dns-version' && rest.length === 0) return { txt: DNS_SCHEMA_VERSION };
    return undefined;
  }

  private lookupPod(rest: string[]): NameData | undefined {
    if (rest.length === 0) return {};
    // Insecure mode, like CoreDNS's default: any namespace, no pod check.
    if (rest.length === 1) return {};
    if (rest.length === 2) {
      const ip = undashIPv4(rest[1]);
      return ip ? { addresses: [ip] } : undefined;
    }
    return undefined;
  }

  private lookupSvc(rest: string[]): NameData | undefined {
    if (rest.length === 0) return {};
    const [ns, name, ...sub] = rest;
    if (name === undefined) return this.view.hasNamespace(ns) ? {} : undefined;
    const svc = this.view.service(ns, name);
    if (!svc) return undefined;
    if (sub.length === 0) return this.serviceName(svc, ns, name);
    if (sub.length === 1) return this.subName(svc, ns, name, sub[0]);
    // reversed: sub is [_proto, _port]
    if (sub.length === 2) return this.portName(svc, ns, name, sub[1], sub[0]);
    return undefined;
  }

  /** <svc>.<ns>.svc */
  private serviceName(svc: Service, ns: string, name: string): NameData {
    if (svc.spec?.type === 'ExternalName') {
      return svc.spec.externalName ? { cname: canonicalName(svc.spec.externalName) } : {};
    }
    const ports = svc.spec?.ports ?? [];
    if (!isHeadless(svc)) {
      const ips = clusterIPs(svc);
      const target = this.svcName(name, ns);
      const srv = ports.map((p) => ({ port: p.port, target, weight: srvWeight(ports.length) }));
      return { addresses: ips, srv, glue: new Map([[target, ips]]) };
    }
    const eps = readyAddresses(this.view.endpoints(ns, name));
    const data: NameData = { addresses: uniq(eps.map((e) => e.addr.ip)), srv: [], glue: new Map() };
    const records: Array<{ port: number; target: string; ip: string }> = [];
    for (const { addr, ports: epPorts } of eps) {
      const target = `${endpointLabel(addr)}.${this.svcName(name, ns)}`;
      for (const p of epPorts) records.push({ port: p.port, target, ip: addr.ip });
    }
    const seen = new Set<string>();
    for (const r of records) {
      const k = `${r.target}:${r.port}`;
      if (seen.has(k)) continue;
      seen.add(k);
      data.srv!.push({ port: r.port, target: r.target, weight: srvWeight(records.length) });
      data.glue!.set(r.target, uniq([...(data.glue!.get(r.target) ?? []), r.ip]));
    }
    return data;
  }

  /** <hostname-or-dashed-ip>.<svc>.<ns>.svc, or the empty non-terminal _<proto>.<svc>.<ns>.svc */
  private subName(svc: Service, ns: string, name: string, label: string): NameData | undefined {
    const proto = protoOf(label);
    if (proto) {
      return (svc.spec?.ports ?? []).some((p) => p.name && (p.protocol ?? 'TCP') === proto) ? {} : undefined;
    }
    const ips = readyAddresses(this.view.endpoints(ns, name)).filter((e) => endpointLabel(e.addr) === label).map((e) => e.addr.ip);
    return ips.length ? { addresses: uniq(ips) } : undefined;
  }

  /** _<port>._<proto>.<svc>.<ns>.svc */
  private portName(svc: Service, ns: string, name: string, portLabel: string, protoLabel: string): NameData | undefined {
    const proto = protoOf(protoLabel);
    if (!proto || !portLabel.startsWith('_') || portLabel.length < 2) return undefined;
    const portName = portLabel.slice(1);
    const svcPorts: ServicePort[] = (svc.spec?.ports ?? []).filter((p) => portMatches(p, portName, proto));
    if (svcPorts.length === 0) return undefined;
    if (svc.spec?.type === 'ExternalName') {
      const target = canonicalName(svc.spec.externalName ?? '');
      return target ? { srv: svcPorts.map((p) => ({ port: p.port, target, weight: srvWeight(svcPorts.length) })) } : {};
    }
    if (!isHeadless(svc)) {
      const target = this.svcName(name, ns);
      const ips = clusterIPs(svc);
      return { srv: svcPorts.map((p) => ({ port: p.port, target, weight: srvWeight(svcPorts.length) })), glue: new Map([[target, ips]]) };
    }
    const records: Array<{ port: number; target: string; ip: string }> = [];
    for (const { addr, ports } of readyAddresses(this.view.endpoints(ns, name))) {
      for (const p of ports) {
        if (portMatches(p, portName, proto)) records.push({ port: p.port, target: `${endpointLabel(addr)}.${this.svcName(name, ns)}`, ip: addr.ip });
      }
    }
    const glue = new Map<string, string[]>();
    for (const r of records) glue.set(r.target, uniq([...(glue.get(r.target) ?? []), r.ip]));
    return { srv: records.map((r) => ({ port: r.port, target: r.target, weight: srvWeight(records.length) })), glue };
  }

  reverse(ip: string): NameData | undefined {
    const entries = this.view.reverse(ip);
    if (!entries.length) return undefined;
    const names = entries.map((e) => (e.endpoint ? `${e.endpoint}.` : '') + this.svcName(e.service, e.namespace));
    return { ptr: uniq(names).sort() };
  }
}

function soa(cfg: ZoneConfig): Answer {
  return {
    type: 'SOA', name: cfg.domain, ttl: cfg.ttl, class: 'IN',
    data: {
      mname: `ns.dns.${cfg.domain}`, rname: `hostmaster.${cfg.domain}`,
      // Answers change with every informer event; a time-based serial tells secondaries nothing useful but is monotonic.
      serial: Math.floor(Date.now() / 1000) >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: cfg.ttl,
    },
  };
}

function addressRecords(name: string, ips: string[], qtype: string, ttl: number): Answer[] {
  const out: Answer[] = [];
  for (const ip of ips) {
    if ((qtype === 'A' || qtype === 'ANY') && isIPv4(ip)) out.push({ type: 'A', name, ttl, class: 'IN', data: ip });
    if ((qtype === 'AAAA' || qtype === 'ANY') && !isIPv4(ip) && isIPv6(ip)) out.push({ type: 'AAAA', name, ttl, class: 'IN', data: ip });
  }
  return out;
}

/** Records of one name for one question type; the owner name is echoed as asked. */
function select(qname: string, qtype: string, d: NameData, cfg: ZoneConfig): { answers: Answer[]; additionals: Answer[] } {
  const ttl = cfg.ttl;
  if (d.cname) return { answers: [{ type: 'CNAME', name: qname, ttl, class: 'IN', data: d.cname }], additionals: [] };
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  if (d.addresses) answers.push(...addressRecords(qname, d.addresses, qtype, ttl));
  if ((qtype === 'SRV' || qtype === 'ANY') && d.srv) {
    for (const s of d.srv) answers.push({ type: 'SRV', name: qname, ttl, class: 'IN', data: { priority: 0, weight: s.weight, port: s.port, target: s.target } });
    for (const [target, ips] of d.glue ?? []) {
      if (d.srv.some((s) => s.target === target)) additionals.push(...addressRecords(target, ips, 'ANY', ttl));
    }
  }
  if ((qtype === 'PTR' || qtype === 'ANY') && d.ptr) for (const p of d.ptr) answers.push({ type: 'PTR', name: qname, ttl, class: 'IN', data: p });
  if ((qtype === 'TXT' || qtype === 'ANY') && d.txt !== undefined) answers.push({ type: 'TXT', name: qname, ttl, class: 'IN', data: d.txt });
  if (d.apex) {
    if (qtype === 'SOA' || qtype === 'ANY') answers.push({ ...soa(cfg), name: qname });
    if (qtype === 'NS' || qtype === 'ANY') {
      answers.push({ type: 'NS', name: qname, ttl, class: 'IN', data: `ns.dns.${cfg.domain}` });
      if (cfg.serviceIP) additionals.push(...addressRecords(`ns.dns.${cfg.domain}`, [cfg.serviceIP], 'ANY', ttl));
    }
  }
  return { answers, additionals };
}

/**
 * Answers a question about the cluster zone (or a PTR for a cluster IP); undefined
 * for any other name, which the caller forwards. Empty answers carry the zone's SOA
 * in the authority section so resolvers cache the negative answer for ttl seconds.
 */
export function resolveLocal(q: Question, view: ClusterView, cfg: ZoneConfig): LocalAnswer | undefined {
  const name = canonicalName(q.name);
  const zone = new Zone(view, cfg);
  let data: NameData | undefined;
  if (inZone(name, cfg.domain)) {
    const rel = name === cfg.domain ? '' : name.slice(0, -(cfg.domain.length + 1));
    data = zone.lookup(rel ? rel.split('.').reverse() : []);
  } else {
    const ip = ptrNameToIPv4(name);
    if (!ip) return undefined;
    data = zone.reverse(ip);
    // An IP the cluster doesn't know belongs to the host's resolvers (CoreDNS's fallthrough).
    if (!data) return undefined;
  }
  if (!data) return { rcode: 'NXDOMAIN', answers: [], authorities: [soa(cfg)], additionals: [] };
  const { answers, additionals } = select(q.name, q.type, data, cfg);
  return { rcode: 'NOERROR', answers, authorities: answers.length ? [] : [soa(cfg)], additionals };
}
