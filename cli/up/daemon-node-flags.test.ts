import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from './daemon-node-flags.js';

test('this node accepts the daemon flags, and they take effect', () => {
  const out = execFileSync(process.execPath, [...DAEMON_NODE_FLAGS, '-e', `
    const v8 = require('node:v8');
    const keep = [];
    for (let i = 0; i < 3e6; i++) { const o = { i, s: 'x' + i, a: [i] }; if (i % 10 === 0) keep.push(o); if (keep.length > 1e5) keep.length = 0; }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(JSON.stringify({ argv: process.execArgv, newSpaceMb: ns.space_size / 1048576 }));
  `], { encoding: 'utf8' });
  const r = JSON.parse(out) as { argv: string[]; newSpaceMb: number };
  assert.deepEqual(r.argv.slice(0, DAEMON_NODE_FLAGS.length), DAEMON_NODE_FLAGS);
  assert.ok(r.newSpaceMb > 32, `the young generation grew past V8's default limit under allocation (${r.newSpaceMb} MB)`);
});

test('the systemd launcher written by deploy/install.sh passes the same flags', () => {
  const script = readFileSync(fileURLToPath(new URL('../../../deploy/install.sh', import.meta.url)), 'utf8');
  assert.match(script, new RegExp(`^DAEMON_NODE_FLAGS="${DAEMON_NODE_FLAGS.join(' ')}"$`, 'm'));
  assert.match(script, /exec "\$NODE_BIN" \$DAEMON_NODE_FLAGS "\$PREFIX\/bin\/kubelite"/);
});
