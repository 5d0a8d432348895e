// Service and Endpoints (ValidateService, validateEndpointSubsets).
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import type { Endpoints, Service, ServicePort } from '../types/core.js';
import { validateLabels } from '../labels.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from '../names.js';
import { asArray, asRecord, child, duplicate, forbidden, GoLiteral, goValue, index, invalid, isRecord, notSupported, required, str } from './field.js';
import { SUPPORTED_PROTOCOLS, validateDNS1123Label, validatePortNumOrName } from './container.js';
import { validateIP, validateNonSpecialIP } from './ip.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITY = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const KUBELET_PORT = 10250;
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

type Spec = Record<string, unknown>;

function clusterIPs(spec: Spec): string[] {
  return asArray<string>(spec.clusterIPs);
}

function isHeadless(spec: Spec): boolean {
  return spec.type === 'ClusterIP' && (spec.clusterIP === 'None' || clusterIPs(spec)[0] === 'None');
}

/** NodePort and LoadBalancer services, and ClusterIP ones with externalIPs, are reachable from outside. */
export function externallyAccessible(spec: Spec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && asArray(spec.externalIPs).length > 0);
}

/** How Go prints a core.ServicePort key in duplicate errors. */
function goServicePort(protocol: string, port: number, nodePort = 0): GoLiteral {
  return new GoLiteral(`core.ServicePort{Name:"", Protocol:${goValue(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
    `TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:${nodePort}}`);
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) {
    errs.push(...validateDNS1123Label(name, child(path, 'name')));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  for (const msg of isValidPortNum(typeof sp.port === 'number' ? sp.port : NaN)) errs.push(invalid(child(path, 'port'), sp.port ?? 0, msg));
  if (!sp.protocol) errs.push(required(child(path, 'protocol')));
  else if (!SUPPORTED_PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(child(path, 'protocol'), sp.protocol, SUPPORTED_PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, child(path, 'targetPort')));
  if (sp.appProtocol !== undefined) {
    for (const msg of isQualifiedName(str(sp.appProtocol))) errs.push(invalid(child(path, 'appProtocol'), sp.appProtocol, msg));
  }
  return errs;
}

function validatePorts(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = asArray<ServicePort>(spec.ports).map((p) => asRecord(p) as unknown as ServicePort);
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (spec.type === 'ClusterIP' && p.nodePort) errs.push(forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(child(index('spec.ports', i), 'nodePort'), p.nodePort));
      nodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (portKeys.has(k)) errs.push(duplicate(index('spec.ports', i), goServicePort(str(p.protocol), p.port)));
    portKeys.add(k);
  });
  return errs;
}

function validateTypeSpecific(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  switch (spec.type) {
    case 'LoadBalancer':
      if (isHeadless(spec)) errs.push(invalid('spec.clusterIPs[0]', clusterIPs(spec)[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
      asArray<ServicePort>(spec.ports).forEach((p, i) => {
        if (p?.port === KUBELET_PORT) {
          errs.push(invalid(index('spec.ports', i), p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
        }
      });
      break;
    case 'NodePort':
      if (spec.clusterIP === 'None' || clusterIPs(spec)[0] === 'None') {
        errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
      }
      break;
    case 'ExternalName': {
      if (clusterIPs(spec).length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (asArray(spec.ipFamilies).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
        errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      }
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid('spec.externalName', cname, msg)));
      else errs.push(required('spec.externalName'));
      break;
    }
    default:
  }
  return errs;
}

function validateSessionAffinity(spec: Spec): FieldError[] {
  const sa = spec.sessionAffinity;
  if (!sa) return [required('spec.sessionAffinity')];
  if (!SESSION_AFFINITY.includes(String(sa))) return [notSupported('spec.sessionAffinity', sa, SESSION_AFFINITY)];
  const config = spec.sessionAffinityConfig;
  if (sa === 'None') return config ? [forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None')] : [];
  const when = 'when session affinity type is ClientIP';
  if (!isRecord(config)) return [required('spec.sessionAffinityConfig', when)];
  if (!isRecord(config.clientIP)) return [required('spec.sessionAffinityConfig.clientIP', when)];
  const timeout = config.clientIP.timeoutSeconds;
  const field = 'spec.sessionAffinityConfig.clientIP.timeoutSeconds';
  if (timeout === undefined || timeout === null) return [required(field, when)];
  if (typeof timeout !== 'number' || timeout <= 0 || timeout > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [invalid(field, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)];
  }
  return [];
}

/** ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs agree; families and policy valid. */
function validateClusterIPs(spec: Spec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  if (str(spec.clusterIP)) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  asArray<string>(spec.ipFamilies).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(notSupported(index('spec.ipFamilies', i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null && !IP_FAMILY_POLICIES.includes(String(spec.ipFamilyPolicy))) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      return;
    }
    errs.push(...validateIP(str(ip), index('spec.clusterIPs', i)));
  });
  if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  return errs;
}

function validateTrafficPolicies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(String(etp))) {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, TRAFFIC_POLICIES));
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && etp === 'Local';
  if (!needsHealthCheck && spec.healthCheckNodePort) {
    errs.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  const itp = spec.internalTrafficPolicy;
  if ((itp === undefined || itp === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(String(spec.type))) {
    errs.push(required('spec.internalTrafficPolicy'));
  }
  if (itp !== undefined && itp !== null && !TRAFFIC_POLICIES.includes(String(itp))) {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, TRAFFIC_POLICIES));
  }
  return errs;
}

export function validateService(obj: KubeObject): FieldError[] {
  const spec = asRecord((obj as Service).spec);
  const errs: FieldError[] = [];
  if (asArray(spec.ports).length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  errs.push(...validateTypeSpecific(spec));
  errs.push(...validatePorts(spec));
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(asRecord<string>(spec.selector), 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPs(spec));
  asArray<string>(spec.externalIPs).forEach((ip, i) => {
    const field = index('spec.externalIPs', i);
    const bad = validateIP(str(ip), field);
    errs.push(...(bad.length > 0 ? bad : validateNonSpecialIP(str(ip), field)));
  });
  if (!spec.type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(String(spec.type))) errs.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

/** The primary cluster IP never changes, except when moving to or from ExternalName. */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const prev = asRecord(old.spec);
  if (spec.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  const next = str(spec.clusterIP) || clusterIPs(spec)[0] || '';
  const before = str(prev.clusterIP) || clusterIPs(prev)[0] || '';
  return before && next && next !== before ? [invalid('spec.clusterIPs[0]', next, 'may not change once set')] : [];
}

export function validateServiceStatus(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ingress = asArray(asRecord(asRecord(asRecord(obj.status).loadBalancer)).ingress);
  ingress.forEach((raw, i) => {
    const ing = asRecord(raw);
    const p = index('status.loadBalancer.ingress', i);
    if (str(ing.ip)) for (const msg of isValidIP(str(ing.ip))) errs.push(invalid(child(p, 'ip'), ing.ip, msg));
    if (str(ing.hostname)) {
      for (const msg of isDNS1123Subdomain(str(ing.hostname))) errs.push(invalid(child(p, 'hostname'), ing.hostname, msg));
      if (isValidIP(str(ing.hostname)).length === 0) errs.push(invalid(child(p, 'hostname'), ing.hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

// ---------------------------------------------------------------- Endpoints

function validateEndpointAddress(raw: unknown, path: string): FieldError[] {
  const a = asRecord(raw);
  const ip = str(a.ip);
  const errs = validateIP(ip, child(path, 'ip'));
  if (str(a.hostname)) errs.push(...validateDNS1123Label(str(a.hostname), child(path, 'hostname')));
  if (a.nodeName !== undefined && a.nodeName !== null) {
    for (const msg of isDNS1123Subdomain(str(a.nodeName))) errs.push(invalid(child(path, 'nodeName'), a.nodeName, msg));
  }
  if (isValidIP(ip).length === 0) errs.push(...validateNonSpecialIP(ip, child(path, 'ip')));
  return errs;
}

export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  asArray((obj as Endpoints).subsets).forEach((raw, i) => {
    const ss = asRecord(raw);
    const p = index('subsets', i);
    const addrs = asArray(ss.addresses);
    const notReady = asArray(ss.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'notReadyAddresses'), j))));
    const ports = asArray(ss.ports);
    ports.forEach((rawPort, j) => {
      const port = asRecord(rawPort);
      const pp = index(child(p, 'ports'), j);
      const name = str(port.name);
      if (ports.length > 1 && !name) errs.push(required(child(pp, 'name')));
      else if (name) errs.push(...validateDNS1123Label(name, child(pp, 'name')));
      for (const msg of isValidPortNum(typeof port.port === 'number' ? port.port : NaN)) errs.push(invalid(child(pp, 'port'), port.port ?? 0, msg));
      if (!port.protocol) errs.push(required(child(pp, 'protocol')));
      else if (!SUPPORTED_PROTOCOLS.includes(String(port.protocol))) errs.push(notSupported(child(pp, 'protocol'), port.protocol, SUPPORTED_PROTOCOLS));
    });
  });
  return errs;
}
