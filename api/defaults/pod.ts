// Pod and pod-template defaulting (SetDefaults_PodSpec, _Container, _Probe,
// _Volume, ... in pkg/apis/core/v1/defaults.go).
import type { Pod, PodSpec } from '../types/core.js';
import { podQOSClass } from './qos.js';
import type { Obj } from './util.js';
import { canonicalResourceList, ensureObj, isObj, objs, setDefault, setDefaultString } from './util.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_FILE_MODE = 0o644;

export interface PodSpecDefaultOptions {
  /** Job and CronJob templates: leave restartPolicy for the user (validation demands OnFailure/Never). */
  skipRestartPolicy?: boolean;
}

/**
 * Like ParseImageName: `latest` when neither tag nor digest is given. An image
 * with a digest but no tag has tag ''.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  return tag === '' && !hasDigest ? 'latest' : tag;
}

/** Always for `:latest` (explicit or implied), IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHTTPGet(action: unknown): void {
  if (!isObj(action)) return;
  setDefaultString(action, 'path', '/');
  setDefaultString(action, 'scheme', 'HTTP');
}

// Probe thresholds are plain int32s in Go: zero means "not set".
function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  const defaults: [string, number][] = [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]];
  for (const [k, v] of defaults) if (!probe[k]) probe[k] = v;
  defaultHTTPGet(probe.httpGet);
}

function defaultFieldRef(ref: unknown): void {
  if (isObj(ref)) setDefaultString(ref, 'apiVersion', 'v1');
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(typeof c.image === 'string' ? c.image : '');
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  for (const p of objs(c.ports)) setDefaultString(p, 'protocol', 'TCP');
  const resources = ensureObj(c, 'resources');
  canonicalResourceList(resources.limits);
  canonicalResourceList(resources.requests);
  for (const e of objs(c.env)) if (isObj(e.valueFrom)) defaultFieldRef(e.valueFrom.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const h = c.lifecycle[hook];
      if (isObj(h)) defaultHTTPGet(h.httpGet);
    }
  }
}

// Every known volume source; a volume naming none of them becomes an emptyDir.
const VOLUME_SOURCE_KEYS = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function defaultDownwardItems(items: unknown): void {
  for (const item of objs(items)) defaultFieldRef(item.fieldRef);
}

function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObj(v[k])) setDefault(v[k] as Obj, 'defaultMode', DEFAULT_FILE_MODE);
  }
  if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
  if (isObj(v.downwardAPI)) defaultDownwardItems(v.downwardAPI.items);
  if (isObj(v.projected)) {
    for (const src of objs(v.projected.sources)) {
      if (isObj(src.downwardAPI)) defaultDownwardItems(src.downwardAPI.items);
      if (isObj(src.serviceAccountToken)) setDefault(src.serviceAccountToken, 'expirationSeconds', 3600);
    }
  }
}

/** With hostNetwork the container port is the host port. */
function defaultHostNetworkPorts(containers: Obj[]): void {
  for (const c of containers) {
    for (const p of objs(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/** SetDefaults_PodSpec and everything nested in it; applies to pods and to every pod template. */
export function defaultPodSpec(spec: PodSpec | Obj | undefined, opts: PodSpecDefaultOptions = {}): void {
  if (!isObj(spec)) return;
  const s = spec as Obj;
  setDefaultString(s, 'dnsPolicy', 'ClusterFirst');
  if (!opts.skipRestartPolicy) setDefaultString(s, 'restartPolicy', 'Always');
  setDefault(s, 'securityContext', {});
  setDefault(s, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefaultString(s, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  // v1 keeps the deprecated alias in step with the real field.
  if (s.serviceAccountName && !s.serviceAccount) s.serviceAccount = s.serviceAccountName;
  else if (s.serviceAccount && !s.serviceAccountName) s.serviceAccountName = s.serviceAccount;
  const containers = [...objs(s.initContainers), ...objs(s.containers), ...objs(s.ephemeralContainers)];
  if (s.hostNetwork === true) defaultHostNetworkPorts(containers);
  for (const c of containers) defaultContainer(c);
  for (const v of objs(s.volumes)) defaultVolume(v);
  canonicalResourceList(s.overhead);
}

/** SetDefaults_Pod: a pod (not a template) gets requests copied from limits and service links. */
function defaultRequestsFromLimits(containers: Obj[]): void {
  for (const c of containers) {
    const r = isObj(c.resources) ? c.resources : undefined;
    if (!r || !isObj(r.limits)) continue;
    const requests = ensureObj(r, 'requests');
    for (const [k, v] of Object.entries(r.limits)) if (!(k in requests)) requests[k] = v;
  }
}

/** podIP/podIPs (and hostIP/hostIPs) must agree; the singular field wins, as in v1 conversion. */
function syncIPs(status: Obj, single: string, plural: string): void {
  const one = typeof status[single] === 'string' ? (status[single] as string) : '';
  const many = objs(status[plural]);
  if (one && (many.length === 0 || many[0].ip !== one)) status[plural] = [{ ip: one }];
  else if (!one && many.length > 0 && typeof many[0].ip === 'string') status[single] = many[0].ip;
}

export function defaultPod(pod: Pod | Obj): void {
  const p = pod as Obj;
  const spec = ensureObj(p, 'spec');
  defaultPodSpec(spec);
  defaultRequestsFromLimits([...objs(spec.containers), ...objs(spec.initContainers)]);
  setDefault(spec, 'enableServiceLinks', true);
  const status = ensureObj(p, 'status');
  setDefaultString(status, 'phase', 'Pending');
  if (!status.qosClass) status.qosClass = podQOSClass(spec as unknown as PodSpec);
  syncIPs(status, 'podIP', 'podIPs');
  syncIPs(status, 'hostIP', 'hostIPs');
}

/** A template's metadata prints as `{creationTimestamp: null}` at least; keep it an object. */
export function defaultPodTemplate(template: unknown, opts: PodSpecDefaultOptions = {}): void {
  if (!isObj(template)) return;
  ensureObj(template, 'metadata');
  defaultPodSpec(ensureObj(template, 'spec'), opts);
}
