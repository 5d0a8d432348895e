// `kubelite scale` (through the scale subresource) and `kubelite autoscale`
// (an autoscaling/v2 HorizontalPodAutoscaler).
import type { Command } from 'commander';
import { isApiError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import { createObject } from './create.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { listObjects } from './fetch.js';
import { collect, intFlag } from './flags.js';
import { hpaFor } from './generators.js';
import { readManifests } from './manifests.js';
import { infoForObject, parseResourceArgs, parseSingle } from './resources.js';
import { kindPrefix } from './table.js';

interface ScaleFlags {
  replicas?: number;
  currentReplicas: number;
  resourceVersion?: string;
  selector?: string;
  all?: boolean;
  filename: string[];
  output?: string;
}

interface Scale {
  metadata: { resourceVersion?: string; name?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number };
  [k: string]: unknown;
}

async function scaleOne(ctx: CliContext, info: ResourceInfo, name: string, f: ScaleFlags): Promise<void> {
  if (!info.hasScale) throw new CliError(`cannot scale ${info.resource}: it has no scale subresource`);
  const ns = info.namespaced ? ctx.namespace : undefined;
  const replicas = f.replicas as number;
  if (f.currentReplicas >= 0 || f.resourceVersion) {
    // kubectl's precondition path: read the Scale, check, then PUT it back
    const scale = await ctx.client.getSubresource<Scale>(info, ns, name, 'scale');
    if (f.currentReplicas >= 0 && (scale.spec?.replicas ?? 0) !== f.currentReplicas) {
      throw new CliError(`Expected replicas to be ${f.currentReplicas}, was ${scale.spec?.replicas ?? 0}`);
    }
    if (f.resourceVersion && scale.metadata.resourceVersion !== f.resourceVersion) {
      throw new CliError(`Expected resourceVersion to be ${f.resourceVersion}, was ${scale.metadata.resourceVersion}`);
    }
    await ctx.client.putSubresource(info, ns, name, 'scale', { ...scale, spec: { ...scale.spec, replicas } });
  } else {
    await ctx.client.patch(info, ns, name, { spec: { replicas } }, 'merge', { subresource: 'scale' });
  }
  out(f.output === 'name' ? `${kindPrefix(info.kind, info.group)}/${name}\n` : `${kindPrefix(info.kind, info.group)}/${name} scaled\n`);
}

export function registerScale(program: Command): void {
  newVerb(program, 'scale', 'Set a new size for a deployment, replica set, replication controller or stateful set')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME ...')
    .option('--replicas <n>', 'the new number of replicas', intFlag('replicas'))
    .option('--current-replicas <n>', 'precondition: only scale if the current size is this', intFlag('current-replicas'), -1)
    .option('--resource-version <rv>', 'precondition: only scale if the resource version matches')
    .option('-l, --selector <selector>', 'scale every object of the type matching this selector')
    .option('--all', 'scale every object of the type in the namespace')
    .option('-f, --filename <file>', 'files identifying the objects to scale', collect, [])
    .option('-o, --output <format>', 'name: print only kind/name')
    .addHelpText('after', `
Examples:
  kubelite scale deploy/web --replicas=3
  kubelite scale deployment web --replicas=0
  kubelite scale --current-replicas=2 --replicas=3 deployment/web
  kubelite scale rs -l app=web --replicas=1`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as ScaleFlags;
      if (f.replicas === undefined) throw new CliError('required flag(s) "replicas" not set');
      if (f.replicas < 0) throw new CliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      const targets: Array<{ info: ResourceInfo; name: string }> = [];
      for (const m of f.filename.length ? await readManifests(f.filename, false, 'scale') : []) {
        targets.push({ info: infoForObject(m.obj, m.source), name: m.obj.metadata.name ?? '' });
      }
      for (const r of parseResourceArgs(args)) {
        if (r.names.length) {
          for (const n of r.names) targets.push({ info: r.info, name: n });
        } else if (f.all || f.selector) {
          const list = await listObjects(ctx.client, r.info, r.info.namespaced ? ctx.namespace : undefined, { labelSelector: f.selector });
          for (const o of list.items) targets.push({ info: r.info, name: o.metadata.name ?? '' });
        } else {
          throw new CliError('resource(s) were provided, but no name was specified');
        }
      }
      if (targets.length === 0) throw new CliError('You must provide one or more resources by argument or filename.');
      // like kubectl, every object is looked up before any is scaled
      for (const t of targets) {
        try {
          await ctx.client.get(t.info, t.info.namespaced ? ctx.namespace : undefined, t.name);
        } catch (e) {
          if (isApiError(e) && e.code === 404) throw new CliError(`no objects passed to scale ${e.message}`);
          throw e;
        }
      }
      const errors: string[] = [];
      for (const t of targets) {
        try {
          await scaleOne(ctx, t.info, t.name, f);
        } catch (e) {
          if (!isApiError(e)) throw e;
          errors.push(formatError(e));
        }
      }
      if (errors.length) {
        err(errors.map((e) => `${e}\n`).join(''));
        throw new ExitCode(1);
      }
    }));

  newVerb(program, 'autoscale', 'Auto-scale a deployment, replica set, stateful set or replication controller')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('--min <n>', 'lower limit for the number of pods (default: the server decides)', intFlag('min'), -1)
    .option('--max <n>', 'upper limit for the number of pods (required)', intFlag('max'), -1)
    .option('--cpu-percent <n>', 'target average CPU utilization over all the pods, in percent of the request', intFlag('cpu-percent'), -1)
    .option('--name <name>', 'name of the autoscaler (default: the object\'s name)')
    .option('-o, --output <format>', 'output format: yaml|json|name|...')
    .option('--dry-run <mode>', 'none|client|server: only show what would be created')
    .addHelpText('after', `
Examples:
  kubelite autoscale deployment web --min=2 --max=10 --cpu-percent=80
  kubelite autoscale deploy/web --max=5`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as { min: number; max: number; cpuPercent: number; name?: string; output?: string; dryRun?: string };
      const { info, name } = parseSingle(args, 'autoscale');
      if (!info.hasScale) throw new CliError(`cannot autoscale a ${info.kind}: kind does not support scaling`);
      if (f.max < 1) throw new CliError('--max=MAXPODS is required and must be at least 1');
      if (f.min > f.max) throw new CliError(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${f.max}, min: ${f.min}`);
      const target = await ctx.client.get(info, info.namespaced ? ctx.namespace : undefined, name);
      const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      const hpa = hpaFor({ name: f.name ?? name, kind: info.kind, apiVersion, target: target.metadata.name ?? name, min: f.min, max: f.max, cpuPercent: f.cpuPercent });
      if (f.output || f.dryRun) {
        await createObject(ctx, hpa, f);
        return;
      }
      const created = await ctx.client.create(ctx.client.resource('autoscaling/v2', 'HorizontalPodAutoscaler'), ctx.namespace, {
        ...hpa, metadata: { name: f.name ?? name }, status: undefined,
      });
      out(`horizontalpodautoscaler.autoscaling/${created.metadata.name} autoscaled\n`);
    }));
}
