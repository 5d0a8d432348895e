// What the shape checker needs beyond apiserver/protobuf/schema.ts.
//
// That schema was trimmed for decoding kubectl's protobuf bodies, where an
// unlisted field is silently skipped. Strict JSON decoding turns every
// unlisted field into `unknown field "…"`, so fields that real Kubernetes
// (v1.34) accepts but the trimmed schema leaves out are added back here —
// otherwise `kubectl apply` of a valid manifest, or of `kubectl get -o yaml`
// output, would be refused. Field numbers follow upstream generated.proto.

/** New messages, parsed into the same packages as the schema they extend. */
export const EXTRA_PROTO_SOURCES: readonly string[] = [
  `
syntax = "proto2";
package k8s.io.api.core.v1;

// In-tree volume sources: kubelite cannot run them, but Kubernetes decodes
// them, so a pod using one must fail validation or scheduling, not decoding.
message AWSElasticBlockStoreVolumeSource {
  optional string volumeID = 1;
  optional string fsType = 2;
  optional int32 partition = 3;
  optional bool readOnly = 4;
}

message AzureDiskVolumeSource {
  optional string diskName = 1;
  optional string diskURI = 2;
  optional string cachingMode = 3;
  optional string fsType = 4;
  optional bool readOnly = 5;
  optional string kind = 6;
}

message AzureFileVolumeSource {
  optional string secretName = 1;
  optional string shareName = 2;
  optional bool readOnly = 3;
}

message CephFSVolumeSource {
  repeated string monitors = 1;
  optional string path = 2;
  optional string user = 3;
  optional string secretFile = 4;
  optional LocalObjectReference secretRef = 5;
  optional bool readOnly = 6;
}

message CinderVolumeSource {
  optional string volumeID = 1;
  optional string fsType = 2;
  optional bool readOnly = 3;
  optional LocalObjectReference secretRef = 4;
}

message FCVolumeSource {
  repeated string targetWWNs = 1;
  optional int32 lun = 2;
  optional string fsType = 3;
  optional bool readOnly = 4;
  repeated string wwids = 5;
}

message FlexVolumeSource {
  optional string driver = 1;
  optional string fsType = 2;
  optional LocalObjectReference secretRef = 3;
  optional bool readOnly = 4;
  map<string, string> options = 5;
}

message FlockerVolumeSource {
  optional string datasetName = 1;
  optional string datasetUUID = 2;
}

message GCEPersistentDiskVolumeSource {
  optional string pdName = 1;
  optional string fsType = 2;
  optional int32 partition = 3;
  optional bool readOnly = 4;
}

message GitRepoVolumeSource {
  optional string repository = 1;
  optional string revision = 2;
  optional string directory = 3;
}

message GlusterfsVolumeSource {
  optional string endpoints = 1;
  optional string path = 2;
  optional bool readOnly = 3;
}

message ISCSIVolumeSource {
  optional string targetPortal = 1;
  optional string iqn = 2;
  optional int32 lun = 3;
  optional string iscsiInterface = 4;
  optional string fsType = 5;
  optional bool readOnly = 6;
  repeated string portals = 7;
  optional bool chapAuthDiscovery = 8;
  optional bool chapAuthSession = 11;
  optional LocalObjectReference secretRef = 10;
  optional string initiatorName = 12;
}

message PhotonPersistentDiskVolumeSource {
  optional string pdID = 1;
  optional string fsType = 2;
}

message PortworxVolumeSource {
  optional string volumeID = 1;
  optional string fsType = 2;
  optional bool readOnly = 3;
}

message QuobyteVolumeSource {
  optional string registry = 1;
  optional string volume = 2;
  optional bool readOnly = 3;
  optional string user = 4;
  optional string group = 5;
  optional string tenant = 6;
}

message RBDVolumeSource {
  repeated string monitors = 1;
  optional string image = 2;
  optional string fsType = 3;
  optional string pool = 4;
  optional string user = 5;
  optional string keyring = 6;
  optional LocalObjectReference secretRef = 7;
  optional bool readOnly = 8;
}

message ScaleIOVolumeSource {
  optional string gateway = 1;
  optional string system = 2;
  optional LocalObjectReference secretRef = 3;
  optional bool sslEnabled = 4;
  optional string protectionDomain = 5;
  optional string storagePool = 6;
  optional string storageMode = 7;
  optional string volumeName = 8;
  optional string fsType = 9;
  optional bool readOnly = 10;
}

message StorageOSVolumeSource {
  optional string volumeName = 1;
  optional string volumeNamespace = 2;
  optional string fsType = 3;
  optional bool readOnly = 4;
  optional LocalObjectReference secretRef = 5;
}

message VsphereVirtualDiskVolumeSource {
  optional string volumePath = 1;
  optional string fsType = 2;
  optional string storagePolicyName = 3;
  optional string storagePolicyID = 4;
}

// Status fields the kubelet of a current cluster reports; they come back in
// through \`kubectl get -o yaml | kubectl apply -f -\` round trips.
message ContainerUser {
  optional LinuxContainerUser linux = 1;
}

message LinuxContainerUser {
  optional int64 uid = 1;
  optional int64 gid = 2;
  repeated int64 supplementalGroups = 3;
}

message ResourceStatus {
  optional string name = 1;
  repeated ResourceHealth resources = 2;
}

message ResourceHealth {
  optional string resourceID = 1;
  optional string health = 2;
}

message PodExtendedResourceClaimStatus {
  repeated ContainerExtendedResourceRequest requestMappings = 1;
  optional string resourceClaimName = 2;
}

message ContainerExtendedResourceRequest {
  optional string containerName = 1;
  optional string resourceName = 2;
  optional string requestName = 3;
}

message PodCertificateProjection {
  optional string signerName = 1;
  optional string keyType = 2;
  optional int32 maxExpirationSeconds = 3;
  optional string credentialBundlePath = 4;
  optional string keyPath = 5;
  optional string certificateChainPath = 6;
  map<string, string> userAnnotations = 7;
}
`,
];

