import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Arch,
  compatiblePlatformTags,
  detectLibc,
  formatPlatformTag,
  formatTagTriple,
  type Platform,
  Tags,
} from "../src/index.ts";

/**
 * Deliberate differences from `packaging` 26.3, applied to packaging's answers before comparing:
 *
 * - packaging 26.3 lists `linux_<arch>` before the manylinux/musllinux tags (pypa/packaging#160);
 *   uv keeps it last, so a wheel with both prefers the portable one. We follow uv.
 * - packaging 26.3 spells the macOS 32-bit fat format `fat3` (a typo in `_mac_binary_formats`);
 *   uv and real wheels use `fat32`.
 * - riscv64, loongarch64 and ppc: uv starts manylinux at glibc 2.31 / 2.36 / never, packaging at
 *   2.17 for all of them; these architectures are not generated here.
 * - PyPy/GraalPy: uv lists neither `pp310-none-<platform>` nor `pp310-none-any`; CPython only is
 *   compared (the unit tests pin uv's PyPy order).
 */
const ORACLE = fileURLToPath(new URL("./oracle_tags.py", import.meta.url));
const INTERPRETERS = [
  "3.8.18/bin/python3.8",
  "3.9.18/bin/python3.9",
  "3.10.13/bin/python3.10",
  "3.11.7/bin/python3.11",
  "3.12.1/bin/python3.12",
  "3.13.0/bin/python3.13",
]
  .map((p) => `/root/.pyenv/versions/${p}`)
  .filter((p) => existsSync(p));

const LINUX_ARCHES: Arch[] = ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "ppc64"];

const platformArb: fc.Arbitrary<Platform> = fc.oneof(
  fc.record({
    os: fc.record({
      kind: fc.constant("manylinux" as const),
      major: fc.constant(2),
      minor: fc.integer({ min: 0, max: 45 }),
    }),
    arch: fc.constantFrom(...LINUX_ARCHES),
  }),
  fc.record({
    os: fc.record({
      kind: fc.constant("musllinux" as const),
      major: fc.constant(1),
      minor: fc.integer({ min: 0, max: 5 }),
    }),
    arch: fc.constantFrom(...LINUX_ARCHES),
  }),
  fc.record({
    os: fc.oneof(
      fc.record({
        kind: fc.constant("macos" as const),
        major: fc.constant(10),
        // Below 10.4 there are no tags, and packaging reads an empty list as "this machine's".
        minor: fc.integer({ min: 4, max: 16 }),
      }),
      fc.record({
        kind: fc.constant("macos" as const),
        major: fc.integer({ min: 11, max: 26 }),
        minor: fc.integer({ min: 0, max: 6 }),
      }),
    ),
    arch: fc.constant<Arch>("x86_64"),
  }),
  fc.record({
    os: fc.record({
      kind: fc.constant("macos" as const),
      major: fc.integer({ min: 11, max: 26 }),
      minor: fc.integer({ min: 0, max: 6 }),
    }),
    arch: fc.constant<Arch>("aarch64"),
  }),
  fc.record({
    os: fc.constant({ kind: "windows" as const }),
    arch: fc.constantFrom<Arch>("x86_64", "i686", "aarch64"),
  }),
);

interface CPythonCase {
  readonly platform: Platform;
  readonly minor: number;
  readonly debug: boolean;
  readonly freethreaded: boolean;
}

const cpythonArb: fc.Arbitrary<CPythonCase> = fc
  .record({
    platform: platformArb,
    minor: fc.integer({ min: 3, max: 15 }),
    debug: fc.boolean(),
    freethreaded: fc.boolean(),
  })
  // Free-threading exists since 3.13.
  .map((c) => ({ ...c, freethreaded: c.freethreaded && c.minor >= 13 }));

const CPYTHON_CASES = fc.sample(cpythonArb, { numRuns: 300, seed: 425 });

const platformStrings = (platform: Platform): string[] =>
  compatiblePlatformTags(platform).map(formatPlatformTag);

