// Links of the kubelet's own pod network: one Linux bridge per node holding the
// podCIDR's gateway address, and a veth pair per sandbox whose inner end becomes
// the pod's eth0 (what CNI's bridge plugin does). Everything runs `ip` in one
// batch per namespace, since each exec costs milliseconds on a pod start.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { mustRun, run } from '../host-commands.js';

/** `klbr` + 10 hex of the node name: 14 characters, under Linux's 15, and apart per node on a shared machine. */
export function bridgeName(nodeName: string): string {
  return `klbr${createHash('sha256').update(nodeName).digest('hex').slice(0, 10)}`;
}

/** Host end of a sandbox's veth: `klv` + the first 12 hex of its container id. */
export function vethName(containerId: string): string {
  return `klv${containerId.slice(0, 12)}`;
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/**
 * Creates the bridge (or adopts one that exists) with `gateway/prefix` as its only
 * IPv4 address, up, forwarding on. route_localnet lets hostPorts published on
 * 127.0.0.1 be DNAT'd onto it.
 */
export async function ensureBridge(name: string, gateway: string, prefix: number): Promise<void> {
  if (!linkExists(name)) {
    const r = await run('ip', ['link', 'add', name, 'type', 'bridge']);
    if (r.code !== 0 && !linkExists(name)) throw new Error(`creating bridge ${name}: ${r.stderr.trim()}`);
  }
  const want = `${gateway}/${prefix}`;
  const shown = JSON.parse((await mustRun('ip', ['-j', '-4', 'addr', 'show', 'dev', name])) || '[]') as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  const have = (shown[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
  const batch = have.filter((a) => a !== want).map((a) => `addr del ${a} dev ${name}`);
  if (!have.includes(want)) batch.push(`addr add ${want} dev ${name}`);
  batch.push(`link set ${name} up`);
  await mustRun('ip', ['-batch', '-'], batch.join('\n') + '\n');
  await writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1');
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
}

/** Deletes the bridge; false when there was none. */
export async function deleteBridge(name: string): Promise<boolean> {
  if (!linkExists(name)) return false;
  const r = await run('ip', ['link', 'del', name]);
  if (r.code !== 0 && linkExists(name)) throw new Error(`deleting bridge ${name}: ${r.stderr.trim()}`);
  return true;
}

export interface SandboxLink {
  containerId: string;
  /** pid of the sandbox's first process: its network namespace is the pod's */
  pid: number;
  bridge: string;
  ip: string;
  prefix: number;
  gateway: string;
}

/**
 * Gives a sandbox (started with Docker's `none` network) its eth0 on the bridge.
 * Idempotent: a veth that exists is kept and only the inside is (re)configured,
 * so a kubelet that died half-way finishes the job on its next sync.
 */
export async function attachSandbox(l: SandboxLink): Promise<void> {
  const veth = vethName(l.containerId);
  if (!linkExists(veth)) {
    await mustRun('ip', ['-batch', '-'], [
      `link add ${veth} type veth peer name eth0 netns ${l.pid}`,
      `link set ${veth} master ${l.bridge}`,
      // a pod reaching its own Service may be sent back out of the port it came in on
      `link set ${veth} type bridge_slave hairpin on`,
      `link set ${veth} up`,
    ].join('\n') + '\n');
  }
  await mustRun('nsenter', [`--target=${l.pid}`, '--net', 'ip', '-batch', '-'], [
    'link set lo up',
    `addr replace ${l.ip}/${l.prefix} dev eth0`,
    'link set eth0 up',
    `route replace default via ${l.gateway} dev eth0`,
  ].join('\n') + '\n');
}