export interface ExtraField {
  /** fully qualified message the field is added to */
  readonly message: string;
  readonly name: string;
  readonly id: number;
  /** type name, resolved from the message's package like in a .proto file */
  readonly type: string;
  readonly repeated?: boolean;
}

const VOLUME_SOURCE = 'k8s.io.api.core.v1.VolumeSource';

/** Fields added to messages that schema.ts already defines. */
export const EXTRA_FIELDS: readonly ExtraField[] = [
  { message: VOLUME_SOURCE, name: 'gcePersistentDisk', id: 3, type: 'GCEPersistentDiskVolumeSource' },
  { message: VOLUME_SOURCE, name: 'awsElasticBlockStore', id: 4, type: 'AWSElasticBlockStoreVolumeSource' },
  { message: VOLUME_SOURCE, name: 'gitRepo', id: 5, type: 'GitRepoVolumeSource' },
  { message: VOLUME_SOURCE, name: 'iscsi', id: 8, type: 'ISCSIVolumeSource' },
  { message: VOLUME_SOURCE, name: 'glusterfs', id: 9, type: 'GlusterfsVolumeSource' },
  { message: VOLUME_SOURCE, name: 'rbd', id: 11, type: 'RBDVolumeSource' },
  { message: VOLUME_SOURCE, name: 'flexVolume', id: 12, type: 'FlexVolumeSource' },
  { message: VOLUME_SOURCE, name: 'cinder', id: 13, type: 'CinderVolumeSource' },
  { message: VOLUME_SOURCE, name: 'cephfs', id: 14, type: 'CephFSVolumeSource' },
  { message: VOLUME_SOURCE, name: 'flocker', id: 15, type: 'FlockerVolumeSource' },
  { message: VOLUME_SOURCE, name: 'fc', id: 17, type: 'FCVolumeSource' },
  { message: VOLUME_SOURCE, name: 'azureFile', id: 18, type: 'AzureFileVolumeSource' },
  { message: VOLUME_SOURCE, name: 'vsphereVolume', id: 20, type: 'VsphereVirtualDiskVolumeSource' },
  { message: VOLUME_SOURCE, name: 'quobyte', id: 21, type: 'QuobyteVolumeSource' },
  { message: VOLUME_SOURCE, name: 'azureDisk', id: 22, type: 'AzureDiskVolumeSource' },
  { message: VOLUME_SOURCE, name: 'photonPersistentDisk', id: 23, type: 'PhotonPersistentDiskVolumeSource' },
  { message: VOLUME_SOURCE, name: 'portworxVolume', id: 24, type: 'PortworxVolumeSource' },
  { message: VOLUME_SOURCE, name: 'scaleIO', id: 25, type: 'ScaleIOVolumeSource' },
  { message: VOLUME_SOURCE, name: 'storageos', id: 27, type: 'StorageOSVolumeSource' },
  { message: 'k8s.io.api.core.v1.ContainerStatus', name: 'user', id: 13, type: 'ContainerUser' },
  { message: 'k8s.io.api.core.v1.ContainerStatus', name: 'allocatedResourcesStatus', id: 14, type: 'ResourceStatus', repeated: true },
  { message: 'k8s.io.api.core.v1.PodStatus', name: 'extendedResourceClaimStatus', id: 18, type: 'PodExtendedResourceClaimStatus' },
  { message: 'k8s.io.api.core.v1.VolumeProjection', name: 'podCertificate', id: 6, type: 'PodCertificateProjection' },
];

