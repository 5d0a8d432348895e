// Which servers non-cluster names go to: the nameservers of a resolv.conf, minus
// any that would send the query back to this DNS server (a forwarding loop).
import { isIP } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface ResolvConfUpstreams {
  nameservers: Upstream[];
  /** lines that named a nameserver we could not parse */
  invalid: string[];
}

/**
 * Parses `nameserver` lines. Besides the standard `nameserver IP`, accepts
 * `nameserver IP:PORT` and `nameserver [IPv6]:PORT` (a kubelite extension, so a
 * resolver on a non-standard port can be named).
 */
export function parseResolvConf(text: string): ResolvConfUpstreams {
  const out: ResolvConfUpstreams = { nameservers: [], invalid: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, value] = line.split(/\s+/);
    if (key !== 'nameserver' || value === undefined) continue;
    const u = parseServer(value);
    if (u) out.nameservers.push(u);
    else out.invalid.push(value);
  }
  return out;
}

function parseServer(v: string): Upstream | undefined {
  let host = v;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) {
    host = bracket[1];
    if (bracket[2]) port = Number(bracket[2]);
  } else if (/^[\d.]+:\d+$/.test(v)) {
    const i = v.lastIndexOf(':');
    host = v.slice(0, i);
    port = Number(v.slice(i + 1));
  }
  // A zone index (fe80::1%eth0) is fine for the socket but not for isIP.
  if (!isIP(host.replace(/%.*$/, '')) || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

export interface SelfAddresses {
  /** the --listen address */
  listenHost: string;
  listenPort: number;
  /** --advertise-address: where other hosts (and the kube-dns Service) reach us */
  advertiseAddress?: string;
  /** the kube-dns ClusterIP: port 53 there leads back to some DNS instance */
  serviceIP?: string;
  /** this machine's addresses, which a wildcard listener answers on */
  localAddresses: string[];
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** True when a query sent to `u` would reach this server (or the cluster DNS Service) again. */
export function isSelf(u: Upstream, self: SelfAddresses): boolean {
  if (self.serviceIP && u.host === self.serviceIP) return true;
  if (u.port !== self.listenPort) return false;
  if (u.host === self.listenHost || u.host === self.advertiseAddress) return true;
  if (isWildcard(self.listenHost)) {
    // A wildcard listener owns the port on every local address, all of 127/8 included.
    return self.localAddresses.includes(u.host) || u.host.startsWith('127.') || u.host === '::1';
  }
  return false;
}

export function upstreamsFor(text: string, self: SelfAddresses): { upstreams: Upstream[]; skipped: Upstream[]; invalid: string[] } {
  const parsed = parseResolvConf(text);
  const upstreams: Upstream[] = [];
  const skipped: Upstream[] = [];
  for (const u of parsed.nameservers) (isSelf(u, self) ? skipped : upstreams).push(u);
  return { upstreams, skipped, invalid: parsed.invalid };
}

export function formatUpstream(u: Upstream): string {
  return u.host.includes(':') ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}
