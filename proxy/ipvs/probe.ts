// Decides whether IPVS mode can run here, with a one-line reason when it cannot.
import { existsSync } from 'node:fs';
import { runCommand } from '../exec.js';

export type IpvsProbe = { ok: true } | { ok: false; reason: string };

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

async function tryRun(cmd: string, args: string[]): Promise<{ code: number; text: string } | undefined> {
  try {
    const r = await runCommand(cmd, args, { allowFailure: true, timeoutMs: 10_000 });
    return { code: r.code, text: firstLine(r.stderr || r.stdout) };
  } catch {
    return undefined; // not installed
  }
}

export async function probeIpvs(): Promise<IpvsProbe> {
  const ipvsadm = await tryRun('ipvsadm', ['-Ln']);
  if (ipvsadm && ipvsadm.code !== 0) {
    return { ok: false, reason: `ipvs mode needs the ip_vs kernel module: ipvsadm: ${ipvsadm.text || `exit ${ipvsadm.code}`}` };
  }
  if (!existsSync('/proc/net/ip_vs')) {
    const mod = await tryRun('modprobe', ['ip_vs']);
    if (!existsSync('/proc/net/ip_vs')) {
      const why = mod ? mod.text || `modprobe exited ${mod.code}` : 'modprobe not available';
      return { ok: false, reason: `ipvs mode needs the ip_vs kernel module: /proc/net/ip_vs is missing (modprobe ip_vs: ${why})` };
    }
  }
  if (!ipvsadm) return { ok: false, reason: 'ipvs mode needs ipvsadm (apt-get install ipvsadm)' };
  return { ok: true };
}
