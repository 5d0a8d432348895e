// apps/v1 defaulting (pkg/apis/apps/v1/defaults.go).
import { defaultPersistentVolumeClaim } from './core.js';
import { defaultPodTemplate } from './pod.js';
import type { Obj } from './util.js';
import { ensureObj, isObj, objs, setDefault, setDefaultString } from './util.js';

export function defaultDeployment(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(ensureObj(spec, 'template'));
}

export function defaultReplicaSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(ensureObj(spec, 'template'));
}

export function defaultDaemonSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  const strategy = ensureObj(spec, 'updateStrategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(ensureObj(spec, 'template'));
}

export function defaultStatefulSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObj(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    setDefault(strategy, 'rollingUpdate', {});
  }
  if (strategy.type === 'RollingUpdate' && isObj(strategy.rollingUpdate)) setDefault(strategy.rollingUpdate, 'partition', 0);
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(ensureObj(spec, 'template'));
  for (const claim of objs(spec.volumeClaimTemplates)) {
    setDefaultString(claim, 'apiVersion', 'v1');
    setDefaultString(claim, 'kind', 'PersistentVolumeClaim');
    ensureObj(claim, 'metadata');
    defaultPersistentVolumeClaim(claim);
  }
}
