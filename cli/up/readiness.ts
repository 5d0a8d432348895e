// The checks `up` waits on: the apiserver answers /readyz, the node is Ready, and
// the cluster DNS answers through its Service address (so DNS server, Service,
// Endpoints and the proxy's rules all work).
import https from 'node:https';
import { Resolver } from 'node:dns/promises';
import type { Node } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';
import { nthAddress } from './cidr.js';
import type { ClusterConfig } from './config.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `check` until it returns a value; `alive` throws when waiting is
 * pointless (the supervisor died). Errors of `check` only count as "not yet".
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; everyMs?: number; alive?: () => void; onNotYet?: (why: string) => void },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    opts.alive?.();
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = (e as Error).message;
      opts.onNotYet?.(last);
    }
    if (Date.now() > deadline) throw new Error(`${what}: not there after ${Math.round(opts.timeoutMs / 1000)}s${last ? ` (${last})` : ''}`);
    await sleep(opts.everyMs ?? 100);
  }
}

/** HTTP status of GET /readyz, verified against the cluster CA. */
export function apiserverReadyz(port: number, caPem: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz', ca: caPem, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export function nodeReadiness(node: Node | undefined): { ready: boolean; why: string } {
  if (!node) return { ready: false, why: 'not registered yet' };
  const c = node.status?.conditions?.find((x) => x.type === 'Ready');
  if (c?.status === 'True') return { ready: true, why: '' };
  return { ready: false, why: c ? `${c.reason ?? 'NotReady'}${c.message ? `: ${c.message}` : ''}` : 'no Ready condition yet' };
}

export async function getNode(client: RestClient, name: string): Promise<Node | undefined> {
  try {
    return await client.get<Node>(client.resource('v1', 'Node'), undefined, name, { timeoutMs: 3000 });
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

/** `kubernetes.default.svc.<domain>` through the DNS Service IP; returns the answer. */
export async function dnsAnswers(cfg: Pick<ClusterConfig, 'dnsServiceIP' | 'clusterDomain' | 'serviceCIDR'>, server = `${cfg.dnsServiceIP}:53`): Promise<string> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([server]);
  const name = `kubernetes.default.svc.${cfg.clusterDomain}`;
  const ips = await r.resolve4(name);
  const want = nthAddress(cfg.serviceCIDR, 1);
  if (!ips.includes(want)) throw new Error(`${name} resolved to ${ips.join(',')}, expected ${want}`);
  return ips[0];
}
