// The Endpoints controller: for every Service with a selector, an Endpoints
// object of the same name listing the selected pods' IPs and the ports the
// service's targetPorts resolve to on each pod (ready ones in `addresses`, the
// rest in `notReadyAddresses`), like Kubernetes' endpoints_controller.go.
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { matches, selectorFromSet } from '../api/labels.js';
import { objectKey, splitObjectKey } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod, Service, ServicePort } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { isPodReady, OwnWrites } from './pod-control.js';
import { canonicalJson, semanticEqual } from './pod-template-hash.js';

const servicesInfo = findResource('', 'v1', 'services')!;
const endpointsInfo = findResource('', 'v1', 'endpoints')!;
const podsInfo = findResource('', 'v1', 'pods')!;

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** The apiserver keeps the endpoints of `default/kubernetes` itself. */
const APISERVER_SERVICE_KEY = 'default/kubernetes';

// ---------------------------------------------------------------- pure parts

function hasSelector(svc: Service): boolean {
  return !!svc.spec?.selector && Object.keys(svc.spec.selector).length > 0;
}

/** Has an IP, is not terminal, and is not terminating (unless the service wants those too). */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/**
 * The pod's port for a service port: a numeric targetPort as is (the service
 * port when unset), a named one looked up among the pod's container ports with
 * the same protocol. Undefined when the pod has no such port.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target === 0 ? sp.port : target;
  const protocol = sp.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    // Sidecars (restartable init containers) serve ports too.
    ...(pod.spec?.initContainers ?? []).filter((c) => (c as { restartPolicy?: string }).restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

function podIP(pod: Pod, svc: Service): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter((ip): ip is string => !!ip);
  const family = svc.spec?.ipFamilies?.[0];
  if (family) {
    const wantV6 = family === 'IPv6';
    const match = ips.find((ip) => ip.includes(':') === wantV6);
    if (match) return match;
  }
  return ips[0];
}

export function podToAddress(pod: Pod, svc: Service): EndpointAddress | undefined {
  const ip = podIP(pod, svc);
  if (!ip) return undefined;
  const addr: EndpointAddress = { ip };
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace) {
    addr.hostname = pod.spec.hostname;
  }
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
  if (sp.name) ep.name = sp.name;
  if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
  return ep;
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointPort | undefined): string {
  return p ? `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}` : '';
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = `${a.name ?? ''}\u0000${String(a.port).padStart(5, '0')}\u0000${a.protocol ?? ''}`;
  const kb = `${b.name ?? ''}\u0000${String(b.port).padStart(5, '0')}\u0000${b.protocol ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Regroups subsets so each distinct set of addresses appears once with every port
 * it serves (Kubernetes' RepackSubsets); an address ready on any subset for a port
 * counts as ready. Output is sorted, so equal inputs give equal objects.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port?: EndpointPort; ready: Map<string, boolean> }>();
  const note = (port: EndpointPort | undefined, addr: EndpointAddress, ready: boolean): void => {
    const ak = addressKey(addr);
    if (!addresses.has(ak)) addresses.set(ak, addr);
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    if (entry.ready.get(ak) !== true) entry.ready.set(ak, ready);
  };
  for (const subset of subsets) {
    const ports: Array<EndpointPort | undefined> = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const a of subset.addresses ?? []) note(port, a, true);
      for (const a of subset.notReadyAddresses ?? []) note(port, a, false);
    }
  }
  // Ports served by exactly the same addresses (with the same readiness) share a subset.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const gk = [...ready.entries()].map(([k, r]) => `${k}\u0000${r}`).sort().join('\u0001');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? ready : notReady).push(addresses.get(k)!);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length) subset.ports = g.ports.sort(comparePorts);
    out.push(subset);
  }
  return out.sort((a, b) => {
    const ka = canonicalJson(a);
    const kb = canonicalJson(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** The subsets of a service's Endpoints for these (already selected) pods. */
export function buildSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const headless = svc.spec?.clusterIP === 'None';
  const raw: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podToAddress(pod, svc);
    if (!addr) continue;
    const ready = publishNotReady || isPodReady(pod);
    const add = (ports: EndpointPort[] | undefined): void => {
      const subset: EndpointSubset = ready ? { addresses: [addr] } : { notReadyAddresses: [addr] };
      if (ports) subset.ports = ports;
      raw.push(subset);
    };
    const servicePorts = svc.spec?.ports ?? [];
    // A headless service may have no ports at all and still lists its pods.
    if (servicePorts.length === 0) {
      if (headless) add(undefined);
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      add([endpointPort(sp, port)]);
    }
  }
  return repackSubsets(raw);
}

