// A bare-metal LoadBalancer: gives each LoadBalancer Service an ingress IP from
// --load-balancer-ip-pool (one per service), or the node's own address when no pool
// is set. The proxy then treats traffic to that IP like traffic to an externalIP.
import type { Service } from '../api/types/index.js';
import { ipToInt } from './model.js';

export interface LoadBalancerPool {
  /** candidate addresses in preference order */
  has(ip: string): boolean;
  candidates(): Iterable<string>;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkIp(ip: string, flag: string): void {
  const m = IPV4.exec(ip);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`${flag}: "${ip}" is not an IPv4 address`);
}

/** `10.0.0.0/29` (network and broadcast skipped for /30 and wider) or `1.2.3.4,1.2.3.5`. */
export function parsePool(spec: string): LoadBalancerPool {
  const flag = '--load-balancer-ip-pool';
  const s = spec.trim();
  if (s.includes('/')) {
    const [base, bitsText] = s.split('/');
    checkIp(base, flag);
    const bits = Number(bitsText);
    if (!Number.isInteger(bits) || bits < 8 || bits > 32) throw new Error(`${flag}: prefix length of "${s}" must be 8..32`);
    const size = 2 ** (32 - bits);
    const network = (ipToInt(base) & (bits === 0 ? 0 : ~(size - 1) >>> 0)) >>> 0;
    const first = size >= 4 ? network + 1 : network;
    const last = size >= 4 ? network + size - 2 : network + size - 1;
    return {
      has: (ip) => IPV4.test(ip) && ipToInt(ip) >= first && ipToInt(ip) <= last,
      *candidates() {
        for (let n = first; n <= last; n++) yield intToIp(n);
      },
    };
  }
  const ips = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (ips.length === 0) throw new Error(`${flag}: empty`);
  for (const ip of ips) checkIp(ip, flag);
  const set = new Set(ips);
  return { has: (ip) => set.has(ip), candidates: () => ips };
}

function key(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

function currentIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
}

function wantsOurIP(svc: Service): boolean {
  // A loadBalancerClass names some other implementation.
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

/**
 * The status changes to make: service key → ingress IPs (empty to clear). Pure:
 * services keep a valid IP they hold, so the result is stable across proxies
 * and restarts; the oldest claim wins a clash.
 */
export function planLoadBalancerIPs(services: Iterable<Service>, pool: LoadBalancerPool | undefined, nodeIP: string | undefined): Map<string, string[]> {
  const changes = new Map<string, string[]>();
  const lbs: Service[] = [];
  for (const svc of services) {
    if (wantsOurIP(svc)) lbs.push(svc);
    else if (svc.spec?.type !== 'LoadBalancer' && currentIPs(svc).length > 0) changes.set(key(svc), []);
  }
  if (!pool) {
    for (const svc of lbs) {
      const want = nodeIP ? [nodeIP] : [];
      if (want.length && currentIPs(svc).join(',') !== want.join(',')) changes.set(key(svc), want);
    }
    return changes;
  }
  const byAge = [...lbs].sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    return ta < tb ? -1 : ta > tb ? 1 : key(a) < key(b) ? -1 : 1;
  });
  const used = new Set<string>();
  const assigned = new Map<string, string>();
  // First pass: valid existing and requested addresses, oldest first.
  for (const svc of byAge) {
    const keep = currentIPs(svc).find((ip) => pool.has(ip) && !used.has(ip));
    const requested = svc.spec.loadBalancerIP;
    const pick = requested && pool.has(requested) && !used.has(requested) ? requested : keep;
    if (pick) {
      used.add(pick);
      assigned.set(key(svc), pick);
    }
  }
  // Second pass: the rest get the first free address, if any is left.
  const free = pool.candidates()[Symbol.iterator]();
  for (const svc of byAge) {
    if (assigned.has(key(svc))) continue;
    for (let r = free.next(); !r.done; r = free.next()) {
      if (used.has(r.value)) continue;
      used.add(r.value);
      assigned.set(key(svc), r.value);
      break;
    }
  }
  for (const svc of lbs) {
    const ip = assigned.get(key(svc));
    const want = ip ? [ip] : [];
    if (currentIPs(svc).join(',') !== want.join(',')) changes.set(key(svc), want);
  }
  return changes;
}

/** The merge patch for `services/<name>/status`. */
export function ingressPatch(ips: string[]): { status: { loadBalancer: { ingress: Array<{ ip: string; ipMode: 'VIP' }> | null } } } {
  return { status: { loadBalancer: { ingress: ips.length ? ips.map((ip) => ({ ip, ipMode: 'VIP' as const })) : null } } };
}
