/** The keys of `pyvenv.cfg` that uv-ts writes, in uv's order. */
export interface PyvenvCfg {
  readonly home: string;
  readonly implementation: string;
  /** The writing tool's version (uv writes `uv = <version>`; uv-ts writes its own). */
  readonly uv: string;
  readonly versionInfo: string;
  readonly includeSystemSitePackages: boolean;
  readonly relocatable: boolean;
  readonly seed: boolean;
  readonly prompt: string | undefined;
}

/** Renders `pyvenv.cfg`: `key = value` lines, optional keys only when set. */
export function renderPyvenvCfg(cfg: PyvenvCfg): string {
  const lines: [string, string][] = [
    ["home", cfg.home],
    ["implementation", cfg.implementation],
    ["uv", cfg.uv],
    ["version_info", cfg.versionInfo],
    ["include-system-site-packages", cfg.includeSystemSitePackages ? "true" : "false"],
  ];
  if (cfg.relocatable) lines.push(["relocatable", "true"]);
  if (cfg.seed) lines.push(["seed", "true"]);
  if (cfg.prompt !== undefined) lines.push(["prompt", cfg.prompt]);
  return lines.map(([k, v]) => `${k} = ${v}\n`).join("");
}

/** Parses `key = value` lines (as Python's `site` does: split at the first `=`, trim both). */
export function parsePyvenvCfg(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq === -1) continue;
    values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return values;
}
