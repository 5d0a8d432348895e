// The node's pod network. When dockerd's own default bridge already has the
// node's podCIDR (dockerd --bip, as node images set it up), pause containers join
// it and Docker hands out pod IPs. Otherwise the kubelet runs its own bridge
// (pod-net/): pause containers start with Docker's `none` network and the kubelet
// plugs them in. App containers always share the pause container's namespace.
import type Dockerode from 'dockerode';
import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import { statusCode } from './runtime/docker.js';
import type { BridgeNetwork } from './pod-net/bridge-network.js';
import { cidrBounds, intToIp } from './pod-net/ipam.js';

export interface PodNetwork {
  /** Docker network mode sandboxes are created with: dockerd's `bridge`, or `none` for the kubelet's own bridge */
  mode: 'bridge' | 'none';
  /** the bridge device (or Docker network) pods are on */
  name: string;
  subnet?: string;
  gateway?: string;
  /** set in `none` mode: allocates pod IPs and plugs sandboxes in */
  bridge?: BridgeNetwork;
}

/** Name of the Docker network older kubelites created per node (removed when found empty). */
export function networkName(nodeName: string): string {
  return `kubelite-${nodeName}`.slice(0, 200);
}

/** First host address of an IPv4 CIDR: `10.244.3.0/24` → `10.244.3.1`. */
export function cidrGateway(cidr: string): string {
  return intToIp(networkOf(cidr) + 1);
}

/** Network address form of a CIDR (`10.244.3.7/24` → `10.244.3.0/24`), for comparisons. */
export function normalizeCidr(cidr: string): string {
  return `${intToIp(networkOf(cidr))}/${cidr.split('/')[1]}`;
}

/** Network address of a CIDR that has room for a gateway (prefix 0..30). */
function networkOf(cidr: string): number {
  const bits = Number(cidr.split('/')[1]);
  try {
    if (!Number.isInteger(bits) || bits > 30) throw new Error('no room for a gateway');
    return cidrBounds(cidr)[0];
  } catch {
    throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  }
}

/**
 * Dockerd's default bridge when it already has `podCIDR`, else undefined (the
 * kubelet then builds its own bridge). An empty per-node Docker network left by an
 * older kubelite is removed on the way.
 */
export async function dockerBridgeFor(docker: Dockerode, nodeName: string, podCIDR: string, log: Logger): Promise<PodNetwork | undefined> {
  const legacy = await inspect(docker, networkName(nodeName));
  if (legacy && !Object.keys(legacy.Containers ?? {}).length) {
    await docker.getNetwork(legacy.Id).remove().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'cannot remove the old pod network'));
  }
  const def = await inspect(docker, 'bridge');
  const subnet = def?.IPAM?.Config?.[0]?.Subnet;
  if (subnet && normalizeCidr(subnet) === normalizeCidr(podCIDR)) {
    log.info({ network: 'bridge', subnet }, "pod network is Docker's default bridge");
    return { mode: 'bridge', name: 'bridge', subnet, gateway: def?.IPAM?.Config?.[0]?.Gateway };
  }
  return undefined;
}

/**
 * A /24 in 10.88.0.0/16 that no local interface is on, for a kubelet that has
 * neither --pod-cidr nor a podCIDR from the control plane (static pods only).
 */
export function fallbackPodCIDR(localCidrs: readonly string[] = localIPv4Cidrs()): string {
  const taken = localCidrs.map(cidrBounds);
  for (let third = 0; third < 256; third++) {
    const cidr = `10.88.${third}.0/24`;
    const [lo, hi] = cidrBounds(cidr);
    if (!taken.some(([a, b]) => a <= hi && lo <= b)) return cidr;
  }
  throw new Error('no free /24 in 10.88.0.0/16 for the pod network: give --pod-cidr');
}

function localIPv4Cidrs(): string[] {
  return Object.values(networkInterfaces()).flatMap((l) => (l ?? []).filter((a) => a.family === 'IPv4' && a.cidr).map((a) => a.cidr!));
}

async function inspect(docker: Dockerode, name: string): Promise<Dockerode.NetworkInspectInfo | undefined> {
  try {
    return (await docker.getNetwork(name).inspect()) as Dockerode.NetworkInspectInfo;
  } catch (e) {
    if (statusCode(e) === 404) return undefined;
    throw e;
  }
}
