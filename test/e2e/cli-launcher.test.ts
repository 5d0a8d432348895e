// bin/kubelite started by the machine's older node (/usr/bin/node: Debian's or
// nodesource's Node 20 here) runs kubelite on the Node.js `npm ci` installed
// (package.json's "node"), hands signals to it and exits as it does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { freePort, KUBELITE, REPO, requiredNode, run, tempDir, waitFor } from './harness.js';

const SYSTEM_NODE = '/usr/bin/node';
const PINNED = join(REPO, 'node_modules', 'node', 'bin', 'node');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const { major: MINIMUM } = requiredNode();

/** `process.version` of a node binary, without the leading v; undefined when there is none */
function versionOf(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const systemVersion = versionOf(SYSTEM_NODE);
const skip = systemVersion !== undefined && Number(systemVersion.split('.')[0]) < MINIMUM ? false : `${SYSTEM_NODE} is not a Node.js older than ${MINIMUM}`;

test('package.json pins a Node.js that meets its own engines, and npm ci installed it', () => {
  assert.ok(MINIMUM >= 20, `engines.node is "${pkg.engines.node}"`);
  const pinnedVersion = pkg.dependencies.node;
  assert.match(pinnedVersion ?? '', /^\d+\.\d+\.\d+$/, 'the "node" dependency is an exact version');
  assert.ok(Number(pinnedVersion!.split('.')[0]) >= MINIMUM);
  assert.equal(versionOf(PINNED), pinnedVersion);
  // make's recipes, and so this test runner, run on it
  assert.equal(process.version, `v${pinnedVersion}`);
});

test('an older node runs the CLI on the pinned Node.js and passes its exit code on', { skip }, async () => {
  const r = await run(SYSTEM_NODE, [KUBELITE, 'version', '--client', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).clientVersion.goVersion, `nodev${versionOf(PINNED)}`);
  const bad = await run(SYSTEM_NODE, [KUBELITE, 'get', 'pods', '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: kubeconfig \/nonexistent\/kubeconfig: ENOENT/);
});

test('SIGTERM to the launcher stops the daemon it runs on the pinned Node.js', { skip }, async () => {
  const dataDir = await tempDir('launcher');
  const port = await freePort();
  const logFile = join(dataDir, 'apiserver.log');
  const fd = openSync(logFile, 'a');
  const launcher = spawn(SYSTEM_NODE, [KUBELITE, 'apiserver', '--data-dir', dataDir, '--bind-address', '127.0.0.1',
    '--secure-port', String(port), '--advertise-address', '127.0.0.1'], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: string | null }>((res) => launcher.on('exit', (code, signal) => res({ code, signal })));
  let daemonPid: number | undefined;
  try {
    await waitFor('apiserver /readyz through the launcher', () => new Promise<boolean>((res) => {
      const req = https.get({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 1000 }, (r) => {
        r.resume();
        res(r.statusCode === 200);
      });
      req.on('error', () => res(false));
      req.on('timeout', () => req.destroy());
    }), 60_000);
    const ready = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg?: string; pid?: number })
      .find((l) => l.msg === 'apiserver ready');
    daemonPid = ready?.pid;
    assert.ok(daemonPid && daemonPid !== launcher.pid, `the apiserver runs in a child of the launcher (pid ${daemonPid})`);
    assert.equal(await readlink(`/proc/${daemonPid}/exe`), await realpath(PINNED));

    launcher.kill('SIGTERM');
    const { code, signal } = await exited;
    // the apiserver shuts down cleanly on SIGTERM and exits 0; so does the launcher
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.equal(existsSync(`/proc/${daemonPid}`), false, 'the apiserver is gone with its launcher');
    assert.match(await readFile(logFile, 'utf8'), /"signal":"SIGTERM","msg":"shutting down"/);
  } finally {
    if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
    if (daemonPid && existsSync(`/proc/${daemonPid}`)) process.kill(daemonPid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('without the pinned Node.js an older node gets a one-line error; a new enough one runs the CLI itself', { skip }, async () => {
  // a checkout without node_modules: the launcher, package.json and a CLI entry that says it ran
  const root = await tempDir('launcher-root');
  try {
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'dist', 'cli'), { recursive: true });
    await copyFile(KUBELITE, join(root, 'bin', 'kubelite'));
    await writeFile(join(root, 'package.json'), JSON.stringify({ type: 'module', engines: pkg.engines }));
    await writeFile(join(root, 'dist', 'cli', 'main.js'), 'process.stdout.write(`ran on ${process.version}\\n`);\n');

    const old = await run(SYSTEM_NODE, [join(root, 'bin', 'kubelite'), 'version']);
    assert.equal(old.code, 1);
    assert.equal(old.stdout, '');
    assert.equal(old.stderr, `kubelite: needs Node.js ${pkg.engines.node} (this is v${systemVersion}); run 'npm ci' in ${root}, which installs it into node_modules\n`);

    const current = await run(process.execPath, [join(root, 'bin', 'kubelite'), 'version']);
    assert.equal(current.code, 0, current.stderr);
    assert.equal(current.stdout, `ran on ${process.version}\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
