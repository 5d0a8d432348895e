// Fixtures for the validation and defaulting tests: minimal valid objects of
// each kind, defaulted the way the apiserver would before validating.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { findByKind } from '../resources.js';
import type { ResourceInfo } from '../resources.js';
import { applyDefaults, prepareJobOnCreate } from '../defaults.js';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../validation.js';

// Test-only: objects are built as loose JSON, exactly as request bodies arrive.
export type Loose = any;

export function infoFor(obj: KubeObject): ResourceInfo {
  const info = findByKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!info) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
  return info;
}

/** Defaults (and for Jobs, generates the selector) then validates, as a create would. */
export function createErrors(obj: Loose): FieldError[] {
  applyDefaults(obj);
  if (obj.kind === 'Job') {
    obj.metadata.uid ??= 'uid-1';
    prepareJobOnCreate(obj, obj.metadata.uid);
  }
  return validateCreate(obj, infoFor(obj));
}

export function updateErrors(obj: Loose, old: Loose): FieldError[] {
  applyDefaults(obj);
  return validateUpdate(obj, old, infoFor(obj));
}

export function statusErrors(obj: Loose, old: Loose): FieldError[] {
  return validateStatusUpdate(obj, old, infoFor(obj));
}

/** `field: message` lines, the way kubectl prints a 422. */
export function lines(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

export function fieldsOf(errs: FieldError[]): string[] {
  return errs.map((e) => e.field);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function podSpec(): Loose {
  return { containers: [{ name: 'app', image: 'nginx:1.27' }] };
}

export function pod(name = 'p'): Loose {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: podSpec() };
}

export function template(labels: Record<string, string> = { app: 'web' }): Loose {
  return { metadata: { labels }, spec: podSpec() };
}

export function deployment(name = 'web'): Loose {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  };
}

export function workload(kind: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet', name = 'web'): Loose {
  return {
    apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  };
}

export function job(name = 'pi'): Loose {
  const spec = podSpec();
  spec.restartPolicy = 'Never';
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' }, spec: { template: { spec } } };
}

export function cronJob(name = 'tick'): Loose {
  const spec = podSpec();
  spec.restartPolicy = 'OnFailure';
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec } } } },
  };
}

export function service(name = 'web'): Loose {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };
}

export function meta(name: string, namespace?: string): Loose {
  return namespace ? { name, namespace } : { name };
}
