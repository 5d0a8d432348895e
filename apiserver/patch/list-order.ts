/**
 * Orders a merged list the way Kubernetes' strategic merge patch does
 * (normalizeElementOrder): items named in `order` come in that order, items only
 * the server has keep their relative order and are interleaved by their position
 * in the server's list. `id` gives an item's identity (its merge key, or the value
 * itself for primitives); undefined never matches anything.
 */
export function orderMergedList<T>(
  merged: readonly T[],
  order: readonly unknown[],
  server: readonly unknown[],
  id: (item: unknown) => string | undefined,
): T[] {
  const pos = (list: readonly unknown[], item: unknown): number => {
    const key = id(item);
    return key === undefined ? -1 : list.findIndex((x) => id(x) === key);
  };
  const rank = (list: readonly unknown[], item: unknown): number => {
    const i = pos(list, item);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const fromPatch = merged.filter((x) => pos(order, x) >= 0).sort((a, b) => rank(order, a) - rank(order, b));
  const serverOnly = merged.filter((x) => pos(order, x) < 0).sort((a, b) => rank(server, a) - rank(server, b));

  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    else {
      const li = pos(server, serverOnly[i]);
      const ri = pos(server, fromPatch[j]);
      // A server-only item goes first only when both are known to the server and it came first there.
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(fromPatch[j++]);
    }
  }
  return out;
}

/**
 * Orders a list merged by server-side apply the way structured-merge-diff does:
 * applied items in the applied order, live-only items where they were, and new
 * applied items placed just before the next item both sides share (so with
 * nothing shared after them they end up last).
 */
export function orderAppliedList<T>(
  merged: readonly T[],
  applied: readonly unknown[],
  live: readonly unknown[],
  id: (item: unknown) => string | undefined,
): T[] {
  const indexIn = (list: readonly unknown[], item: unknown): number => {
    const key = id(item);
    return key === undefined ? -1 : list.findIndex((x) => id(x) === key);
  };
  const fromApplied = merged.filter((x) => indexIn(applied, x) >= 0).sort((a, b) => indexIn(applied, a) - indexIn(applied, b));
  const liveOnly = merged.filter((x) => indexIn(applied, x) < 0).sort((a, b) => indexIn(live, a) - indexIn(live, b));

  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < liveOnly.length || j < fromApplied.length) {
    if (j >= fromApplied.length) out.push(liveOnly[i++]);
    else if (i >= liveOnly.length) out.push(fromApplied[j++]);
    else {
      const nextShared = fromApplied.slice(j).find((x) => indexIn(live, x) >= 0);
      if (nextShared === undefined || indexIn(live, liveOnly[i]) < indexIn(live, nextShared)) out.push(liveOnly[i++]);
      else out.push(fromApplied[j++]);
    }
  }
  return out;
}
