import { linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { HARDLINK_FALLBACK_WARNING, LockTimeoutError } from "@uv-ts/fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseScript } from "../src/entry-points.ts";
import {
  environmentLockPath,
  formatRecord,
  formatShebang,
  InvalidWheelError,
  installWheel,
  Linker,
  lockEnvironment,
  parseEntryPoints,
  parseRecord,
  parseWheelFile,
  reservedScriptName,
  scriptLauncher,
} from "../src/index.ts";
import { cleanup, fakeVenv, tempDir, unpackedWheel } from "./helpers.ts";

let root: string;
beforeEach(() => {
  root = tempDir("units");
});
afterEach(() => cleanup(root));

describe("entry points", () => {
  it("pip3_versioned_scripts_follow_the_target_interpreter", () => {
    const { consoleScripts } = parseEntryPoints(
      "[console_scripts]\npip = a:b1\npip3 = a:b2\npip3.11 = a:b3\npip3.x = a:b4\n",
      12,
    );
    expect(consoleScripts.map((s) => `${s.name}=${s.function}`).sort()).toEqual([
      "pip3.12=b2",
      "pip3.x=b4",
      "pip3=b2",
      "pip=b1",
    ]);
  });

  it("entry_points_comments_extras_and_sections", () => {
    const text = "# header\n[gui_scripts]\ngui = pkg.ui:main.run [extra1, extra2] ; comment\n";
    const { guiScripts, consoleScripts } = parseEntryPoints(text, 12);
    expect(consoleScripts).toEqual([]);
    expect(guiScripts).toEqual([{ name: "gui", module: "pkg.ui", function: "main.run" }]);
    expect(scriptLauncher(guiScripts[0]!, "#!/venv/bin/python")).toContain(
      "from pkg.ui import main\n",
    );
  });

  it("non_ascii_values_read_as_ascii_ones_do", () => {
    // ASCII values take a pattern of their own: both must read every value the same way.
    const values = [
      ["pkg.cli:main", "pkg.cli", "main"],
      ["pkg_x-y.cli :  main.run  [a, b]", "pkg_x-y.cli", "main.run"],
      ["p\u00e4ck.cli:m\u00e4in", "p\u00e4ck.cli", "m\u00e4in"],
      ["paquet\u0301:f\u0663 [x]", "paquet\u0301", "f\u0663"],
    ] as const;
    for (const [value, module, fn] of values) {
      expect(parseScript("s", value)).toEqual({ name: "s", module, function: fn });
    }
    for (const value of ["pkg:main[", "pkg main", "p$g:main", "pkg:m\u00e4in!", "\u00e4:"]) {
      expect(() => parseScript("s", value)).toThrow(`invalid console script: '${value}'`);
    }
  });

  it("invalid_entry_points_are_rejected_with_uv_messages", () => {
    expect(() => parseEntryPoints("[console_scripts]\nscript: pkg:main\n", 12)).toThrow(
      "The wheel is invalid: [console_scripts] key script: pkg:main must have a value",
    );
    expect(() => parseEntryPoints("[console_scripts]\nx = :weh\n", 12)).toThrow(
      "The wheel is invalid: invalid console script: ':weh'",
    );
  });
});

describe("scripts", () => {
  it("reserved_script_names", () => {
    for (const name of ["python", "python3", "python3.12", "python3.13t", "pypy3", "graalpy.py"]) {
      expect(reservedScriptName(name), name).toBeDefined();
    }
    for (const name of ["python4", "python3.x", "pythonista", "python3.256", "pip"]) {
      expect(reservedScriptName(name), name).toBeUndefined();
    }
  });

  it("shebang_uses_sh_trampoline_for_spaces_and_long_paths", () => {
    expect(formatShebang("/usr/bin/python3")).toBe("#!/usr/bin/python3");
    expect(formatShebang("/usr/bin/path to python3")).toBe(
      "#!/bin/sh\n'''exec' '/usr/bin/path to python3' \"$0\" \"$@\"\n' '''",
    );
    expect(formatShebang("/it's/python")).toBe("#!/it's/python");
    const long = `/${"x".repeat(130)}/python`;
    expect(formatShebang(long)).toBe(`#!/bin/sh\n'''exec' '${long}' "$0" "$@"\n' '''`);
  });
});

describe("RECORD and WHEEL", () => {
  it("record_round_trips_with_quoting_and_sorting", () => {
    const text = 'b.py,sha256=x,3\n"a,b.py",sha256=y,4\n/abs.py,,\npkg-1.dist-info/RECORD,,\n';
    const entries = parseRecord(text);
    expect(entries.map((e) => e.path)).toEqual([
      "b.py",
      "a,b.py",
      "abs.py",
      "pkg-1.dist-info/RECORD",
    ]);
    expect(formatRecord(entries)).toBe(
      '"a,b.py",sha256=y,4\nabs.py,,\nb.py,sha256=x,3\npkg-1.dist-info/RECORD,,\n',
    );
  });

  it("wheel_file_version_checks", () => {
    expect(parseWheelFile("Wheel-Version: 1.0\nRoot-Is-Purelib: true\n").rootIsPurelib).toBe(true);
    expect(parseWheelFile("Wheel-Version: 1.9\nRoot-Is-Purelib: True\n").rootIsPurelib).toBe(false);
    expect(() => parseWheelFile("Root-Is-Purelib: true\n")).toThrow(
      "The wheel is invalid: Invalid Wheel-Version in WHEEL file: None",
    );
    expect(() => parseWheelFile("Wheel-Version: 1\n")).toThrow(InvalidWheelError);
  });

  it("platlib_wheels_go_to_platlib", async () => {
    const layout = fakeVenv(join(root, "venv"));
    const platLayout = { ...layout, scheme: { ...layout.scheme, platlib: join(root, "plat") } };
    const wheel = await unpackedWheel({ name: "native", version: "1.0.0" }, root);
    const wheelFile = join(wheel.dir, "native-1.0.0.dist-info", "WHEEL");
    writeFileSync(
      wheelFile,
      readFileSync(wheelFile, "utf8").replace("Root-Is-Purelib: true", "Root-Is-Purelib: false"),
    );
    const result = await installWheel(wheel.dir, wheel.filename, platLayout);
    expect(result.distInfo).toBe(join(root, "plat", "native-1.0.0.dist-info"));
    expect(readFileSync(join(root, "plat", "native", "__init__.py"), "utf8")).toContain("1.0.0");
  });
});

describe("linking", () => {
  it("hardlink_failure_falls_back_to_copy_with_one_warning", async () => {
    const layout = fakeVenv(join(root, "venv"));
    const warnings: string[] = [];
    const linker = new Linker("hardlink", {
      onWarning: (m) => warnings.push(m),
      operations: {
        hardlink: () => {
          throw Object.assign(new Error("EXDEV: cross-device link"), { code: "EXDEV" });
        },
      },
    });
    for (const name of ["one", "two"]) {
      const wheel = await unpackedWheel({ name, version: "1.0.0" }, root);
      await installWheel(wheel.dir, wheel.filename, layout, { linker });
    }
    expect(warnings).toEqual([HARDLINK_FALLBACK_WARNING]);
    expect(linker.mode).toBe("copy");
    const cached = join(root, "one-1.0.0-py3-none-any.whl.unpacked", "one", "__init__.py");
    const installed = join(layout.scheme.purelib, "one", "__init__.py");
    expect(statSync(installed).ino).not.toBe(statSync(cached).ino);
  });

  it("clone_falls_back_to_hardlink_silently", () => {
    const warnings: string[] = [];
    const linker = new Linker("clone", {
      onWarning: (m) => warnings.push(m),
      operations: {
        clone: () => {
          throw Object.assign(new Error("ENOTSUP"), { code: "ENOTSUP" });
        },
      },
    });
    writeFileSync(join(root, "src"), "data");
    linker.link(join(root, "src"), join(root, "dst"));
    expect(linker.mode).toBe("hardlink");
    expect(statSync(join(root, "dst")).ino).toBe(statSync(join(root, "src")).ino);
    expect(warnings).toEqual([]);
  });

  it("replacing_a_linked_file_never_writes_through_to_the_cache", () => {
    const linker = new Linker("copy");
    writeFileSync(join(root, "cache-a"), "old");
    writeFileSync(join(root, "new"), "new");
    linkSync(join(root, "cache-a"), join(root, "target"));
    linker.link(join(root, "new"), join(root, "target"));
    expect(readFileSync(join(root, "target"), "utf8")).toBe("new");
    expect(readFileSync(join(root, "cache-a"), "utf8")).toBe("old");
  });
});

describe("environment lock", () => {
  it("second_writer_waits_for_the_environment_lock", async () => {
    const lock = await lockEnvironment(root, { cwd: root });
    expect(environmentLockPath(root)).toBe(join(root, ".uv-ts.lock"));
    await expect(lockEnvironment(root, { timeoutMs: 50, cwd: root })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    await lock.release();
    const again = await lockEnvironment(root, { timeoutMs: 50 });
    await again.release();
  });
});

describe("dist-info prefix", () => {
  it("the_listing_names_the_same_dist_info_as_the_directory", async () => {
    const { findDistInfoPrefix, listedDistInfoPrefix } = await import("../src/wheel-contents.ts");
    const cases: Record<string, string[]> = {
      one: ["a/__init__.py", "a-1.0.dist-info/METADATA", "a-1.0.dist-info/RECORD"],
      two: ["b-1.0.dist-info/METADATA", "a-1.0.dist-info/METADATA", "a.py"],
      none: ["a/__init__.py", "a.py"],
      // A file with the suffix is not a dist-info directory.
      file: ["x.dist-info", "a-2.0.dist-info/METADATA"],
      nested: ["pkg/inner.dist-info/METADATA", "a-3.0.dist-info/WHEEL"],
    };
    const outcome = (f: () => string) => {
      try {
        return f();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    for (const [name, files] of Object.entries(cases)) {
      const dir = join(root, name);
      for (const file of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), "");
      }
      expect(
        outcome(() => listedDistInfoPrefix(files)),
        name,
      ).toBe(outcome(() => findDistInfoPrefix(dir)));
    }
    expect(listedDistInfoPrefix(cases.one!)).toBe("a-1.0");
    expect(outcome(() => listedDistInfoPrefix(cases.two!))).toContain(
      "Multiple .dist-info directories found: a-1.0, b-1.0",
    );
  });
});
