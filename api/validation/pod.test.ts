import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, lines, pod, statusErrors, updateErrors } from './testing.js';

/** Errors of a pod after `edit`; asserts the untouched pod is valid first. */
function podErrors(edit: (p: Loose) => void): string[] {
  const p = pod();
  edit(p);
  return lines(createErrors(p));
}

const C = 'spec.containers[0]';

test('at least one container', () => {
  assert.deepEqual(podErrors(() => {}), []);
  assert.deepEqual(podErrors((p) => { p.spec.containers = []; }), ['spec.containers: Required value']);
});

test('container names: DNS labels, unique across containers and initContainers', () => {
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].name = 'App'; })[0].slice(0, 55),
    `${C}.name: Invalid value: "App": a lowercase RFC 1123 label`.slice(0, 55));
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].name = ''; }), [`${C}.name: Required value`]);
  assert.deepEqual(podErrors((p) => { p.spec.initContainers = [{ name: 'app', image: 'busybox' }]; }),
    ['spec.initContainers[0].name: Duplicate value: "app"']);
  assert.deepEqual(podErrors((p) => { p.spec.initContainers = [{ name: 'init', image: 'busybox' }]; }), []);
});

test('image is required', () => {
  assert.deepEqual(podErrors((p) => { delete p.spec.containers[0].image; }), [`${C}.image: Required value`]);
});

test('container ports: range, protocol, unique names', () => {
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].ports = [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090, protocol: 'UDP' }]; }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].ports = [
      { name: 'http', containerPort: 80 }, { name: 'http', containerPort: 65536, protocol: 'ICMP' }, { name: 'Bad--', containerPort: 81, hostPort: 70000 },
    ];
  }), [
    `${C}.ports[1].name: Duplicate value: "http"`,
    `${C}.ports[1].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive`,
    `${C}.ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`,
    `${C}.ports[2].name: Invalid value: "Bad--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
    `${C}.ports[2].name: Invalid value: "Bad--": must not contain consecutive hyphens`,
    `${C}.ports[2].name: Invalid value: "Bad--": must not begin or end with a hyphen`,
    `${C}.ports[2].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive`,
  ]);
});

test('host ports may not collide', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.containers.push({ name: 'b', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] });
    p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }];
  }), ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"']);
});

test('restartPolicy and dnsPolicy values', () => {
  assert.deepEqual(podErrors((p) => { p.spec.restartPolicy = 'OnFailure'; p.spec.dnsPolicy = 'None'; p.spec.dnsConfig = { nameservers: ['1.1.1.1'] }; }), []);
  assert.deepEqual(podErrors((p) => { p.spec.restartPolicy = 'Sometimes'; p.spec.dnsPolicy = 'Google'; }), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
  assert.deepEqual(podErrors((p) => { p.spec.dnsPolicy = 'None'; }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
});

test('resources: names, quantities that parse, requests ≤ limits', () => {
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } }; }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].resources = { requests: { cpu: '2', memory: 'lots', gpu: '1' }, limits: { cpu: '1' } };
  }), [
    `${C}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`,
    `${C}.resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    `${C}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
  ]);
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].resources = { requests: { memory: '-1' } }; }),
    [`${C}.resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0`]);
  assert.deepEqual(podErrors((p) => { p.spec.containers[0].resources = { limits: { 'example.com/gpu': '1' }, requests: { 'example.com/gpu': '2' } }; }),
    [`${C}.resources.requests: Invalid value: "2": must be equal to example.com/gpu limit of 1`]);
});

test('volumes: unique names, exactly one source; mounts refer to them', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }];
    p.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', subPath: 'a/b' }];
  }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'two', emptyDir: {}, hostPath: { path: '/x' } }, { name: 's', secret: {} }];
    p.spec.containers[0].volumeMounts = [
      { name: 'missing', mountPath: '/m' }, { name: 'data', mountPath: '/m' }, { name: 'data', mountPath: '/n', subPath: '../etc' },
    ];
  }), [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[3].secret.secretName: Required value',
    `${C}.volumeMounts[0].name: Not found: "missing"`,
    `${C}.volumeMounts[1].mountPath: Invalid value: "/m": must be unique`,
    `${C}.volumeMounts[2].subPath: Invalid value: "../etc": must not contain '..'`,
  ]);
});

test('volume sources: items, modes and hostPath types', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.volumes = [
      { name: 'a', configMap: { name: 'c', items: [{ key: 'k', path: '/abs' }], defaultMode: 0o1000 } },
      { name: 'b', hostPath: { path: '/x', type: 'Folder' } },
      { name: 'c', persistentVolumeClaim: {} },
      { name: 'd', downwardAPI: { items: [{ path: 'labels' }] } },
    ];
  }), [
    'spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[0].configMap.items[0].path: Invalid value: "/abs": must be a relative path',
    'spec.volumes[1].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    'spec.volumes[2].persistentVolumeClaim.claimName: Required value',
    'spec.volumes[3].downwardAPI.items[0]: Required value: one of fieldRef and resourceFieldRef is required',
  ]);
});

test('env: valid names and exactly one valueFrom source', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].env = [
      { name: 'A', value: 'x' }, { name: 'my.var-1', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'C', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }, { name: 'D', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    ];
    p.spec.containers[0].envFrom = [{ configMapRef: { name: 'c' }, prefix: 'P_' }];
  }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].env = [
      { name: 'A=B' }, { name: 'X', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'Y', valueFrom: {} }, { name: 'Z', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } },
    ];
    p.spec.containers[0].envFrom = [{}];
  }), [
    `${C}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    `${C}.env[1].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`,
    `${C}.env[2].valueFrom: Invalid value: "": must specify one of: \`fieldRef\`, \`resourceFieldRef\`, \`configMapKeyRef\` or \`secretKeyRef\``,
    `${C}.env[3].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`,
    `${C}.envFrom: Invalid value: "": must specify one of: \`configMapRef\` or \`secretRef\``,
  ]);
});

