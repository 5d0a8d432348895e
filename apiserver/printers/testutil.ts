// Test helpers: build objects and pull cells by column name.

import type { KubeObject } from '../../api/meta.js';
import { findResource } from '../../api/resources.js';
import { toTable } from './table.js';
import type { Table, TableCell } from './types.js';

export const NOW = new Date('2025-01-01T12:00:00Z');

/** An ISO timestamp `ms` before NOW. */
export function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString();
}

export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;
export const D = 24 * H;

export function obj(name: string, rest: Partial<KubeObject> = {}, created: number = 5 * M): KubeObject {
  return { ...rest, metadata: { name, namespace: 'default', creationTimestamp: ago(created), ...(rest.metadata ?? {}) } };
}

export function table(group: string, version: string, resource: string, objects: KubeObject[]): Table {
  const info = findResource(group, version, resource) ?? { group, resource };
  return toTable(info, objects, { now: NOW, resourceVersion: '7' });
}

/** The row as a column-name → cell map. */
export function row(t: Table, index = 0): Record<string, TableCell> {
  const cells = t.rows[index]?.cells ?? [];
  return Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, cells[i] as TableCell]));
}

export function rowOf(group: string, version: string, resource: string, o: KubeObject): Record<string, TableCell> {
  return row(table(group, version, resource, [o]));
}
