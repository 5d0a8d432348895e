// `kubelite image load IMAGE...`: copies images from the local Docker to the Docker of
// every node (or of --node), through the apiserver, without a registry. Each image is
// read once with `docker save` and streamed to all nodes at once; the slowest node
// sets the pace, so nothing is held in memory.
import type { Command } from 'commander';
import Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import type { RestClient } from '../../client/rest.js';
import { ApiError } from '../../api/errors.js';
import { imageLoadPath, imageStatusPath, type NodeImageLoadResult, type NodeImageStatus } from '../../api/kubelet-proto.js';
import type { Node } from '../../api/types/index.js';
import { addGlobalFlags, err, out, verbAction, withExamples, type CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { listObjects } from './fetch.js';
import { collectCsv } from './flags.js';
import { imageRefs, outcomeLine, planLoads, selectNodes, type LoadOutcome, type LocalImage, type NodeImages } from './image-load-plan.js';
import { resolveType } from './resources.js';

/** The daemon DOCKER_HOST names (dockerode reads it), as a user would recognise it. */
function dockerHostLabel(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

async function inspectLocal(docker: Dockerode, name: string): Promise<LocalImage> {
  try {
    const info = await docker.getImage(name).inspect();
    return { name, id: info.Id };
  } catch (e) {
    const code = (e as { statusCode?: number }).statusCode;
    if (code === 404) throw new CliError(`image "${name}" not present locally (Docker at ${dockerHostLabel()})`);
    if (code === undefined) throw new CliError(`cannot reach the local Docker at ${dockerHostLabel()}: ${(e as Error).message}`);
    throw new CliError(`inspecting image "${name}" in the local Docker: ${(e as Error).message}`);
  }
}

function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.status.message ?? `the server answered ${e.status.code}`;
  return e instanceof Error ? e.message : String(e);
}

/** Uploads one image's archive to one node; `save` is shared with the other nodes. */
function uploadTo(client: RestClient, save: Readable, image: LocalImage, node: string): Promise<LoadOutcome> {
  const started = Date.now();
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      cb(null, chunk);
    },
  });
  const { req, response } = client.upload({ method: 'POST', path: imageLoadPath(node), query: { image: [image.name], id: [image.id] }, contentType: 'application/x-tar' });
  const detach = (): void => {
    // an answer before the end (already present, or an error) must not hold the other nodes back
    save.unpipe(counter);
    counter.unpipe(req);
    counter.destroy();
  };
  const abort = (e: Error): void => {
    detach();
    req.destroy(new Error(`reading ${image.name} from the local Docker failed: ${e.message}`));
  };
  save.once('error', abort);
  save.pipe(counter).pipe(req);
  return response.then(
    (body) => {
      const res = body as NodeImageLoadResult;
      const mine = res.images?.find((i) => i.name === image.name);
      if (!mine) return { kind: 'failed', image: image.name, node, message: `the node did not report ${image.name} loaded` } as const;
      if (mine.alreadyPresent) return { kind: 'present', image: image.name, node } as const;
      return { kind: 'loaded', image: image.name, node, bytes: res.bytes || sent, ms: Date.now() - started } as const;
    },
    (e: unknown) => ({ kind: 'failed', image: image.name, node, message: messageOf(e) }) as const,
  ).finally(() => {
    save.off('error', abort);
    detach();
    req.destroy();
  });
}

async function loadOne(docker: Dockerode, client: RestClient, image: LocalImage, nodes: string[], report: (o: LoadOutcome) => void): Promise<LoadOutcome[]> {
  let save: Readable;
  try {
    save = (await docker.getImage(image.name).get()) as unknown as Readable;
  } catch (e) {
    const message = `docker save failed: ${messageOf(e)}`;
    return nodes.map((node) => {
      const o: LoadOutcome = { kind: 'failed', image: image.name, node, message };
      report(o);
      return o;
    });
  }
  // each upload listens while it runs; this one keeps a late error from being unhandled
  save.on('error', () => {});
  try {
    return await Promise.all(nodes.map(async (node) => {
      const o = await uploadTo(client, save, image, node);
      report(o);
      return o;
    }));
  } finally {
    save.destroy();
  }
}

/** Asks each node which of the images it has, so `docker save` runs only for images some node lacks. */
async function nodeImages(ctx: CliContext, nodes: string[], images: LocalImage[]): Promise<Map<string, NodeImages>> {
  const entries = await Promise.all(nodes.map(async (node): Promise<[string, NodeImages]> => {
    try {
      const res = await ctx.client.request<NodeImageStatus>({ method: 'GET', path: imageStatusPath(node), query: { image: images.map((i) => i.name) } });
      return [node, { ids: new Map(res.images.map((i) => [i.name, i.id])) }];
    } catch (e) {
      return [node, { error: messageOf(e) }];
    }
  }));
  return new Map(entries);
}

async function nodeNames(ctx: CliContext): Promise<string[]> {
  const list = await listObjects<Node>(ctx.client, resolveType('nodes'), undefined, {});
  return list.items.map((n) => n.metadata.name ?? '').filter((n) => n !== '');
}

export function registerImage(program: Command): void {
  const image = program.command('image').description('Manage images on the nodes of the cluster');
  const load = addGlobalFlags(image.command('load').description('Copy images from the local Docker to the nodes, without a registry'))
    .argument('<image...>', 'local Docker images (NAME[:TAG]; :latest when no tag)')
    .option('--node <name>', 'load only onto this node (repeatable, or a comma-separated list); default: every node', collectCsv);
  withExamples(load,
    'kubelite image load kubelite.local/web:latest',
    'kubelite image load my-app:dev my-sidecar:dev --node node-a,node-b',
    'DOCKER_HOST=unix:///run/other.sock kubelite image load my-app:dev --kubeconfig ~/.kubelite/admin.kubeconfig');
  load.addHelpText('after', `
Each image is read from the local Docker (DOCKER_HOST is honoured) with docker save and
streamed through the apiserver (POST /api/v1/nodes/NODE/proxy/images/load) to each node's
kubelet, which loads it into the node's Docker. A node whose Docker already has the image
under the same ID is skipped. Pods use loaded images with imagePullPolicy: Never or IfNotPresent.`);
  load.action(verbAction(async (ctx, args, opts) => {
    const names = imageRefs(args);
    const docker = new Dockerode();
    const images: LocalImage[] = [];
    for (const n of names) images.push(await inspectLocal(docker, n));
    const nodes = selectNodes(opts.node as string[] | undefined, await nodeNames(ctx));
    let failed = 0;
    const report = (o: LoadOutcome): void => {
      const line = outcomeLine(o);
      if (o.kind === 'failed') failed++;
      (line.stream === 'stdout' ? out : err)(`${line.text}\n`);
    };
    for (const step of planLoads(images, nodes, await nodeImages(ctx, nodes, images))) {
      step.decided.forEach(report);
      if (step.load.length) await loadOne(docker, ctx.client, step.image, step.load, report);
    }
    if (failed) throw new ExitCode(1);
  }));
}
