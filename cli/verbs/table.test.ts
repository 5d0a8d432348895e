import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyRows, cellText, formatLabels, headerRow, kindPrefix, tableRows, type ServerTable } from './table.js';
import { formatRows } from './tabwriter.js';

const pods: ServerTable = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Restarts', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'IP', type: 'string', priority: 1 },
    { name: 'Node', type: 'string', priority: 1 },
  ],
  rows: [
    { cells: ['web-1', '1/1', 'Running', '0', '5m', '10.244.0.5', 'node-1'], object: { metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web', tier: 'fe' } } } },
    { cells: ['db', '0/1', 'Pending', '0', '10s', '<none>', '<none>'], object: { metadata: { name: 'db', namespace: 'prod' } } },
  ],
};

test('only priority-0 columns unless wide; headers upper-cased', () => {
  assert.deepEqual(headerRow(pods), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(headerRow(pods, { wide: true }), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
  assert.equal(formatRows(tableRows(pods, { wide: true })), [
    'NAME    READY   STATUS    RESTARTS   AGE   IP           NODE',
    'web-1   1/1     Running   0          5m    10.244.0.5   node-1',
    'db      0/1     Pending   0          10s   <none>       <none>',
    '',
  ].join('\n'));
});

test('-A puts NAMESPACE first, --show-labels adds LABELS last, -L a column per key', () => {
  const rows = tableRows(pods, { withNamespace: true, showLabels: true, labelColumns: ['app'] });
  assert.deepEqual(rows[0], ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'APP', 'LABELS']);
  assert.deepEqual(rows[1], ['default', 'web-1', '1/1', 'Running', '0', '5m', 'web', 'app=web,tier=fe']);
  assert.deepEqual(rows[2], ['prod', 'db', '0/1', 'Pending', '0', '10s', '', '<none>']);
});

test('several kinds: the name column carries kind.group/', () => {
  assert.equal(kindPrefix('Deployment', 'apps'), 'deployment.apps');
  assert.equal(kindPrefix('Pod', ''), 'pod');
  assert.deepEqual(bodyRows(pods, { kindPrefix: 'pod' })[0].slice(0, 2), ['pod/web-1', '1/1']);
  assert.deepEqual(tableRows(pods, { noHeaders: true }).length, 2);
});

test('cells print like kubectl: nothing for null, numbers plain, first line only', () => {
  assert.equal(cellText(null), '');
  assert.equal(cellText(3), '3');
  assert.equal(cellText(true), 'true');
  assert.equal(cellText('a\nb'), 'a...');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
});
