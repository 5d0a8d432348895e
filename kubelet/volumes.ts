// Pod volumes on the node: directories under <root>/pods/<uid>/volumes that the
// containers bind-mount. emptyDir (tmpfs for medium Memory), hostPath with its
// type checks, configMap/secret/downwardAPI/projected files, and PVCs bound to
// hostPath or local PVs.
import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import type { Container, HostPathType, Pod, Volume } from '../api/types/index.js';
import { memoryToBytes } from '../api/quantity.js';
import type { ObjectGetter } from './api-objects.js';
import { configMapData, projectDownwardAPI, projectKeys, safePath, secretData, ProjectionError, type ProjectedFile } from './projection.js';
import type { Mount } from './runtime/create-options.js';

const run = promisify(execFile);

export class VolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeError';
  }
}

export interface PreparedVolume {
  hostPath: string;
  readOnly: boolean;
}

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

export interface VolumeContext {
  rootDir: string;
  objects: ObjectGetter;
  podIP?: string;
  hostIP?: string;
}

/** Makes every volume of the pod exist on disk; idempotent, and refreshes projected files. */
export async function setupVolumes(pod: Pod, ctx: VolumeContext): Promise<Map<string, PreparedVolume>> {
  const uid = pod.metadata.uid ?? '';
  const base = join(podDir(ctx.rootDir, uid), 'volumes');
  const out = new Map<string, PreparedVolume>();
  for (const v of pod.spec.volumes ?? []) {
    try {
      out.set(v.name, await setupOne(pod, v, base, ctx));
    } catch (e) {
      if (e instanceof VolumeError) throw e;
      const msg = e instanceof ProjectionError ? e.message : (e as Error).message;
      throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
    }
  }
  return out;
}

async function setupOne(pod: Pod, v: Volume, base: string, ctx: VolumeContext): Promise<PreparedVolume> {
  const ns = pod.metadata.namespace ?? 'default';
  if (v.emptyDir) {
    const dir = join(base, 'empty-dir', v.name);
    await mkdir(dir, { recursive: true });
    if (v.emptyDir.medium === 'Memory' && !(await isMountPoint(dir))) {
      const size = v.emptyDir.sizeLimit ? `,size=${memoryToBytes(v.emptyDir.sizeLimit)}` : '';
      await run('mount', ['-t', 'tmpfs', '-o', `mode=0777${size}`, 'tmpfs', dir]);
    }
    // World-writable like Kubernetes' emptyDir, so non-root containers can use it.
    await chmod(dir, 0o777);
    return { hostPath: dir, readOnly: false };
  }
  if (v.hostPath) {
    await checkHostPath(v.hostPath.path, v.hostPath.type ?? '');
    return { hostPath: v.hostPath.path, readOnly: false };
  }
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const files = projectKeys(`configmap "${name}"`, configMapData(await ctx.objects.configMap(ns, name)), v.configMap.items, v.configMap.defaultMode, v.configMap.optional);
    return { hostPath: await writeProjection(join(base, 'configmap', v.name), files), readOnly: true };
  }
  if (v.secret) {
    const name = v.secret.secretName ?? '';
    const files = projectKeys(`secret "${name}"`, secretData(await ctx.objects.secret(ns, name)), v.secret.items, v.secret.defaultMode, v.secret.optional);
    return { hostPath: await writeProjection(join(base, 'secret', v.name), files), readOnly: true };
  }
  if (v.downwardAPI) {
    const files = projectDownwardAPI(pod, v.downwardAPI.items, v.downwardAPI.defaultMode, ctx);
    return { hostPath: await writeProjection(join(base, 'downward-api', v.name), files), readOnly: true };
  }
  if (v.projected) {
    const files: ProjectedFile[] = [];
    const mode = v.projected.defaultMode;
    for (const s of v.projected.sources ?? []) {
      if (s.configMap) {
        const name = s.configMap.name ?? '';
        files.push(...projectKeys(`configmap "${name}"`, configMapData(await ctx.objects.configMap(ns, name)), s.configMap.items, mode, s.configMap.optional));
      } else if (s.secret) {
        const name = s.secret.name ?? '';
        files.push(...projectKeys(`secret "${name}"`, secretData(await ctx.objects.secret(ns, name)), s.secret.items, mode, s.secret.optional));
      } else if (s.downwardAPI) {
        files.push(...projectDownwardAPI(pod, s.downwardAPI.items, mode, ctx));
      } else if (s.serviceAccountToken) {
        const sa = pod.spec.serviceAccountName ?? 'default';
        let token: string;
        try {
          token = await ctx.objects.serviceAccountToken(ns, sa, s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds);
        } catch (e) {
          // as in Kubernetes, the pod waits (FailedMount, retried with backoff) rather than start with no token
          throw new Error(`failed to fetch token: ${(e as Error).message}`);
        }
        files.push({ path: safePath(s.serviceAccountToken.path), content: Buffer.from(token), mode: mode ?? 0o644 });
      }
    }
    return { hostPath: await writeProjection(join(base, 'projected', v.name), files), readOnly: true };
  }
  if (v.persistentVolumeClaim) {
    const claimName = v.persistentVolumeClaim.claimName;
    const pvc = await ctx.objects.pvc(ns, claimName);
    if (!pvc) throw new VolumeError(`persistentvolumeclaim "${claimName}" not found`);
    const pvName = pvc.spec.volumeName;
    if (!pvName || (pvc.status?.phase && pvc.status.phase !== 'Bound')) {
      throw new VolumeError(`persistentvolumeclaim "${claimName}" is not bound`);
    }
    const pv = await ctx.objects.pv(pvName);
    if (!pv) throw new VolumeError(`persistentvolume "${pvName}" not found`);
    const path = pv.spec.hostPath?.path ?? pv.spec.local?.path;
    if (!path) throw new VolumeError(`persistentvolume "${pvName}" is not a hostPath or local volume; kubelite cannot mount it`);
    if (pv.spec.hostPath) await checkHostPath(path, pv.spec.hostPath.type || 'DirectoryOrCreate');
    return { hostPath: path, readOnly: !!v.persistentVolumeClaim.readOnly };
  }
  throw new VolumeError(`volume "${v.name}": unsupported volume type`);
}

