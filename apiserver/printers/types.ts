// Wire shapes of meta.k8s.io/v1 Table, as kubectl's server-side printing expects them.

import type { KubeObject, ObjectMeta } from '../../api/meta.js';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  /** `name` marks the column kubectl treats as the object's name; otherwise empty. */
  format: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: number;
}

/** What a cell may hold once serialised: kubectl prints it verbatim. */
export type TableCell = string | number | boolean;

export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: PartialObjectMetadata | KubeObject;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  now?: Date;
  resourceVersion?: string;
  continue?: string;
  noHeaders?: boolean;
}

/**
 * How one kind becomes a row. Cells always include the wide (priority 1) columns:
 * the apiserver generates wide rows and kubectl hides what it does not show.
 */
export interface Printer {
  columns: readonly TableColumnDefinition[];
  cells(obj: KubeObject, now: Date): TableCell[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}
