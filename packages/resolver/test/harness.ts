import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistryClient, IndexLocations, type RegistryClient } from "@uv-ts/client";
import type { MarkerEnvironment } from "@uv-ts/pep508";
import { Requirement } from "@uv-ts/pep508";
import { Tags } from "@uv-ts/platform-tags";
import { findTestPython, findUv, type IndexServer, startIndexServer } from "@uv-ts/test-kit";
import {
  type Manifest,
  NoSolutionError,
  PythonRequirement,
  type Resolution,
  type ResolverOptions,
  type ResolverTarget,
  resolve,
} from "../src/index.ts";

/** The real uv, for the differential tests. */
const UV = findUv();

/** The scenarios every resolver test serves. */
export const SCENARIOS = ["resolver-basics", "resolver-filters"];

/** Starts the local index with the resolver scenarios. */
export function startResolverIndex(): Promise<IndexServer> {
  return startIndexServer({ scenarios: SCENARIOS });
}

/** CPython 3.12 on x86_64 Linux (glibc 2.36), as `--python-version 3.12` on this machine. */
export const LINUX_312_ENV: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.12.1",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "",
  platform_system: "Linux",
  platform_version: "",
  python_full_version: "3.12.0",
  python_version: "3.12",
  sys_platform: "linux",
};

/** The tags of CPython 3.12 on manylinux 2.36 x86_64. */
export function linuxTags(): Tags {
  return Tags.fromEnvironment(
    { os: { kind: "manylinux", major: 2, minor: 36 }, arch: "x86_64" },
    {
      pythonVersion: [3, 12],
      implementationName: "cpython",
      implementationVersion: [3, 12],
      manylinuxCompatible: true,
    },
  );
}

/** `--python-version 3.12` with a 3.12.1 interpreter. */
export function target(overrides: Partial<ResolverTarget> = {}): ResolverTarget {
  return {
    markerEnv: LINUX_312_ENV,
    tags: linuxTags(),
    python: new PythonRequirement({
      target: "3.12",
      installed: "3.12.1",
      source: "python-version",
    }),
    ...overrides,
  };
}

/** A client for the local index without a cache (`--no-cache`). */
export function localClient(server: IndexServer): RegistryClient {
  return createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: server.simpleUrl }),
    cacheDir: undefined,
    retryDelayMs: () => 0,
    netrcPath: null,
    env: {},
  });
}

/** Options of {@link compile}. */
export interface CompileOptions {
  readonly options?: ResolverOptions;
  readonly constraints?: readonly string[];
  readonly overrides?: readonly string[];
  readonly preferences?: Manifest["preferences"];
  readonly target?: Partial<ResolverTarget>;
}

/** The outcome of a resolution as text: the pins with `# via`, or the rendered failure. */
export interface Outcome {
  readonly ok: boolean;
  readonly text: string;
}

/** Formats a resolution as `uv pip compile --no-header` prints it for stdin requirements. */
export function formatResolution(resolution: Resolution): string {
  const lines: string[] = [];
  for (const pkg of resolution.packages) {
    lines.push(`${pkg.name}==${pkg.version}`);
    const via = resolution.dependents(pkg.name);
    if (via.length === 1) lines.push(`    # via ${via[0]}`);
    else if (via.length > 1) {
      lines.push("    # via");
      for (const v of via) lines.push(`    #   ${v}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Resolves `requirements` against the local index; failures render as uv prints them. */
export async function compile(
  server: IndexServer,
  requirements: readonly string[],
  options: CompileOptions = {},
): Promise<Outcome> {
  try {
    const resolution = await resolve({
      manifest: {
        requirements: requirements.map((r) => Requirement.parse(r)),
        constraints: (options.constraints ?? []).map((r) => Requirement.parse(r)),
        overrides: (options.overrides ?? []).map((r) => Requirement.parse(r)),
        preferences: options.preferences ?? [],
      },
      options: options.options ?? {},
      target: target(options.target),
      client: localClient(server),
    });
    return { ok: true, text: formatResolution(resolution) };
  } catch (error) {
    if (error instanceof NoSolutionError) return { ok: false, text: error.render() };
    throw error;
  }
}

/** The Python 3.12 interpreter uv is pointed at (uv needs one even with `--python-version`). */
export function uvPython(): string | undefined {
  try {
    return findTestPython("3.12").executable;
  } catch {
    return undefined;
  }
}

/** Whether the real uv can be compared against. */
export async function uvAvailable(): Promise<boolean> {
  return uvPython() !== undefined && UV?.version.startsWith("0.13.") === true;
}

/**
 * Runs the real `uv pip compile` against the same index, for differential tests. The output
 * is reduced to what {@link compile} returns: the pins, or the error block with `uv` renamed.
 */
export async function uvCompile(
  server: IndexServer,
  requirements: readonly string[],
  args: readonly string[] = [],
  files: {
    readonly constraints?: readonly string[];
    readonly overrides?: readonly string[];
    /** An existing output file (its pins become preferences). */
    readonly output?: readonly string[];
  } = {},
): Promise<Outcome> {
  const dir = await mkdtemp(join(tmpdir(), "uv-ts-resolver-"));
  try {
    const extra: string[] = [];
    await writeFile(join(dir, "requirements.in"), `${requirements.join("\n")}\n`);
    if (files.constraints !== undefined) {
      await writeFile(join(dir, "constraints.txt"), `${files.constraints.join("\n")}\n`);
      extra.push("-c", join(dir, "constraints.txt"));
    }
    if (files.overrides !== undefined) {
      await writeFile(join(dir, "overrides.txt"), `${files.overrides.join("\n")}\n`);
      extra.push("--overrides", join(dir, "overrides.txt"));
    }
    if (files.output !== undefined) {
      await writeFile(join(dir, "requirements.txt"), `${files.output.join("\n")}\n`);
      extra.push("-o", join(dir, "requirements.txt"));
    }
    const argv = [
      "pip",
      "compile",
      "--index-url",
      server.simpleUrl,
      "--no-cache",
      "--python",
      uvPython()!,
      "--python-version",
      "3.12",
      "--no-header",
      ...extra,
      ...args,
      "-",
    ];
    const child = execFile(UV!.path, argv, {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, UV_PYTHON_DOWNLOADS: "never", NO_COLOR: "1" },
    });
    child.stdin?.end(`${requirements.join("\n")}\n`);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d));
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    const code = await new Promise<number>((res) => child.on("close", (c) => res(c ?? -1)));
    if (code === 0) return { ok: true, text: stdout };
    const body = stderr
      .split("\n")
      .filter((l) => !l.startsWith("warning:"))
      .join("\n");
    return { ok: false, text: body.replaceAll("`uv ", "`uv-ts ") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
