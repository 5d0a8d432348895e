// Rules for one container (validateContainerCommon and its helpers in
// pkg/apis/core/validation): name, image, ports, env, mounts, probes, hooks.
import type { FieldError } from '../errors.js';
import type { Container, ContainerPort, EnvFromSource, EnvVar, HTTPGetAction, LifecycleHandler, Probe, SecurityContext, VolumeMount } from '../types/core.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum } from '../names.js';
import {
  asArray, asRecord, child, duplicate, forbidden, index, invalid, isRecord, nonNegative, notFound, notSupported, required, str,
} from './field.js';
import { parseQuantity, validateResourceRequirements } from './resources.js';

export const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateDNS1123Label(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(field, value, msg));
}

/** ValidatePortNumOrName: an int 1-65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(field, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(field, port, msg));
  return [invalid(field, port ?? null, 'must be an integer or a string')];
}

// ---------------------------------------------------------------- ports

function validateContainerPorts(ports: ContainerPort[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = asRecord(raw) as unknown as ContainerPort;
    const p = index(path, i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(child(p, 'name'), name, msg));
      else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(required(child(p, 'containerPort')));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(invalid(child(p, 'containerPort'), port.containerPort, msg));
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(invalid(child(p, 'hostPort'), port.hostPort, msg));
    if (!port.protocol) errs.push(required(child(p, 'protocol')));
    else if (!SUPPORTED_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(child(p, 'protocol'), port.protocol, SUPPORTED_PROTOCOLS));
  });
  return errs;
}

/** Two containers (or two ports) may not claim the same hostIP/protocol/hostPort. */
export function checkHostPortConflicts(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    asArray<ContainerPort>(c?.ports).forEach((port, pi) => {
      if (!port?.hostPort) return;
      const k = `${port.hostIP ?? ''}/${port.protocol ?? ''}/${port.hostPort}`;
      if (seen.has(k)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      seen.add(k);
    });
  });
  return errs;
}

// ---------------------------------------------------------------- env

const RELAXED_ENV_NAME_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on in 1.32). */
function envVarNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length === 0) errs.push('environment variable name must be non-empty');
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 32 || c > 126 || ch === '=') {
      errs.push(RELAXED_ENV_NAME_MSG);
      break;
    }
  }
  return errs;
}

const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const ENV_RESOURCE_PATHS = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];

/** validateObjectFieldSelector: `metadata.labels['x']` style subscripts only on labels/annotations. */
export function validateObjectFieldSelector(fs: unknown, allowed: string[], path: string): FieldError[] {
  const f = asRecord(fs);
  if (!str(f.apiVersion)) return [required(child(path, 'apiVersion'))];
  const fieldPath = str(f.fieldPath);
  if (!fieldPath) return [required(child(path, 'fieldPath'))];
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath) ?? /^([^[]+)\[(.*)\]$/.exec(fieldPath);
  if (m) {
    const [, base, subscript] = m;
    if (base === 'metadata.annotations') return isQualifiedName(subscript.toLowerCase()).map((msg) => invalid(path, subscript, msg));
    if (base === 'metadata.labels') return isQualifiedName(subscript).map((msg) => invalid(path, subscript, msg));
    return [invalid(path, base, 'does not support subscript')];
  }
  if (!allowed.includes(fieldPath)) return [notSupported(child(path, 'fieldPath'), fieldPath, allowed)];
  return [];
}

/** validateContainerResourceFieldSelector; in volumes the container name is required. */
export function validateResourceFieldSelector(fs: unknown, path: string, volume: boolean): FieldError[] {
  const f = asRecord(fs);
  const errs: FieldError[] = [];
  const resource = str(f.resource);
  if (volume && !str(f.containerName)) errs.push(required(child(path, 'containerName')));
  else if (!resource) errs.push(required(child(path, 'resource')));
  else if (!ENV_RESOURCE_PATHS.includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
    errs.push(notSupported(child(path, 'resource'), resource, ENV_RESOURCE_PATHS));
  }
  if (f.divisor !== undefined && !parseQuantity(f.divisor)) errs.push(invalid(child(path, 'divisor'), f.divisor, 'must be a valid resource quantity'));
  return errs;
}

