// Realistic objects for the shape tests and the benchmark: what kubectl sends
// and what `kubectl get -o yaml` shows on a real cluster (managedFields,
// status, null timestamps), so the checker is proven against the shapes it
// will actually see rather than minimal ones.
import type { KubeObject } from '../../api/meta.js';

const T = '2025-03-01T10:00:00Z';

function managedFields(apiVersion: string): unknown[] {
  return [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion,
      time: T,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } }, 'f:spec': { 'f:replicas': {} } },
    },
    { manager: 'kube-controller-manager', operation: 'Update', apiVersion, time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
  ];
}

function meta(name: string, apiVersion: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    namespace: 'default',
    uid: '2f0b7c3e-5d1a-4b7e-9a51-0c9d6f1e8a11',
    resourceVersion: '12345',
    generation: 3,
    creationTimestamp: T,
    labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"Deployment"}\n',
      'deployment.kubernetes.io/revision': '2',
    },
    managedFields: managedFields(apiVersion),
    ...extra,
  };
}

/** A pod spec using most of what real manifests use. */
export function fullPodSpec(): Record<string, unknown> {
  return {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    priorityClassName: 'high',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    terminationGracePeriodSeconds: 45,
    activeDeadlineSeconds: 3600,
    enableServiceLinks: false,
    shareProcessNamespace: true,
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    imagePullSecrets: [{ name: 'regcred' }],
    securityContext: {
      runAsUser: 1000,
      runAsGroup: 3000,
      runAsNonRoot: true,
      fsGroup: 2000,
      fsGroupChangePolicy: 'OnRootMismatch',
      supplementalGroups: [4000],
      sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
      seccompProfile: { type: 'RuntimeDefault' },
    },
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
        ],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] } },
        ],
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        matchLabelKeys: ['pod-template-hash'],
        nodeTaintsPolicy: 'Honor',
      },
    ],
    initContainers: [
      {
        name: 'migrate',
        image: 'registry.example.com/web:1.4.2',
        command: ['sh', '-c'],
        args: ['./migrate up'],
        envFrom: [{ configMapRef: { name: 'web-env' } }, { prefix: 'DB_', secretRef: { name: 'db', optional: true } }],
      },
      { name: 'log-shipper', image: 'fluent/fluent-bit:3.0', restartPolicy: 'Always' },
    ],
    containers: [
      {
        name: 'web',
        image: 'registry.example.com/web:1.4.2',
        workingDir: '/app',
        ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
        env: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'FEATURES', valueFrom: { configMapKeyRef: { name: 'web-env', key: 'features', optional: true } } },
        ],
        resources: { limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '1Gi' }, requests: { cpu: 0.25, memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 10, periodSeconds: 15 },
        readinessProbe: { tcpSocket: { port: 8080 }, timeoutSeconds: 2 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 10 },
        lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { httpGet: { path: '/warm', port: 8080 } } },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/web', readOnly: true },
          { name: 'data', mountPath: '/data', subPath: 'web' },
          { name: 'token', mountPath: '/var/run/secrets/tokens' },
        ],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
        },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'web-config', items: [{ key: 'app.yaml', path: 'app.yaml', mode: 0o400 }], defaultMode: 0o644, optional: false } },
      { name: 'certs', secret: { secretName: 'web-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      {
        name: 'token',
        projected: {
          sources: [
            { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'vault-token' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
            { configMap: { name: 'ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          ],
        },
      },
      { name: 'podinfo', downwardAPI: { items: [{ path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'requests.cpu', divisor: '1m' } }] } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { type: 'scratch' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
    ],
  };
}

function containerStatus(name: string, image: string): Record<string, unknown> {
  return {
    name,
    state: { running: { startedAt: T } },
    lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T, finishedAt: T, containerID: 'docker://abc' } },
    ready: true,
    restartCount: 1,
    image,
    imageID: 'docker-pullable://registry.example.com/web@sha256:0123',
    containerID: 'docker://def',
    started: true,
    allocatedResources: { cpu: '250m', memory: '256Mi' },
    resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
    volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true, recursiveReadOnly: 'Disabled' }],
    user: { linux: { uid: 1000, gid: 3000, supplementalGroups: [3000, 4000] } },
  };
}

export function fullPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('web-7d4b9c6f5-x2x9k', 'v1', {
      generateName: 'web-7d4b9c6f5-',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: 'f1e2d3c4-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/cleanup'],
      deletionTimestamp: null,
    }) as KubeObject['metadata'],
    spec: { ...fullPodSpec(), nodeName: 'node-1', schedulerName: 'default-scheduler', hostname: 'web', subdomain: 'web-headless' },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: T },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: T },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: T, observedGeneration: 3 },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T },
      ],
      hostIP: '192.168.1.10',
      hostIPs: [{ ip: '192.168.1.10' }],
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00::7' }],
      startTime: T,
      qosClass: 'Burstable',
      initContainerStatuses: [
        { name: 'migrate', state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T, finishedAt: T, containerID: 'docker://111' } }, ready: true, restartCount: 0, image: 'registry.example.com/web:1.4.2', imageID: '', started: false },
      ],
      containerStatuses: [containerStatus('web', 'registry.example.com/web:1.4.2')],
    },
  };
}

