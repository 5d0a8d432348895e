// deploy/systemd's units pass `systemd-analyze verify` without a single warning.
// verify checks that ExecStart's binary exists, so the units are verified from a
// temp copy whose ExecStart points at a stub instead of /usr/local/bin/kubelite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBELITE_BIN, UNIT_SOURCE_DIR, unitName } from './systemd.js';

const ANALYZE = '/usr/bin/systemd-analyze';

function verify(dir: string, units: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(ANALYZE, ['verify', ...units.map((u) => join(dir, u))], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

async function stagedCopy(edit: (name: string, text: string) => string = (_n, t) => t): Promise<{ dir: string; units: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-units-'));
  const stub = join(dir, 'kubelite');
  await writeFile(stub, '#!/bin/sh\nexit 0\n');
  await chmod(stub, 0o755);
  const units = (await readdir(UNIT_SOURCE_DIR)).filter((f) => f.endsWith('.service'));
  for (const u of units) {
    const text = (await readFile(join(UNIT_SOURCE_DIR, u), 'utf8')).replaceAll(KUBELITE_BIN, stub);
    await writeFile(join(dir, u), edit(u, text));
  }
  return { dir, units };
}

test('every component has a unit, and they pass systemd-analyze verify with no warnings', async () => {
  assert.ok(existsSync(ANALYZE), `${ANALYZE} is missing: apt-get install systemd`);
  const { dir, units } = await stagedCopy();
  try {
    assert.deepEqual(units.sort(), ['apiserver', 'controller-manager', 'dns', 'kubelet', 'proxy', 'scheduler'].map((c) => unitName(c as never)).sort());
    for (const u of units) {
      const text = await readFile(join(dir, u), 'utf8');
      assert.match(text, /^Restart=always$/m, u);
      assert.match(text, /^EnvironmentFile=\/etc\/kubelite\/kubelite\.env$/m, u);
      assert.match(text, /^After=network-online\.target/m, u);
    }
    assert.match(await readFile(join(dir, 'kubelite-kubelet.service'), 'utf8'), /^Requires=docker\.service$/m);
    const r = await verify(dir, units);
    assert.equal(r.output, '', 'systemd-analyze printed warnings');
    assert.equal(r.code, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the verification catches a broken unit (so the test above can fail)', async () => {
  const { dir, units } = await stagedCopy((name, text) => (name === 'kubelite-dns.service' ? text.replace('Restart=always', 'Restart=sometimes') : text));
  try {
    const r = await verify(dir, units);
    assert.match(r.output, /restart specifier/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
