// `kubelite cordon|uncordon|drain NODE`: toggle spec.unschedulable; drain then
// deletes the node's pods (the apiserver offers no eviction, so kubectl deletes too).
import type { Command } from 'commander';
import type { KubeObject } from '../../api/meta.js';
import type { Node, Pod } from '../../api/types/index.js';
import { newVerb, parseDuration, verbAction, out, err, type CliContext } from './context.js';
import { CliError } from './errors.js';
import { listObjects } from './fetch.js';
import { intFlag } from './flags.js';
import { resolveType } from './resources.js';
import { waitGone } from './delete.js';

async function nodesFor(ctx: CliContext, args: string[], selector?: string): Promise<string[]> {
  const nodes = resolveType('nodes');
  const names = args.map((a) => (a.startsWith('node/') || a.startsWith('nodes/') ? a.slice(a.indexOf('/') + 1) : a));
  if (selector) names.push(...(await listObjects(ctx.client, nodes, undefined, { labelSelector: selector })).items.map((n) => n.metadata.name ?? ''));
  if (names.length === 0) throw new CliError('resource(s) were provided, but no name was specified');
  return names;
}

/** Sets spec.unschedulable; returns false when it already had that value. */
async function setUnschedulable(ctx: CliContext, name: string, value: boolean): Promise<boolean> {
  const nodes = resolveType('nodes');
  const node = (await ctx.client.get(nodes, undefined, name)) as Node;
  if (!!node.spec?.unschedulable === value) return false;
  await ctx.client.patch(nodes, undefined, name, { spec: { unschedulable: value ? true : null } }, 'strategic');
  return true;
}

export interface DrainFilters {
  force: boolean;
  ignoreDaemonsets: boolean;
  deleteEmptydirData: boolean;
}

export interface DrainPlan {
  remove: Pod[];
  warnings: string[];
  errors: string[];
}

/** kubectl drain's pod filters: what to delete, what to skip, what blocks the drain. */
export function planDrain(pods: Pod[], f: DrainFilters): DrainPlan {
  const plan: DrainPlan = { remove: [], warnings: [], errors: [] };
  const ds: string[] = [];
  const unmanaged: string[] = [];
  const local: string[] = [];
  const blockedDs: string[] = [];
  const blockedUnmanaged: string[] = [];
  const blockedLocal: string[] = [];
  for (const pod of pods) {
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const controller = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (controller?.kind === 'DaemonSet' && !finished) {
      if (f.ignoreDaemonsets) ds.push(id);
      else blockedDs.push(id);
      continue;
    }
    if (!controller && !finished) {
      if (!f.force) {
        blockedUnmanaged.push(id);
        continue;
      }
      unmanaged.push(id);
    }
    if (!finished && pod.spec.volumes?.some((v) => v.emptyDir)) {
      if (!f.deleteEmptydirData) {
        blockedLocal.push(id);
        continue;
      }
      local.push(id);
    }
    plan.remove.push(pod);
  }
  if (blockedDs.length) plan.errors.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${blockedDs.join(', ')}`);
  if (blockedUnmanaged.length) plan.errors.push(`cannot delete Pods that declare no controller (use --force to override): ${blockedUnmanaged.join(', ')}`);
  if (blockedLocal.length) plan.errors.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${blockedLocal.join(', ')}`);
  if (ds.length) plan.warnings.push(`ignoring DaemonSet-managed Pods: ${ds.join(', ')}`);
  if (unmanaged.length) plan.warnings.push(`deleting Pods that declare no controller: ${unmanaged.join(', ')}`);
  if (local.length) plan.warnings.push(`deleting Pods with local storage: ${local.join(', ')}`);
  return plan;
}

