import { type Arch, archMachine, minimumManylinuxMinor } from "./arch.ts";
import { PlatformError } from "./errors.ts";
import type { Platform } from "./platform.ts";
import type { AndroidAbi, BinaryFormat, IosMultiarch, PlatformTag } from "./platform-tag.ts";

/** macOS binary formats an `arch` can load, best first (as `packaging.tags._mac_binary_formats`). */
function macBinaryFormats(arch: Arch): readonly BinaryFormat[] {
  switch (arch) {
    case "aarch64":
      return ["arm64", "universal2"];
    case "ppc64":
      return ["ppc64", "fat64", "universal"];
    case "ppc":
      return ["ppc", "fat32", "fat", "universal"];
    case "i686":
      return ["i386", "intel", "fat32", "fat", "universal"];
    case "x86_64":
      return ["x86_64", "intel", "fat64", "fat32", "universal2", "universal"];
    default:
      throw new PlatformError(
        `Failed to detect the operating system version: Unsupported operating system and architecture combination: macos ${arch}`,
      );
  }
}

function androidAbi(arch: Arch): AndroidAbi {
  switch (arch) {
    case "aarch64":
      return "arm64_v8a";
    case "armv7l":
      return "armeabi_v7a";
    case "i686":
      return "x86";
    case "x86_64":
      return "x86_64";
    default:
      throw new PlatformError(`Invalid Android architecture: ${arch}`);
  }
}

function iosMultiarch(arch: Arch, simulator: boolean): IosMultiarch {
  if (simulator) {
    if (arch === "aarch64") return "arm64_iphonesimulator";
    if (arch === "x86_64") return "x86_64_iphonesimulator";
    throw new PlatformError(`Invalid iOS simulator architecture: ${arch}`);
  }
  if (arch === "aarch64") return "arm64_iphoneos";
  throw new PlatformError(`Invalid iOS device architecture: ${arch}`);
}

const RELEASE_ARCH = /^[A-Za-z0-9_]*$/;

function checkedReleaseArch(releaseArch: string): string {
  if (!RELEASE_ARCH.test(releaseArch)) {
    throw new PlatformError(
      `Invalid platform release and architecture \`${releaseArch}\`: release and architecture must contain only ASCII letters, digits, and underscores`,
    );
  }
  return releaseArch;
}

/**
 * The platform tags a platform accepts, best first, not including `any`.
 *
 * Linux lists every manylinux (or musllinux) version from the detected libc down to the oldest
 * policy for the architecture (legacy aliases right after their `manylinux_2_x` equivalent), then
 * `linux_<arch>` last, as uv does. macOS lists every release down to 10.4 with each binary format
 * the architecture can load.
 */
