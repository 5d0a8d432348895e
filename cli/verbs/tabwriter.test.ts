import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRows, tabwrite } from './tabwriter.js';

test('table layout: three spaces between columns, the last column unpadded, minimum width 6', () => {
  const out = formatRows([
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    ['p1', '0/1', 'Pending', '0', '5m'],
  ]);
  assert.equal(out, 'NAME   READY   STATUS    RESTARTS   AGE\np1     0/1     Pending   0          5m\n');
  // without a header, short columns still take kubectl's minimum width of 6
  assert.equal(formatRows([['p1', '0/1', 'Pending', '0', '8m24s']]), 'p1    0/1   Pending   0     8m24s\n');
});

test('column widths count code points, not UTF-16 units', () => {
  assert.equal(formatRows([['ü😀', 'x'], ['abcdefg', 'y']]), 'ü😀        x\nabcdefg   y\n');
});

test('describe layout: blocks of consecutive lines align on their own (padding 2)', () => {
  const text = 'Name:\tp1\nService Account:\tdefault\nContainers:\n  c:\n    Image:\tbusybox\n    Environment:\t<none>\nVolumes:\t<none>\n';
  assert.equal(tabwrite(text, 2), [
    'Name:             p1',
    'Service Account:  default',
    'Containers:',
    '  c:',
    '    Image:        busybox',
    '    Environment:  <none>',
    'Volumes:          <none>',
    '',
  ].join('\n'));
});

test('a trailing empty cell still pads its column (kubectl prints "IP:" with spaces)', () => {
  assert.equal(tabwrite('Status:\tPending\nIP:\t\n', 2), 'Status:  Pending\nIP:      \n');
});

test('remembered widths only grow across calls, as in `get -w`', () => {
  const widths: number[] = [];
  const a = formatRows([['NAME', 'READY'], ['p1', '0/1']], widths);
  const b = formatRows([['a-very-long-pod-name', '1/1']], widths);
  const c = formatRows([['p1', '1/1']], widths);
  assert.equal(a, 'NAME   READY\np1     0/1\n');
  assert.equal(b, 'a-very-long-pod-name   1/1\n');
  assert.equal(c, 'p1                     1/1\n');
});
