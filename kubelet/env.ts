// A container's environment as Kubernetes builds it: envFrom first, then env
// (later entries win), `valueFrom` sources, and `$(VAR)` references expanded
// against the variables defined before them. Pure: the caller fetches the
// ConfigMaps and Secrets the container references.
import type { ConfigMap, Container, Pod, ResourceList, Secret } from '../api/types/index.js';
import { Quantity } from '../api/quantity.js';

export interface EnvSources {
  pod: Pod;
  podIP?: string;
  hostIP?: string;
  /** undefined: not found */
  configMap: (name: string) => ConfigMap | undefined;
  secret: (name: string) => Secret | undefined;
  /** limits a container without its own limit gets (the node's allocatable) */
  nodeAllocatable?: ResourceList;
  /** service links (`<SVC>_SERVICE_HOST`, ...), lowest precedence */
  serviceEnv?: Record<string, string>;
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** Names of the ConfigMaps and Secrets a container's environment needs. */
export function envReferences(c: Container): { configMaps: string[]; secrets: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
    if (f.secretRef?.name) secrets.add(f.secretRef.name);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
  }
  return { configMaps: [...configMaps], secrets: [...secrets] };
}

/** Resolves the environment; throws EnvError (→ CreateContainerConfigError) on a missing required source. */
export function resolveEnv(c: Container, src: EnvSources): Map<string, string> {
  const ns = src.pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>(Object.entries(src.serviceEnv ?? {}));
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = src.configMap(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new EnvError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) if (validEnvName(prefix + k)) env.set(prefix + k, v);
    }
    if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = src.secret(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new EnvError(`secret "${name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) if (validEnvName(prefix + k)) env.set(prefix + k, decodeB64(v));
    }
  }
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.valueFrom) {
      value = valueFrom(c, e.name, e.valueFrom, src, ns);
      if (value === undefined) continue;
    } else {
      value = expand(e.value ?? '', (name) => env.get(name));
    }
    env.set(e.name, value);
  }
  return env;
}

function valueFrom(c: Container, envName: string, v: NonNullable<Container['env']>[number]['valueFrom'] & object, src: EnvSources, ns: string): string | undefined {
  if (v.fieldRef) return fieldRefValue(src.pod, v.fieldRef.fieldPath, src);
  if (v.resourceFieldRef) {
    const target = v.resourceFieldRef.containerName
      ? [...(src.pod.spec.containers ?? []), ...(src.pod.spec.initContainers ?? [])].find((x) => x.name === v.resourceFieldRef!.containerName)
      : c;
    if (!target) throw new EnvError(`env ${envName}: container "${v.resourceFieldRef.containerName}" not found`);
    return resourceFieldValue(target, v.resourceFieldRef.resource, v.resourceFieldRef.divisor, src.nodeAllocatable);
  }
  if (v.configMapKeyRef) {
    const { name = '', key, optional } = v.configMapKeyRef;
    const cm = src.configMap(name);
    if (!cm) {
      if (optional) return undefined;
      throw new EnvError(`configmap "${name}" not found`);
    }
    const val = cm.data?.[key] ?? (cm.binaryData?.[key] !== undefined ? decodeB64(cm.binaryData[key]) : undefined);
    if (val === undefined) {
      if (optional) return undefined;
      throw new EnvError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    }
    return val;
  }
  if (v.secretKeyRef) {
    const { name = '', key, optional } = v.secretKeyRef;
    const s = src.secret(name);
    if (!s) {
      if (optional) return undefined;
      throw new EnvError(`secret "${name}" not found`);
    }
    const raw = s.data?.[key];
    if (raw === undefined) {
      if (optional) return undefined;
      throw new EnvError(`couldn't find key ${key} in Secret ${ns}/${name}`);
    }
    return decodeB64(raw);
  }
  return '';
}

const LABEL_REF = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** The downward API's `fieldRef` paths. */
export function fieldRefValue(pod: Pod, path: string, src: { podIP?: string; hostIP?: string }): string {
  const m = LABEL_REF.exec(path);
  if (m) {
    const map = m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[m[2]] ?? '';
  }
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? '';
    case 'status.podIP': return src.podIP ?? '';
    case 'status.podIPs': return src.podIP ?? '';
    case 'status.hostIP': return src.hostIP ?? '';
    case 'status.hostIPs': return src.hostIP ?? '';
    default: throw new EnvError(`unsupported fieldRef path "${path}"`);
  }
}

/** `key="value"` lines, sorted, as the downward API writes labels and annotations. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/** `limits.cpu`, `requests.memory`, ... divided by the divisor and rounded up, as Kubernetes does. */
export function resourceFieldValue(c: Container, resource: string, divisor: string | undefined, allocatable?: ResourceList): string {
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !name) throw new EnvError(`unsupported resource "${resource}"`);
  let q = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[name];
  if (q === undefined && kind === 'limits') q = allocatable?.[name];
  const qty = Quantity.tryParse(q ?? '0') ?? Quantity.zero();
  const div = Quantity.tryParse(divisor && divisor !== '0' ? divisor : '1') ?? Quantity.fromValue(1);
  if (name === 'cpu') return String(Math.ceil(qty.milliValue() / Math.max(1, div.milliValue())));
  return String(Math.ceil(qty.value() / Math.max(1, div.value())));
}

/**
 * Kubernetes' `$(VAR)` expansion: a defined variable is substituted, an undefined
 * reference stays as written, `$$` is a literal `$`.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const rest = input.slice(i + 1);
    let read: string;
    let advance: number;
    if (rest[0] === '$') {
      read = '$';
      advance = 1;
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        const name = rest.slice(1, close);
        const v = lookup(name);
        read = v !== undefined ? v : `$(${name})`;
        advance = close + 1;
      } else {
        read = '$(';
        advance = 1;
      }
    } else {
      read = '$' + rest[0];
      advance = 1;
    }
    out += read;
    i += advance;
    checkpoint = i + 1;
  }
  return out + input.slice(checkpoint);
}

/** Command and args with `$(VAR)` expanded against the container's final environment. */
export function expandCommand(c: Container, env: Map<string, string>): { command?: string[]; args?: string[] } {
  const look = (n: string) => env.get(n);
  return {
    command: c.command?.map((s) => expand(s, look)),
    args: c.args?.map((s) => expand(s, look)),
  };
}

function validEnvName(name: string): boolean {
  return name.length > 0 && !name.includes('=');
}

function decodeB64(v: string): string {
  return Buffer.from(v, 'base64').toString('utf8');
}
