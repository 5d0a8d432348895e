// PodSpec validation (ValidatePodSpec) and the pod template wrapper used by every
// workload controller.
import type { FieldError } from '../errors.js';
import type { Container, PodSpec, PodTemplateSpec } from '../types/core.js';
import { validateLabels } from '../labels.js';
import { isDNS1123Subdomain, isQualifiedName } from '../names.js';
import { asArray, asRecord, child, duplicate, forbidden, index, invalid, isRecord, nonNegative, notSupported, required, str } from './field.js';
import { checkHostPortConflicts, validateContainerCommon, validateDNS1123Label, validateIds, validateProbesAndLifecycle } from './container.js';
import { validateAnnotations } from './meta.js';
import { validateAffinity, validatePodDNSConfig, validateTolerations, validateTopologySpreadConstraints } from './scheduling.js';
import { validateVolumes } from './volumes.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

export interface PodSpecOptions {
  /** Jobs report their own, more specific restartPolicy error. */
  skipRestartPolicy?: boolean;
}

function validateAppContainers(containers: Container[], volumes: ReadonlySet<string>, path: string): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((raw, i) => {
    const c = asRecord(raw) as unknown as Container;
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(str(c.name))) errs.push(duplicate(child(p, 'name'), c.name));
    else names.add(str(c.name));
    errs.push(...validateProbesAndLifecycle(c, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(inits: Container[], apps: Container[], volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(apps.map((c) => str(c?.name)));
  inits.forEach((raw, i) => {
    const c = asRecord(raw) as unknown as Container;
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !sidecar) errs.push(notSupported(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (names.has(str(c.name))) errs.push(duplicate(child(p, 'name'), c.name));
    else if (str(c.name)) names.add(str(c.name));
    errs.push(...checkHostPortConflicts([c], path));
    if (sidecar) {
      errs.push(...validateProbesAndLifecycle(c, p));
    } else {
      const notSidecar = 'may not be set for init containers without restartPolicy=Always';
      if (c.lifecycle) errs.push(forbidden(child(p, 'lifecycle'), notSidecar));
      if (c.livenessProbe) errs.push(forbidden(child(p, 'livenessProbe'), notSidecar));
      if (c.readinessProbe) errs.push(forbidden(child(p, 'readinessProbe'), 'may not be set for init containers'));
      if (c.startupProbe) errs.push(forbidden(child(p, 'startupProbe'), notSidecar));
    }
  });
  return errs;
}

function validateHostNetworkPorts(spec: PodSpec, path: string): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  asArray<Container>(spec.containers).forEach((c, i) => {
    asArray<{ hostPort?: number; containerPort?: number }>(c?.ports).forEach((port, j) => {
      if (port?.hostPort && port.hostPort !== port.containerPort) {
        errs.push(invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), port.hostPort,
          'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

function validateEnum(value: unknown, supported: string[], field: string): FieldError[] {
  if (value === undefined || value === null || value === '') return [required(field)];
  return supported.includes(String(value)) ? [] : [notSupported(field, value, supported)];
}

function validateNamed(value: unknown, field: string): FieldError[] {
  const v = str(value);
  return v ? isDNS1123Subdomain(v).map((msg) => invalid(field, v, msg)) : [];
}

function validatePodSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isRecord(sc)) return [];
  const errs = validateIds(sc, ['runAsUser', 'runAsGroup', 'fsGroup'], path);
  asArray<unknown>(sc.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number' && (g < 0 || g > MAX_INT32)) {
      errs.push(invalid(index(child(path, 'supplementalGroups'), i), g, `must be between 0 and ${MAX_INT32}, inclusive`));
    }
  });
  return errs;
}

/** ValidatePodSpec: every problem of the spec, in Kubernetes' order. */
export function validatePodSpec(specIn: PodSpec | undefined, path: string, opts: PodSpecOptions = {}): FieldError[] {
  const spec = asRecord(specIn) as unknown as PodSpec;
  const errs: FieldError[] = [];
  const { names: volumes, errors: volumeErrs } = validateVolumes(asArray(spec.volumes), child(path, 'volumes'));
  const containers = asArray<Container>(spec.containers);
  errs.push(...volumeErrs);
  errs.push(...validateAppContainers(containers, volumes, child(path, 'containers')));
  errs.push(...validateInitContainers(asArray(spec.initContainers), containers, volumes, child(path, 'initContainers')));
  errs.push(...validateHostNetworkPorts(spec, path));
  if (!opts.skipRestartPolicy) errs.push(...validateEnum(spec.restartPolicy, RESTART_POLICIES, child(path, 'restartPolicy')));
  errs.push(...validateEnum(spec.dnsPolicy, DNS_POLICIES, child(path, 'dnsPolicy')));
  errs.push(...validateLabels(asRecord<string>(spec.nodeSelector), child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, child(path, 'securityContext')));
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, spec.dnsPolicy, child(path, 'dnsConfig')));
  asArray<{ conditionType?: string }>(spec.readinessGates).forEach((g, i) => {
    const t = str(g?.conditionType);
    for (const msg of isQualifiedName(t)) errs.push(invalid(child(index(child(path, 'readinessGates'), i), 'conditionType'), t, msg));
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints')));
  errs.push(...validateNamed(spec.serviceAccountName, child(path, 'serviceAccountName')));
  errs.push(...validateNamed(spec.nodeName, child(path, 'nodeName')));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (typeof ads !== 'number' || ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), ads, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  if (str(spec.hostname)) errs.push(...validateDNS1123Label(str(spec.hostname), child(path, 'hostname')));
  if (str(spec.subdomain)) errs.push(...validateDNS1123Label(str(spec.subdomain), child(path, 'subdomain')));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  errs.push(...validateNamed(spec.priorityClassName, child(path, 'priorityClassName')));
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, child(path, 'terminationGracePeriodSeconds')));
  return errs;
}

/** ValidatePodTemplateSpec: note Kubernetes reports template labels at `<path>.labels`, not `.metadata.labels`. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string, opts: PodSpecOptions = {}): FieldError[] {
  if (!isRecord(template)) return [required(path)];
  const meta = asRecord(template.metadata);
  const errs: FieldError[] = [];
  errs.push(...validateLabels(asRecord<string>(meta.labels), child(path, 'labels')));
  errs.push(...validateAnnotations(asRecord<string>(meta.annotations), child(path, 'annotations')));
  errs.push(...validatePodSpec(template.spec, child(path, 'spec'), opts));
  if (asArray(asRecord(template.spec).ephemeralContainers).length > 0) {
    errs.push(forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
