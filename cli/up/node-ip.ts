// The node's default address: the IPv4 address of the interface that holds the
// default route (what other machines, and pods through their gateway, reach).
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';

/** The interface of the default route in /proc/net/route text (lowest metric wins). */
export function defaultRouteInterface(procNetRoute: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of procNetRoute.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, , flags, , , metric, mask] = f;
    // RTF_UP (0x1) set, destination and mask 0: a default route
    if (dest !== '00000000' || mask !== '00000000' || (parseInt(flags, 16) & 1) === 0) continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { iface, metric: m };
  }
  return best?.iface;
}

export async function defaultNodeIP(): Promise<string | undefined> {
  const iface = defaultRouteInterface(await readFile('/proc/net/route', 'utf8').catch(() => ''));
  const addrs = (iface ? networkInterfaces()[iface] : undefined) ?? [];
  return addrs.find((a) => a.family === 'IPv4' && !a.internal)?.address;
}

/** Whether an address is assigned to this machine (a node IP must be). */
export function isLocalAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((l) => (l ?? []).some((a) => a.family === 'IPv4' && a.address === ip));
}
