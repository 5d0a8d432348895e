// What `docker load` said, and whether it proves that the requested images arrived.
// Pure, so the success rule (Docker's own confirmation plus a matching image ID) is tested.
import type { ImageRef, LoadedImage } from '../../api/kubelet-proto.js';

export interface DockerLoadOutput {
  /** `Loaded image: <name>` lines */
  names: string[];
  /** `Loaded image ID: <id>` lines (images saved without a tag) */
  ids: string[];
  /** Docker's error message, when the stream carried one */
  error?: string;
}

/** Parses the JSON message stream of `POST /images/load` (one object per line). */
export function parseDockerLoadOutput(text: string): DockerLoadOutput {
  const out: DockerLoadOutput = { names: [], ids: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    let msg: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      // older daemons answer in plain text
      msg = { stream: line };
    }
    const err = typeof msg.errorDetail?.message === 'string' ? msg.errorDetail.message : typeof msg.error === 'string' ? msg.error : undefined;
    if (err !== undefined) {
      out.error ??= err;
      continue;
    }
    if (typeof msg.stream !== 'string') continue;
    for (const s of msg.stream.split('\n')) {
      const id = /^Loaded image ID: (\S+)/.exec(s.trim());
      if (id) {
        out.ids.push(id[1]);
        continue;
      }
      const name = /^Loaded image: (\S+)/.exec(s.trim());
      if (name) out.names.push(name[1]);
    }
  }
  return out;
}

/** `docker.io/library/busybox:latest` and `busybox:latest` are one image to Docker; it prints the short form. */
export function familiarName(ref: string): string {
  let r = ref;
  if (r.startsWith('docker.io/')) r = r.slice('docker.io/'.length);
  else if (r.startsWith('index.docker.io/')) r = r.slice('index.docker.io/'.length);
  if (r.startsWith('library/') && r.indexOf('/', 'library/'.length) < 0) r = r.slice('library/'.length);
  return r;
}

/**
 * The result for each requested image after a load: Docker must have reported it
 * loaded, and the name must now resolve to the ID the sender had (when it sent one).
 * `now` maps each requested name to its ID on this node after the load.
 */
export function confirmLoaded(wanted: ImageRef[], output: DockerLoadOutput, now: ReadonlyMap<string, string | undefined>): LoadedImage[] {
  if (output.error !== undefined) throw new Error(`docker load failed: ${output.error}`);
  const reported = new Set(output.names.map(familiarName));
  const problems: string[] = [];
  const loaded: LoadedImage[] = [];
  for (const w of wanted) {
    const id = now.get(w.name);
    const confirmed = reported.has(familiarName(w.name)) || (w.id !== '' && output.ids.includes(w.id));
    if (!confirmed) problems.push(`${w.name} was not in the archive Docker loaded`);
    else if (!id) problems.push(`${w.name} is not known to Docker after the load`);
    else if (w.id && id !== w.id) problems.push(`${w.name} has ID ${id} after the load, expected ${w.id}`);
    else loaded.push({ name: w.name, id, alreadyPresent: false });
  }
  if (problems.length) throw new Error(problems.join('; '));
  return loaded;
}

/** Every requested image is already here under the same ID: nothing to load. */
export function allPresent(wanted: ImageRef[], before: ReadonlyMap<string, string | undefined>): boolean {
  return wanted.length > 0 && wanted.every((w) => w.id !== '' && before.get(w.name) === w.id);
}
