// Text of `rollout status` (kubectl's status viewers) and `rollout history`.
import type { KubeObject } from '../../api/meta.js';
import type { PodTemplateSpec } from '../../api/types/index.js';
import { describePodTemplate } from './describe-format.js';
import { PrefixWriter } from './describe-writer.js';
import { tabwrite } from './tabwriter.js';
import { CliError } from './errors.js';

export interface RolloutStatus {
  message: string;
  done: boolean;
}

interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  currentReplicas?: number;
  updateRevision?: string;
  currentRevision?: string;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  conditions?: Array<{ type: string; reason?: string }>;
}

interface WorkloadSpec {
  replicas?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
}

/** kubectl's status viewers for Deployments, DaemonSets and StatefulSets. */
export function rolloutStatus(obj: KubeObject, revision = 0): RolloutStatus {
  const st = (obj.status ?? {}) as WorkloadStatus;
  const spec = (obj.spec ?? {}) as WorkloadSpec;
  const name = obj.metadata.name ?? '';
  const generation = obj.metadata.generation ?? 0;
  const observed = st.observedGeneration ?? 0;
  switch (obj.kind) {
    case 'Deployment': {
      if (revision > 0) {
        const rev = Number(obj.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
        if (rev !== revision) throw new CliError(`desired revision (${revision}) is different from the running revision (${rev})`);
      }
      if (generation <= observed) {
        const progressing = st.conditions?.find((c) => c.type === 'Progressing');
        if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment ${JSON.stringify(name)} exceeded its progress deadline`);
        const want = spec.replicas ?? 1;
        const updated = st.updatedReplicas ?? 0;
        const replicas = st.replicas ?? 0;
        const available = st.availableReplicas ?? 0;
        if (updated < want) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${updated} out of ${want} new replicas have been updated...\n`, done: false };
        if (replicas > updated) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${replicas - updated} old replicas are pending termination...\n`, done: false };
        if (available < updated) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${available} of ${updated} updated replicas are available...\n`, done: false };
        return { message: `deployment ${JSON.stringify(name)} successfully rolled out\n`, done: true };
      }
      return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
    }
    case 'DaemonSet': {
      if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError('rollout status is only available for RollingUpdate strategy type');
      if (generation <= observed) {
        const desired = st.desiredNumberScheduled ?? 0;
        if ((st.updatedNumberScheduled ?? 0) < desired) return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...\n`, done: false };
        if ((st.numberAvailable ?? 0) < desired) return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...\n`, done: false };
        return { message: `daemon set ${JSON.stringify(name)} successfully rolled out\n`, done: true };
      }
      return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
    }
    case 'StatefulSet': {
      if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new CliError('rollout status is only available for RollingUpdate strategy type');
      if (observed === 0 || generation > observed) return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
      const want = spec.replicas ?? 1;
      if ((st.readyReplicas ?? 0) < want) return { message: `Waiting for ${want - (st.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
      const partition = spec.updateStrategy?.rollingUpdate?.partition;
      if (spec.updateStrategy?.rollingUpdate && partition !== undefined) {
        if ((st.updatedReplicas ?? 0) < want - partition) {
          return { message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${want - partition} new pods have been updated...\n`, done: false };
        }
        return { message: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...\n`, done: true };
      }
      if (st.updateRevision !== st.currentRevision) {
        return { message: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...\n`, done: false };
      }
      return { message: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...\n`, done: true };
    }
    default:
      throw new CliError(`no status viewer has been implemented for ${obj.kind}`);
  }
}

/** `REVISION  CHANGE-CAUSE` rows, kubectl's tabwriter with padding 2. */
export function tabwriteHistory(rows: string[][]): string {
  return tabwrite(['REVISION\tCHANGE-CAUSE', ...rows.map((r) => r.join('\t'))].join('\n') + '\n', 2);
}

/** The pod template of one revision; kubectl prints it without aligning the tabs. */
export function describePodTemplateText(template: unknown): string {
  const w = new PrefixWriter();
  describePodTemplate(template as PodTemplateSpec, w);
  return w.raw();
}
