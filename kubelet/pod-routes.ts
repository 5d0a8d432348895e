// Host-gw pod routes, decided by pure functions: every other node's podCIDR is
// routed via that node's InternalIP. Routes carry a dedicated protocol number so
// they can be listed (`ip route show proto 75`), and a metric derived from the
// node name so several kubelets sharing one routing table (test nodes on one
// machine) each recognise only their own routes and never delete another's.
import { createHash } from 'node:crypto';
import type { Node } from '../api/types/index.js';

/** Route protocol of kubelite's pod routes (0x4b, unnamed in /etc/iproute2/rt_protos). */
export const ROUTE_PROTO = 0x4b;

export interface PodRoute {
  cidr: string;
  via: string;
  /** owner of the podCIDR, for logs */
  node?: string;
}

export interface SkippedNode {
  node: string;
  reason: 'self' | 'no-pod-cidr' | 'no-internal-ip' | 'local-address' | 'connected-cidr' | 'not-adjacent' | 'ipv6' | 'duplicate-cidr';
}

/** An IPv4 route this host already has (from `ip -j route show`), used to avoid overriding it. */
export interface ConnectedRoute {
  dst: string;
  dev?: string;
}

/** Metric that marks a route as owned by `nodeName`'s kubelet: 1,000,000 + a 24-bit hash. */
export function routeMetric(nodeName: string): number {
  return 1_000_000 + (createHash('sha256').update(nodeName).digest().readUInt32BE(0) & 0xffffff);
}

export function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `[first, last]` addresses of an IPv4 CIDR (a bare address is a /32); undefined when not IPv4. */
export function cidrRange(cidr: string): [number, number] | undefined {
  const [addr, bitsText] = cidr.split('/');
  const ip = parseIPv4(addr ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (ip === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const start = ip - (ip % size);
  return [start, start + size - 1];
}

/** Network form: `10.244.3.7/24` → `10.244.3.0/24`; undefined when not an IPv4 CIDR. */
export function canonicalCidr(cidr: string): string | undefined {
  const r = cidrRange(cidr);
  if (!r) return undefined;
  const bits = cidr.includes('/') ? Number(cidr.split('/')[1]) : 32;
  return `${formatIPv4(r[0])}/${bits}`;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const r = cidrRange(cidr);
  const n = parseIPv4(ip);
  return !!r && n !== undefined && n >= r[0] && n <= r[1];
}

export function cidrsOverlap(a: string, b: string): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

export function nodeInternalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && parseIPv4(a.address) !== undefined)?.address;
}

function nodePodCIDR(node: Node): string | undefined {
  return node.spec?.podCIDR || node.spec?.podCIDRs?.[0] || undefined;
}

/**
 * Routes this host needs: each other node's podCIDR via its InternalIP. Skipped:
 * this node; nodes without a podCIDR or InternalIP; nodes whose InternalIP is an
 * address of this host (kubelets sharing one machine reach each other's pods
 * through the local bridges already, and a route would hijack them); podCIDRs that
 * overlap a route this host already has directly (a bridge of the same subnet);
 * next hops outside every connected subnet (host-gw needs layer-2 adjacency).
 */
export function desiredRoutes(nodes: readonly Node[], selfName: string, localAddresses: readonly string[], connectedRoutes: readonly ConnectedRoute[]): { routes: PodRoute[]; skipped: SkippedNode[] } {
  const routes: PodRoute[] = [];
  const skipped: SkippedNode[] = [];
  const local = new Set(localAddresses);
  const connected = connectedRoutes.map((r) => r.dst).filter((d) => d !== 'default' && cidrRange(d) !== undefined);
  const seen = new Set<string>();
  const sorted = [...nodes].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const n of sorted) {
    const node = n.metadata.name ?? '';
    const skip = (reason: SkippedNode['reason']): void => void skipped.push({ node, reason });
    if (node === selfName) { skip('self'); continue; }
    const raw = nodePodCIDR(n);
    if (!raw) { skip('no-pod-cidr'); continue; }
    const cidr = canonicalCidr(raw);
    if (!cidr) { skip('ipv6'); continue; }
    const via = nodeInternalIP(n);
    if (!via) { skip('no-internal-ip'); continue; }
    if (local.has(via)) { skip('local-address'); continue; }
    if (connected.some((c) => cidrsOverlap(c, cidr))) { skip('connected-cidr'); continue; }
    if (!connected.some((c) => cidrContains(c, via))) { skip('not-adjacent'); continue; }
    // Two nodes claiming one podCIDR is an IPAM bug; routing it to the first keeps the result deterministic.
    if (seen.has(cidr)) { skip('duplicate-cidr'); continue; }
    seen.add(cidr);
    routes.push({ cidr, via, node });
  }
  return { routes, skipped };
}

/** What to change so the owned routes become the desired ones. */
export function diffRoutes(current: readonly PodRoute[], desired: readonly PodRoute[]): { replace: PodRoute[]; remove: PodRoute[] } {
  const have = new Map(current.map((r) => [r.cidr, r]));
  const want = new Map(desired.map((r) => [r.cidr, r]));
  const replace = desired.filter((r) => have.get(r.cidr)?.via !== r.via);
  const remove = current.filter((r) => !want.has(r.cidr));
  return { replace, remove };
}

/** One entry of `ip -j route show` output. */
export interface IpJsonRoute {
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  type?: string;
}

/** The routes of `ip -j route show proto 75` that carry this node's metric. */
export function ownedRoutes(ipJson: readonly IpJsonRoute[], metric: number): PodRoute[] {
  return ipJson
    .filter((r) => r.metric === metric && r.dst && r.gateway)
    .map((r) => ({ cidr: canonicalCidr(r.dst!) ?? r.dst!, via: r.gateway! }));
}

/** Directly connected IPv4 routes (no gateway) from `ip -j route show`, e.g. bridges and the uplink subnet. */
export function connectedRoutes(ipJson: readonly IpJsonRoute[]): ConnectedRoute[] {
  return ipJson
    .filter((r) => r.dst && r.dst !== 'default' && !r.gateway && (r.type === undefined || r.type === 'unicast') && cidrRange(r.dst) !== undefined)
    .map((r) => ({ dst: canonicalCidr(r.dst!) ?? r.dst!, dev: r.dev }));
}
