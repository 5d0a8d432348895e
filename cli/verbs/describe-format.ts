// kubectl describe text for the kinds people describe most — pods, deployments,
// replicasets, services, nodes, namespaces, configmaps, secrets — and the
// generic fallback. Pure: the caller fetches the object and its related objects.
import type { KubeObject, OwnerReference } from '../../api/meta.js';
import { labelSelectorToString } from '../../api/labels.js';
import { Quantity } from '../../api/quantity.js';
import type {
  Container, ContainerState, ContainerStatus, Deployment, Endpoints, Node, Pod, PodTemplateSpec, Probe, ReplicaSet, Service, Volume,
} from '../../api/types/index.js';
import {
  LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline,
  printTaintsMultiline, printTolerationsMultiline, printUnstructuredContent, rfc1123z, since, type EventLike, type Taint,
} from './describe-writer.js';
import { formatLabels } from './table.js';

function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

function printController(obj: KubeObject): string {
  const ref = controllerOf(obj);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

function portString(ports: Array<{ containerPort?: number; hostPort?: number; protocol?: string }> | undefined, host: boolean): string {
  return (ports ?? []).map((p) => `${(host ? p.hostPort : p.containerPort) ?? 0}/${p.protocol ?? 'TCP'}`).join(', ');
}

function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const scheme = (p.httpGet.scheme ?? 'HTTP').toLowerCase();
    return `http-get ${scheme}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(name: string, state: ContainerState | undefined, w: PrefixWriter): void {
  if (state?.running) {
    w.write(LEVEL_2, `${name}:\tRunning\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.write(LEVEL_2, `${name}:\tWaiting\n`);
    if (state.waiting.reason) w.write(LEVEL_3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(LEVEL_2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(LEVEL_3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(LEVEL_3, `Message:\t${t.message}\n`);
    w.write(LEVEL_3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if (t.signal) w.write(LEVEL_3, `Signal:\t${t.signal}\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(LEVEL_3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(LEVEL_2, `${name}:\tWaiting\n`);
  }
}

function sortedResourceNames(list: Record<string, string>): string[] {
  return Object.keys(list).sort();
}

function describeContainers(label: string, containers: Container[], statuses: ContainerStatus[] | undefined, w: PrefixWriter, space: string): void {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  w.write(LEVEL_0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const status = byName.get(c.name);
    w.write(LEVEL_1, `${space ? ' ' : ''}${c.name}:\n`);
    if (status) w.write(LEVEL_2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(LEVEL_2, `Image:\t${c.image ?? ''}\n`);
    if (status) w.write(LEVEL_2, `Image ID:\t${status.imageID ?? ''}\n`);
    const ports = portString(c.ports, false);
    if (ports.includes(',')) w.write(LEVEL_2, `Ports:\t${ports}\n`);
    else w.write(LEVEL_2, `Port:\t${ports || '<none>'}\n`);
    const hostPorts = portString(c.ports, true);
    if (hostPorts.includes(',')) w.write(LEVEL_2, `Host Ports:\t${hostPorts}\n`);
    else w.write(LEVEL_2, `Host Port:\t${hostPorts || '<none>'}\n`);
    if (c.command?.length) {
      w.write(LEVEL_2, 'Command:\n');
      for (const part of c.command) for (const s of part.split('\n')) w.write(LEVEL_3, `${s}\n`);
    }
    if (c.args?.length) {
      w.write(LEVEL_2, 'Args:\n');
      for (const part of c.args) for (const s of part.split('\n')) w.write(LEVEL_3, `${s}\n`);
    }
    if (status) {
      describeState('State', status.state, w);
      if (status.lastState?.terminated) describeState('Last State', status.lastState, w);
      w.write(LEVEL_2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.write(LEVEL_2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    const res = c.resources;
    if (res?.limits && Object.keys(res.limits).length) {
      w.write(LEVEL_2, 'Limits:\n');
      for (const n of sortedResourceNames(res.limits)) w.write(LEVEL_3, `${n}:\t${res.limits[n]}\n`);
    }
    if (res?.requests && Object.keys(res.requests).length) {
      w.write(LEVEL_2, 'Requests:\n');
      for (const n of sortedResourceNames(res.requests)) w.write(LEVEL_3, `${n}:\t${res.requests[n]}\n`);
    }
    if (c.livenessProbe) w.write(LEVEL_2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(LEVEL_2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(LEVEL_2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    if (c.envFrom?.length) {
      w.write(LEVEL_2, 'Environment Variables from:\n');
      for (const e of c.envFrom) {
        const from = e.configMapRef ? ['ConfigMap', e.configMapRef.name, e.configMapRef.optional] : ['Secret', e.secretRef?.name, e.secretRef?.optional];
        w.write(LEVEL_3, `${from[1] ?? ''}\t${from[0]}\t${e.prefix ? `with prefix '${e.prefix}'\t` : ''}Optional: ${from[2] ? 'true' : 'false'}\n`);
      }
    }
    w.write(LEVEL_2, `Environment:${c.env?.length ? '' : '\t<none>'}\n`);
    for (const e of c.env ?? []) {
      const vf = e.valueFrom;
      if (!vf) {
        (e.value ?? '').split('\n').forEach((s, i) => w.write(LEVEL_3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
      } else if (vf.fieldRef) {
        w.write(LEVEL_3, `${e.name}:\t (${vf.fieldRef.apiVersion ?? 'v1'}:${vf.fieldRef.fieldPath})\n`);
      } else if (vf.resourceFieldRef) {
        w.write(LEVEL_3, `${e.name}:\t${vf.resourceFieldRef.resource} (${vf.resourceFieldRef.containerName ?? c.name})\n`);
      } else if (vf.secretKeyRef) {
        w.write(LEVEL_3, `${e.name}:\t<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name ?? ''}'>\tOptional: ${vf.secretKeyRef.optional ? 'true' : 'false'}\n`);
      } else if (vf.configMapKeyRef) {
        w.write(LEVEL_3, `${e.name}:\t<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name ?? ''}'>\tOptional: ${vf.configMapKeyRef.optional ? 'true' : 'false'}\n`);
      }
    }
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => a.mountPath.localeCompare(b.mountPath));
    w.write(LEVEL_2, `Mounts:${mounts.length ? '' : '\t<none>'}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly ? 'ro' : 'rw'];
      if (m.subPath) flags.push(`path=${JSON.stringify(m.subPath)}`);
      w.write(LEVEL_3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
    }
  }
}

function describeVolumes(volumes: Volume[] | undefined, w: PrefixWriter, space: string): void {
  if (!volumes || volumes.length === 0) {
    w.write(LEVEL_0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(LEVEL_0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(LEVEL_1, `${space ? ' ' : ''}${v.name}:\n`);
    if (v.hostPath) {
      w.write(LEVEL_2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? ''}\n`);
    } else if (v.emptyDir) {
      w.write(LEVEL_2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ''}\n    SizeLimit:\t${v.emptyDir.sizeLimit ?? '<unset>'}\n`);
    } else if (v.secret) {
      w.write(LEVEL_2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName ?? ''}\n    Optional:\t${v.secret.optional ? 'true' : 'false'}\n`);
    } else if (v.configMap) {
      w.write(LEVEL_2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name ?? ''}\n    Optional:\t${v.configMap.optional ? 'true' : 'false'}\n`);
    } else if (v.persistentVolumeClaim) {
      w.write(LEVEL_2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v.persistentVolumeClaim.claimName}\n    ReadOnly:\t${v.persistentVolumeClaim.readOnly ? 'true' : 'false'}\n`);
    } else if (v.projected) {
      w.write(LEVEL_2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
    } else if (v.downwardAPI) {
      w.write(LEVEL_2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n');
    } else {
      w.write(LEVEL_1, '<unknown>\n');
    }
  }
}

