// `kubelite rollout status|history|undo|pause|resume|restart`.
import { Command } from 'commander';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { labelSelectorToString } from '../../api/labels.js';
import type { Deployment, ReplicaSet } from '../../api/types/index.js';
import { addGlobalFlags, parseDuration, verbAction, withExamples, out, type CliContext } from './context.js';
import { CliError } from './errors.js';
import { listObjects, watchObjects } from './fetch.js';
import { boolFlag, intFlag } from './flags.js';
import { parseSingle, resolveType } from './resources.js';
import { kindPrefix } from './table.js';
import { describePodTemplateText, rolloutStatus, tabwriteHistory } from './rollout-format.js';
import { nowTime } from '../../api/time.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

function target(ctx: CliContext, args: string[], verb: string): { info: ResourceInfo; name: string; ns: string | undefined; label: string } {
  const { info, name } = parseSingle(args, verb);
  if (!['deployments', 'daemonsets', 'statefulsets'].includes(info.resource) || info.group !== 'apps') {
    throw new CliError(`no ${verb === 'undo' ? 'rollbacker' : verb === 'history' ? 'history viewer' : 'status viewer'} has been implemented for ${JSON.stringify(info.kind)}`);
  }
  return { info, name, ns: ctx.namespace, label: `${kindPrefix(info.kind, info.group)}/${name}` };
}

/** ReplicaSets a deployment controls, by revision. */
export async function replicaSetsOf(ctx: CliContext, d: Deployment): Promise<Map<number, ReplicaSet>> {
  const list = await listObjects<ReplicaSet>(ctx.client, resolveType('replicasets'), d.metadata.namespace, { labelSelector: labelSelectorToString(d.spec.selector) });
  const out = new Map<number, ReplicaSet>();
  for (const rs of list.items) {
    if (!rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid)) continue;
    const rev = Number(rs.metadata.annotations?.[REVISION]);
    if (Number.isInteger(rev) && rev > 0) out.set(rev, rs);
  }
  return out;
}

/** ControllerRevisions of a daemon set or stateful set, by revision. */
async function controllerRevisionsOf(ctx: CliContext, obj: KubeObject): Promise<Map<number, KubeObject>> {
  const sel = labelSelectorToString((obj.spec as { selector?: Parameters<typeof labelSelectorToString>[0] }).selector);
  const list = await listObjects(ctx.client, resolveType('controllerrevisions'), obj.metadata.namespace, { labelSelector: sel });
  const out = new Map<number, KubeObject>();
  for (const cr of list.items) {
    if (!cr.metadata.ownerReferences?.some((r) => r.controller && r.uid === obj.metadata.uid)) continue;
    out.set(Number(cr.revision), cr);
  }
  return out;
}

