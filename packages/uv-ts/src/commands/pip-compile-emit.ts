import { PYPI_URL } from "@uv-ts/client";
import type { PackageSelection } from "@uv-ts/requirements-txt";
import type { CommandContext } from "../context.ts";
import type { BuildSelections } from "./pip-compile-options.ts";
import type { CompileSpec } from "./pip-compile-sources.ts";

/** Which options are written above the pins. */
export interface EmitOptions {
  readonly indexUrl: boolean;
  readonly findLinks: boolean;
  readonly buildOptions: boolean;
}

function indexArgUrl(value: string): string {
  // `--index name=url` names an index; the URL is what is emitted.
  const named = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(value);
  return named !== null && !/^[a-z+]+:/i.test(value) ? named[2]! : value;
}

function selectionLines(flag: string, selection: PackageSelection): string[] {
  if (selection.kind === "none") return [];
  if (selection.kind === "all") return [`${flag} :all:`];
  return selection.packages.map((name) => `${flag} ${name}`);
}

/**
 * The option lines uv writes before the pins: `--index-url` and `--extra-index-url` as given
 * (PyPI when no index was named), `--find-links`, `--no-binary` and `--only-binary`.
 */
export function emitPreamble(
  ctx: CommandContext,
  spec: CompileSpec,
  builds: BuildSelections,
  options: EmitOptions,
): string[] {
  const { args } = ctx;
  const lines: string[] = [];
  const noIndex = args.flag("no-index") || spec.noIndex;
  if (options.indexUrl && !noIndex) {
    const defaultIndex =
      args.string("index-url") ?? args.string("default-index") ?? spec.indexUrl ?? PYPI_URL;
    lines.push(`--index-url ${defaultIndex}`);
    const seen = new Set<string>();
    const extras = [
      ...args.strings("index").map(indexArgUrl),
      ...args.strings("extra-index-url"),
      ...spec.extraIndexUrls,
    ];
    for (const url of extras) {
      const key = url.replace(/\/+$/, "");
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`--extra-index-url ${url}`);
    }
  }
  if (options.findLinks) {
    for (const url of [...args.strings("find-links"), ...spec.findLinks]) {
      lines.push(`--find-links ${url}`);
    }
  }
  if (options.buildOptions) {
    lines.push(...selectionLines("--no-binary", builds.noBinary));
    lines.push(...selectionLines("--only-binary", builds.onlyBinary));
  }
  return lines;
}
