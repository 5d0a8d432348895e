// systemd installation of a host's components: one unit per component
// (deploy/systemd/kubelite-<component>.service) whose ExecStart reads its
// arguments from /etc/kubelite/kubelite.env. Rendering is pure (unit tested);
// installing shells out to systemctl.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ComponentName } from '../up/components.js';
import type { HostComponent } from './host-config.js';

const execFileP = promisify(execFile);

export const UNIT_SOURCE_DIR = fileURLToPath(new URL('../../../deploy/systemd/', import.meta.url));
export const UNIT_DIR = '/etc/systemd/system';
export const ENV_FILE = '/etc/kubelite/kubelite.env';
export const KUBELITE_BIN = '/usr/local/bin/kubelite';

export function unitName(c: ComponentName): string {
  return `kubelite-${c}.service`;
}

export function unitNames(cs: ComponentName[]): string[] {
  return cs.map(unitName);
}

/** `controller-manager` → `CONTROLLER_MANAGER_ARGS`, the variable its unit expands. */
export function envVarName(c: ComponentName): string {
  return `${c.toUpperCase().replace(/-/g, '_')}_ARGS`;
}

/**
 * One component's arguments as a value systemd splits back into the same words
 * (`$VAR` in ExecStart splits on whitespace): an empty value becomes `--flag=`,
 * and whitespace or quotes inside an argument are refused.
 */
export function envArgs(args: string[]): string {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--') && !a.includes('=') && args[i + 1] === '') {
      words.push(`${a}=`);
      i++;
      continue;
    }
    if (a === '' || /[\s"'\\$%]/.test(a)) throw new Error(`argument "${a}" cannot go into ${ENV_FILE} (whitespace, quotes, $, % or empty)`);
    words.push(a);
  }
  return words.join(' ');
}

/** The whole environment file; the first word of each component's args (its name) is left out: the unit names it. */
export function renderEnvFile(components: HostComponent[], header: string): string {
  const lines = [`# ${header}`, '# Written by kubelite init/join; one variable per component unit (kubelite-<component>.service).'];
  for (const c of components) lines.push(`${envVarName(c.name)}="${envArgs(c.args.slice(1))}"`);
  return lines.join('\n') + '\n';
}

/** Why systemd cannot be used here, or undefined when it can. */
export function systemdUnusableReason(facts: { runSystemd: boolean; haveSystemctl: boolean; haveBinary: boolean; isRoot: boolean }): string | undefined {
  if (!facts.runSystemd || !facts.haveSystemctl) return 'systemd is not running on this machine (no /run/systemd/system): use --no-systemd';
  if (!facts.isRoot) return 'installing systemd units needs root: run as root, or use --no-systemd';
  if (!facts.haveBinary) return `${KUBELITE_BIN} is missing (the units run it): install kubelite with deploy/install.sh, or use --no-systemd`;
  return undefined;
}

export function systemdFacts(): { runSystemd: boolean; haveSystemctl: boolean; haveBinary: boolean; isRoot: boolean } {
  return {
    runSystemd: existsSync('/run/systemd/system'),
    haveSystemctl: ['/usr/bin/systemctl', '/bin/systemctl'].some((p) => existsSync(p)),
    haveBinary: existsSync(KUBELITE_BIN),
    isRoot: process.getuid?.() === 0,
  };
}

export async function systemctl(args: string[]): Promise<string> {
  try {
    return (await execFileP('systemctl', args, { timeout: 120_000 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`systemctl ${args.join(' ')}: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Writes the env file and the units, reloads systemd and enables + starts the units. */
export async function installUnits(components: HostComponent[], header: string): Promise<string[]> {
  await mkdir(join(ENV_FILE, '..'), { recursive: true, mode: 0o755 });
  await writeFile(`${ENV_FILE}.tmp`, renderEnvFile(components, header), { mode: 0o600 });
  await rename(`${ENV_FILE}.tmp`, ENV_FILE);
  const units = unitNames(components.map((c) => c.name));
  for (const u of units) await copyFile(join(UNIT_SOURCE_DIR, u), join(UNIT_DIR, u));
  await systemctl(['daemon-reload']);
  await systemctl(['enable', '--now', ...units]);
  return units;
}

/** Stops, disables and removes every kubelite unit and the env file; returns the units removed. */
export async function removeUnits(): Promise<string[]> {
  const all: ComponentName[] = ['kubelet', 'proxy', 'dns', 'scheduler', 'controller-manager', 'apiserver'];
  const present = unitNames(all).filter((u) => existsSync(join(UNIT_DIR, u)));
  if (present.length) {
    await systemctl(['disable', '--now', ...present]).catch(() => undefined);
    for (const u of present) await rm(join(UNIT_DIR, u), { force: true });
    await systemctl(['daemon-reload']).catch(() => undefined);
  }
  await rm(ENV_FILE, { force: true });
  return present;
}
