// Images for containers: honours imagePullPolicy, pulls through Docker, and builds
// the two images kubelite ships without a registry (pause and busybox) when they
// are missing. Concurrent requests for one image share a single pull or build.
import type Dockerode from 'dockerode';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile, copyFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { PullPolicy } from '../api/types/index.js';
import { defaultPullPolicy } from '../api/defaults.js';
import { statusCode } from './runtime/docker.js';

export const PAUSE_IMAGE = 'kubelite.local/pause:3.9';
export const BUSYBOX_IMAGE = 'kubelite.local/busybox:latest';
/** Images under this prefix are built locally, never pulled. */
export const LOCAL_PREFIX = 'kubelite.local/';

export class ImageError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName',
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

export type ImageEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** `busybox` → `busybox:latest`; references with a tag or digest stay as they are. */
export function normalizeImage(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

export function isValidImageRef(ref: string): boolean {
  return /^[a-z0-9][a-z0-9._\-/:@]*$/i.test(ref) && !/\s/.test(ref);
}

/** How long an image lookup is trusted: a pod start should not pay for an inspect it did a moment ago. */
const ID_CACHE_MS = 10_000;

export class ImageManager {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly ids = new Map<string, { id: string; at: number }>();

  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
  ) {}

  /** Makes the image available and returns its ID; throws ImageError when it can't. */
  async ensure(ref: string, policy: PullPolicy | undefined, event: ImageEvent = () => {}): Promise<string> {
    if (!ref || !isValidImageRef(ref)) throw new ImageError('InvalidImageName', `Failed to apply default image tag "${ref}": couldn't parse image name`);
    const image = normalizeImage(ref);
    let effective = policy ?? defaultPullPolicy(ref);
    // Local images have no registry to pull from: treat Always as IfNotPresent.
    if (image.startsWith(LOCAL_PREFIX) && effective === 'Always') effective = 'IfNotPresent';
    if (effective !== 'Always') {
      const id = await this.localId(image);
      if (id) {
        event('Normal', 'Pulled', `Container image "${ref}" already present on machine`);
        return id;
      }
      if (effective === 'Never') {
        throw new ImageError('ErrImageNeverPull', `Container image "${ref}" is not present with pull policy of Never`);
      }
    }
    return this.once(image, () => this.fetch(ref, image, event));
  }

  /** The pause image, built on first use. */
  ensurePause(): Promise<string> {
    return this.ensure(PAUSE_IMAGE, 'IfNotPresent');
  }

  private async fetch(ref: string, image: string, event: ImageEvent): Promise<string> {
    if (image.startsWith(LOCAL_PREFIX)) {
      const builder = BUILDERS[image];
      if (!builder) throw new ImageError('ErrImagePull', `image "${ref}" is not present and ${LOCAL_PREFIX} images cannot be pulled`);
      const t0 = Date.now();
      this.log.info({ image }, 'building local image');
      try {
        await builder(this.docker);
      } catch (e) {
        throw new ImageError('ErrImagePull', `building ${image}: ${(e as Error).message}`);
      }
      event('Normal', 'Pulled', `Successfully built image "${ref}" in ${Date.now() - t0}ms`);
    } else {
      event('Normal', 'Pulling', `Pulling image "${ref}"`);
      const t0 = Date.now();
      try {
        await this.pull(image);
      } catch (e) {
        const msg = `Failed to pull image "${ref}": ${(e as Error).message}`;
        event('Warning', 'Failed', msg);
        throw new ImageError('ErrImagePull', msg);
      }
      event('Normal', 'Pulled', `Successfully pulled image "${ref}" in ${Date.now() - t0}ms`);
    }
    const id = await this.localId(image);
    if (!id) throw new ImageError('ErrImagePull', `image "${ref}" is still missing after pull`);
    return id;
  }

  private once(key: string, f: () => Promise<string>): Promise<string> {
    const running = this.inflight.get(key);
    if (running) return running;
    const p = f().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Drops the cached lookup (the image was removed behind our back). */
  forget(ref: string): void {
    this.ids.delete(normalizeImage(ref));
  }

  private async localId(image: string): Promise<string | undefined> {
    const hit = this.ids.get(image);
    if (hit && Date.now() - hit.at < ID_CACHE_MS) return hit.id;
    try {
      const info = await this.docker.getImage(image).inspect();
      this.ids.set(image, { id: info.Id, at: Date.now() });
      return info.Id;
    } catch (e) {
      this.ids.delete(image);
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  private async pull(image: string): Promise<void> {
    const stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
        if (err) return reject(err);
        const failed = (output ?? []).find((o) => o.error);
        if (failed) return reject(new Error(failed.error));
        resolve();
      });
    });
  }
}

// ---- offline image builds (the same recipe as scripts/build-images.sh) ----

const PAUSE_C = `/* The pod sandbox: holds the namespaces, reaps orphans, exits on INT/TERM. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction stop = {0}, child = {0};
  stop.sa_handler = on_stop;
  sigaction(SIGINT, &stop, NULL);
  sigaction(SIGTERM, &stop, NULL);
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &child, NULL);
  for (;;) pause();
  return 0;
}
`;

const BUILDERS: Record<string, (docker: Dockerode) => Promise<void>> = {
  [PAUSE_IMAGE]: buildPause,
  [BUSYBOX_IMAGE]: buildBusybox,
};

async function buildPause(docker: Dockerode): Promise<void> {
  await withTempDir(async (dir) => {
    const root = join(dir, 'root');
    await mkdir(root);
    await writeFile(join(dir, 'pause.c'), PAUSE_C);
    await run('gcc', ['-Os', '-static', '-s', '-o', join(root, 'pause'), join(dir, 'pause.c')]);
    await importDir(docker, root, PAUSE_IMAGE, ['ENTRYPOINT ["/pause"]']);
  });
}

async function buildBusybox(docker: Dockerode): Promise<void> {
  const bb = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
  if (!bb) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  await withTempDir(async (dir) => {
    const root = join(dir, 'root');
    for (const d of ['bin', 'tmp', 'etc', 'www', 'root']) await mkdir(join(root, d), { recursive: true });
    await copyFile(bb, join(root, 'bin', 'busybox'));
    await chmod(join(root, 'bin', 'busybox'), 0o755);
    const applets = (await run(bb, ['--list'])).split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox');
    for (const a of applets) await symlink('busybox', join(root, 'bin', a)).catch(() => undefined);
    await symlink('bin', join(root, 'sbin'));
    await mkdir(join(root, 'usr'));
    await symlink('../bin', join(root, 'usr', 'bin'));
    await chmod(join(root, 'tmp'), 0o1777);
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    await importDir(docker, root, BUSYBOX_IMAGE, ['ENV PATH=/bin', 'CMD ["sh"]']);
  });
}

async function importDir(docker: Dockerode, dir: string, image: string, changes: string[]): Promise<void> {
  const colon = image.lastIndexOf(':');
  const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (d) => (stderr += d));
  const tarDone = new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}: ${stderr}`))));
  });
  const stream = (await docker.importImage(tar.stdout as unknown as string, {
    repo: image.slice(0, colon),
    tag: image.slice(colon + 1),
    changes,
  } as Record<string, unknown>)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
      if (err) return reject(err);
      const failed = (output ?? []).find((o) => o.error);
      return failed ? reject(new Error(failed.error)) : resolve();
    });
  });
  await tarDone;
}

async function withTempDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-image-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.trim()}`))));
  });
}