/**
 * Messages whose Go struct embeds metav1.TypeMeta, so `apiVersion` and `kind`
 * are known fields wherever they appear (a StatefulSet's
 * volumeClaimTemplates items are whole PersistentVolumeClaims).
 */
export const TYPE_META_MESSAGES: readonly string[] = ['k8s.io.api.core.v1.PersistentVolumeClaim'];

/**
 * Go types of fields declared as plain `string`/`int32`/`map` in the proto
 * but as named types in Go, keyed `Message.field` (message name without
 * package). Go prints the named type in `cannot unmarshal … of type T`; for
 * repeated fields this is the element type and for maps the whole map type.
 */
export const GO_NAMED_TYPES: Readonly<Record<string, string>> = {
  'ObjectMeta.uid': 'types.UID',
  'OwnerReference.uid': 'types.UID',
  'ObjectReference.uid': 'types.UID',
  'ManagedFieldsEntry.operation': 'v1.ManagedFieldsOperationType',
  'LabelSelectorRequirement.operator': 'v1.LabelSelectorOperator',
  'Container.restartPolicy': 'v1.ContainerRestartPolicy',
  'Container.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'Container.imagePullPolicy': 'v1.PullPolicy',
  'EphemeralContainerCommon.restartPolicy': 'v1.ContainerRestartPolicy',
  'EphemeralContainerCommon.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'EphemeralContainerCommon.imagePullPolicy': 'v1.PullPolicy',
  'ContainerPort.protocol': 'v1.Protocol',
  'ContainerResizePolicy.resourceName': 'v1.ResourceName',
  'ContainerResizePolicy.restartPolicy': 'v1.ResourceResizeRestartPolicy',
  'ContainerRestartRule.action': 'v1.ContainerRestartRuleAction',
  'ContainerRestartRuleOnExitCodes.operator': 'v1.ContainerRestartRuleOnExitCodesOperator',
  'ContainerStatus.stopSignal': 'v1.Signal',
  'Lifecycle.stopSignal': 'v1.Signal',
  'HTTPGetAction.scheme': 'v1.URIScheme',
  'HostPathVolumeSource.type': 'v1.HostPathType',
  'EmptyDirVolumeSource.medium': 'v1.StorageMedium',
  'ImageVolumeSource.pullPolicy': 'v1.PullPolicy',
  'AzureDiskVolumeSource.cachingMode': 'v1.AzureDataDiskCachingMode',
  'AzureDiskVolumeSource.kind': 'v1.AzureDataDiskKind',
  'VolumeMount.mountPropagation': 'v1.MountPropagationMode',
  'VolumeMount.recursiveReadOnly': 'v1.RecursiveReadOnlyMode',
  'VolumeMountStatus.recursiveReadOnly': 'v1.RecursiveReadOnlyMode',
  'ResourceStatus.name': 'v1.ResourceName',
  'ResourceHealth.resourceID': 'v1.ResourceID',
  'ResourceHealth.health': 'v1.ResourceHealthStatus',
  'PodSpec.restartPolicy': 'v1.RestartPolicy',
  'PodSpec.dnsPolicy': 'v1.DNSPolicy',
  'PodSpec.preemptionPolicy': 'v1.PreemptionPolicy',
  'PodSecurityContext.supplementalGroupsPolicy': 'v1.SupplementalGroupsPolicy',
  'PodSecurityContext.fsGroupChangePolicy': 'v1.PodFSGroupChangePolicy',
  'PodSecurityContext.seLinuxChangePolicy': 'v1.PodSELinuxChangePolicy',
  'SecurityContext.procMount': 'v1.ProcMountType',
  'SeccompProfile.type': 'v1.SeccompProfileType',
  'AppArmorProfile.type': 'v1.AppArmorProfileType',
  'Capabilities.add': 'v1.Capability',
  'Capabilities.drop': 'v1.Capability',
  'Toleration.operator': 'v1.TolerationOperator',
  'Toleration.effect': 'v1.TaintEffect',
  'TopologySpreadConstraint.whenUnsatisfiable': 'v1.UnsatisfiableConstraintAction',
  'TopologySpreadConstraint.nodeAffinityPolicy': 'v1.NodeInclusionPolicy',
  'TopologySpreadConstraint.nodeTaintsPolicy': 'v1.NodeInclusionPolicy',
  'NodeSelectorRequirement.operator': 'v1.NodeSelectorOperator',
  'PodCondition.type': 'v1.PodConditionType',
  'PodReadinessGate.conditionType': 'v1.PodConditionType',
  'PodStatus.phase': 'v1.PodPhase',
  'PodStatus.qosClass': 'v1.PodQOSClass',
  'PodStatus.resize': 'v1.PodResizeStatus',
  'PodOS.name': 'v1.OSName',
  'PersistentVolumeClaimSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode',
  'PersistentVolumeClaimStatus.phase': 'v1.PersistentVolumeClaimPhase',
  'PersistentVolumeClaimStatus.accessModes': 'v1.PersistentVolumeAccessMode',
  'PersistentVolumeClaimStatus.allocatedResourceStatuses': 'map[v1.ResourceName]v1.ClaimResourceStatus',
  'PersistentVolumeClaimCondition.type': 'v1.PersistentVolumeClaimConditionType',
  'ModifyVolumeStatus.status': 'v1.PersistentVolumeClaimModifyVolumeStatus',
  'ServicePort.protocol': 'v1.Protocol',
  'PortStatus.protocol': 'v1.Protocol',
  'ServiceSpec.type': 'v1.ServiceType',
  'ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy',
  'ServiceSpec.ipFamilies': 'v1.IPFamily',
  'ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy',
  'ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'LoadBalancerIngress.ipMode': 'v1.LoadBalancerIPMode',
  'Secret.type': 'v1.SecretType',
  'NamespaceSpec.finalizers': 'v1.FinalizerName',
  'NamespaceStatus.phase': 'v1.NamespacePhase',
  'NamespaceCondition.type': 'v1.NamespaceConditionType',
  'UncountedTerminatedPods.succeeded': 'types.UID',
  'UncountedTerminatedPods.failed': 'types.UID',
  'DeploymentStrategy.type': 'v1.DeploymentStrategyType',
  'DeploymentCondition.type': 'v1.DeploymentConditionType',
  'DaemonSetUpdateStrategy.type': 'v1.DaemonSetUpdateStrategyType',
  'DaemonSetCondition.type': 'v1.DaemonSetConditionType',
  'StatefulSetUpdateStrategy.type': 'v1.StatefulSetUpdateStrategyType',
  'StatefulSetSpec.podManagementPolicy': 'v1.PodManagementPolicyType',
  'StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'StatefulSetCondition.type': 'v1.StatefulSetConditionType',
  'ReplicaSetCondition.type': 'v1.ReplicaSetConditionType',
  'CronJobSpec.concurrencyPolicy': 'v1.ConcurrencyPolicy',
  'JobSpec.completionMode': 'v1.CompletionMode',
  'JobSpec.podReplacementPolicy': 'v1.PodReplacementPolicy',
  'JobCondition.type': 'v1.JobConditionType',
  'PodFailurePolicyRule.action': 'v1.PodFailurePolicyAction',
  'PodFailurePolicyOnExitCodesRequirement.operator': 'v1.PodFailurePolicyOnExitCodesOperator',
  'PodFailurePolicyOnPodConditionsPattern.type': 'v1.PodConditionType',
  'MetricSpec.type': 'v2.MetricSourceType',
  'MetricStatus.type': 'v2.MetricSourceType',
  'MetricTarget.type': 'v2.MetricTargetType',
  'ResourceMetricSource.name': 'v1.ResourceName',
  'ResourceMetricStatus.name': 'v1.ResourceName',
  'ContainerResourceMetricSource.name': 'v1.ResourceName',
  'ContainerResourceMetricStatus.name': 'v1.ResourceName',
  'HPAScalingPolicy.type': 'v2.HPAScalingPolicyType',
  'HPAScalingRules.selectPolicy': 'v2.ScalingPolicySelect',
  'HorizontalPodAutoscalerCondition.type': 'v2.HorizontalPodAutoscalerConditionType',
  'LeaseSpec.strategy': 'v1.CoordinatedLeaseStrategy',
};

/** Every `*Condition.status` (and the pod-failure pattern) is a v1.ConditionStatus. */
export function conditionStatusType(message: string, field: string): string | undefined {
  if (field !== 'status') return undefined;
  return message.endsWith('Condition') || message === 'PodFailurePolicyOnPodConditionsPattern' ? 'v1.ConditionStatus' : undefined;
}

/** map<string, Quantity> fields that are core/v1 ResourceList in Go. */
export const RESOURCE_LIST_FIELDS: ReadonlySet<string> = new Set([
  'ResourceRequirements.limits',
  'ResourceRequirements.requests',
  'VolumeResourceRequirements.limits',
  'VolumeResourceRequirements.requests',
  'PodSpec.overhead',
  'ContainerStatus.allocatedResources',
  'PersistentVolumeClaimStatus.capacity',
  'PersistentVolumeClaimStatus.allocatedResources',
]);
