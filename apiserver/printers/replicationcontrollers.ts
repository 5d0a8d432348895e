// ReplicationController rows: a port of printReplicationController.

import { at, num, optNum, record } from './accessors.js';
import { AGE, CONTAINERS, IMAGES, NAME, col, selectorColumn } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { formatLabels, layoutContainerCells } from './format.js';
import type { Printer } from './types.js';

export const replicationControllerPrinter: Printer = {
  columns: [
    NAME,
    col('Desired', 'Replicas is the number of desired replicas.', 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
    col('Ready', 'The number of ready replicas for this replication controller.', 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('Selector is a label query over pods that should match the Replicas count.'),
  ],
  cells(rc, now) {
    const [names, images] = layoutContainerCells(at(rc.spec, 'template', 'spec', 'containers'));
    return [
      rc.metadata.name ?? '',
      // Defaulting sets replicas to 1 when omitted.
      optNum(rc.spec, 'replicas') ?? 1,
      num(rc.status, 'replicas'),
      num(rc.status, 'readyReplicas'),
      translateTimestampSince(rc.metadata.creationTimestamp, now),
      names,
      images,
      formatLabels(record(rc.spec, 'selector')),
    ];
  },
};
