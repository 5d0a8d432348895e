// Column-definition builders so each printer reads like Kubernetes' AddHandlers tables.

import type { ColumnType, TableColumnDefinition } from './types.js';

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function col(name: string, description = '', type: ColumnType = 'string', priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

export function wide(name: string, description = '', type: ColumnType = 'string'): TableColumnDefinition {
  return col(name, description, type, 1);
}

export const NAME: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: NAME_DOC, priority: 0 };
export const AGE: TableColumnDefinition = col('Age', CREATION_DOC);
export const CONTAINERS: TableColumnDefinition = wide('Containers', 'Names of each container in the template.');
export const IMAGES: TableColumnDefinition = wide('Images', 'Images referenced by each container in the template.');

export function selectorColumn(description = 'A label query over pods that should match the replica count.'): TableColumnDefinition {
  return wide('Selector', description);
}

export const CREATION_DESCRIPTION = CREATION_DOC;
