// `kubelite set image TYPE/NAME container=image ...`: a strategic merge patch of
// the pod template's containers (init containers too), like kubectl.
import { Command } from 'commander';
import { isApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import { addGlobalFlags, verbAction, withExamples, out, err } from './context.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { listObjects } from './fetch.js';
import { parseResourceArgs, type ResourceRequest } from './resources.js';
import { kindPrefix } from './table.js';

interface ContainerLists {
  containers?: Array<{ name: string; image?: string }>;
  initContainers?: Array<{ name: string; image?: string }>;
}

/** The pod spec inside any workload (Pod, Deployment, Job, CronJob...). */
export function podSpecOf(obj: KubeObject): { spec: ContainerLists; path: string[] } | undefined {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  if (obj.kind === 'Pod') return { spec: spec as ContainerLists, path: ['spec'] };
  if (obj.kind === 'CronJob') {
    const t = (spec.jobTemplate as { spec?: { template?: { spec?: ContainerLists } } } | undefined)?.spec?.template?.spec;
    return t ? { spec: t, path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] } : undefined;
  }
  const t = (spec.template as { spec?: ContainerLists } | undefined)?.spec;
  return t ? { spec: t, path: ['spec', 'template', 'spec'] } : undefined;
}

/** `c=img` pairs into the patch kubectl sends; `*` sets every container. */
export function imagePatch(obj: KubeObject, images: Record<string, string>): Record<string, unknown> {
  const ps = podSpecOf(obj);
  if (!ps) throw new CliError(`${obj.kind} has no pod template`);
  const patchLists: Record<string, Array<{ name: string; image: string }>> = {};
  for (const [name, image] of Object.entries(images)) {
    let found = false;
    for (const field of ['initContainers', 'containers'] as const) {
      for (const c of ps.spec[field] ?? []) {
        if (name !== '*' && c.name !== name) continue;
        found = true;
        (patchLists[field] ??= []).push({ image, name: c.name });
      }
    }
    if (!found) throw new CliError(`unable to find container named ${JSON.stringify(name)}`);
  }
  let patch: Record<string, unknown> = patchLists;
  for (const key of [...ps.path].reverse()) patch = { [key]: patch };
  return patch;
}

export function registerSetImage(program: Command): void {
  const set = withExamples(program.command('set').description('Set specific features on objects'), 'kubelite set image deployment/web nginx=nginx:1.27');
  addGlobalFlags(set.command('image').description('Update the image of a pod template'))
    .argument('<args...>', 'TYPE NAME | TYPE/NAME ... CONTAINER=IMAGE ...')
    .option('-l, --selector <selector>', 'update every object of the type matching this selector')
    .option('--all', 'update every object of the type in the namespace')
    .addHelpText('after', `
Examples:
  kubelite set image deployment/web nginx=nginx:1.27
  kubelite set image deploy web nginx=nginx:1.27 sidecar=envoy:1.30
  kubelite set image deploy/web '*=nginx:1.27'`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as { selector?: string; all?: boolean };
      const pairs = args.filter((a) => a.includes('='));
      const resources = args.filter((a) => !a.includes('='));
      if (pairs.length === 0) throw new CliError('at least one image update is required');
      const images: Record<string, string> = {};
      for (const p of pairs) {
        const i = p.indexOf('=');
        images[p.slice(0, i)] = p.slice(i + 1);
      }
      const requests: ResourceRequest[] = parseResourceArgs(resources);
      const errors: string[] = [];
      for (const r of requests) {
        const ns = r.info.namespaced ? ctx.namespace : undefined;
        let names = r.names;
        if (names.length === 0) {
          if (!f.selector && !f.all) throw new CliError('resource(s) were provided, but no name was specified');
          names = (await listObjects(ctx.client, r.info, ns, { labelSelector: f.selector })).items.map((o) => o.metadata.name ?? '');
        }
        for (const name of names) {
          try {
            const obj = await ctx.client.get(r.info, ns, name);
            obj.kind = obj.kind ?? r.info.kind;
            await ctx.client.patch(r.info, ns, name, imagePatch(obj, images), 'strategic');
            out(`${kindPrefix(r.info.kind, r.info.group)}/${name} image updated\n`);
          } catch (e) {
            if (!isApiError(e)) throw e;
            errors.push(formatError(e));
          }
        }
      }
      if (errors.length) {
        err(errors.map((e) => `${e}\n`).join(''));
        throw new ExitCode(1);
      }
    }));
}
