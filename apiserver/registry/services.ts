// ClusterIP / NodePort bookkeeping for Service writes.
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { errors } from '../../api/errors.js';
import type { FieldError } from '../../api/errors.js';
import { AllocationError, clusterIpAllocator, intToIp, ipToInt, nodePortAllocator, type RangeAllocator } from './allocator.js';

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export type Allocation = { kind: 'ip'; value: number } | { kind: 'port'; value: number };

function isService(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'services';
}

function wantsNodePorts(type: string | undefined): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

function wantsClusterIp(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

export class ServiceAllocations {
  private readonly ips: RangeAllocator;
  private readonly ports: RangeAllocator;
  readonly kubernetesServiceIp: string;

  constructor(cidr: string, portRange: string) {
    const { alloc, first } = clusterIpAllocator(cidr);
    this.ips = alloc;
    this.kubernetesServiceIp = first;
    this.ports = nodePortAllocator(portRange);
  }

  get usage(): { clusterIPs: number; nodePorts: number } {
    return { clusterIPs: this.ips.allocatedCount, nodePorts: this.ports.allocatedCount };
  }

  restore(svc: KubeObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    if (spec.clusterIP && spec.clusterIP !== 'None') this.ips.restore(ipToInt(spec.clusterIP));
    for (const p of spec.ports ?? []) if (p.nodePort) this.ports.restore(p.nodePort);
  }

  /** Allocates (or reserves the requested) ClusterIP and NodePorts of a new Service. */
  allocateFor(info: ResourceInfo, obj: KubeObject): Allocation[] {
    if (!isService(info)) return [];
    const spec = (obj.spec ??= {}) as ServiceSpec;
    const done: Allocation[] = [];
    const errs: FieldError[] = [];
    if (wantsClusterIp(spec)) {
      try {
        let ip: number;
        if (spec.clusterIP) {
          ip = ipToInt(spec.clusterIP);
          this.ips.reserve(ip);
        } else {
          ip = this.ips.allocateNext();
        }
        done.push({ kind: 'ip', value: ip });
        spec.clusterIP = intToIp(ip);
        spec.clusterIPs = [spec.clusterIP];
      } catch (e) {
        errs.push({
          type: 'FieldValueInvalid', field: 'spec.clusterIPs',
          message: `Invalid value: []string{"${spec.clusterIP ?? ''}"}: failed to allocate IP ${spec.clusterIP ?? ''}: ${(e as Error).message}`,
        });
      }
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    }
    if (wantsNodePorts(spec.type)) this.allocatePorts(spec, undefined, done, errs);
    else for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort) errs.push({ type: 'FieldValueForbidden', field: `spec.ports[${i}].nodePort`, message: `Forbidden: may not be used when \`type\` is '${spec.type ?? 'ClusterIP'}'` });
    }
    if (errs.length) {
      this.releaseAllocated(done);
      throw errors.invalid('Service', '', obj.metadata.name ?? '', errs);
    }
    return done;
  }

  private allocatePorts(spec: ServiceSpec, old: ServiceSpec | undefined, done: Allocation[], errs: FieldError[]): void {
    const oldPorts = new Set((old?.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
    for (const [i, p] of (spec.ports ?? []).entries()) {
      try {
        if (p.nodePort) {
          if (oldPorts.has(p.nodePort)) {
            oldPorts.delete(p.nodePort);
            continue;
          }
          this.ports.reserve(p.nodePort);
        } else {
          const keep = old?.ports?.find((o) => o.port === p.port && o.nodePort && oldPorts.has(o.nodePort));
          if (keep?.nodePort) {
            p.nodePort = keep.nodePort;
            oldPorts.delete(keep.nodePort);
            continue;
          }
          p.nodePort = this.ports.allocateNext();
        }
        done.push({ kind: 'port', value: p.nodePort });
      } catch (e) {
        const msg = e instanceof AllocationError ? e.message : String(e);
        errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort ?? 0}: ${msg}` });
      }
    }
    // ports the update dropped go back to the pool
    for (const n of oldPorts) this.ports.release(n);
  }

  /** Keeps the ClusterIP and NodePorts across updates; allocates or frees on type changes. */
  reallocateOnUpdate(info: ResourceInfo, next: KubeObject, cur: KubeObject): void {
    if (!isService(info)) return;
    const spec = (next.spec ??= {}) as ServiceSpec;
    const old = (cur.spec ?? {}) as ServiceSpec;
    if (wantsClusterIp(spec) && !spec.clusterIP && old.clusterIP && old.clusterIP !== 'None') {
      spec.clusterIP = old.clusterIP;
      spec.clusterIPs = old.clusterIPs ?? [old.clusterIP];
    }
    if (spec.clusterIP && spec.clusterIP !== old.clusterIP) {
      throw errors.invalid('Service', '', cur.metadata.name ?? '', [
        { type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: "${spec.clusterIP}": may not change once set` },
      ]);
    }
    const done: Allocation[] = [];
    const errs: FieldError[] = [];
    if (wantsNodePorts(spec.type)) {
      this.allocatePorts(spec, wantsNodePorts(old.type) ? old : undefined, done, errs);
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
      if (wantsNodePorts(old.type)) for (const p of old.ports ?? []) if (p.nodePort) this.ports.release(p.nodePort);
    }
    if (errs.length) {
      this.releaseAllocated(done);
      throw errors.invalid('Service', '', cur.metadata.name ?? '', errs);
    }
  }

  releaseFor(info: ResourceInfo, obj: KubeObject): void {
    if (!isService(info)) return;
    const spec = (obj.spec ?? {}) as ServiceSpec;
    if (spec.clusterIP && spec.clusterIP !== 'None') this.ips.release(ipToInt(spec.clusterIP));
    for (const p of spec.ports ?? []) if (p.nodePort) this.ports.release(p.nodePort);
  }

  releaseAllocated(list: Allocation[]): void {
    for (const a of list) (a.kind === 'ip' ? this.ips : this.ports).release(a.value);
  }
}
