// Shared by the `pip list`, `pip freeze` and `pip show` tests: the reference `uv` binary (to
// populate venvs from the local index and to compare outputs), and hand-written installs.
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CommandOutput,
  type PackageSpec,
  runCommand,
  type TestContext,
} from "@uv-ts/test-kit";

/**
 * The real `uv` binary, or `undefined`. A pyenv shim on `PATH` only works for the version that
 * installed uv (and the test environment drops shims), so ask pyenv for the binary behind it.
 */
export function findReferenceUv(): string | undefined {
  const fromEnv = process.env.UV_TS_REFERENCE_UV;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const script = [
    'uv="$(command -v uv || true)"',
    'case "$uv" in ""|*/shims/*) ;; *) echo "$uv"; exit ;; esac',
    "command -v pyenv >/dev/null || exit 0",
    'PYENV_VERSION="$(pyenv versions --bare | paste -sd: -)" pyenv which uv 2>/dev/null',
  ].join("\n");
  const found = spawnSync("bash", ["-c", script], { encoding: "utf8" }).stdout.trim();
  if (found === "") return undefined;
  return spawnSync(found, ["--version"], { encoding: "utf8" }).status === 0 ? found : undefined;
}

/** Runs the reference `uv <args>` in the context, as `ctx.run` runs uv-ts (its own cache). */
export function runReferenceUv(
  uv: string,
  ctx: TestContext,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CommandOutput> {
  const spec = ctx.command(args, { env: { ...env } });
  return runCommand({
    ...spec,
    program: uv,
    args,
    env: { ...spec.env, UV_CACHE_DIR: join(ctx.root, "reference-uv-cache") },
  });
}

/** Installs `requirements` into the context's venv with the reference uv from `indexUrl`. */
export async function referenceInstall(
  uv: string,
  ctx: TestContext,
  indexUrl: string,
  requirements: readonly string[],
): Promise<void> {
  const output = await runReferenceUv(uv, ctx, [
    "pip",
    "install",
    "--index-url",
    indexUrl,
    ...requirements,
  ]);
  if (output.exitCode !== 0) {
    throw new Error(`uv pip install failed:\n${output.stdout}${output.stderr}`);
  }
}

/** Writes a `.dist-info` directory by hand (for shapes no installer produces). */
export async function writeDistInfo(
  sitePackages: string,
  name: string,
  version: string,
  extra: { metadata?: string; directUrl?: string; wheel?: boolean } = {},
): Promise<string> {
  const dir = join(sitePackages, `${name}-${version}.dist-info`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "METADATA"),
    `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${extra.metadata ?? ""}`,
  );
  if (extra.directUrl !== undefined) await writeFile(join(dir, "direct_url.json"), extra.directUrl);
  if (extra.wheel !== false) {
    await writeFile(
      join(dir, "WHEEL"),
      "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    );
  }
  return dir;
}

/**
 * Packages for the inspection tests: `app` needs `lib-a` (also through a differently spelled
 * duplicate), `lib-b` only on Windows, `lib-c` only before Python 3.8, and `lib-d` in its `fast`
 * extra; `lib-a` needs `lib-c`; `other` needs `lib-a`.
 */
export const INSPECT_PACKAGES: readonly PackageSpec[] = [
  {
    name: "app",
    versions: [
      {
        version: "1.0.0",
        requiresDist: [
          "lib-a>=1.0",
          "Lib_A",
          "lib-b; sys_platform == 'win32'",
          "lib-c; python_version < '3.8'",
        ],
        extras: { fast: ["lib-d"] },
      },
    ],
  },
  { name: "lib-a", versions: [{ version: "1.0.0", requiresDist: ["lib-c>=2"] }] },
  { name: "lib-b", versions: [{ version: "1.0.0" }] },
  { name: "lib-c", versions: [{ version: "1.0.0" }, { version: "2.0.0" }] },
  { name: "lib-d", versions: [{ version: "1.0.0" }] },
  { name: "other", versions: [{ version: "3.1.0", requiresDist: ["lib-a"] }] },
];
