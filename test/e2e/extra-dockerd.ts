// Extra "hosts" on this one machine for end-to-end tests (ENVIRONMENT.md, "Several
// nodes on one machine", recipe 2): a host bridge the test owns, network namespaces
// wired to it by veth pairs, and a dockerd per namespace with its own data root,
// exec root and socket. Everything is removed by the returned cleanup/stop
// functions, which tolerate partial setups so they can run from `finally`.
import Dockerode from 'dockerode';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeDir, sleep, tempDir, waitFor } from './harness.js';

const execFileP = promisify(execFile);

async function sh(cmd: string, args: string[]): Promise<string> {
  try {
    return (await execFileP(cmd, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

const quiet = (p: Promise<unknown>): Promise<void> => p.then(() => undefined, () => undefined);

/** Interface names are limited to 15 characters: derive short ones from the id. */
function shortTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8);
}

// ---------------------------------------------------------------- host bridge

export interface HostBridge {
  /** Linux bridge name on the host */
  name: string;
  /** e.g. 10.250.37.0/24 */
  subnet: string;
  /** host address on the bridge, e.g. 10.250.37.1 */
  gateway: string;
  /** nth address of the subnet (1 = gateway) */
  address(n: number): string;
  cleanup(): Promise<void>;
}

/** A /24 in 10.250.0.0/16 that no route on the host covers yet. */
export async function freeTestSubnet(): Promise<string> {
  const routes = await sh('ip', ['-4', 'route', 'show', 'table', 'all']);
  for (let i = 0; i < 100; i++) {
    const third = 10 + Math.floor(Math.random() * 240);
    if (!routes.includes(`10.250.${third}.`)) return `10.250.${third}.0/24`;
  }
  throw new Error('no free 10.250.x.0/24 subnet');
}

/**
 * Creates a host bridge holding `.1` of `subnet` (a free 10.250.x.0/24 when
 * omitted). Bridged traffic between its ports is accepted in DOCKER-USER, since
 * Docker sets the FORWARD policy to DROP and br_netfilter may be loaded.
 */
export async function createHostBridge(opts: { id: string; subnet?: string }): Promise<HostBridge> {
  const subnet = opts.subnet ?? (await freeTestSubnet());
  const base = subnet.split('/')[0]!.split('.').slice(0, 3).join('.');
  const name = `klb${shortTag(opts.id)}`;
  const address = (n: number): string => `${base}.${n}`;
  const gateway = address(1);
  const acceptRule = ['DOCKER-USER', '-i', name, '-o', name, '-j', 'ACCEPT'];
  const bridge: HostBridge = {
    name, subnet, gateway, address,
    async cleanup() {
      while (await execFileP('iptables', ['-w', '-C', ...acceptRule]).then(() => true, () => false)) {
        await quiet(sh('iptables', ['-w', '-D', ...acceptRule]));
      }
      await quiet(sh('ip', ['link', 'del', name]));
    },
  };
  try {
    await sh('ip', ['link', 'add', name, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `${gateway}/24`, 'dev', name]);
    await sh('ip', ['link', 'set', name, 'up']);
    await quiet(sh('iptables', ['-w', '-N', 'DOCKER-USER']));
    await sh('iptables', ['-w', '-I', ...acceptRule]);
  } catch (e) {
    await bridge.cleanup();
    throw e;
  }
  return bridge;
}

// ---------------------------------------------------------------- network namespace

export interface Netns {
  /** `ip netns` name; its file is /run/netns/<name> */
  name: string;
  path: string;
  /** the namespace's address on the host bridge */
  address: string;
  /** the host bridge address, the namespace's default route */
  gateway: string;
  hostVeth: string;
  nsVeth: string;
  /** runs a command inside the namespace (nsenter, so cgroup mounts stay visible) */
  exec(cmd: string, args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * `ip netns add`, a veth pair with one end on `bridge` and the other in the
 * namespace holding `address`/24, loopback up, default route via the bridge.
 * `address` defaults to `.2` of the bridge subnet.
 */
export async function createNetns(opts: { id: string; bridge: HostBridge; address?: string }): Promise<Netns> {
  const tag = shortTag(opts.id);
  const name = `kl-${tag}`;
  const hostVeth = `klh${tag}`;
  const nsVeth = `kln${tag}`;
  const address = opts.address ?? opts.bridge.address(2);
  const path = `/run/netns/${name}`;
  const ns: Netns = {
    name, path, address, gateway: opts.bridge.gateway, hostVeth, nsVeth,
    exec: (cmd, args) => sh('nsenter', [`--net=${path}`, cmd, ...args]),
    async cleanup() {
      await quiet(sh('ip', ['link', 'del', hostVeth]));
      await quiet(sh('ip', ['netns', 'del', name]));
    },
  };
  try {
    await sh('ip', ['netns', 'add', name]);
    await sh('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth]);
    await sh('ip', ['link', 'set', hostVeth, 'master', opts.bridge.name, 'up']);
    await sh('ip', ['link', 'set', nsVeth, 'netns', name]);
    await sh('ip', ['-n', name, 'addr', 'add', `${address}/24`, 'dev', nsVeth]);
    await sh('ip', ['-n', name, 'link', 'set', nsVeth, 'up']);
    await sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    await sh('ip', ['-n', name, 'route', 'add', 'default', 'via', opts.bridge.gateway]);
  } catch (e) {
    await ns.cleanup();
    throw e;
  }
  return ns;
}

// ---------------------------------------------------------------- dockerd

export interface ExtraDockerd {
  id: string;
  /** path of the unix socket */
  socket: string;
  /** `unix://<socket>`, for `docker -H` and kubelet `--docker-host` */
  host: string;
  /** temp dir holding data-root, exec-root, pidfile and dockerd.log */
  dir: string;
  logFile: string;
  pid: number;
  docker: Dockerode;
  /** removes its containers, stops dockerd, unmounts and deletes its dirs and cgroups */
  stop(): Promise<void>;
}

/**
 * Starts a dockerd of its own inside `netns`, or inside a bare private network
 * namespace when none is given, and waits until it answers. Never in the host's
 * namespace: a second dockerd there takes over the system daemon's docker0 and
 * iptables chains, and with `--bridge=none` it deletes docker0 on start.
 * `bip` is the default bridge's gateway/prefix, e.g. `10.244.7.1/24`.
 */
export async function startDockerd(opts: { id: string; netns?: string; bip?: string; extraArgs?: string[]; timeoutMs?: number }): Promise<ExtraDockerd> {
  const privateNetns = opts.netns ? undefined : `kld-${shortTag(opts.id)}`;
  if (privateNetns) {
    await sh('ip', ['netns', 'add', privateNetns]);
    await sh('ip', ['-n', privateNetns, 'link', 'set', 'lo', 'up']);
  }
  const netns = opts.netns ?? privateNetns!;
  const dir = await tempDir(`dockerd-${shortTag(opts.id)}`);
  const socket = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const cgroupParent = `kl-dockerd-${shortTag(opts.id)}`;
  const args = [
    'dockerd', '-H', `unix://${socket}`, '--data-root', join(dir, 'lib'), '--exec-root', join(dir, 'run'),
    '--pidfile', join(dir, 'docker.pid'), '--cgroup-parent', `/${cgroupParent}`, '--userland-proxy=false',
    ...(opts.bip ? ['--bip', opts.bip] : []),
    ...(opts.extraArgs ?? []),
  ];
  const fd = openSync(logFile, 'a');
  // nsenter without --fork execs dockerd, so the child pid is dockerd's.
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  child.on('error', () => undefined);
  const docker = new Dockerode({ socketPath: socket });
  let stopped = false;
  const d: ExtraDockerd = {
    id: opts.id, socket, host: `unix://${socket}`, dir, logFile, pid: child.pid ?? 0, docker,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const list = await docker.listContainers({ all: true }).catch(() => []);
        for (let i = 0; i < list.length; i += 4) {
          await Promise.all(list.slice(i, i + 4).map((c) => quiet(docker.getContainer(c.Id).remove({ force: true, v: true }))));
        }
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      // containerd and shims are dockerd's children; give them a moment to go.
      await waitFor(`dockerd ${opts.id} processes gone`, async () => !(await processesUsing(dir)).length, 10_000, 200).catch(async () => {
        for (const pid of await processesUsing(dir)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await sleep(500);
      });
      await unmountUnder(dir);
      await removeDir(dir).catch(async () => {
        await sleep(500);
        await unmountUnder(dir);
        await removeDir(dir);
      });
      await removeCgroups(cgroupParent);
      if (privateNetns) await quiet(sh('ip', ['netns', 'del', privateNetns]));
    },
  };
  try {
    await waitFor(`dockerd ${opts.id} answering on ${socket}`, async () => {
      if (child.exitCode !== null) throw new Error(`dockerd exited: ${await readFile(logFile, 'utf8').catch(() => '')}`);
      if (!existsSync(socket)) return false;
      return docker.ping().then(() => true, () => false);
    }, opts.timeoutMs ?? 30_000, 100);
  } catch (e) {
    await d.stop().catch(() => undefined);
    throw e;
  }
  return d;
}

/** `docker save <images> | docker -H <host> load`. */
export async function loadImages(target: ExtraDockerd, images: string[]): Promise<void> {
  const tarDir = await tempDir('images');
  try {
    const tar = join(tarDir, 'images.tar');
    await sh('docker', ['save', '-o', tar, ...images]);
    await sh('docker', ['-H', target.host, 'load', '-i', tar]);
  } finally {
    await removeDir(tarDir);
  }
}

async function processesUsing(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(p)) continue;
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(dir)) out.push(Number(p));
  }
  return out;
}

async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/self/mounts', 'utf8').catch(() => ''))
    .split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await quiet(sh('umount', ['-l', m]));
}

/** cgroup v1 leaves the --cgroup-parent directories behind; remove them bottom-up. */
async function removeCgroups(parent: string): Promise<void> {
  const roots = await readdir('/sys/fs/cgroup').catch(() => [] as string[]);
  for (const r of roots) {
    const top = join('/sys/fs/cgroup', r, parent);
    if (existsSync(top)) await rmdirTree(top);
  }
  const unified = join('/sys/fs/cgroup', parent);
  if (existsSync(unified)) await rmdirTree(unified);
}

async function rmdirTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(dir, e.name));
  await quiet(rmdir(dir));
}
