// Facts about this machine for the Node object: OS image, kernel, IDs, CPUs,
// memory, disk, and which address is the node's InternalIP.
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';

export interface SystemInfo {
  hostname: string;
  osImage: string;
  kernelVersion: string;
  machineID: string;
  bootID: string;
  systemUUID: string;
  architecture: string;
  operatingSystem: string;
  cpus: number;
  memoryBytes: number;
}

export async function systemInfo(): Promise<SystemInfo> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? `${os.type()} ${os.release()}`;
  const machineID = (await readFile('/etc/machine-id', 'utf8').catch(() => '')).trim();
  const bootID = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
  const productUUID = (await readFile('/sys/class/dmi/id/product_uuid', 'utf8').catch(() => '')).trim();
  return {
    hostname: os.hostname(),
    osImage: pretty,
    kernelVersion: os.release(),
    machineID,
    bootID,
    systemUUID: productUUID || machineID,
    architecture: goArch(process.arch),
    operatingSystem: process.platform === 'linux' ? 'linux' : process.platform,
    cpus: os.cpus().length || 1,
    memoryBytes: os.totalmem(),
  };
}

/** Node's arch names as Go (and so Kubernetes) spells them. */
export function goArch(arch: string): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

/** Bytes of the filesystem holding `dir` (capacity for ephemeral-storage). */
export async function diskBytes(dir: string): Promise<{ capacity: number; available: number } | undefined> {
  try {
    const s = await statfs(dir);
    return { capacity: s.blocks * s.bsize, available: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

/** The first non-loopback IPv4 address that is not a container bridge. */
export function defaultNodeIP(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string | undefined {
  const skip = /^(docker\d*|br-|veth|kube|cni|flannel|virbr)/;
  for (const [name, addrs] of Object.entries(ifaces)) {
    if (skip.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  for (const addrs of Object.values(ifaces)) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}
