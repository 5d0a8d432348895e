// Builds the meta.k8s.io/v1 Table kubectl asks for with `Accept: ...;as=Table`.

import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { printerFor } from './registry.js';
import type { IncludeObject, PartialObjectMetadata, Table, TableListMeta, TableOptions, TableRow } from './types.js';

function rowObject(obj: KubeObject, include: IncludeObject): TableRow['object'] {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const partial: PartialObjectMetadata = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return partial;
}

export function toTable(info: Pick<ResourceInfo, 'group' | 'resource'>, objects: readonly KubeObject[], opts: TableOptions = {}): Table {
  const printer = printerFor(info);
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, now) };
    const conditions = printer.conditions?.(obj);
    if (conditions !== undefined) row.conditions = conditions;
    const object = rowObject(obj, include);
    if (object !== undefined) row.object = object;
    return row;
  });
  const metadata: TableListMeta = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    // TableOptions.noHeaders drops the column definitions, leaving rows only.
    columnDefinitions: opts.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