/** hostPath `type` semantics: create what *OrCreate asks for, check the rest. */
export async function checkHostPath(path: string, type: HostPathType): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!st) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644, flag: 'a' });
      } else if (!st.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!st?.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new VolumeError(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new VolumeError(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new VolumeError(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      return;
  }
}

/** Writes the files (each atomically by rename) and removes ones no longer projected. */
async function writeProjection(dir: string, files: ProjectedFile[]): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const wanted = new Set<string>();
  for (const f of files) {
    const target = join(dir, f.path);
    wanted.add(f.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const current = await readFile(target).catch(() => undefined);
    const st = current ? await stat(target) : undefined;
    if (current && current.equals(f.content) && st && (st.mode & 0o7777) === f.mode) continue;
    const tmp = `${target}.kubelite-tmp`;
    await writeFile(tmp, f.content, { mode: f.mode });
    await chmod(tmp, f.mode);
    await rename(tmp, target);
  }
  for (const rel of await listFiles(dir)) if (!wanted.has(rel)) await rm(join(dir, rel), { force: true });
  return dir;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function isMountPoint(dir: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return mounts.split('\n').some((l) => l.split(' ')[1] === dir);
}

/** The container's volume mounts as Docker bind mounts; creates subPath directories. */
export async function containerMounts(c: Container, volumes: Map<string, PreparedVolume>, env: Map<string, string>): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const vol = volumes.get(vm.name);
    if (!vol) throw new VolumeError(`volume "${vm.name}" of container "${c.name}" is not defined in the pod`);
    let source = vol.hostPath;
    const sub = vm.subPathExpr ? vm.subPathExpr.replace(/\$\(([^)]+)\)/g, (_, n: string) => env.get(n) ?? '') : vm.subPath;
    if (sub) {
      const clean = posix.normalize(sub);
      if (clean.startsWith('/') || clean.split('/').includes('..')) throw new VolumeError(`invalid subPath "${sub}"`);
      source = join(vol.hostPath, clean);
      const exists = await lstat(source).catch(() => undefined);
      if (!exists) await mkdir(source, { recursive: true, mode: 0o755 });
    }
    const m: Mount = { Type: 'bind', Source: source, Target: vm.mountPath, ReadOnly: !!vm.readOnly || vol.readOnly };
    if (vm.mountPropagation === 'HostToContainer') m.BindOptions = { Propagation: 'rslave' };
    else if (vm.mountPropagation === 'Bidirectional') m.BindOptions = { Propagation: 'rshared' };
    mounts.push(m);
  }
  return mounts;
}

/** Unmounts tmpfs volumes and removes the pod directory. */
export async function teardownPodDir(rootDir: string, uid: string): Promise<void> {
  const dir = podDir(rootDir, uid);
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const inside = mounts.split('\n').map((l) => l.split(' ')[1]).filter((p): p is string => !!p && p.startsWith(dir + '/'));
  for (const p of inside.sort().reverse()) await run('umount', ['-l', p]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
