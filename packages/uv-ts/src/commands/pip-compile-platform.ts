import { UvError } from "@uv-ts/error";
import type { MarkerEnvironment } from "@uv-ts/pep508";
import type { Arch, Os, Platform } from "@uv-ts/platform-tags";

/**
 * A `--python-platform` target (uv's `TargetTriple`): the platform its wheels are tagged for and
 * the marker values it implies. The Python version markers stay those of the interpreter (or of
 * `--python-version`).
 */
export interface TargetPlatform {
  readonly platform: Platform;
  readonly manylinuxCompatible: boolean;
  readonly osName: string;
  readonly sysPlatform: string;
  readonly platformSystem: string;
  readonly platformMachine: string;
}

type Family = "windows" | "linux" | "musl" | "macos";

function target(family: Family, arch: Arch, os: Os, machine: string): TargetPlatform {
  const windows = family === "windows";
  const macos = family === "macos";
  return {
    platform: { os, arch },
    manylinuxCompatible: family === "linux" || family === "musl",
    osName: windows ? "nt" : "posix",
    sysPlatform: windows ? "win32" : macos ? "darwin" : "linux",
    platformSystem: windows ? "Windows" : macos ? "Darwin" : "Linux",
    platformMachine: machine,
  };
}

function macosTarget(env: Readonly<Record<string, string | undefined>>): Os {
  const match = /^(\d+)(?:\.(\d+))?/.exec(env.MACOSX_DEPLOYMENT_TARGET ?? "");
  if (match === null) return { kind: "macos", major: 13, minor: 0 };
  return { kind: "macos", major: Number(match[1]), minor: Number(match[2] ?? "0") };
}

const MANYLINUX_MINORS = [17, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40];

/** The values `--python-platform` accepts that uv-ts knows, in uv's help order. */
export const PYTHON_PLATFORMS: readonly string[] = [
  "windows",
  "linux",
  "macos",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
  "i686-pc-windows-msvc",
  "x86_64-unknown-linux-gnu",
  "aarch64-apple-darwin",
  "x86_64-apple-darwin",
  "aarch64-unknown-linux-gnu",
  "aarch64-unknown-linux-musl",
  "x86_64-unknown-linux-musl",
  "x86_64-manylinux2014",
  ...MANYLINUX_MINORS.map((m) => `x86_64-manylinux_2_${m}`),
  "aarch64-manylinux2014",
  ...MANYLINUX_MINORS.map((m) => `aarch64-manylinux_2_${m}`),
];

/** Parses a `--python-platform` value; throws for values uv-ts does not know. */
export function parseTargetPlatform(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): TargetPlatform {
  const glibc = (minor: number): Os => ({ kind: "manylinux", major: 2, minor });
  const musl: Os = { kind: "musllinux", major: 1, minor: 2 };
  switch (value) {
    case "windows":
    case "x86_64-pc-windows-msvc":
      return target("windows", "x86_64", { kind: "windows" }, "x86_64");
    case "aarch64-pc-windows-msvc":
      return target("windows", "aarch64", { kind: "windows" }, "ARM64");
    case "i686-pc-windows-msvc":
      return target("windows", "i686", { kind: "windows" }, "x86");
    case "linux":
    case "x86_64-unknown-linux-gnu":
      return target("linux", "x86_64", glibc(28), "x86_64");
    case "macos":
    case "aarch64-apple-darwin":
      return target("macos", "aarch64", macosTarget(env), "arm64");
    case "x86_64-apple-darwin":
      return target("macos", "x86_64", macosTarget(env), "x86_64");
    case "aarch64-unknown-linux-gnu":
      return target("linux", "aarch64", glibc(28), "aarch64");
    case "aarch64-unknown-linux-musl":
      return target("musl", "aarch64", musl, "aarch64");
    case "x86_64-unknown-linux-musl":
      return target("musl", "x86_64", musl, "x86_64");
    default:
      break;
  }
  const manylinux = /^(x86_64|aarch64)-manylinux(?:2014|_2_(\d+))$/.exec(value);
  const alias = /^manylinux(?:2014|_2_(\d+))_(x86_64|aarch64)$/.exec(value);
  const arch = (manylinux?.[1] ?? alias?.[2]) as Arch | undefined;
  const minorText = manylinux !== null ? manylinux[2] : alias?.[1];
  const minor = minorText === undefined ? 17 : Number(minorText);
  if (arch !== undefined && MANYLINUX_MINORS.includes(minor)) {
    return target("linux", arch, glibc(minor), arch);
  }
  throw new UvError(
    "pip.python-platform",
    `invalid value '${value}' for '--python-platform <PYTHON_PLATFORM>'`,
    { hint: `uv-ts supports: ${PYTHON_PLATFORMS.join(", ")}` },
  );
}

/** The marker environment of `base` moved to the target platform. */
export function platformMarkers(
  base: MarkerEnvironment,
  target: TargetPlatform,
): MarkerEnvironment {
  return {
    ...base,
    os_name: target.osName,
    platform_machine: target.platformMachine,
    platform_system: target.platformSystem,
    sys_platform: target.sysPlatform,
    platform_release: "",
    platform_version: "",
  };
}
