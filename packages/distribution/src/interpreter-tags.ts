import { type Os, type Platform, parseArch, Tags, TagsError } from "@uv-ts/platform-tags";
import type { InterpreterInfo, OsData } from "@uv-ts/python";

function majorMinor(os: OsData): { major: number; minor: number } {
  return { major: os.major ?? 0, minor: os.minor ?? 0 };
}

function osOf(os: OsData): Os {
  switch (os.name) {
    case "manylinux":
    case "musllinux":
    case "macos":
    case "pyodide":
    case "pyemscripten":
      return { kind: os.name, ...majorMinor(os) };
    case "windows":
      return { kind: "windows" };
    case "freebsd":
    case "netbsd":
    case "openbsd":
    case "dragonfly":
    case "haiku":
      return { kind: os.name, release: os.release ?? "" };
    case "android":
      return { kind: "android", apiLevel: os.api_level ?? 0 };
    case "ios":
      return { kind: "ios", ...majorMinor(os), simulator: false };
    default:
      throw new TagsError(
        "platform-tags.unknown-os",
        `Unknown operating system reported by the interpreter: \`${os.name}\``,
      );
  }
}

/** `3.12.1` or `7.3.15`-style implementation versions, first two parts. */
function versionPair(text: string): [number, number] {
  const [major = 0, minor = 0] = text.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor];
}

/** The platform a queried interpreter runs on, as platform tags need it. */
export function interpreterPlatform(info: InterpreterInfo): Platform {
  const os = info.platform.os;
  const arch = parseArch(info.platform.arch);
  if (arch === undefined) {
    throw new TagsError(
      "platform-tags.unknown-arch",
      `Unknown architecture reported by the interpreter: \`${info.platform.arch}\``,
    );
  }
  if (os.name === "illumos") {
    return { os: { kind: "illumos", release: os.release ?? "", arch: info.platform.arch }, arch };
  }
  return { os: osOf(os), arch };
}

/**
 * The wheel tags a queried interpreter accepts, best first (uv's `Interpreter::tags`): from its
 * platform, version, implementation, manylinux compatibility and free-threaded/debug build.
 */
export function interpreterTags(info: InterpreterInfo): Tags {
  const markers = info.markers;
  return Tags.fromEnvironment(interpreterPlatform(info), {
    pythonVersion: versionPair(markers.python_version),
    implementationName: markers.implementation_name,
    implementationVersion: versionPair(markers.implementation_version),
    manylinuxCompatible: info.manylinux_compatible,
    gilDisabled: info.gil_disabled,
    debugEnabled: info.debug_enabled,
  });
}
