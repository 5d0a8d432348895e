// The per-pod /etc/hosts and /etc/resolv.conf, bind-mounted into every container
// of the pod (Docker's own files would differ per container and miss the pod's
// name). Pure renderers; the worker writes them under the pod directory.
import type { Pod } from '../api/types/index.js';

export const CLUSTER_DOMAIN = 'cluster.local';

/** The pod's hostname: spec.hostname or the pod name, cut to a DNS label. */
export function podHostname(pod: Pod): string {
  const name = pod.spec.hostname || pod.metadata.name || 'pod';
  return name.slice(0, 63).replace(/[.-]+$/, '');
}

export function renderHosts(pod: Pod, podIP: string | undefined): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const host = podHostname(pod);
  if (podIP) {
    if (pod.spec.subdomain) {
      const fqdn = `${host}.${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${CLUSTER_DOMAIN}`;
      lines.push(`${podIP}\t${fqdn}\t${host}`);
    } else {
      lines.push(`${podIP}\t${host}`);
    }
  }
  const aliases = pod.spec.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return lines.join('\n') + '\n';
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** Parses the host's resolv.conf, dropping loopback nameservers a container cannot reach. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] && !/^127\.|^::1$/.test(rest[0])) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

/** resolv.conf for the pod's dnsPolicy, as the kubelet builds it (clusterDNS only when configured). */
export function renderResolvConf(pod: Pod, host: ResolvConf, clusterDNS: string | undefined): string {
  const ns = pod.metadata.namespace ?? 'default';
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  let conf: ResolvConf;
  const clusterFirst = clusterDNS && (policy === 'ClusterFirst' && !pod.spec.hostNetwork || policy === 'ClusterFirstWithHostNet');
  if (policy === 'None') {
    conf = { nameservers: [], searches: [], options: [] };
  } else if (clusterFirst) {
    conf = {
      nameservers: [clusterDNS],
      searches: [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN, ...host.searches],
      options: ['ndots:5'],
    };
  } else {
    conf = { nameservers: [...host.nameservers], searches: [...host.searches], options: [...host.options] };
  }
  const dc = pod.spec.dnsConfig;
  if (dc) {
    for (const n of dc.nameservers ?? []) if (!conf.nameservers.includes(n)) conf.nameservers.push(n);
    for (const s of dc.searches ?? []) if (!conf.searches.includes(s)) conf.searches.push(s);
    for (const o of dc.options ?? []) {
      const text = o.value !== undefined ? `${o.name}:${o.value}` : o.name;
      conf.options = conf.options.filter((x) => x.split(':')[0] !== o.name);
      conf.options.push(text);
    }
  }
  const lines: string[] = [];
  for (const n of conf.nameservers.slice(0, 3)) lines.push(`nameserver ${n}`);
  if (conf.searches.length) lines.push(`search ${conf.searches.slice(0, 32).join(' ')}`);
  if (conf.options.length) lines.push(`options ${conf.options.join(' ')}`);
  return lines.join('\n') + '\n';
}
