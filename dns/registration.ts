// Makes this DNS server reachable as the kube-dns Service: the selector-less
// Service kube-system/kube-dns on the DNS ClusterIP, and this instance's address in
// Endpoints kube-system/kube-dns next to the other instances' (one per host). The
// Endpoints are shared, so every write is read-modify-write on a fresh copy with
// the resourceVersion precondition, retried on 409.
import { isAlreadyExists, isApiError, isConflict, isNotFound } from '../api/errors.js';
import type { EndpointPort, Endpoints, EndpointSubset, Service } from '../api/types/index.js';
import type { Informer, RestClient } from '../client/index.js';
import { RateLimitingQueue, runWorkers } from '../client/workqueue.js';
import { errorFields, type Logger } from '../client/logger.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';
export const DNS_LABELS: Record<string, string> = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/name': 'KubeliteDNS',
  // kubectl cluster-info lists kube-system Services carrying this label.
  'kubernetes.io/cluster-service': 'true',
};

/** One DNS instance: where it answers, on UDP and TCP alike. */
export interface Member {
  ip: string;
  port: number;
}

export function memberPorts(port: number): EndpointPort[] {
  return [
    { name: 'dns', port, protocol: 'UDP' },
    { name: 'dns-tcp', port, protocol: 'TCP' },
  ];
}

export function dnsService(serviceIP: string, targetPort: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: DNS_SERVICE, namespace: DNS_NAMESPACE, labels: { ...DNS_LABELS } },
    spec: {
      clusterIP: serviceIP,
      // No selector: the Endpoints controller leaves the Endpoints to the DNS instances.
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort },
      ],
    },
  };
}

