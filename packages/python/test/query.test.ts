import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasFeature, ScratchDirs } from "@uv-ts/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { InterpreterQueryError, interpreterCachePath, queryInterpreter } from "../src/index.ts";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3.12";

const scratch = new ScratchDirs("uv-ts-query-");
afterAll(() => scratch.removeAll());

/**
 * A stand-in interpreter: a shell script that answers the query with fixed facts (naming itself
 * as `sys.executable`, so that its answer may be cached) and counts how often it runs.
 */
function fakeInterpreter(dir: string, version = "3.12.4"): { path: string; runs: () => number } {
  const path = join(dir, "python3");
  const counter = join(dir, "runs");
  writeFileSync(counter, "");
  const info = {
    result: "success",
    markers: {
      implementation_name: "cpython",
      implementation_version: version,
      os_name: "posix",
      platform_machine: "x86_64",
      platform_python_implementation: "CPython",
      platform_release: "6.0",
      platform_system: "Linux",
      platform_version: "#1",
      python_full_version: version,
      python_version: version.split(".").slice(0, 2).join("."),
      sys_platform: "linux",
    },
    sys_prefix: dir,
    sys_base_prefix: dir,
    sys_base_exec_prefix: dir,
    sys_executable: path,
    sys_base_executable: path,
    sys_path: [],
    site_packages: [],
    stdlib: join(dir, "lib"),
    scheme: { purelib: "a", platlib: "a", scripts: "b", data: "c", include: "d" },
    virtualenv: {
      purelib: "lib/python3.12/site-packages",
      platlib: "lib/python3.12/site-packages",
      scripts: "bin",
      data: "",
      include: "include/site/python3.12",
    },
    platform: { os: { name: "manylinux", major: 2, minor: 36 }, arch: "x86_64" },
    manylinux_compatible: true,
    is_virtualenv: false,
    standalone: false,
    gil_disabled: false,
    debug_enabled: false,
    pointer_size: 64,
  };
  writeFileSync(
    path,
    `#!/bin/sh\necho run >> '${counter}'\ncat <<'JSON'\n${JSON.stringify(info)}\nJSON\n`,
  );
  chmodSync(path, 0o755);
  return { path, runs: () => readFileSync(counter, "utf8").split("\n").filter(Boolean).length };
}

describe("queryInterpreter", () => {
  it("caches_the_answer_and_does_not_run_python_again", async () => {
    const dir = scratch.make();
    const cacheDir = join(dir, "cache");
    const fake = fakeInterpreter(dir);
    const first = await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    expect(first.version.toString()).toBe("3.12.4");
    expect(first.key).toBe("cpython-3.12.4-linux-x86_64-gnu");
    expect(fake.runs()).toBe(1);
    const second = await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    expect(second.info).toEqual(first.info);
    expect(fake.runs()).toBe(1);
    expect(interpreterCachePath(cacheDir, fake.path)).toMatch(
      /interpreter-v0\/[0-9a-f]{16}\.json$/,
    );
  });

  it("queries_again_when_the_executable_changes", async () => {
    const dir = scratch.make();
    const cacheDir = join(dir, "cache");
    const fake = fakeInterpreter(dir);
    await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    utimesSync(fake.path, new Date(2000, 1, 1), new Date(2000, 1, 1));
    await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    expect(fake.runs()).toBe(2);
  });

  it("ignores_a_corrupt_cache_entry", async () => {
    const dir = scratch.make();
    const cacheDir = join(dir, "cache");
    const fake = fakeInterpreter(dir);
    await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    writeFileSync(interpreterCachePath(cacheDir, fake.path), "{not json");
    const again = await queryInterpreter(fake.path, { cwd: dir, cacheDir });
    expect(again.version.toString()).toBe("3.12.4");
    expect(fake.runs()).toBe(2);
  });

  it("does_not_cache_a_shim_that_runs_another_interpreter", async () => {
    const dir = scratch.make();
    const inner = join(dir, "inner");
    mkdirSync(inner);
    const fake = fakeInterpreter(inner);
    const shim = join(dir, "python");
    writeFileSync(shim, `#!/bin/sh\nexec '${fake.path}' "$@"\n`);
    chmodSync(shim, 0o755);
    const cacheDir = join(dir, "cache");
    await queryInterpreter(shim, { cwd: dir, cacheDir });
    await queryInterpreter(shim, { cwd: dir, cacheDir });
    expect(fake.runs()).toBe(2);
  });

  it("reports_failing_and_missing_interpreters", async () => {
    const dir = scratch.make();
    const broken = join(dir, "brokenpy");
    writeFileSync(broken, "#!/bin/sh\necho broken >&2\nexit 3\n");
    chmodSync(broken, 0o755);
    await expect(queryInterpreter("./brokenpy", { cwd: dir })).rejects.toMatchObject({
      kind: "status-code",
      message:
        "Querying Python at `./brokenpy` failed with exit status exit status: 3\n\n[stderr]\nbroken\n",
    });
    const bad = join(dir, "badpy");
    writeFileSync(bad, "#!/bin/sh\necho notjson\n");
    chmodSync(bad, 0o755);
    const error = await queryInterpreter(bad, { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterpreterQueryError);
    expect((error as InterpreterQueryError).kind).toBe("unexpected-response");
    expect((error as Error).message).toMatch(
      /returned an invalid response: .*\n\n\[stdout\]\nnotjson\n$/s,
    );
    await expect(queryInterpreter("./missing", { cwd: dir })).rejects.toMatchObject({
      kind: "not-found",
      message: "Python interpreter not found at `./missing`",
    });
  });
});

describe.skipIf(!hasFeature("python"))("queryInterpreter with a real interpreter", () => {
  it("reports_version_paths_markers_and_platform", async () => {
    const dir = scratch.make();
    const interpreter = await queryInterpreter(PY312, { cwd: dir, cacheDir: join(dir, "cache") });
    expect(interpreter.version.toString()).toBe("3.12.1");
    expect(interpreter.implementationPretty).toBe("CPython");
    expect(interpreter.sysExecutable).toBe(PY312);
    expect(interpreter.sysPrefix).toBe("/root/.pyenv/versions/3.12.1");
    expect(interpreter.isVirtualenv).toBe(false);
    expect(interpreter.virtualenvScheme).toEqual({
      purelib: "lib/python3.12/site-packages",
      platlib: "lib/python3.12/site-packages",
      scripts: "bin",
      data: "",
      include: "include/site/python3.12",
    });
    expect(interpreter.markers.python_version).toBe("3.12");
    expect(interpreter.markers.sys_platform).toBe("linux");
    expect(interpreter.pointerSize).toBe(64);
    expect(interpreter.key).toMatch(/^cpython-3\.12\.1-linux-[a-z0-9_]+-gnu$/);
  });
});