function validateKeySelector(sel: unknown, path: string): FieldError[] {
  const s = asRecord(sel);
  const errs: FieldError[] = [];
  const name = str(s.name);
  for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(child(path, 'name'), name, msg));
  const k = str(s.key);
  if (!k) errs.push(required(child(path, 'key')));
  else for (const msg of isConfigMapKey(k)) errs.push(invalid(child(path, 'key'), k, msg));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: string): FieldError[] {
  if (ev.valueFrom === undefined || ev.valueFrom === null) return [];
  const from = asRecord(ev.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, child(path, 'fieldRef')));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, child(path, 'resourceFieldRef'), false));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, child(path, 'configMapKeyRef')));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, child(path, 'secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value)) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(env: EnvVar[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((raw, i) => {
    const ev = asRecord(raw) as unknown as EnvVar;
    const p = index(path, i);
    const name = str(ev.name);
    if (!name) errs.push(required(child(p, 'name')));
    for (const msg of envVarNameErrors(name)) errs.push(invalid(child(p, 'name'), name, msg));
    errs.push(...validateEnvVarValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

function validateEnvFromRef(ref: unknown, path: string): FieldError[] {
  const name = str(asRecord(ref).name);
  if (!name) return [required(child(path, 'name'))];
  return isDNS1123Subdomain(name).map((msg) => invalid(child(path, 'name'), name, msg));
}

function validateEnvFrom(envFrom: EnvFromSource[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  envFrom.forEach((raw, i) => {
    const ef = asRecord(raw) as unknown as EnvFromSource;
    const p = index(path, i);
    const prefix = str(ef.prefix);
    if (prefix) for (const msg of envVarNameErrors(prefix)) errs.push(invalid(child(p, 'prefix'), prefix, msg));
    let sources = 0;
    if (ef.configMapRef) {
      sources++;
      errs.push(...validateEnvFromRef(ef.configMapRef, child(p, 'configMapRef')));
    }
    if (ef.secretRef) {
      sources++;
      errs.push(...validateEnvFromRef(ef.secretRef, child(p, 'secretRef')));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// ---------------------------------------------------------------- mounts

/** validateLocalDescendingPath: relative, and never climbing out with `..`. */
export function validateLocalDescendingPath(target: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(field, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, field));
  return errs;
}

export function validatePathNoBacksteps(target: string, field: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(field, target, "must not contain '..'")] : [];
}

function validateVolumeMounts(mounts: VolumeMount[], volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  mounts.forEach((raw, i) => {
    const m = asRecord(raw) as unknown as VolumeMount;
    const p = index(path, i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (!name) errs.push(required(child(p, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(p, 'name'), name));
    if (!mountPath) errs.push(required(child(p, 'mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (str(m.subPath)) errs.push(...validateLocalDescendingPath(str(m.subPath), child(p, 'subPath')));
    if (str(m.subPath) && str(m.subPathExpr)) {
      errs.push(invalid(child(p, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    }
    if (m.mountPropagation !== undefined && !['None', 'HostToContainer', 'Bidirectional'].includes(m.mountPropagation)) {
      errs.push(notSupported(child(p, 'mountPropagation'), m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
    }
  });
  return errs;
}

// ---------------------------------------------------------------- probes and hooks

function validateHTTPGet(action: HTTPGetAction, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(action.path)) errs.push(required(child(path, 'path')));
  errs.push(...validatePortNumOrName(action.port, child(path, 'port')));
  if (!['HTTP', 'HTTPS'].includes(str(action.scheme))) errs.push(notSupported(child(path, 'scheme'), action.scheme ?? '', ['HTTP', 'HTTPS']));
  for (const h of asArray<{ name?: string }>(action.httpHeaders)) {
    const name = str(h?.name);
    if (!/^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/.test(name)) {
      errs.push(invalid(child(path, 'httpHeaders'), name, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
    }
  }
  return errs;
}

const HANDLER_KINDS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

/** validateHandler: exactly one of exec/httpGet/tcpSocket/grpc (and sleep for hooks). */
function validateHandler(handler: Record<string, unknown>, path: string, allowed: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of HANDLER_KINDS) {
    const h = handler[kind];
    if (h === undefined || h === null || !allowed.includes(kind)) continue;
    const p = child(path, kind);
    if (count > 0) {
      errs.push(forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const action = asRecord(h);
    if (kind === 'exec' && asArray(action.command).length === 0) errs.push(required(child(p, 'command')));
    if (kind === 'httpGet') errs.push(...validateHTTPGet(action as unknown as HTTPGetAction, p));
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(action.port, child(p, 'port')));
    if (kind === 'grpc') {
      const port = action.port;
      for (const msg of isValidPortNum(typeof port === 'number' ? port : NaN)) errs.push(invalid(child(p, 'port'), port ?? 0, msg));
    }
    if (kind === 'sleep') {
      const s = action.seconds;
      if (typeof s !== 'number' || s < 0) errs.push(invalid(child(p, 'seconds'), s ?? 0, 'must be non-negative'));
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbe(probe: Probe | undefined, kind: ProbeKind, path: string): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = asRecord(probe) as Probe;
  const errs = validateHandler(p as Record<string, unknown>, path, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(p[f], child(path, f)));
  }
  const tgps = p.terminationGracePeriodSeconds;
  if (kind === 'readinessProbe' && tgps !== undefined && tgps !== null) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  } else if (typeof tgps === 'number' && tgps <= 0) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  }
  if (kind !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), p.successThreshold, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(lifecycle: unknown, path: string): FieldError[] {
  const l = asRecord(lifecycle);
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = l[hook];
    if (isRecord(h)) errs.push(...validateHandler(h as LifecycleHandler as Record<string, unknown>, child(path, hook), ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}

/** Probes and hooks are allowed on app containers and on sidecar (restartPolicy: Always) init containers. */
export function validateProbesAndLifecycle(c: Container, path: string): FieldError[] {
  return [
    ...(c.lifecycle ? validateLifecycle(c.lifecycle, child(path, 'lifecycle')) : []),
    ...validateProbe(c.livenessProbe, 'livenessProbe', child(path, 'livenessProbe')),
    ...validateProbe(c.readinessProbe, 'readinessProbe', child(path, 'readinessProbe')),
    ...validateProbe(c.startupProbe, 'startupProbe', child(path, 'startupProbe')),
  ];
}

// ---------------------------------------------------------------- security

const ID_RANGE = 'must be between 0 and 2147483647, inclusive';

/** runAsUser/runAsGroup/fsGroup are Linux ids: 0..2^31-1. */
export function validateIds(sc: Record<string, unknown>, fields: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const v = sc[f];
    if (typeof v === 'number' && (v < 0 || v > 2147483647 || !Number.isInteger(v))) errs.push(invalid(child(path, f), v, ID_RANGE));
  }
  return errs;
}

function validateSecurityContext(sc: SecurityContext | undefined, path: string): FieldError[] {
  if (!isRecord(sc)) return [];
  const errs = validateIds(sc, ['runAsUser', 'runAsGroup'], path);
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

// ---------------------------------------------------------------- one container

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/** validateContainerCommon: everything that applies to app and init containers alike. */
export function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(child(path, 'name')));
  else errs.push(...validateDNS1123Label(name, child(path, 'name')));
  if (!str(c.image)) errs.push(required(child(path, 'image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy'), "must be 'File' or 'FallbackToLogsOnError'"));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  }
  errs.push(...validateContainerPorts(asArray(c.ports), child(path, 'ports')));
  errs.push(...validateEnv(asArray(c.env), child(path, 'env')));
  errs.push(...validateEnvFrom(asArray(c.envFrom), child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(asArray(c.volumeMounts), volumes, child(path, 'volumeMounts')));
  const pull = c.imagePullPolicy;
  if (!pull) errs.push(required(child(path, 'imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull)) errs.push(notSupported(child(path, 'imagePullPolicy'), pull, PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  errs.push(...validateSecurityContext(c.securityContext, child(path, 'securityContext')));
  return errs;
}