/** The QoS class a pod gets from its containers' requests and limits. */
export function qosClass(pod: Pod): string {
  const status = (pod.status as { qosClass?: string } | undefined)?.qosClass;
  if (status) return status;
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q === undefined || Quantity.parse(String(l)).cmp(Quantity.parse(String(q))) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(pod: Pod, events: EventLike[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  const st = pod.status ?? {};
  const m = pod.metadata;
  w.write(LEVEL_0, `Name:\t${m.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${m.namespace ?? ''}\n`);
  if (pod.spec.priority !== undefined) w.write(LEVEL_0, `Priority:\t${pod.spec.priority}\n`);
  if (pod.spec.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${pod.spec.priorityClassName}\n`);
  if (pod.spec.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${pod.spec.runtimeClassName}\n`);
  if (pod.spec.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${pod.spec.serviceAccountName}\n`);
  w.write(LEVEL_0, `Node:\t${pod.spec.nodeName ? `${pod.spec.nodeName}/${st.hostIP ?? ''}` : '<none>'}\n`);
  if (st.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  if (m.deletionTimestamp && st.phase !== 'Failed' && st.phase !== 'Succeeded') {
    w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(m.deletionTimestamp, now)})\n`);
    w.write(LEVEL_0, `Termination Grace Period:\t${m.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(LEVEL_0, `Status:\t${st.phase ?? ''}\n`);
  }
  if (st.reason) w.write(LEVEL_0, `Reason:\t${st.reason}\n`);
  if (st.message) w.write(LEVEL_0, `Message:\t${st.message}\n`);
  w.write(LEVEL_0, `IP:\t${st.podIP ?? ''}\n`);
  if (!st.podIPs || st.podIPs.length === 0) {
    w.write(LEVEL_0, 'IPs:\t<none>\n');
  } else {
    w.write(LEVEL_0, 'IPs:\n');
    for (const ip of st.podIPs) w.write(LEVEL_0, `  IP:\t${ip.ip}\n`);
  }
  const controlledBy = printController(pod);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
  if (st.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${st.nominatedNodeName}\n`);
  if (pod.spec.initContainers?.length) describeContainers('Init Containers', pod.spec.initContainers, st.initContainerStatuses, w, '');
  describeContainers('Containers', pod.spec.containers, st.containerStatuses, w, '');
  if (st.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
    for (const c of st.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(pod.spec.volumes, w, '');
  w.write(LEVEL_0, `QoS Class:\t${qosClass(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', pod.spec.nodeSelector);
  printTolerationsMultiline(w, 'Tolerations', pod.spec.tolerations);
  describeEvents(events, w, now);
  return w.toString();
}

export function describePodTemplate(t: PodTemplateSpec | undefined, w: PrefixWriter): void {
  w.write(LEVEL_0, 'Pod Template:\n');
  if (!t) {
    w.write(LEVEL_1, '<unset>');
    return;
  }
  printLabelsMultiline(w, '  Labels', t.metadata?.labels);
  if (t.metadata?.annotations && Object.keys(t.metadata.annotations).length) printAnnotationsMultiline(w, '  Annotations', t.metadata.annotations);
  const spec = t.spec;
  if (spec?.serviceAccountName) w.write(LEVEL_1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec?.initContainers?.length) describeContainers('Init Containers', spec.initContainers, undefined, w, '  ');
  describeContainers('Containers', spec?.containers ?? [], undefined, w, '  ');
  describeVolumes(spec?.volumes, w, '  ');
  if (spec?.priorityClassName) w.write(LEVEL_1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabelsMultiline(w, '  Node-Selectors', spec?.nodeSelector);
  printTolerationsMultiline(w, '  Tolerations', spec?.tolerations);
}

function replicaSetsByLabels(rss: ReplicaSet[]): string {
  if (rss.length === 0) return '<none>';
  return rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 1} replicas created)`).join(', ');
}

export function describeDeployment(
  d: Deployment, oldRSs: ReplicaSet[] | undefined, newRS: ReplicaSet | undefined, events: EventLike[] | undefined, now: Date,
): string {
  const w = new PrefixWriter();
  const st = d.status ?? {};
  w.write(LEVEL_0, `Name:\t${d.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(LEVEL_0, `Selector:\t${labelSelectorToString(d.spec.selector)}\n`);
  w.write(LEVEL_0, `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`);
  w.write(LEVEL_0, `StrategyType:\t${d.spec.strategy?.type ?? ''}\n`);
  w.write(LEVEL_0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}\n`);
  const ru = d.spec.strategy?.rollingUpdate;
  if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? ''} max unavailable, ${ru.maxSurge ?? ''} max surge\n`);
  describePodTemplate(d.spec.template, w);
  if (st.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(LEVEL_1, '----\t------\t------\n');
    for (const c of st.conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  if (oldRSs !== undefined || newRS !== undefined) {
    w.write(LEVEL_0, `OldReplicaSets:\t${replicaSetsByLabels(oldRSs ?? [])}\n`);
    w.write(LEVEL_0, `NewReplicaSet:\t${replicaSetsByLabels(newRS ? [newRS] : [])}\n`);
  }
  describeEvents(events, w, now);
  return w.toString();
}

export function describeReplicaSet(rs: ReplicaSet, pods: Pod[] | undefined, events: EventLike[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${rs.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${rs.metadata.namespace}\n`);
  w.write(LEVEL_0, `Selector:\t${labelSelectorToString(rs.spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const controlledBy = printController(rs);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
  w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired\n`);
  w.write(LEVEL_0, 'Pods Status:\t');
  const count = (phase: string) => (pods ?? []).filter((p) => (p.status?.phase ?? 'Pending') === phase).length;
  w.write(LEVEL_0, `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed\n`);
  describePodTemplate(rs.spec.template, w);
  const conds = rs.status?.conditions ?? [];
  if (conds.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(LEVEL_1, '----\t------\t------\n');
    for (const c of conds) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  describeEvents(events, w, now);
  return w.toString();
}

/** `10.244.0.5:80,10.244.0.6:80` for one service port, at most three then `+ N more...`. */
export function formatEndpoints(ep: Endpoints | undefined, portName: string | undefined): string {
  if (!ep?.subsets?.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of ep.subsets) {
    for (const port of ss.ports ?? []) {
      if (portName !== undefined && (port.name ?? '') !== portName) continue;
      for (const addr of ss.addresses ?? []) {
        count++;
        if (list.length < 3) list.push(`${addr.ip}:${port.port}`);
      }
    }
  }
  if (count === 0) return '<none>';
  const more = count > list.length ? ` + ${count - list.length} more...` : '';
  return list.join(',') + more;
}

export function describeService(svc: Service, endpoints: Endpoints | undefined, events: EventLike[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  const spec = svc.spec;
  w.write(LEVEL_0, `Name:\t${svc.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${svc.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', svc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
  w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(LEVEL_0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(LEVEL_0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(LEVEL_0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(LEVEL_0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(LEVEL_0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(LEVEL_0, `IP:\t${spec.loadBalancerIP}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length) w.write(LEVEL_0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname).join(', ')}\n`);
  for (const sp of spec.ports ?? []) {
    const name = sp.name || '<unset>';
    const proto = sp.protocol ?? 'TCP';
    w.write(LEVEL_0, `Port:\t${name}\t${sp.port}/${proto}\n`);
    w.write(LEVEL_0, `TargetPort:\t${sp.targetPort ?? sp.port}/${proto}\n`);
    if (sp.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${sp.nodePort}/${proto}\n`);
    w.write(LEVEL_0, `Endpoints:\t${formatEndpoints(endpoints, sp.name ?? '')}\n`);
  }
  if (spec.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
  w.write(LEVEL_0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}\n`);
  if (spec.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(LEVEL_0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec.loadBalancerSourceRanges?.length) w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
  describeEvents(events, w, now);
  return w.toString();
}

function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(v);
  }
  return [...roles].filter((r) => r !== '').sort();
}

function sumResources(pods: Pod[], which: 'requests' | 'limits'): Map<string, Quantity> {
  const total = new Map<string, Quantity>();
  for (const pod of pods) {
    // a pod needs the larger of its init containers' peak and its app containers' sum
    const app = new Map<string, Quantity>();
    for (const c of pod.spec.containers) {
      for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
        const q = Quantity.parse(String(v));
        app.set(k, app.has(k) ? (app.get(k) as Quantity).add(q) : q);
      }
    }
    for (const c of pod.spec.initContainers ?? []) {
      for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
        const q = Quantity.parse(String(v));
        if (!app.has(k) || (app.get(k) as Quantity).cmp(q) < 0) app.set(k, q);
      }
    }
    for (const [k, q] of app) total.set(k, total.has(k) ? (total.get(k) as Quantity).add(q) : q);
  }
  return total;
}

function pct(part: Quantity | undefined, whole: string | undefined, milli: boolean): number {
  if (!part || !whole) return 0;
  const w = Quantity.parse(whole);
  const d = milli ? w.milliValue() : w.value();
  if (d === 0) return 0;
  return Math.trunc(((milli ? part.milliValue() : part.value()) / d) * 100);
}

/** `lease` is the node's Lease, or the error message kubectl shows when it could not get one. */
export function describeNode(node: Node, pods: Pod[] | undefined, events: EventLike[] | undefined, lease: KubeObject | string | undefined, now: Date): string {
  const w = new PrefixWriter();
  const st = node.status ?? {};
  const spec = node.spec ?? {};
  w.write(LEVEL_0, `Name:\t${node.metadata.name}\n`);
  const roles = nodeRoles(node);
  w.write(LEVEL_0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', spec.taints as Taint[] | undefined);
  w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable ? 'true' : 'false'}\n`);
  if (typeof lease === 'string') {
    w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease}\n`);
  } else if (lease) {
    const ls = (lease.spec ?? {}) as { holderIdentity?: string; acquireTime?: string; renewTime?: string };
    w.write(LEVEL_0, 'Lease:\n');
    w.write(LEVEL_1, `HolderIdentity:\t${ls.holderIdentity ?? '<unset>'}\n`);
    w.write(LEVEL_1, `AcquireTime:\t${ls.acquireTime ? rfc1123z(ls.acquireTime) : '<unset>'}\n`);
    w.write(LEVEL_1, `RenewTime:\t${ls.renewTime ? rfc1123z(ls.renewTime) : '<unset>'}\n`);
  }
  if (st.conditions?.length) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of st.conditions) {
      w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.write(LEVEL_0, 'Addresses:\n');
  for (const a of st.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
  const printList = (list: Record<string, string>) => {
    for (const k of Object.keys(list).sort()) w.write(LEVEL_0, `  ${k}:\t${list[k]}\n`);
  };
  if (st.capacity && Object.keys(st.capacity).length) {
    w.write(LEVEL_0, 'Capacity:\n');
    printList(st.capacity);
  }
  if (st.allocatable && Object.keys(st.allocatable).length) {
    w.write(LEVEL_0, 'Allocatable:\n');
    printList(st.allocatable);
  }
  const info = (st.nodeInfo ?? {}) as Record<string, string | undefined>;
  w.write(LEVEL_0, 'System Info:\n');
  const infoLine = (label: string, key: string) => w.write(LEVEL_0, `  ${label}:\t${info[key] ?? ''}\n`);
  infoLine('Machine ID', 'machineID');
  infoLine('System UUID', 'systemUUID');
  infoLine('Boot ID', 'bootID');
  infoLine('Kernel Version', 'kernelVersion');
  infoLine('OS Image', 'osImage');
  infoLine('Operating System', 'operatingSystem');
  infoLine('Architecture', 'architecture');
  infoLine('Container Runtime Version', 'containerRuntimeVersion');
  infoLine('Kubelet Version', 'kubeletVersion');
  infoLine('Kube-Proxy Version', 'kubeProxyVersion');
  if (spec.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${spec.podCIDR}\n`);
  if (spec.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(LEVEL_0, `ProviderID:\t${spec.providerID}\n`);
  if (pods) {
    const alloc = st.allocatable && Object.keys(st.allocatable).length ? st.allocatable : st.capacity ?? {};
    w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
    w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
    w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
    for (const pod of pods) {
      const req = sumResources([pod], 'requests');
      const lim = sumResources([pod], 'limits');
      const q = (m: Map<string, Quantity>, k: string) => m.get(k)?.toString() ?? '0';
      w.write(LEVEL_1, `${pod.metadata.namespace}\t${pod.metadata.name}\t\t${q(req, 'cpu')} (${pct(req.get('cpu'), alloc.cpu, true)}%)\t${q(lim, 'cpu')} (${pct(lim.get('cpu'), alloc.cpu, true)}%)\t${q(req, 'memory')} (${pct(req.get('memory'), alloc.memory, false)}%)\t${q(lim, 'memory')} (${pct(lim.get('memory'), alloc.memory, false)}%)\t${since(pod.metadata.creationTimestamp, now)}\n`);
    }
    const reqs = sumResources(pods, 'requests');
    const limits = sumResources(pods, 'limits');
    w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
    w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
    w.write(LEVEL_1, '--------\t--------\t------\n');
    for (const [r, milli] of [['cpu', true], ['memory', false], ['ephemeral-storage', false]] as const) {
      const rq = reqs.get(r);
      const lm = limits.get(r);
      w.write(LEVEL_1, `${r}\t${rq?.toString() ?? '0'} (${pct(rq, alloc[r], milli)}%)\t${lm?.toString() ?? '0'} (${pct(lm, alloc[r], milli)}%)\n`);
    }
  }
  describeEvents(events, w, now);
  return w.toString();
}

export function describeNamespace(ns: KubeObject): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${ns.metadata.name}\n`);
  printLabelsMultiline(w, 'Labels', ns.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.write(LEVEL_0, `Status:\t${(ns.status as { phase?: string } | undefined)?.phase ?? ''}\n`);
  return w.toString();
}

export function describeConfigMap(cm: KubeObject, events: EventLike[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${cm.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${cm.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', cm.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  w.write(LEVEL_0, '\nData\n====\n');
  const data = (cm.data ?? {}) as Record<string, string>;
  for (const k of Object.keys(data).sort()) {
    w.write(LEVEL_0, `${k}:\n----\n`);
    w.write(LEVEL_0, `${data[k]}\n`);
    w.write(LEVEL_0, '\n');
  }
  w.write(LEVEL_0, '\nBinaryData\n====\n');
  const bin = (cm.binaryData ?? {}) as Record<string, string>;
  for (const k of Object.keys(bin).sort()) w.write(LEVEL_0, `${k}: ${Buffer.from(bin[k], 'base64').length} bytes\n`);
  w.write(LEVEL_0, '\n');
  describeEvents(events, w, now);
  return w.toString();
}

export function describeSecret(secret: KubeObject): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${secret.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${secret.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', secret.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', secret.metadata.annotations);
  w.write(LEVEL_0, `\nType:\t${(secret.type as string | undefined) ?? 'Opaque'}\n\n`);
  w.write(LEVEL_0, 'Data\n====\n');
  const data = (secret.data ?? {}) as Record<string, string>;
  for (const k of Object.keys(data).sort()) w.write(LEVEL_0, `${k}:\t${Buffer.from(data[k], 'base64').length} bytes\n`);
  return w.toString();
}

/** kubectl's generic describer: metadata, then every field dumped with smart labels. */
export function describeGeneric(obj: KubeObject, events: EventLike[] | undefined, now: Date): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${obj.metadata.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
  printUnstructuredContent(w, LEVEL_0, obj as unknown as Record<string, unknown>, '', [
    '.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations',
  ]);
  describeEvents(events, w, now);
  return w.toString();
}