export function registerCordonDrain(program: Command): void {
  for (const [verb, value, done] of [['cordon', true, 'cordoned'], ['uncordon', false, 'uncordoned']] as const) {
    newVerb(program, verb, value ? 'Mark node as unschedulable' : 'Mark node as schedulable')
      .argument('[nodes...]', 'node names')
      .option('-l, --selector <selector>', 'the nodes matching this label selector')
      .addHelpText('after', `
Examples:
  kubelite ${verb} node-1
  kubelite ${verb} -l pool=batch`)
      .action(verbAction(async (ctx, args, opts) => {
        for (const name of await nodesFor(ctx, args, (opts as { selector?: string }).selector)) {
          const changed = await setUnschedulable(ctx, name, value);
          out(`node/${name} ${changed ? '' : 'already '}${done}\n`);
        }
      }));
  }

  newVerb(program, 'drain', 'Drain node in preparation for maintenance')
    .argument('[nodes...]', 'node names')
    .option('-l, --selector <selector>', 'the nodes matching this label selector')
    .option('--force', 'also delete pods not managed by a controller')
    .option('--ignore-daemonsets', 'skip DaemonSet-managed pods instead of failing')
    .option('--delete-emptydir-data', 'also delete pods using emptyDir (their data is lost)')
    .option('--grace-period <seconds>', 'seconds each pod gets to terminate; -1 uses the pod\'s own', intFlag('grace-period'), -1)
    .option('--timeout <duration>', 'how long to wait for the pods to go (0: forever)', '0s')
    .option('--pod-selector <selector>', 'only drain pods matching this label selector')
    .option('--disable-eviction', 'delete instead of evicting (kubelite always deletes)')
    .option('--dry-run <mode>', 'none|client|server: only show what would be deleted')
    .addHelpText('after', `
Examples:
  kubelite drain node-1 --ignore-daemonsets
  kubelite drain node-1 --ignore-daemonsets --force --grace-period=0 --timeout=60s`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as { selector?: string; force?: boolean; ignoreDaemonsets?: boolean; deleteEmptydirData?: boolean; gracePeriod: number; timeout: string; podSelector?: string; dryRun?: string };
      const dry = f.dryRun !== undefined && f.dryRun !== 'none';
      const pods = resolveType('pods');
      const timeoutMs = parseDuration(f.timeout, 'timeout');
      for (const name of await nodesFor(ctx, args, f.selector)) {
        const changed = dry ? true : await setUnschedulable(ctx, name, true);
        out(`node/${name} ${changed ? '' : 'already '}cordoned${dry ? ' (dry run)' : ''}\n`);
        const list = await listObjects<Pod>(ctx.client, pods, undefined, { fieldSelector: `spec.nodeName=${name}`, labelSelector: f.podSelector });
        const plan = planDrain(list.items, { force: !!f.force, ignoreDaemonsets: !!f.ignoreDaemonsets, deleteEmptydirData: !!f.deleteEmptydirData });
        if (plan.errors.length) {
          err(`error: unable to drain node ${JSON.stringify(name)} due to error: ${plan.errors.join(', ')}, continuing command...\n`);
          err(`There are pending nodes to be drained:\n ${name}\n`);
          throw new CliError(plan.errors.join('\n'));
        }
        for (const w of plan.warnings) err(`Warning: ${w}\n`);
        const deleted: KubeObject[] = [];
        for (const pod of plan.remove) {
          if (!dry) {
            await ctx.client.delete(pods, pod.metadata.namespace, pod.metadata.name ?? '', {
              ...(f.gracePeriod >= 0 ? { gracePeriodSeconds: f.gracePeriod } : {}),
            });
          }
          deleted.push(pod);
          out(`pod/${pod.metadata.name} deleted${dry ? ' (dry run)' : ''}\n`);
        }
        if (!dry) {
          const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
          for (const pod of deleted) {
            const gone = await waitGone(ctx.client, pods, pod.metadata.namespace, pod.metadata.name ?? '', pod.metadata.uid, deadline);
            if (!gone) {
              err(`There are pending pods in node ${JSON.stringify(name)} when an error occurred: drain did not complete within ${f.timeout}\n`);
              throw new CliError(`unable to drain node ${JSON.stringify(name)} due to error: drain did not complete within ${f.timeout}, continuing command...`);
            }
          }
        }
        out(`node/${name} drained${dry ? ' (dry run)' : ''}\n`);
      }
    }));
}