test('probes have exactly one handler; liveness successThreshold is 1', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].livenessProbe = { httpGet: { port: 'http' } };
    p.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, successThreshold: 3 };
    p.spec.containers[0].startupProbe = { grpc: { port: 9000 } };
  }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.containers[0].livenessProbe = { httpGet: { port: 80 }, tcpSocket: { port: 80 }, successThreshold: 2 };
    p.spec.containers[0].readinessProbe = { periodSeconds: -1, terminationGracePeriodSeconds: 5 };
    p.spec.containers[0].startupProbe = { exec: {} };
  }), [
    `${C}.livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`,
    `${C}.livenessProbe.successThreshold: Invalid value: 2: must be 1`,
    `${C}.readinessProbe: Required value: must specify a handler type`,
    `${C}.readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0`,
    `${C}.readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes`,
    `${C}.startupProbe.exec.command: Required value`,
  ]);
});

test('init containers: no probes unless they are sidecars', () => {
  const probe = { exec: { command: ['true'] } };
  assert.deepEqual(podErrors((p) => { p.spec.initContainers = [{ name: 'side', image: 'x', restartPolicy: 'Always', readinessProbe: probe }]; }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.initContainers = [{ name: 'init', image: 'x', readinessProbe: probe, livenessProbe: probe }, { name: 'i2', image: 'x', restartPolicy: 'Never' }];
    p.spec.containers[0].restartPolicy = 'Always';
  }), [
    `${C}.restartPolicy: Forbidden: may not be set for non-init containers`,
    'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers',
    'spec.initContainers[1].restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
});

test('grace period, active deadline, hostname and node selector', () => {
  assert.deepEqual(podErrors((p) => {
    Object.assign(p.spec, { terminationGracePeriodSeconds: 0, activeDeadlineSeconds: 60, hostname: 'web-0', subdomain: 'web', nodeSelector: { 'kubernetes.io/os': 'linux' } });
  }), []);
  assert.deepEqual(podErrors((p) => {
    Object.assign(p.spec, { terminationGracePeriodSeconds: -1, activeDeadlineSeconds: 0, hostname: 'Web_0', nodeSelector: { 'bad key': 'x' }, nodeName: 'Node_1' });
  }).map((l) => l.split(':')[0]), [
    'spec.nodeSelector', 'spec.nodeName', 'spec.activeDeadlineSeconds', 'spec.hostname', 'spec.terminationGracePeriodSeconds',
  ]);
});

test('tolerations: operators and effects', () => {
  assert.deepEqual(podErrors((p) => {
    p.spec.tolerations = [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { operator: 'Exists' },
    ];
  }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.tolerations = [
      { operator: 'Equal', value: 'x' }, { key: 'a', operator: 'Has' }, { key: 'b', operator: 'Exists', value: 'v' },
      { key: 'c', effect: 'NoSchedule', tolerationSeconds: 5 }, { key: 'd', effect: 'Never' },
    ];
  }).map((l) => l.replace(/Invalid value: \{.*\}:/, 'Invalid value: {...}:')), [
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    'spec.tolerations[1].operator: Unsupported value: "Has": supported values: "Equal", "Exists"',
    "spec.tolerations[2].operator: Invalid value: {...}: value must be empty when `operator` is 'Exists'",
    "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    'spec.tolerations[4].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});

test('affinity and topology spread constraints', () => {
  const good = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
    },
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] },
  };
  assert.deepEqual(podErrors((p) => {
    p.spec.affinity = good;
    p.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }];
  }), []);
  assert.deepEqual(podErrors((p) => {
    p.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'k', operator: 'Gt', values: [] }] } }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] },
    };
    p.spec.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }];
  }), [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
    "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
    'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
    'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
  ]);
});