function tagsFor(c: CPythonCase): Tags {
  return Tags.fromEnvironment(c.platform, {
    pythonVersion: [3, c.minor],
    implementationName: "cpython",
    implementationVersion: [3, c.minor],
    manylinuxCompatible: true,
    gilDisabled: c.freethreaded,
    debugEnabled: c.debug,
  });
}

const GLIBC_CASES = LINUX_ARCHES.flatMap((arch) =>
  Array.from({ length: 46 }, (_, minor) => ({ arch, minor })),
);
const MUSL_CASES = LINUX_ARCHES.flatMap((arch) =>
  Array.from({ length: 6 }, (_, minor) => ({ arch, minor })),
);
const MAC_CASES: { arch: Arch; major: number; minor: number }[] = [
  ...Array.from({ length: 17 }, (_, minor) => ({ arch: "x86_64" as Arch, major: 10, minor })),
  ...Array.from({ length: 16 }, (_, i) => ({
    arch: "x86_64" as Arch,
    major: 11 + i,
    minor: i % 4,
  })),
  ...Array.from({ length: 16 }, (_, i) => ({
    arch: "aarch64" as Arch,
    major: 11 + i,
    minor: i % 3,
  })),
];
const ANDROID_CASES = (["aarch64", "armv7l", "i686", "x86_64"] as Arch[]).flatMap((arch) =>
  [14, 16, 21, 24, 33, 35].map((apiLevel) => ({ arch, apiLevel })),
);
const IOS_CASES = [
  { arch: "aarch64" as Arch, simulator: false, major: 17, minor: 2 },
  { arch: "aarch64" as Arch, simulator: true, major: 12, minor: 0 },
  { arch: "x86_64" as Arch, simulator: true, major: 13, minor: 9 },
  { arch: "aarch64" as Arch, simulator: false, major: 11, minor: 4 },
];

interface Probe {
  readonly path: string;
  readonly error?: string[];
  readonly version: [number, number];
  readonly implementation: string;
  readonly gilDisabled: boolean;
  readonly debug: boolean;
  readonly libc: [string, string];
  readonly platformTags: string[];
  readonly sysTags: string[];
}

interface OracleOutput {
  readonly cases: string[][];
  readonly interpreters: Probe[];
}

function sanitizeMac(tags: string[]): string[] {
  return tags.map((t) => t.replace(/_fat3$/, "_fat32"));
}

/** Moves `linux_<arch>` to where uv puts it: after the manylinux/musllinux tags of its group. */
function packagingLinuxFirst(tags: string[]): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let groupKey = "";
  const flush = () => {
    const linux = group.filter((t) => /-linux_[^-]+$/.test(t));
    out.push(...linux, ...group.filter((t) => !/-linux_[^-]+$/.test(t)));
    group = [];
  };
  for (const tag of tags) {
    const key = tag.split("-").slice(0, 2).join("-");
    const linuxLike = /-(many|musl)?linux/.test(tag);
    if (!linuxLike || key !== groupKey) flush();
    groupKey = key;
    if (linuxLike) group.push(tag);
    else out.push(tag);
  }
  flush();
  return out;
}

