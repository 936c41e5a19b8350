import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultLinkMode,
  HARDLINK_FALLBACK_WARNING,
  LinkError,
  linkTree,
  onceWarner,
  parseLinkMode,
  SYMLINK_FALLBACK_WARNING,
} from "../src/index.ts";

let scratch: string;
let src: string;
let n = 0;
const dest = () => join(scratch, `dst-${n++}`);

const exdev = () => {
  throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
};
const enotsup = () => {
  throw Object.assign(new Error("ENOTSUP: operation not supported"), { code: "ENOTSUP" });
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "uv-ts-link-test-"));
  // A small unpacked wheel.
  src = join(scratch, "src");
  mkdirSync(join(src, "pkg", "sub"), { recursive: true });
  mkdirSync(join(src, "pkg-1.0.dist-info"));
  writeFileSync(join(src, "pkg", "__init__.py"), "x = 1\n");
  writeFileSync(join(src, "pkg", "sub", "mod.py"), "y = 2\n");
  writeFileSync(join(src, "pkg", "tool"), "#!/bin/sh\n");
  chmodSync(join(src, "pkg", "tool"), 0o755);
  writeFileSync(join(src, "pkg-1.0.dist-info", "RECORD"), "pkg/__init__.py,,\n");
  symlinkSync("sub/mod.py", join(src, "pkg", "alias.py"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function expectSameTree(dst: string): void {
  expect(readFileSync(join(dst, "pkg", "__init__.py"), "utf8")).toBe("x = 1\n");
  expect(readFileSync(join(dst, "pkg", "sub", "mod.py"), "utf8")).toBe("y = 2\n");
  expect(readFileSync(join(dst, "pkg-1.0.dist-info", "RECORD"), "utf8")).toBe(
    "pkg/__init__.py,,\n",
  );
  expect(statSync(join(dst, "pkg", "tool")).mode & 0o777).toBe(0o755);
  expect(readlinkSync(join(dst, "pkg", "alias.py"))).toBe("sub/mod.py");
}

const ino = (path: string) => lstatSync(path).ino;

describe("linkTree", () => {
  it("hardlink_shares_inodes_except_mutable_copies", () => {
    const dst = dest();
    const warnings: string[] = [];
    const used = linkTree(src, dst, {
      mode: "hardlink",
      needsMutableCopy: (p) => p.endsWith(".dist-info/RECORD"),
      warn: (m) => warnings.push(m),
    });
    expect(used).toBe("hardlink");
    expectSameTree(dst);
    expect(ino(join(dst, "pkg", "sub", "mod.py"))).toBe(ino(join(src, "pkg", "sub", "mod.py")));
    const record = "pkg-1.0.dist-info/RECORD";
    expect(ino(join(dst, record))).not.toBe(ino(join(src, record)));
    expect(warnings).toEqual([]);
  });

  it("hardlink_falls_back_to_copy_with_uvs_warning", () => {
    const dst = dest();
    const warnings: string[] = [];
    const used = linkTree(src, dst, {
      mode: "hardlink",
      warn: (m) => warnings.push(m),
      operations: { hardlink: exdev },
    });
    expect(used).toBe("copy");
    expectSameTree(dst);
    expect(ino(join(dst, "pkg", "__init__.py"))).not.toBe(ino(join(src, "pkg", "__init__.py")));
    expect(warnings).toEqual([HARDLINK_FALLBACK_WARNING]);
    expect(HARDLINK_FALLBACK_WARNING).toBe(
      "Failed to hardlink files; falling back to full copy. This may lead to degraded performance.\n" +
        "         If the cache and target directories are on different filesystems, hardlinking may not be supported.\n" +
        "         If this is intentional, set `export UV_LINK_MODE=copy` or use `--link-mode=copy` to suppress this warning.",
    );
  });

  it("clone_falls_back_to_hardlink_silently_then_to_copy", () => {
    const first = dest();
    const warnings: string[] = [];
    expect(
      linkTree(src, first, {
        mode: "clone",
        warn: (m) => warnings.push(m),
        operations: { clone: enotsup },
      }),
    ).toBe("hardlink");
    expect(warnings).toEqual([]);
    expectSameTree(first);
    const second = dest();
    expect(
      linkTree(src, second, {
        mode: "clone",
        warn: (m) => warnings.push(m),
        operations: { clone: enotsup, hardlink: exdev },
      }),
    ).toBe("copy");
    expect(warnings).toEqual([HARDLINK_FALLBACK_WARNING]);
    expectSameTree(second);
  });

  it("clone_uses_reflinks_where_supported_or_steps_down", () => {
    // This machine's filesystem may or may not reflink; either way the tree must be complete.
    const dst = dest();
    const used = linkTree(src, dst, { mode: "clone" });
    expect(["clone", "hardlink"]).toContain(used);
    expectSameTree(dst);
  });

  it("symlink_mode_links_to_absolute_sources_and_falls_back_with_its_own_warning", () => {
    const dst = dest();
    expect(linkTree(src, dst, { mode: "symlink" })).toBe("symlink");
    expect(readlinkSync(join(dst, "pkg", "__init__.py"))).toBe(join(src, "pkg", "__init__.py"));
    expectSameTree(dst);
    const warnings: string[] = [];
    const copied = dest();
    expect(
      linkTree(src, copied, {
        mode: "symlink",
        warn: (m) => warnings.push(m),
        operations: { symlink: enotsup },
      }),
    ).toBe("copy");
    expect(warnings).toEqual([SYMLINK_FALLBACK_WARNING]);
    expect(lstatSync(join(copied, "pkg", "__init__.py")).isFile()).toBe(true);
  });

  it("a_failure_after_the_mode_worked_is_an_error", () => {
    let calls = 0;
    const error = (() => {
      try {
        linkTree(src, dest(), {
          mode: "hardlink",
          operations: {
            // The first file links (proving the mode), the second fails.
            hardlink: (from, to) => (calls++ > 0 ? exdev() : linkSync(from, to)),
          },
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LinkError);
    expect((error as Error).message).toMatch(/^Failed to hard link `.*` to `.*`$/);
  });

  it("existing_files_fail_unless_merging", () => {
    const dst = dest();
    linkTree(src, dst, { mode: "copy" });
    writeFileSync(join(dst, "pkg", "__init__.py"), "stale\n");
    expect(() => linkTree(src, dst, { mode: "copy" })).toThrow(LinkError);
    expect(linkTree(src, dst, { mode: "hardlink", onExisting: "merge" })).toBe("hardlink");
    expectSameTree(dst);
    expect(ino(join(dst, "pkg", "__init__.py"))).toBe(ino(join(src, "pkg", "__init__.py")));
  });

  it("once_warner_deduplicates_across_calls", () => {
    const printed: string[] = [];
    const warn = onceWarner((m) => printed.push(m));
    for (let i = 0; i < 3; i++) {
      linkTree(src, dest(), { mode: "hardlink", warn, operations: { hardlink: exdev } });
    }
    expect(printed).toEqual([HARDLINK_FALLBACK_WARNING]);
  });
});

describe("link mode names", () => {
  it("parses_uv_names_and_the_reflink_alias", () => {
    expect(parseLinkMode("clone")).toBe("clone");
    expect(parseLinkMode("reflink")).toBe("clone");
    expect(parseLinkMode("hardlink")).toBe("hardlink");
    expect(parseLinkMode("copy")).toBe("copy");
    expect(parseLinkMode("symlink")).toBe("symlink");
    expect(parseLinkMode("hard-link")).toBeUndefined();
    expect(defaultLinkMode("linux")).toBe("clone");
    expect(defaultLinkMode("darwin")).toBe("clone");
    expect(defaultLinkMode("win32")).toBe("hardlink");
  });
});