export function fullDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('web', 'apps/v1') as KubeObject['metadata'],
    spec: {
      replicas: 3,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
      minReadySeconds: 5,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }] },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: { metadata: { labels: { app: 'web', tier: 'frontend' }, annotations: { 'kubectl.kubernetes.io/restartedAt': T }, creationTimestamp: null }, spec: fullPodSpec() },
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d4b9c6f5" has successfully progressed.' },
      ],
    },
  };
}

export function fullService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web', 'v1') as KubeObject['metadata'],
    spec: {
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080, appProtocol: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

export function fullJob(): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('pi', 'batch/v1') as KubeObject['metadata'],
    spec: {
      parallelism: 2,
      completions: 4,
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 100,
      completionMode: 'Indexed',
      suspend: false,
      podReplacementPolicy: 'Failed',
      manualSelector: false,
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'pi', operator: 'In', values: [42] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] },
      template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }] } },
    },
    status: {
      startTime: T,
      completionTime: T,
      active: 0,
      succeeded: 4,
      failed: 1,
      ready: 0,
      terminating: 0,
      completedIndexes: '0-3',
      uncountedTerminatedPods: { succeeded: [], failed: [] },
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: T, lastTransitionTime: T },
        { type: 'Complete', status: 'True', lastProbeTime: null, lastTransitionTime: T },
      ],
    },
  };
}

export function fullCronJob(): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('tick', 'batch/v1') as KubeObject['metadata'],
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 200,
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { app: 'tick' } },
        spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'tick', image: 'busybox:1.36', args: ['date'] }] } } },
      },
    },
    status: {
      active: [{ kind: 'Job', namespace: 'default', name: 'tick-290001', uid: 'aa-bb', apiVersion: 'batch/v1', resourceVersion: '99' }],
      lastScheduleTime: T,
      lastSuccessfulTime: T,
    },
  };
}

export function fullHpaV1(): KubeObject {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web', 'autoscaling/v1') as KubeObject['metadata'],
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
    status: { observedGeneration: 1, lastScaleTime: T, currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 55 },
  };
}

export function fullHpaV2(): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web', 'autoscaling/v2') as KubeObject['metadata'],
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
        { type: 'Object', object: { metric: { name: 'requests-per-second' }, describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, target: { type: 'Value', value: 10000 } } },
        { type: 'External', external: { metric: { name: 'queue_messages', selector: { matchLabels: { queue: 'worker' } } }, target: { type: 'AverageValue', averageValue: 30 } } },
        { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'web', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], tolerance: '0.05' },
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      },
    },
    status: {
      observedGeneration: 1,
      lastScaleTime: T,
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '150m', averageUtilization: 60 } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: T, reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
    },
  };
}

export function fullStatefulSet(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('db', 'apps/v1') as KubeObject['metadata'],
    spec: {
      serviceName: 'db',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: 'db' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      ordinals: { start: 0 },
      revisionHistoryLimit: 10,
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] } },
      volumeClaimTemplates: [
        {
          // Whole PersistentVolumeClaims: kubectl keeps apiVersion/kind here.
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', creationTimestamp: null },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } } },
          status: { phase: 'Pending' },
        },
      ],
    },
    status: {
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: 'db-5d4f',
      updateRevision: 'db-5d4f',
      collisionCount: 0,
    },
  };
}

export function fullSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('db', 'v1') as KubeObject['metadata'],
    type: 'kubernetes.io/basic-auth',
    immutable: false,
    data: { username: 'YWRtaW4=', password: 'czNjcjN0\n' },
    stringData: { note: 'plain text' },
  };
}

export function fullConfigMap(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('web-config', 'v1') as KubeObject['metadata'],
    data: { 'app.yaml': 'port: 8080\n', features: 'a,b' },
    binaryData: { 'logo.png': 'iVBORw0KGgo=' },
  };
}

export function fullNamespace(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', uid: 'ns-1', resourceVersion: '7', creationTimestamp: T, labels: { 'kubernetes.io/metadata.name': 'shop' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active', conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', lastTransitionTime: T, reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' }] },
  };
}

export function fullLease(): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n-1' }] },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, acquireTime: '2025-03-01T10:00:00.000000Z', renewTime: '2025-03-01T10:00:30.123456Z', leaseTransitions: 0 },
  };
}