describe.skipIf(!hasFeature("python") || !oracleAvailable())("platform tags vs packaging", () => {
  const cases = [
    ...CPYTHON_CASES.map((c) => ({
      kind: "cpython",
      pythonVersion: [3, c.minor],
      debug: c.debug,
      freethreaded: c.freethreaded,
      platforms: platformStrings(c.platform),
    })),
    ...GLIBC_CASES.map((c) => ({ kind: "glibc", glibc: [2, c.minor], arch: c.arch })),
    ...MUSL_CASES.map((c) => ({ kind: "musl", musl: [1, c.minor], arch: c.arch })),
    ...MAC_CASES.map((c) => ({
      kind: "mac",
      version: [c.major, c.minor],
      arch: c.arch === "aarch64" ? "arm64" : c.arch,
    })),
    ...ANDROID_CASES.map((c) => ({
      kind: "android",
      apiLevel: c.apiLevel,
      abi: { aarch64: "arm64_v8a", armv7l: "armeabi_v7a", i686: "x86", x86_64: "x86_64" }[
        c.arch as "aarch64"
      ],
    })),
    ...IOS_CASES.map((c) => ({
      kind: "ios",
      version: [c.major, c.minor],
      multiarch: `${c.arch === "aarch64" ? "arm64" : "x86_64"}_${c.simulator ? "iphonesimulator" : "iphoneos"}`,
    })),
  ];
  const output = runOracle<OracleOutput>(ORACLE, { cases, interpreters: INTERPRETERS });
  let index = 0;
  const next = (): string[] => output.cases[index++] ?? [];

  it("orders_cpython_tags_like_packaging", () => {
    const mismatches: string[] = [];
    for (const c of CPYTHON_CASES) {
      const expected = next();
      const actual = [...tagsFor(c)].map(formatTagTriple);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(
          `${JSON.stringify(c)}: first difference at ${actual.findIndex((t, i) => t !== expected[i])}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("lists_manylinux_tags_like_packaging", () => {
    for (const c of GLIBC_CASES) {
      const expected = next();
      const actual = platformStrings({
        os: { kind: "manylinux", major: 2, minor: c.minor },
        arch: c.arch,
      });
      expect(actual.slice(0, -1), JSON.stringify(c)).toEqual(expected);
    }
  });

  it("lists_musllinux_tags_like_packaging", () => {
    for (const c of MUSL_CASES) {
      const expected = next();
      const actual = platformStrings({
        os: { kind: "musllinux", major: 1, minor: c.minor },
        arch: c.arch,
      });
      expect(actual.slice(0, -1), JSON.stringify(c)).toEqual(expected);
    }
  });

  it("lists_macos_tags_like_packaging", () => {
    for (const c of MAC_CASES) {
      const expected = sanitizeMac(next());
      const actual = platformStrings({
        os: { kind: "macos", major: c.major, minor: c.minor },
        arch: c.arch,
      });
      expect(actual, JSON.stringify(c)).toEqual(expected);
    }
  });

  it("lists_android_and_ios_tags_like_packaging", () => {
    for (const c of ANDROID_CASES) {
      const expected = next();
      const actual = platformStrings({
        os: { kind: "android", apiLevel: c.apiLevel },
        arch: c.arch,
      });
      expect(actual, JSON.stringify(c)).toEqual(expected);
    }
    for (const c of IOS_CASES) {
      const expected = next();
      const actual = platformStrings({
        os: { kind: "ios", major: c.major, minor: c.minor, simulator: c.simulator },
        arch: c.arch,
      });
      expect(actual, JSON.stringify(c)).toEqual(expected);
    }
  });

  it.skipIf(process.platform !== "linux" || process.arch !== "x64")(
    "matches_sys_tags_of_the_installed_interpreters",
    () => {
      const libc = detectLibc();
      expect(libc?.kind).toBe("glibc");
      if (libc === undefined) return;
      const probed = output.interpreters.filter((p) => p.error === undefined);
      // packaging 26.3 needs Python 3.9+; older interpreters may fail to import it.
      expect(probed.length).toBeGreaterThanOrEqual(Math.min(INTERPRETERS.length, 5));
      for (const probe of probed) {
        expect(probe.libc).toEqual(["glibc", `${libc.major}.${libc.minor}`]);
        const tags = Tags.fromEnvironment(
          { os: { kind: "manylinux", major: libc.major, minor: libc.minor }, arch: "x86_64" },
          {
            pythonVersion: probe.version,
            implementationName: probe.implementation,
            implementationVersion: probe.version,
            manylinuxCompatible: true,
            gilDisabled: probe.gilDisabled,
            debugEnabled: probe.debug,
          },
        );
        const ours = [...tags].map(formatTagTriple);
        expect(packagingLinuxFirst(ours), probe.path).toEqual(probe.sysTags);
      }
    },
  );
});
