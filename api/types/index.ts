// One import point for every kind's wire shape.
export * from './core.js';
export * from './apps.js';
export * from './batch.js';
export * from './autoscaling.js';
export * from './coordination.js';
export type { StorageClass, TopologySelectorTerm } from './storage.js';
export * from './certificates.js';
export * from './rbac.js';