/** The service's labels, plus the headless marker for clusterIP: None. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

// ---------------------------------------------------------------- controller

export class EndpointsController extends Controller {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly ownWrites = new OwnWrites();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('endpoints', ctx);
    this.services = ctx.informers.get<Service>(servicesInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.endpoints = ctx.informers.get<Endpoints>(endpointsInfo);
    this.services.on('add', (svc) => this.enqueue(svc));
    this.services.on('update', (_old, cur) => this.enqueue(cur));
    this.services.on('delete', (svc) => this.enqueue(svc));
    this.pods.on('add', (pod) => this.enqueueServicesOf(pod));
    this.pods.on('update', (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // periodic resync
      this.enqueueServicesOf(cur);
      if (!semanticEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})) this.enqueueServicesOf(old);
    });
    this.pods.on('delete', (pod) => this.enqueueServicesOf(pod));
    // Someone deleted the Endpoints of a live service: write them again.
    this.endpoints.on('delete', (ep) => {
      this.ownWrites.forget(objectKey(ep));
      if (this.services.store.get(objectKey(ep))) this.enqueue(ep);
    });
    // A sync that found the cache behind our last write waits for this event (else
    // a second pod change within a write's round trip would wait out the 1 s retry).
    const written = (ep: Endpoints): void => {
      if (this.services.store.get(objectKey(ep))) this.enqueue(ep);
    };
    this.endpoints.on('add', written);
    this.endpoints.on('update', (old, cur) => {
      if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) written(cur);
    });
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.services.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      if (hasSelector(svc) && matches(selectorFromSet(svc.spec.selector), pod.metadata.labels)) this.enqueue(svc);
    }
  }

  async sync(key: string): Promise<void> {
    if (key === APISERVER_SERVICE_KEY) return;
    const log = this.log.child({ key });
    const svc = this.services.store.get(key);
    const current = this.endpoints.store.get(key);
    // Not cached at all yet counts as behind a create of ours ('0' is older than anything).
    if (this.ownWrites.cacheBehind(key, current?.metadata.resourceVersion ?? '0')) {
      this.queue.addAfter(key, 1000); // our last write's event brings us back sooner
      return;
    }
    if (!svc) {
      this.ownWrites.forget(key);
      // The service is gone: so are its endpoints (asked even if our cache has none, it may lag).
      const { namespace, name } = splitObjectKey(key);
      try {
        await this.ctx.client.delete(endpointsInfo, namespace, name);
        log.debug({}, 'deleted endpoints of deleted service');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    // Without a selector the endpoints are the user's to manage; ExternalName services have none.
    if (!hasSelector(svc) || svc.spec.type === 'ExternalName') return;

    const namespace = svc.metadata.namespace ?? '';
    const selector = selectorFromSet(svc.spec.selector);
    const pods = this.pods.store.byIndex(NAMESPACE_INDEX, namespace).filter((p) => matches(selector, p.metadata.labels));
    const subsets = buildSubsets(svc, pods);
    const labels = endpointsLabels(svc);
    if (current && semanticEqual(current.subsets ?? [], subsets) && semanticEqual(current.metadata.labels ?? {}, labels)) return;

    const body: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: current ? { ...current.metadata, labels } : { name: svc.metadata.name, namespace, labels },
    };
    if (subsets.length) body.subsets = subsets;
    if (!Object.keys(labels).length) delete body.metadata.labels;
    const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
    if (current) {
      const written = await this.ctx.client.update(endpointsInfo, namespace, body);
      this.ownWrites.written(key, written.metadata.resourceVersion);
      log.debug({ ready, notReady }, 'updated endpoints');
      return;
    }
    try {
      const written = await this.ctx.client.create(endpointsInfo, namespace, body);
      this.ownWrites.written(key, written.metadata.resourceVersion);
      log.debug({ ready, notReady }, 'created endpoints');
    } catch (e) {
      // Created meanwhile (or not yet in our cache): compare again once the informer has it.
      if (isAlreadyExists(e)) throw new Error(`endpoints ${objectKey(body)} exist but are not cached yet`);
      throw e;
    }
  }
}
