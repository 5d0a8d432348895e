// Docker labels every kubelite container carries: they are the kubelet's only
// record of which pod and container a Docker object belongs to, so a restarted
// kubelet can adopt its containers and the gRPC streams server can find them.

export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** attempt number of this container instance (0 for the first start) */
export const LABEL_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const LABEL_NODE = 'io.kubelite.node';
/** `sandbox`, `init` or `app` */
export const LABEL_CONTAINER_TYPE = 'io.kubelite.container.type';
/** hash of the container spec it was created from: a change means "replace it" */
export const LABEL_SPEC_HASH = 'io.kubelite.container.hash';
/** CrashLoopBackOff step this instance was started with (see backoff.ts) */
export const LABEL_BACKOFF_STEP = 'io.kubelite.container.backoffStep';
/** the sandbox (pause) container an app container joined */
export const LABEL_SANDBOX_ID = 'io.kubelite.sandbox.id';
/** grace period recorded at creation, for stopping containers whose pod is gone */
export const LABEL_GRACE_PERIOD = 'io.kubelite.pod.terminationGracePeriod';
/** sandbox on the kubelet's own bridge: the pod IP the kubelet allocated (the allocator's only record) */
export const LABEL_POD_IP = 'io.kubelite.pod.ip';
export const LABEL_TERMINATION_MESSAGE_POLICY = 'io.kubelite.container.terminationMessagePolicy';

/** Kubernetes' name for the sandbox in `io.kubernetes.container.name`. */
export const SANDBOX_CONTAINER_NAME = 'POD';

export type ContainerType = 'sandbox' | 'init' | 'app';

export interface PodIdentity {
  uid: string;
  name: string;
  namespace: string;
}

export function podLabels(pod: PodIdentity, nodeName: string): Record<string, string> {
  return {
    [LABEL_POD_UID]: pod.uid,
    [LABEL_POD_NAME]: pod.name,
    [LABEL_POD_NAMESPACE]: pod.namespace,
    [LABEL_NODE]: nodeName,
  };
}

/** dockershim's naming, so `docker ps` stays readable: k8s_<container>_<pod>_<ns>_<uid>_<attempt>. */
export function dockerContainerName(container: string, pod: PodIdentity, attempt: number): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}
