// The ClusterView the zone reads, over Services and Endpoints kept current by
// informers. The reverse (IP → owners) index is rebuilt lazily, at most once per
// change, on the first PTR query after it.
import type { Endpoints, Service } from '../api/types/index.js';
import { endpointLabel, type ClusterView, type ReverseEntry } from './records.js';

function key(ns: string, name: string): string {
  return `${ns}/${name}`;
}

export class ClusterState implements ClusterView {
  private readonly services = new Map<string, Service>();
  private readonly endpointsByKey = new Map<string, Endpoints>();
  /** namespace → number of Services in it */
  private readonly namespaces = new Map<string, number>();
  private reverseIndex?: Map<string, ReverseEntry[]>;

  constructor(services: Service[] = [], endpoints: Endpoints[] = []) {
    for (const s of services) this.setService(s);
    for (const e of endpoints) this.setEndpoints(e);
  }

  setService(svc: Service): void {
    const ns = svc.metadata.namespace ?? '';
    const k = key(ns, svc.metadata.name ?? '');
    if (!this.services.has(k)) this.namespaces.set(ns, (this.namespaces.get(ns) ?? 0) + 1);
    this.services.set(k, svc);
    this.reverseIndex = undefined;
  }

  deleteService(svc: Service): void {
    const ns = svc.metadata.namespace ?? '';
    if (!this.services.delete(key(ns, svc.metadata.name ?? ''))) return;
    const n = (this.namespaces.get(ns) ?? 1) - 1;
    if (n > 0) this.namespaces.set(ns, n);
    else this.namespaces.delete(ns);
    this.reverseIndex = undefined;
  }

  setEndpoints(ep: Endpoints): void {
    this.endpointsByKey.set(key(ep.metadata.namespace ?? '', ep.metadata.name ?? ''), ep);
    this.reverseIndex = undefined;
  }

  deleteEndpoints(ep: Endpoints): void {
    this.endpointsByKey.delete(key(ep.metadata.namespace ?? '', ep.metadata.name ?? ''));
    this.reverseIndex = undefined;
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(key(namespace, name));
  }

  endpoints(namespace: string, name: string): Endpoints | undefined {
    return this.endpointsByKey.get(key(namespace, name));
  }

  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  get serviceCount(): number {
    return this.services.size;
  }

  reverse(ip: string): ReverseEntry[] {
    this.reverseIndex ??= this.buildReverse();
    return this.reverseIndex.get(ip) ?? [];
  }

  private buildReverse(): Map<string, ReverseEntry[]> {
    const idx = new Map<string, ReverseEntry[]>();
    const add = (ip: string, e: ReverseEntry): void => {
      const list = idx.get(ip);
      if (list) list.push(e);
      else idx.set(ip, [e]);
    };
    for (const svc of this.services.values()) {
      const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP];
      for (const ip of ips) if (ip && ip !== 'None') add(ip, { namespace: svc.metadata.namespace ?? '', service: svc.metadata.name ?? '' });
    }
    for (const ep of this.endpointsByKey.values()) {
      const ns = ep.metadata.namespace ?? '';
      const name = ep.metadata.name ?? '';
      // Endpoints without a Service publish no names, so they own no PTR either.
      if (!this.services.has(key(ns, name))) continue;
      for (const s of ep.subsets ?? []) {
        for (const a of s.addresses ?? []) add(a.ip, { namespace: ns, service: name, endpoint: endpointLabel(a) });
      }
    }
    return idx;
  }
}
