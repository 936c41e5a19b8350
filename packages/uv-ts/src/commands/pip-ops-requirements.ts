import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import {
  type PackageSelection,
  parseRequirementsTxt,
  parseRequirementsTxtRequirement,
  type RequirementEntry,
  type RequirementsTxt,
} from "@uv-ts/requirements-txt";
import type { CommandContext } from "../context.ts";

/** Everything the requirement sources of a `pip` command say, merged (uv's `RequirementsSpecification`). */
export interface RequirementsSpec {
  readonly requirements: readonly RequirementEntry[];
  readonly constraints: readonly RequirementEntry[];
  /** `--overrides` entries: they replace every requirement on their package. */
  readonly overrides: readonly RequirementEntry[];
  readonly editables: readonly RequirementEntry[];
  /** `--no-binary` / `--only-binary` lines of the files. */
  readonly noBinary: PackageSelection;
  readonly onlyBinary: PackageSelection;
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
  readonly requireHashes: boolean;
}

/** Where a `pip` command's requirements come from. */
export interface RequirementSources {
  /** Requirements given on the command line (`pip install foo==1.0 ./x.whl`). */
  readonly packages?: readonly string[];
  /** `-r` files (or `pip sync`'s positional files). */
  readonly files?: readonly string[];
  /** `-c` files. */
  readonly constraintFiles?: readonly string[];
  /** `--overrides` files. */
  readonly overrideFiles?: readonly string[];
  /** `-e` arguments. */
  readonly editables?: readonly string[];
}

function fileNotFound(path: string, cwd: string): UvError {
  return new UvError("pip.file-not-found", `File not found: ${userDisplay(path, cwd)}`);
}

async function readFile(ctx: CommandContext, file: string): Promise<RequirementsTxt> {
  const path = resolve(ctx.cwd, file);
  if (!/^https?:\/\//.test(file) && !existsSync(path)) throw fileNotFound(file, ctx.cwd);
  return parseRequirementsTxt(file, { workingDir: ctx.cwd, env: ctx.io.env });
}

function commandLineEntry(ctx: CommandContext, text: string, editable: boolean): RequirementEntry {
  const parsed = parseRequirementsTxtRequirement(
    text,
    { workingDir: ctx.cwd, env: ctx.io.env },
    editable,
  );
  return {
    requirement: parsed.requirement,
    parsedUrl: parsed.parsedUrl,
    hashes: [],
    editable,
    source: { file: "<command line>", line: 0 },
  };
}

function mergeSelection(a: PackageSelection, b: PackageSelection): PackageSelection {
  if (a.kind === "all" || b.kind === "all") return { kind: "all" };
  if (a.kind === "none") return b;
  if (b.kind === "none") return a;
  return { kind: "packages", packages: [...new Set([...a.packages, ...b.packages])] };
}

/** Reads and merges every source; the command line's index options are applied by the caller. */
export async function readRequirements(
  ctx: CommandContext,
  sources: RequirementSources,
): Promise<RequirementsSpec> {
  const requirements: RequirementEntry[] = [];
  const constraints: RequirementEntry[] = [];
  const overrides: RequirementEntry[] = [];
  let noBinary: PackageSelection = { kind: "none" };
  let onlyBinary: PackageSelection = { kind: "none" };
  const editables: RequirementEntry[] = [];
  let indexUrl: string | undefined;
  const extraIndexUrls: string[] = [];
  const findLinks: string[] = [];
  let noIndex = false;
  let requireHashes = false;
  const warn = (message: string) => ctx.printer.stderrImportant(`warning: ${message}\n`);

  for (const text of sources.packages ?? []) requirements.push(commandLineEntry(ctx, text, false));
  for (const text of sources.editables ?? []) editables.push(commandLineEntry(ctx, text, true));
  const absorb = (txt: RequirementsTxt) => {
    indexUrl ??= txt.indexUrl?.url.href;
    extraIndexUrls.push(...txt.extraIndexUrls.map((u) => u.url.href));
    findLinks.push(...txt.findLinks.map((u) => u.url.href));
    noIndex ||= txt.noIndex;
    requireHashes ||= txt.requireHashes;
    noBinary = mergeSelection(noBinary, txt.noBinary);
    onlyBinary = mergeSelection(onlyBinary, txt.onlyBinary);
    for (const warning of txt.warnings) warn(warning);
  };
  for (const file of sources.files ?? []) {
    const txt = await readFile(ctx, file);
    requirements.push(...txt.requirements);
    editables.push(...txt.editables);
    constraints.push(...txt.constraints);
    absorb(txt);
  }
  for (const file of sources.constraintFiles ?? []) {
    const txt = await readFile(ctx, file);
    constraints.push(...txt.requirements, ...txt.constraints);
    absorb(txt);
  }
  for (const file of sources.overrideFiles ?? []) {
    const txt = await readFile(ctx, file);
    overrides.push(...txt.requirements);
    absorb(txt);
  }
  return {
    requirements,
    constraints,
    overrides,
    editables,
    noBinary,
    onlyBinary,
    indexUrl,
    extraIndexUrls,
    findLinks,
    noIndex,
    requireHashes,
  };
}
