// Flags of `kubelite controller-manager`, shared by the controllers that need them.
export interface ControllerManagerOptions {
  kubeconfig: string;
  leaderElect: boolean;
  /** pod network of the cluster; each node gets a /nodeCidrMaskSize subnet of it */
  clusterCidr: string;
  nodeCidrMaskSize: number;
  /** a node whose Lease is older than this is NotReady/Unknown */
  nodeMonitorGracePeriodMs: number;
  /** how often node health is checked */
  nodeMonitorPeriodMs: number;
  /** used when a pod carries no toleration for a tainted node */
  defaultTolerationSeconds: number;
  /** workers per controller */
  concurrentSyncs: number;
  /** identity for leader election (hostname_pid by default) */
  identity?: string;
  /** how often each HorizontalPodAutoscaler is reconciled (--horizontal-pod-autoscaler-sync-period) */
  hpaSyncPeriodMs?: number;
  /** scale-down stabilization window for HPAs without their own (--horizontal-pod-autoscaler-downscale-stabilization) */
  hpaDownscaleStabilizationMs?: number;
  /** CA that signs approved kubelet/apiserver client CSRs; the signer is off without them */
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  /** longest certificate the CSR signer issues (--cluster-signing-duration) */
  clusterSigningDurationMs?: number;
}

export const DEFAULT_OPTIONS: Omit<ControllerManagerOptions, 'kubeconfig'> = {
  leaderElect: false,
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  defaultTolerationSeconds: 300,
  concurrentSyncs: 5,
  hpaSyncPeriodMs: 15_000,
  hpaDownscaleStabilizationMs: 300_000,
};
