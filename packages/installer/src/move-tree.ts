/**
 * Moves the tree at `from`, which holds exactly the files `rels`, into `to`: each top-level
 * entry by one rename, into a directory that exists already (a namespace package shared with
 * another wheel) entry by entry. A file replaces a file of the same name, as a link would; a
 * file against a directory (either way) throws. Each rename made is added to `renames`, and each
 * directory of `from` moved entry by entry (left empty, then) to `merged`, parents first.
 *
 * Self-contained: the link thread runs it from its source too (see `LinkWorker.commit`), so it
 * uses nothing but its arguments (`rename` is `fs.renameSync`).
 */
export function moveTree(
  rename: (from: string, to: string) => void,
  from: string,
  to: string,
  rels: readonly string[],
  renames: [from: string, to: string][],
  merged: string[] = [],
): void {
  const entries = new Map<string, string[] | undefined>();
  for (const rel of rels) {
    const slash = rel.indexOf("/");
    if (slash === -1) {
      entries.set(rel, undefined);
      continue;
    }
    const name = rel.slice(0, slash);
    const below = entries.get(name);
    if (below === undefined) entries.set(name, [rel.slice(slash + 1)]);
    else below.push(rel.slice(slash + 1));
  }
  for (const [name, below] of entries) {
    const source = `${from}/${name}`;
    const target = `${to}/${name}`;
    try {
      rename(source, target);
      renames.push([source, target]);
      continue;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (below === undefined || (code !== "ENOTEMPTY" && code !== "EEXIST")) throw error;
    }
    merged.push(source);
    moveTree(rename, source, target, below, renames, merged);
  }
}
