// The node's pod network: one Docker bridge network whose subnet is the node's
// podCIDR (gateway .1). Pause containers attach to it and Docker's IPAM hands out
// pod IPs; app containers share the pause container's network namespace.
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import { LABEL_NODE } from './labels.js';
import { statusCode } from './runtime/docker.js';

export interface PodNetwork {
  name: string;
  subnet?: string;
  gateway?: string;
}

export function networkName(nodeName: string): string {
  return `kubelite-${nodeName}`.slice(0, 200);
}

/** First host address of an IPv4 CIDR: `10.244.3.0/24` → `10.244.3.1`. */
export function cidrGateway(cidr: string): string {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const parts = (addr ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255) || !Number.isInteger(bits) || bits < 0 || bits > 30) {
    throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  }
  const n = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const gw = ((n & mask) + 1) >>> 0;
  return [gw >>> 24, (gw >>> 16) & 255, (gw >>> 8) & 255, gw & 255].join('.');
}

/** Network address form of a CIDR (`10.244.3.7/24` → `10.244.3.0/24`), for comparisons. */
export function normalizeCidr(cidr: string): string {
  const [, bitsText] = cidr.split('/');
  const gw = cidrGateway(cidr).split('.').map(Number);
  gw[3] -= 1;
  return `${gw.join('.')}/${bitsText}`;
}

/**
 * Creates (or adopts) the node's bridge network for `podCIDR`; Docker picks a
 * subnet when it is undefined. When dockerd's own default bridge already has the
 * podCIDR (dockerd --bip, as node setups do), pods use it directly: containers on
 * the default bridge start faster (no embedded DNS server per sandbox).
 */
export async function ensurePodNetwork(docker: Dockerode, nodeName: string, podCIDR: string | undefined, log: Logger): Promise<PodNetwork> {
  if (podCIDR) {
    const def = await inspect(docker, 'bridge');
    const subnet = def?.IPAM?.Config?.[0]?.Subnet;
    if (subnet && normalizeCidr(subnet) === normalizeCidr(podCIDR)) {
      log.info({ network: 'bridge', subnet }, "pod network is Docker's default bridge");
      return { name: 'bridge', subnet, gateway: def?.IPAM?.Config?.[0]?.Gateway };
    }
  }
  const name = networkName(nodeName);
  const existing = await inspect(docker, name);
  if (existing) {
    const subnet = existing.IPAM?.Config?.[0]?.Subnet;
    const same = !podCIDR || (subnet && normalizeCidr(subnet) === normalizeCidr(podCIDR));
    if (same) return { name, subnet, gateway: existing.IPAM?.Config?.[0]?.Gateway };
    const attached = Object.keys(existing.Containers ?? {}).length;
    if (attached > 0) {
      log.warn({ network: name, subnet, podCIDR }, 'pod network has another subnet but containers are attached; keeping it');
      return { name, subnet, gateway: existing.IPAM?.Config?.[0]?.Gateway };
    }
    log.info({ network: name, subnet, podCIDR }, 'recreating pod network for the new podCIDR');
    await docker.getNetwork(existing.Id).remove();
  }
  const opts: Dockerode.NetworkCreateOptions = {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [LABEL_NODE]: nodeName },
    Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
  };
  if (podCIDR) opts.IPAM = { Driver: 'default', Config: [{ Subnet: normalizeCidr(podCIDR), Gateway: cidrGateway(podCIDR) }] };
  try {
    await docker.createNetwork(opts);
  } catch (e) {
    // Another kubelet start raced us to it.
    if (statusCode(e) !== 409) throw new Error(`creating pod network ${name} (${podCIDR ?? 'auto'}): ${(e as Error).message}`);
  }
  const created = await inspect(docker, name);
  const cfg = created?.IPAM?.Config?.[0];
  log.info({ network: name, subnet: cfg?.Subnet, gateway: cfg?.Gateway }, 'pod network ready');
  return { name, subnet: cfg?.Subnet, gateway: cfg?.Gateway };
}

async function inspect(docker: Dockerode, name: string): Promise<Dockerode.NetworkInspectInfo | undefined> {
  try {
    return (await docker.getNetwork(name).inspect()) as Dockerode.NetworkInspectInfo;
  } catch (e) {
    if (statusCode(e) === 404) return undefined;
    throw e;
  }
}