test('security context ids are in range', () => {
  assert.deepEqual(podErrors((p) => { p.spec.securityContext = { runAsUser: 1000, fsGroup: 2000 }; }), []);
  assert.deepEqual(podErrors((p) => { p.spec.securityContext = { runAsUser: -1 }; p.spec.containers[0].securityContext = { runAsGroup: 2 ** 31 }; }), [
    `${C}.securityContext.runAsGroup: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive`,
    'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
  ]);
});

// ---------------------------------------------------------------- update

function bound(): Loose {
  const p = pod();
  p.spec.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }];
  createErrors(p);
  return p;
}

test('pod update: images, activeDeadlineSeconds, added tolerations and grace period may change', () => {
  const old = bound();
  const next = clone(old);
  next.spec.containers[0].image = 'nginx:1.28';
  next.spec.activeDeadlineSeconds = 100;
  next.spec.tolerations.push({ key: 'b', operator: 'Exists' });
  next.spec.tolerations[0].tolerationSeconds = 10;
  next.spec.terminationGracePeriodSeconds = 5;
  next.spec.nodeName = 'node-1';
  assert.deepEqual(updateErrors(next, old), []);
});

test('pod update: anything else is forbidden', () => {
  const old = bound();
  const next = clone(old);
  next.spec.containers[0].command = ['sh'];
  const errs = lines(updateErrors(next, old));
  assert.deepEqual(errs, [
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  ]);
  const moved = clone(old);
  moved.spec.nodeName = 'node-1';
  const again = clone(moved);
  again.spec.nodeName = 'node-2';
  assert.equal(updateErrors(again, moved)[0].field, 'spec');
});

test('pod update: containers, deadlines and tolerations have their own errors', () => {
  const old = bound();
  old.spec.activeDeadlineSeconds = 30;
  const more = clone(old);
  more.spec.containers.push({ name: 'b', image: 'x' });
  assert.deepEqual(lines(updateErrors(more, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  const later = clone(old);
  later.spec.activeDeadlineSeconds = 60;
  assert.deepEqual(lines(updateErrors(later, old)), ['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value']);
  const removed = clone(old);
  delete removed.spec.activeDeadlineSeconds;
  assert.deepEqual(lines(updateErrors(removed, old)), ['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
  const dropped = clone(old);
  dropped.spec.tolerations = [];
  assert.deepEqual(lines(updateErrors(dropped, old)), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
});

// ---------------------------------------------------------------- status

test('pod status: terminated containers stay terminated unless the pod restarts them', () => {
  const old = pod();
  old.spec.restartPolicy = 'Never';
  createErrors(old);
  old.status = { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1 } } }] };
  const next = clone(old);
  next.status.containerStatuses[0].state = { running: {} };
  assert.deepEqual(lines(statusErrors(next, old)), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
  old.spec.restartPolicy = 'Always';
  next.spec.restartPolicy = 'Always';
  assert.deepEqual(statusErrors(next, old), []);
});

test('pod status: IPs and condition types', () => {
  const old = pod();
  createErrors(old);
  const next = clone(old);
  next.status = { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'Ready', status: 'True' }, { type: 'example.com/gate', status: 'True' }] };
  assert.deepEqual(statusErrors(next, old), []);
  next.status.podIP = '10.244.0.300';
  next.status.podIPs = [{ ip: 'x' }];
  next.status.conditions.push({ type: 'bad type', status: 'True' });
  assert.deepEqual(statusErrors(next, old).map((e) => e.field), ['status.conditions[2].Type', 'status.podIP', 'status.podIPs[0]']);
});
