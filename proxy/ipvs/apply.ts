// Applies IPVS plans: virtual services through ipvsadm-restore (as a delta against
// what the kernel holds), VIPs bound to the VIP bridge, and the nft masquerading
// table. It only runs where probeIpvs() passes, which these machines never do; the
// rendering it relies on is unit-tested.
import type { Logger } from 'pino';
import { writeFile } from 'node:fs/promises';
import type { Backend, SyncStats } from '../backend.js';
import { runCommand } from '../exec.js';
import type { ProxyModel } from '../model.js';
import { buildIpvsPlan, parseIpvsSave, renderIpvsDelta, vipAddressCommands, type IpvsConfig, type IpvsPlan } from './render.js';

async function boundAddresses(bridge: string): Promise<string[]> {
  const r = await runCommand('ip', ['-o', '-4', 'addr', 'show', 'dev', bridge], { allowFailure: true });
  return [...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)].map((m) => m[1]);
}

export class IpvsBackend implements Backend {
  readonly mode = 'ipvs' as const;

  constructor(private readonly cfg: () => IpvsConfig, private readonly log: Logger) {}

  async sync(model: ProxyModel, full: boolean): Promise<SyncStats> {
    const cfg = this.cfg();
    const plan = buildIpvsPlan(model, cfg);
    const link = await runCommand('ip', ['link', 'show', 'dev', cfg.vipBridge], { allowFailure: true });
    if (link.code !== 0) await runCommand('ip', ['link', 'add', cfg.vipBridge, 'type', 'bridge']);
    for (const [key, value] of plan.sysctls) {
      await writeFile(`/proc/sys/${key.replaceAll('.', '/')}`, value).catch((e: unknown) => this.log.warn({ key, err: (e as Error).message }, 'sysctl failed'));
    }
    const bound = await boundAddresses(cfg.vipBridge);
    for (const args of vipAddressCommands(bound, plan.addresses, cfg.vipBridge)) await runCommand('ip', args, { allowFailure: true });
    // Only virtual services on our VIPs and node addresses are ours to change.
    const ours = new Set([...bound, ...plan.addresses, ...cfg.nodeAddresses]);
    const current = parseIpvsSave((await runCommand('ipvsadm', ['-Sn'])).stdout);
    for (const [k, v] of current) if (!ours.has(v.address.split(':')[0])) current.delete(k);
    const delta = renderIpvsDelta({ ...plan, services: current }, plan);
    if (delta) await runCommand('ipvsadm-restore', [], { input: delta });
    await runCommand('nft', ['-f', '-'], { input: plan.nft });
    let reals = 0;
    for (const v of plan.services.values()) reals += v.reals.length;
    return { kind: full ? 'full' : delta ? 'incremental' : 'noop', rules: reals, chains: plan.services.size, bytes: delta.length + plan.nft.length };
  }

  async cleanup(): Promise<void> {
    const cfg = this.cfg();
    const bound = await boundAddresses(cfg.vipBridge);
    const save = await runCommand('ipvsadm', ['-Sn'], { allowFailure: true }).catch(() => undefined);
    if (save && save.code === 0) {
      const empty: IpvsPlan = { services: new Map(), addresses: [], nft: '', sysctls: [] };
      const current = parseIpvsSave(save.stdout);
      const ours = new Set([...bound, ...cfg.nodeAddresses]);
      for (const [k, v] of current) if (!ours.has(v.address.split(':')[0])) current.delete(k);
      const delta = renderIpvsDelta({ ...empty, services: current }, empty);
      if (delta) await runCommand('ipvsadm-restore', [], { input: delta, allowFailure: true });
    }
    await runCommand('ip', ['link', 'del', cfg.vipBridge], { allowFailure: true });
  }
}
