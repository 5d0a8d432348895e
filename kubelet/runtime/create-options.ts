// Docker create options for a pod's sandbox and containers, rendered from the pod
// spec the way Kubernetes maps it onto a container runtime. Pure.
import type Dockerode from 'dockerode';
import type { Container, Pod, PodQOSClass } from '../../api/types/index.js';
import { cpuToMilli, memoryToBytes } from '../../api/quantity.js';
import {
  LABEL_BACKOFF_STEP, LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_GRACE_PERIOD, LABEL_POD_IP, LABEL_RESTART_COUNT,
  LABEL_SANDBOX_ID, LABEL_SPEC_HASH, LABEL_TERMINATION_MESSAGE_POLICY, SANDBOX_CONTAINER_NAME,
  dockerContainerName, podLabels, type PodIdentity,
} from '../labels.js';

export type CreateOptions = Dockerode.ContainerCreateOptions;
export type Mount = Dockerode.MountSettings;

const CPU_PERIOD = 100_000;
const MIN_SHARES = 2;
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };

export function podIdentity(pod: Pod): PodIdentity {
  return { uid: pod.metadata.uid ?? '', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default' };
}

export function gracePeriodOf(pod: Pod): number {
  return pod.spec.terminationGracePeriodSeconds ?? 30;
}

export interface SandboxInput {
  pod: Pod;
  nodeName: string;
  attempt: number;
  image: string;
  /** Docker network mode: dockerd's `bridge` (Docker publishes hostPorts) or `none` (the kubelet's bridge does) */
  networkMode: string;
  /** `none` mode: the IP the kubelet allocated, recorded as a label */
  podIP?: string;
  hostname: string;
}

export function renderSandboxOptions(s: SandboxInput): CreateOptions {
  const id = podIdentity(s.pod);
  const spec = s.pod.spec;
  const hostNetwork = !!spec.hostNetwork;
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  if (!hostNetwork && s.networkMode !== 'none') {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        const key = `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) });
      }
    }
  }
  const sysctls: Record<string, string> = {};
  for (const s2 of spec.securityContext?.sysctls ?? []) sysctls[s2.name] = s2.value;
  return {
    name: dockerContainerName(SANDBOX_CONTAINER_NAME, id, s.attempt),
    Image: s.image,
    Hostname: hostNetwork ? undefined : s.hostname,
    Labels: {
      ...podLabels(id, s.nodeName),
      [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME,
      [LABEL_CONTAINER_TYPE]: 'sandbox',
      [LABEL_RESTART_COUNT]: String(s.attempt),
      [LABEL_GRACE_PERIOD]: String(gracePeriodOf(s.pod)),
      ...(s.podIP && !hostNetwork ? { [LABEL_POD_IP]: s.podIP } : {}),
    },
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    HostConfig: {
      NetworkMode: hostNetwork ? 'host' : s.networkMode,
      IpcMode: spec.hostIPC ? 'host' : 'shareable',
      PidMode: spec.hostPID ? 'host' : undefined,
      PortBindings: Object.keys(bindings).length ? bindings : undefined,
      Sysctls: Object.keys(sysctls).length ? sysctls : undefined,
      RestartPolicy: { Name: 'no' },
      CpuShares: MIN_SHARES,
      LogConfig: LOG_CONFIG,
    },
  };
}

export interface ContainerInput {
  pod: Pod;
  container: Container;
  type: 'init' | 'app';
  nodeName: string;
  attempt: number;
  backoffStep: number;
  specHash: string;
  sandboxId: string;
  image: string;
  env: Map<string, string>;
  command?: string[];
  args?: string[];
  mounts: Mount[];
  qosClass?: PodQOSClass;
  /** bytes, for the Burstable OOM score */
  nodeMemoryBytes?: number;
}

export function renderContainerOptions(i: ContainerInput): CreateOptions {
  const id = podIdentity(i.pod);
  const c = i.container;
  const spec = i.pod.spec;
  const sc = c.securityContext ?? {};
  const psc = spec.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  const user = runAsUser !== undefined ? (runAsGroup !== undefined ? `${runAsUser}:${runAsGroup}` : String(runAsUser)) : undefined;
  const groups = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])].map(String);
  const securityOpt: string[] = [];
  if (sc.allowPrivilegeEscalation === false) securityOpt.push('no-new-privileges');
  const seccomp = sc.seccompProfile ?? psc.seccompProfile;
  if (seccomp?.type === 'Unconfined') securityOpt.push('seccomp=unconfined');
  const shareNS = `container:${i.sandboxId}`;
  const res = resourceSettings(c, i.qosClass, i.nodeMemoryBytes);

  return {
    name: dockerContainerName(c.name, id, i.attempt),
    Image: i.image,
    // Kubernetes: command replaces the image ENTRYPOINT (and drops its CMD), args replace CMD.
    Entrypoint: i.command,
    Cmd: i.args ?? (i.command ? [] : undefined),
    Env: [...i.env].map(([k, v]) => `${k}=${v}`),
    WorkingDir: c.workingDir || undefined,
    User: user,
    Tty: !!c.tty,
    OpenStdin: !!c.stdin,
    StdinOnce: !!c.stdinOnce,
    AttachStdin: !!c.stdin,
    StopSignal: c.lifecycle?.stopSignal,
    Labels: {
      ...podLabels(id, i.nodeName),
      [LABEL_CONTAINER_NAME]: c.name,
      [LABEL_CONTAINER_TYPE]: i.type,
      [LABEL_RESTART_COUNT]: String(i.attempt),
      [LABEL_BACKOFF_STEP]: String(i.backoffStep),
      [LABEL_SPEC_HASH]: i.specHash,
      [LABEL_SANDBOX_ID]: i.sandboxId,
      [LABEL_GRACE_PERIOD]: String(gracePeriodOf(i.pod)),
      [LABEL_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
    },
    HostConfig: {
      NetworkMode: shareNS,
      IpcMode: spec.hostIPC ? 'host' : shareNS,
      PidMode: spec.hostPID ? 'host' : spec.shareProcessNamespace ? shareNS : undefined,
      Mounts: i.mounts,
      RestartPolicy: { Name: 'no' },
      ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
      Privileged: !!sc.privileged,
      CapAdd: sc.capabilities?.add?.length ? sc.capabilities.add : undefined,
      CapDrop: sc.capabilities?.drop?.length ? sc.capabilities.drop : undefined,
      SecurityOpt: securityOpt.length ? securityOpt : undefined,
      GroupAdd: groups.length ? groups : undefined,
      LogConfig: LOG_CONFIG,
      ...res,
    },
  };
}

export interface ResourceSettings {
  CpuShares: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  Memory?: number;
  MemorySwap?: number;
  OomScoreAdj?: number;
}

/** Kubernetes' cgroup mapping: requests.cpu → shares, limits.cpu → CFS quota, limits.memory → hard limit. */
export function resourceSettings(c: Container, qos?: PodQOSClass, nodeMemoryBytes?: number): ResourceSettings {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const reqCpu = safe(() => cpuToMilli(requests.cpu ?? limits.cpu ?? '0'));
  const out: ResourceSettings = { CpuShares: milliToShares(reqCpu) };
  if (limits.cpu !== undefined) {
    const milli = safe(() => cpuToMilli(limits.cpu!));
    if (milli > 0) {
      out.CpuPeriod = CPU_PERIOD;
      out.CpuQuota = Math.max(1000, Math.floor((milli * CPU_PERIOD) / 1000));
    }
  }
  if (limits.memory !== undefined) {
    const bytes = safe(() => memoryToBytes(limits.memory!));
    if (bytes > 0) {
      out.Memory = bytes;
      out.MemorySwap = bytes;
    }
  }
  // Only raise OOM scores: lowering them needs CAP_SYS_RESOURCE, which Docker hosts may lack.
  if (qos === 'BestEffort') out.OomScoreAdj = 1000;
  else if (qos === 'Burstable' && nodeMemoryBytes) {
    const req = safe(() => memoryToBytes(requests.memory ?? '0'));
    out.OomScoreAdj = Math.min(999, Math.max(2, 1000 - Math.floor((1000 * req) / nodeMemoryBytes)));
  }
  return out;
}

export function milliToShares(milli: number): number {
  if (milli <= 0) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((milli * 1024) / 1000));
}

function safe(f: () => number): number {
  try {
    return f();
  } catch {
    return 0;
  }
}