function stripHash(template: unknown): Record<string, unknown> {
  const t = JSON.parse(JSON.stringify(template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t as Record<string, unknown>;
}

function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return addGlobalFlags(parent.command(nameAndArgs).description(description));
}

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('Manage the rollout of one or many resources')
    .addHelpText('after', `
Examples:
  kubelite rollout status deploy/web --timeout=2m
  kubelite rollout history deploy/web
  kubelite rollout undo deploy/web --to-revision=1
  kubelite rollout restart deploy/web`);

  withExamples(sub(rollout, 'status', 'Show the status of the rollout'), 'kubelite rollout status deploy/web', 'kubelite rollout status deployment web --timeout=2m')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('-w, --watch [bool]', 'watch the status of the rollout until it is done', boolFlag, true)
    .option('--timeout <duration>', 'how long to wait before giving up (0: forever)', '0s')
    .option('--revision <n>', 'pin to a specific revision', intFlag('revision'), 0)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as { watch: boolean; timeout: string; revision: number };
      const t = target(ctx, args, 'status');
      const timeoutMs = parseDuration(f.timeout, 'timeout');
      const ac = new AbortController();
      let timedOut = false;
      const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; ac.abort(); }, timeoutMs) : undefined;
      try {
        // a GET first, so a missing object fails with the server's NotFound
        await ctx.client.get(t.info, t.ns, t.name, { signal: ac.signal });
        const list = await listObjects(ctx.client, t.info, t.ns, { fieldSelector: `metadata.name=${t.name}` });
        const first = list.items[0];
        if (!first) throw new CliError('object has been deleted');
        let last = '';
        const show = (obj: KubeObject): boolean => {
          const s = rolloutStatus(obj, f.revision);
          if (s.message !== last) out(s.message);
          last = s.message;
          return s.done;
        };
        if (show(first) || !f.watch) return;
        let rv = list.metadata.resourceVersion;
        while (!ac.signal.aborted) {
          for await (const ev of watchObjects(ctx.client, t.info, t.ns, { fieldSelector: `metadata.name=${t.name}`, resourceVersion: rv, signal: ac.signal })) {
            if (ev.type === 'DELETED') throw new CliError('object has been deleted');
            if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
            const obj = ev.object as KubeObject;
            rv = obj.metadata.resourceVersion;
            if (show(obj)) return;
          }
        }
        if (timedOut) throw new CliError('timed out waiting for the condition');
      } catch (e) {
        if (timedOut) throw new CliError('timed out waiting for the condition');
        throw e;
      } finally {
        clearTimeout(timer);
      }
    }));

  withExamples(sub(rollout, 'history', 'View rollout history'), 'kubelite rollout history deploy/web', 'kubelite rollout history deploy/web --revision=2')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('--revision <n>', 'show the pod template of this revision', intFlag('revision'), 0)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as { revision: number };
      const t = target(ctx, args, 'history');
      const obj = await ctx.client.get(t.info, t.ns, t.name);
      const history = new Map<number, { template: unknown; changeCause?: string }>();
      if (t.info.resource === 'deployments') {
        for (const [rev, rs] of await replicaSetsOf(ctx, obj as Deployment)) {
          history.set(rev, { template: rs.spec.template, changeCause: rs.metadata.annotations?.[CHANGE_CAUSE] });
        }
      } else {
        for (const [rev, cr] of await controllerRevisionsOf(ctx, obj)) {
          const data = cr.data as { spec?: { template?: unknown } } | undefined;
          history.set(rev, { template: data?.spec?.template, changeCause: cr.metadata.annotations?.[CHANGE_CAUSE] });
        }
      }
      if (history.size === 0) {
        out(`No rollout history found.\n`);
        return;
      }
      if (f.revision > 0) {
        const h = history.get(f.revision);
        if (!h) throw new CliError(`unable to find the specified revision`);
        out(`${t.label} with revision #${f.revision}\n${describePodTemplateText(h.template)}\n`);
        return;
      }
      const revisions = [...history.keys()].sort((a, b) => a - b);
      out(`${t.label} \n${tabwriteHistory(revisions.map((r) => [String(r), history.get(r)?.changeCause || '<none>']))}\n`);
    }));

  withExamples(sub(rollout, 'undo', 'Undo a previous rollout'), 'kubelite rollout undo deploy/web', 'kubelite rollout undo deploy/web --to-revision=1')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('--to-revision <n>', 'the revision to roll back to (0: the previous one)', intFlag('to-revision'), 0)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as { toRevision: number };
      const t = target(ctx, args, 'undo');
      if (t.info.resource !== 'deployments') throw new CliError(`no rollbacker has been implemented for ${JSON.stringify(t.info.kind)}`);
      const d = (await ctx.client.get(t.info, t.ns, t.name)) as Deployment;
      if (d.spec.paused) throw new CliError(`you cannot rollback a paused deployment; resume it first with 'kubelite rollout resume ${t.label}' and try again`);
      const rss = await replicaSetsOf(ctx, d);
      let rs: ReplicaSet | undefined;
      let toRevision = f.toRevision;
      if (toRevision > 0) {
        rs = rss.get(toRevision);
        if (!rs) throw new CliError(`unable to find specified revision ${toRevision} in history`);
      } else {
        const revs = [...rss.keys()].sort((a, b) => b - a);
        if (revs.length < 2) throw new CliError(`no rollout history found for deployment ${JSON.stringify(t.name)}`);
        toRevision = revs[1];
        rs = rss.get(toRevision);
      }
      const template = stripHash((rs as ReplicaSet).spec.template);
      if (JSON.stringify(sortDeep(template)) === JSON.stringify(sortDeep(stripHash(d.spec.template)))) {
        out(`${t.label} skipped rollback (current template already matches revision ${toRevision})\n`);
        return;
      }
      const annotations: Record<string, string> = {};
      for (const k of ANNOTATIONS_TO_SKIP) {
        const v = d.metadata.annotations?.[k];
        if (v !== undefined) annotations[k] = v;
      }
      for (const [k, v] of Object.entries((rs as ReplicaSet).metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
      await ctx.client.patch(t.info, t.ns, t.name, [
        { op: 'replace', path: '/spec/template', value: template },
        // `add` replaces an existing member and also works when there is none yet
        { op: d.metadata.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: annotations },
      ], 'json');
      out(`${t.label} rolled back\n`);
    }));

  for (const [verb, paused, done] of [['pause', true, 'paused'], ['resume', false, 'resumed']] as const) {
    withExamples(sub(rollout, verb, `Mark the provided resource as ${done}`), `kubelite rollout ${verb} deploy/web`)
      .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
      .action(verbAction(async (ctx, args) => {
        const { info, name } = parseSingle(args, verb);
        if (info.resource !== 'deployments') throw new CliError(`${info.resource}.${info.group} ${JSON.stringify(name)} ${paused ? 'pausing' : 'resuming'} is not supported`);
        const d = (await ctx.client.get(info, ctx.namespace, name)) as Deployment;
        if (!!d.spec.paused === paused) throw new CliError(`${info.resource}.${info.group} ${JSON.stringify(name)} is ${paused ? 'already paused' : 'not paused'}`);
        await ctx.client.patch(info, ctx.namespace, name, { spec: { paused: paused ? true : null } }, 'strategic');
        out(`${kindPrefix(info.kind, info.group)}/${name} ${done}\n`);
      }));
  }

  withExamples(sub(rollout, 'restart', 'Restart a resource'), 'kubelite rollout restart deploy/web', 'kubelite rollout restart statefulset/db')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .action(verbAction(async (ctx, args) => {
      const t = target(ctx, args, 'restart');
      const obj = await ctx.client.get(t.info, t.ns, t.name);
      if ((obj.spec as { paused?: boolean }).paused) {
        throw new CliError(`${t.info.resource}.${t.info.group} ${JSON.stringify(t.name)} can't restart paused deployment (run rollout resume first)`);
      }
      const now = nowTime();
      await ctx.client.patch(t.info, t.ns, t.name, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now } } } } }, 'strategic');
      out(`${t.label} restarted\n`);
    }));

}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortDeep((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}
