// Commands the kubelet runs on the host (ip, iptables, iptables-restore) and the
// idempotent iptables jump handling shared by the pod-network controllers.
import { spawn } from 'node:child_process';
import { jumpPlacement, jumpsInto, printedRule, splitRuleArgs } from './pod-network-rules.js';

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export async function mustRun(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
  return r.stdout;
}

/** `iptables -S` lines of one chain; empty when the chain does not exist. */
export async function chainRules(table: string, chain: string): Promise<{ exists: boolean; lines: string[] }> {
  const r = await run('iptables', ['-w', '5', '-t', table, '-S', chain]);
  return { exists: r.code === 0, lines: r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [] };
}

/**
 * Puts exactly one jump `args` into `hook`; with `first`, ahead of every
 * non-kubelite rule there. Returns whether it changed anything.
 */
export async function ensureJump(table: string, hook: string, args: string[], first = true): Promise<boolean> {
  const { lines } = await chainRules(table, hook);
  const placement = jumpPlacement(lines, hook, printedRule(args));
  if (first ? placement.wellPlaced : placement.present === 1) return false;
  for (let i = 0; i < placement.present; i++) await mustRun('iptables', ['-w', '5', '-t', table, '-D', hook, ...args]);
  await mustRun('iptables', ['-w', '5', '-t', table, '-I', hook, '1', ...args]);
  return true;
}

export async function removeJumps(table: string, hook: string, chain: string): Promise<number> {
  const { lines } = await chainRules(table, hook);
  let removed = 0;
  for (const j of jumpsInto(lines, chain)) {
    // By spec, not by rule number: other writers may shift the numbers meanwhile.
    const r = await run('iptables', ['-w', '5', '-t', table, '-D', hook, ...splitRuleArgs(j.spec)]);
    if (r.code === 0) removed++;
  }
  return removed;
}