function portsKey(ports: EndpointPort[] | undefined): string {
  return (ports ?? []).map((p) => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}`).sort().join(',');
}

export function hasMember(subsets: EndpointSubset[] | undefined, m: Member): boolean {
  const key = portsKey(memberPorts(m.port));
  return (subsets ?? []).some((s) => portsKey(s.ports) === key && (s.addresses ?? []).some((a) => a.ip === m.ip));
}

/**
 * The subsets with `m` as a ready address, in the subset whose ports are its ports
 * (instances listening on another port get a subset of their own); undefined when
 * nothing changes.
 */
export function addMember(subsets: EndpointSubset[] | undefined, m: Member): EndpointSubset[] | undefined {
  if (hasMember(subsets, m)) return undefined;
  const key = portsKey(memberPorts(m.port));
  const out = (subsets ?? []).map((s) => ({ ...s }));
  const target = out.find((s) => portsKey(s.ports) === key);
  if (!target) {
    out.push({ addresses: [{ ip: m.ip }], ports: memberPorts(m.port) });
    return out;
  }
  target.addresses = [...(target.addresses ?? []), { ip: m.ip }].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  const notReady = (target.notReadyAddresses ?? []).filter((a) => a.ip !== m.ip);
  if (notReady.length) target.notReadyAddresses = notReady;
  else delete target.notReadyAddresses;
  return out;
}

/** The subsets without `m` (empty subsets dropped); undefined when it was not there. */
export function removeMember(subsets: EndpointSubset[] | undefined, m: Member): EndpointSubset[] | undefined {
  const key = portsKey(memberPorts(m.port));
  let changed = false;
  const out: EndpointSubset[] = [];
  for (const s of subsets ?? []) {
    if (portsKey(s.ports) !== key) {
      out.push(s);
      continue;
    }
    const keep = (list: EndpointSubset['addresses']) => (list ?? []).filter((a) => a.ip !== m.ip);
    const addresses = keep(s.addresses);
    const notReady = keep(s.notReadyAddresses);
    if (addresses.length !== (s.addresses ?? []).length || notReady.length !== (s.notReadyAddresses ?? []).length) changed = true;
    if (!addresses.length && !notReady.length) continue;
    const next: EndpointSubset = { ...s };
    if (addresses.length) next.addresses = addresses;
    else delete next.addresses;
    if (notReady.length) next.notReadyAddresses = notReady;
    else delete next.notReadyAddresses;
    out.push(next);
  }
  return changed ? out : undefined;
}

export interface RegistrarOptions {
  client: RestClient;
  serviceIP: string;
  member: Member;
  /** the informer on Endpoints: tells us when someone dropped our address */
  endpoints: Informer<Endpoints>;
  services: Informer<Service>;
  /** periodic re-check, in case an event was missed */
  resyncMs?: number;
  logger: Logger;
}

const MAX_CONFLICT_RETRIES = 10;

/** The apiserver refused the kube-dns Service for a reason retrying won't fix. */
export class RegistrationRejected extends Error {}
const KEY = 'kube-dns';

export class Registrar {
  private readonly queue = new RateLimitingQueue<string>({ baseDelayMs: 500, maxDelayMs: 30_000 });
  private readonly svcInfo;
  private readonly epInfo;
  private readonly stopper = new AbortController();
  private workers?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: RegistrarOptions) {
    this.svcInfo = o.client.resource('v1', 'Service');
    this.epInfo = o.client.resource('v1', 'Endpoints');
  }

  private isOurs(obj: { metadata: { namespace?: string; name?: string } }): boolean {
    return obj.metadata.namespace === DNS_NAMESPACE && obj.metadata.name === DNS_SERVICE;
  }

  /**
   * Creates the Service if it is missing. A request the apiserver rejects for good
   * (the IP is outside the service range or taken by another Service) is thrown with
   * a message that says so; anything else is left to the retry loop.
   */
  async ensureService(): Promise<void> {
    const log = this.o.logger;
    let svc: Service | undefined;
    try {
      svc = await this.o.client.get<Service>(this.svcInfo, DNS_NAMESPACE, DNS_SERVICE);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (svc) {
      if (svc.spec?.clusterIP !== this.o.serviceIP) {
        log.warn({ clusterIP: svc.spec?.clusterIP, wanted: this.o.serviceIP }, 'Service kube-system/kube-dns exists with another clusterIP; pods configured with --cluster-dns must use that one');
      }
      if (svc.spec?.selector && Object.keys(svc.spec.selector).length) {
        log.warn({ selector: svc.spec.selector }, 'Service kube-system/kube-dns has a selector: the Endpoints controller will overwrite the DNS instances\' addresses');
      }
      return;
    }
    try {
      await this.o.client.create(this.svcInfo, DNS_NAMESPACE, dnsService(this.o.serviceIP, this.o.member.port));
      log.info({ clusterIP: this.o.serviceIP }, 'created Service kube-system/kube-dns');
    } catch (e) {
      if (isAlreadyExists(e)) return;
      if (isApiError(e) && (e.code === 400 || e.code === 403 || e.code === 422)) {
        throw new RegistrationRejected(`cannot create Service kube-system/kube-dns with clusterIP ${this.o.serviceIP}: ${e.message}`);
      }
      throw e;
    }
  }

  /** Read-modify-write of the shared Endpoints, retried on conflicts; `change` returns undefined for "nothing to do". */
  private async updateEndpoints(change: (subsets: EndpointSubset[] | undefined) => EndpointSubset[] | undefined, createIfMissing: boolean): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      let current: Endpoints | undefined;
      try {
        current = await this.o.client.get<Endpoints>(this.epInfo, DNS_NAMESPACE, DNS_SERVICE);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const next = change(current?.subsets);
      if (!next) return false;
      try {
        if (current) {
          const body: Endpoints = { ...current, subsets: next };
          if (!next.length) delete body.subsets;
          await this.o.client.update(this.epInfo, DNS_NAMESPACE, body);
        } else {
          if (!createIfMissing) return false;
          await this.o.client.create<Endpoints>(this.epInfo, DNS_NAMESPACE, {
            apiVersion: 'v1', kind: 'Endpoints', metadata: { name: DNS_SERVICE, namespace: DNS_NAMESPACE, labels: { ...DNS_LABELS } }, subsets: next,
          });
        }
        return true;
      } catch (e) {
        // Another instance wrote in between: read again and reapply our change.
        if (isConflict(e) || isAlreadyExists(e) || (current && isNotFound(e))) continue;
        throw e;
      }
    }
    throw new Error(`Endpoints kube-system/kube-dns: still conflicting after ${MAX_CONFLICT_RETRIES} attempts`);
  }

  async register(): Promise<void> {
    await this.ensureService();
    if (await this.updateEndpoints((s) => addMember(s, this.o.member), true)) {
      this.o.logger.info({ address: `${this.o.member.ip}:${this.o.member.port}` }, 'added our address to Endpoints kube-system/kube-dns');
    }
  }

  /** Keeps the registration true until stop(): re-adds our address whenever it goes missing. */
  start(): void {
    if (this.stopped || this.workers) return;
    const { endpoints, services } = this.o;
    const check = (ep: Endpoints): void => {
      if (this.isOurs(ep) && !hasMember(ep.subsets, this.o.member)) this.queue.add(KEY);
    };
    endpoints.on('update', (_old, cur) => check(cur));
    endpoints.on('delete', (ep) => {
      if (this.isOurs(ep)) this.queue.add(KEY);
    });
    services.on('delete', (svc) => {
      if (this.isOurs(svc)) this.queue.add(KEY);
    });
    this.timer = setInterval(() => this.queue.add(KEY), this.o.resyncMs ?? 30_000);
    this.timer.unref();
    this.workers = runWorkers(this.queue, 1, () => this.register(), { logger: this.o.logger, signal: this.stopper.signal });
    this.queue.add(KEY);
  }

  /** Stops re-registering and takes our address out (best effort within `timeoutMs`). */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.stopper.abort();
    await this.workers;
    const remove = this.updateEndpoints((s) => removeMember(s, this.o.member), false);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      const r = await Promise.race([remove, timeout]);
      if (r === 'timeout') this.o.logger.warn({}, 'timed out removing our address from Endpoints kube-system/kube-dns');
      else if (r) this.o.logger.info({ address: `${this.o.member.ip}:${this.o.member.port}` }, 'removed our address from Endpoints kube-system/kube-dns');
    } catch (e) {
      this.o.logger.warn(errorFields(e), 'cannot remove our address from Endpoints kube-system/kube-dns');
    } finally {
      clearTimeout(timer);
    }
  }
}
