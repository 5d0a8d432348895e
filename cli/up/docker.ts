// Makes sure a Docker engine answers before the kubelet needs it: when it does not,
// runs the project's scripts/ensure-docker.sh (installs Debian's docker.io when
// missing, starts dockerd) and otherwise says plainly what the user has to do.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';

export const ENSURE_DOCKER_SCRIPT = fileURLToPath(new URL('../../../scripts/ensure-docker.sh', import.meta.url));

export async function dockerVersion(socketPath = '/var/run/docker.sock'): Promise<string | undefined> {
  if (!existsSync(socketPath)) return undefined;
  const docker = new Dockerode({ socketPath, timeout: 5000 });
  try {
    return (await docker.version()).Version;
  } catch {
    return undefined;
  }
}

function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((d) => d && existsSync(`${d}/${cmd}`));
}

/** What to tell someone whose machine we cannot set up ourselves; undefined when the script can. */
export function cannotEnsureReason(facts: { haveDockerd: boolean; haveAptGet: boolean; isRoot: boolean; haveScript: boolean }): string | undefined {
  if (!facts.haveScript) return 'the Docker engine is not running: start it (e.g. `dockerd --userland-proxy=false &`) and run kubelite up again';
  if (!facts.haveDockerd && !facts.haveAptGet) {
    return 'the Docker engine is not installed and this is not a Debian/Ubuntu machine (no apt-get): '
      + 'install Docker Engine (https://docs.docker.com/engine/install/), start it, and run kubelite up again';
  }
  if (!facts.isRoot) {
    return facts.haveDockerd
      ? 'the Docker engine is not running and starting it needs root: run `sudo dockerd --userland-proxy=false &` (or `sudo kubelite up`)'
      : 'the Docker engine is not installed; installing it needs root: run `sudo apt-get install docker.io` (or `sudo kubelite up`)';
  }
  return undefined;
}

/** Returns the engine version; throws with a message for the user when there is no engine. */
export async function ensureDocker(log: (line: string) => void): Promise<string> {
  const v = await dockerVersion();
  if (v) return v;
  const reason = cannotEnsureReason({
    haveDockerd: hasCommand('dockerd'), haveAptGet: hasCommand('apt-get'),
    isRoot: process.getuid?.() === 0, haveScript: existsSync(ENSURE_DOCKER_SCRIPT),
  });
  if (reason) throw new Error(reason);
  log(hasCommand('dockerd') ? 'starting the Docker engine' : 'installing the Docker engine (apt-get install docker.io)');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [ENSURE_DOCKER_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  const after = await dockerVersion();
  if (after) return after;
  throw new Error(`the Docker engine could not be started (scripts/ensure-docker.sh exited ${code}); see the messages above and /var/log/kubelite-dockerd.log`);
}