export function compatiblePlatformTags(platform: Platform): PlatformTag[] {
  const { os, arch } = platform;
  const tags: PlatformTag[] = [];
  switch (os.kind) {
    case "manylinux": {
      const minimum = minimumManylinuxMinor(arch);
      if (minimum !== undefined) {
        for (let minor = os.minor; minor >= minimum; minor--) {
          tags.push({ kind: "manylinux", major: os.major, minor, arch });
          // PEP 600 legacy aliases, just below the tag they alias.
          if (minor === 12) tags.push({ kind: "manylinux2010", arch });
          if (minor === 17) tags.push({ kind: "manylinux2014", arch });
          if (minor === 5) tags.push({ kind: "manylinux1", arch });
        }
      }
      tags.push({ kind: "linux", arch });
      return tags;
    }
    case "musllinux": {
      for (let minor = os.minor; minor >= 0; minor--) {
        tags.push({ kind: "musllinux", major: os.major, minor, arch });
      }
      tags.push({ kind: "linux", arch });
      return tags;
    }
    case "macos": {
      if (arch !== "x86_64" && arch !== "aarch64") break;
      const formats = macBinaryFormats(arch);
      if (arch === "x86_64" && os.major === 10) {
        // Before macOS 11 every yearly release bumped the minor version.
        for (let minor = os.minor; minor >= 4; minor--) {
          for (const binaryFormat of formats)
            tags.push({ kind: "macos", major: 10, minor, binaryFormat });
        }
        return tags;
      }
      if (arch === "x86_64" && os.major < 11) {
        throw new PlatformError(
          `Failed to detect the operating system version: Unsupported macOS version: ${os.major}`,
        );
      }
      // Since macOS 11 every yearly release bumps the major version.
      for (let major = os.major; major >= 11; major--) {
        for (const binaryFormat of formats)
          tags.push({ kind: "macos", major, minor: 0, binaryFormat });
      }
      // `universal2` binaries can target releases before 11 through their x86_64 half.
      for (let minor = 16; minor >= 4; minor--) {
        if (arch === "x86_64") {
          for (const binaryFormat of formats)
            tags.push({ kind: "macos", major: 10, minor, binaryFormat });
        } else {
          tags.push({ kind: "macos", major: 10, minor, binaryFormat: "universal2" });
        }
      }
      return tags;
    }
    case "windows":
      if (arch === "i686") return [{ kind: "win32" }];
      if (arch === "x86_64") return [{ kind: "win_amd64" }];
      if (arch === "aarch64") return [{ kind: "win_arm64" }];
      break;
    case "freebsd": {
      const release = os.release.replace(/[.-]/g, "_").toLowerCase();
      return [
        { kind: "freebsd", releaseArch: checkedReleaseArch(`${release}_${archMachine(arch)}`) },
      ];
    }
    case "netbsd":
    case "openbsd": {
      const release = os.release.replace(/[.-]/g, "_");
      return [
        { kind: os.kind, releaseArch: checkedReleaseArch(`${release}_${archMachine(arch)}`) },
      ];
    }
    case "dragonfly":
    case "haiku": {
      const release = os.release.replace(/[.-]/g, "_");
      return [{ kind: os.kind, releaseArch: checkedReleaseArch(`${release}_${arch}`) }];
    }
    case "illumos": {
      const underscore = os.release.indexOf("_");
      if (underscore !== -1) {
        const majorText = os.release.slice(0, underscore);
        if (!/^\+?[0-9]+$/.test(majorText)) {
          throw new PlatformError(
            "Failed to detect the operating system version: illumos major version is not a number: invalid digit found in string",
          );
        }
        const major = Number(majorText);
        if (major >= 5) {
          // SunOS 5 is Solaris 2, and CPython reports it that way.
          const release = `${major - 3}_${os.release.slice(underscore + 1)}`;
          return [{ kind: "solaris", releaseArch: checkedReleaseArch(`${release}_${os.arch}`) }];
        }
      }
      return [{ kind: "illumos", releaseArch: checkedReleaseArch(`${os.release}_${os.arch}`) }];
    }
    case "android": {
      const abi = androidAbi(arch);
      // API level 16 is the oldest CPython supports without major patching.
      for (let apiLevel = os.apiLevel; apiLevel >= 16; apiLevel--)
        tags.push({ kind: "android", apiLevel, abi });
      return tags;
    }
    case "pyodide":
    case "pyemscripten":
      if (arch !== "wasm32") break;
      return [
        { kind: "pyemscripten", major: os.major, minor: os.minor },
        { kind: "pyodide", major: os.major, minor: os.minor },
      ];
    case "ios": {
      const multiarch = iosMultiarch(arch, os.simulator);
      // iOS 12 is the oldest CPython supports; minors up to .9 cover every real release.
      if (os.major < 12) return tags;
      for (let minor = os.minor; minor >= 0; minor--) {
        tags.push({ kind: "ios", major: os.major, minor, multiarch });
      }
      for (let major = os.major - 1; major >= 12; major--) {
        for (let minor = 9; minor >= 0; minor--)
          tags.push({ kind: "ios", major, minor, multiarch });
      }
      return tags;
    }
  }
  throw new PlatformError(
    `Failed to detect the operating system version: Unsupported operating system and architecture combination: ${os.kind} ${arch}`,
  );
}
