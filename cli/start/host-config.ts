// <data-dir>/host.json: what this host runs, written by `kubelite init` / `kubelite
// join` and read by `kubelite start` (which supervises the components),
// `kubelite reset` (which needs the names to clean up) and the systemd env file.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentName } from '../up/components.js';
import type { ClusterConfig } from '../up/config.js';

export interface HostComponent {
  name: ComponentName;
  /** arguments after `kubelite` */
  args: string[];
}

export interface HostConfig {
  version: 1;
  role: 'control-plane' | 'worker';
  clusterName: string;
  dataDir: string;
  nodeName: string;
  nodeIP: string;
  /** https://IP:PORT of the cluster's apiserver */
  server: string;
  /** set on the control plane: the others start once https://127.0.0.1:<port>/readyz answers */
  apiserverPort?: number;
  dockerHost: string;
  /** the settings this host's components run with (cli/up's shape: reset purges with cli/up's purge) */
  cluster: ClusterConfig;
  /** in start order */
  components: HostComponent[];
  /** true when init/join installed systemd units (reset removes them) */
  systemd: boolean;
}

export const HOST_FILE = 'host.json';

export async function writeHostConfig(h: HostConfig): Promise<void> {
  const path = join(h.dataDir, HOST_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(h, null, 2) + '\n', { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function readHostConfig(dataDir: string): Promise<HostConfig | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, HOST_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const h = JSON.parse(text) as HostConfig;
  if (h.version !== 1 || !Array.isArray(h.components)) throw new Error(`${join(dataDir, HOST_FILE)}: not a kubelite host.json (version ${String(h.version)})`);
  return h;
}

/** Where component logs go under the data dir. */
export function logFile(dataDir: string, name: string): string {
  return join(dataDir, 'logs', `${name}.log`);
}
