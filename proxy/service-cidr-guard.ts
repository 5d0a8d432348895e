// Keeps Service-CIDR traffic on this machine: the range is routed into an empty local
// bridge, and a REJECT rule (rendered by each mode into its own chains) stops any
// untranslated VIP packet that would leave through another interface. Without it a
// ClusterIP without rules follows the default route off the host.
import { runCommand } from './exec.js';
import type { Logger } from 'pino';

export interface GuardConfig {
  serviceCIDR: string;
  /** the empty bridge the service range is routed into (`dummy` links are missing here) */
  bridge: string;
}

/**
 * nft rules (filter output/forward; DNAT has already happened at these hooks) for
 * untranslated service traffic: never out of another interface, and refused at once
 * instead of waiting for ARP in the empty bridge (a VIP the proxy has no rules for yet).
 */
export function nftGuardRules(g: GuardConfig): string[] {
  return [
    `ip daddr ${g.serviceCIDR} oifname != "${g.bridge}" fib daddr type != local reject`,
    `ip daddr ${g.serviceCIDR} oifname "${g.bridge}" reject`,
  ];
}

/** The same for iptables, as rules of a filter chain hooked from OUTPUT and FORWARD. */
export function iptablesGuardRules(chain: string, g: GuardConfig): string[] {
  return [
    `-A ${chain} -d ${g.serviceCIDR} ! -o ${g.bridge} -m addrtype ! --dst-type LOCAL -m comment --comment "service CIDR stays local" -j REJECT`,
    `-A ${chain} -d ${g.serviceCIDR} -o ${g.bridge} -m comment --comment "no rules for this service IP" -j REJECT`,
  ];
}

/** Creates the bridge (if missing), brings it up and routes the service range into it. */
export async function ensureServiceRoute(g: GuardConfig, log?: Logger): Promise<void> {
  const link = await runCommand('ip', ['-o', 'link', 'show', 'dev', g.bridge], { allowFailure: true });
  if (link.code !== 0) {
    await runCommand('ip', ['link', 'add', g.bridge, 'type', 'bridge']);
    log?.info({ bridge: g.bridge }, 'created service bridge');
  }
  if (!/[<,]UP[,>]/.test(link.stdout)) await runCommand('ip', ['link', 'set', g.bridge, 'up']);
  await runCommand('ip', ['route', 'replace', g.serviceCIDR, 'dev', g.bridge]);
}

/** Removes the route and the bridge; absent ones are fine. */
export async function removeServiceRoute(g: GuardConfig): Promise<void> {
  await runCommand('ip', ['route', 'del', g.serviceCIDR, 'dev', g.bridge], { allowFailure: true });
  await runCommand('ip', ['link', 'del', g.bridge], { allowFailure: true });
}
