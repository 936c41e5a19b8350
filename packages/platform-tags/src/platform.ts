import type { Arch } from "./arch.ts";

/** The operating system part of a {@link Platform}, with the version facts tags depend on. */
export type Os =
  /** Linux with glibc `major.minor`. */
  | { readonly kind: "manylinux"; readonly major: number; readonly minor: number }
  /** Linux with musl `major.minor`. */
  | { readonly kind: "musllinux"; readonly major: number; readonly minor: number }
  | { readonly kind: "windows" }
  | { readonly kind: "macos"; readonly major: number; readonly minor: number }
  | { readonly kind: "freebsd"; readonly release: string }
  | { readonly kind: "netbsd"; readonly release: string }
  | { readonly kind: "openbsd"; readonly release: string }
  | { readonly kind: "dragonfly"; readonly release: string }
  | { readonly kind: "haiku"; readonly release: string }
  /** `arch` is the raw machine name reported by the system (`i86pc`, ...). */
  | { readonly kind: "illumos"; readonly release: string; readonly arch: string }
  | { readonly kind: "android"; readonly apiLevel: number }
  | {
      readonly kind: "ios";
      readonly major: number;
      readonly minor: number;
      readonly simulator: boolean;
    }
  | { readonly kind: "pyodide"; readonly major: number; readonly minor: number }
  | { readonly kind: "pyemscripten"; readonly major: number; readonly minor: number };

/** An operating system and CPU architecture: the facts that decide which platform tags apply. */
export interface Platform {
  readonly os: Os;
  readonly arch: Arch;
}

const PRETTY_OS: Readonly<Record<Os["kind"], string>> = {
  manylinux: "Linux",
  musllinux: "Linux",
  windows: "Windows",
  macos: "macOS",
  freebsd: "FreeBSD",
  netbsd: "NetBSD",
  openbsd: "OpenBSD",
  dragonfly: "DragonFly",
  haiku: "Haiku",
  illumos: "Illumos",
  android: "Android",
  ios: "iOS",
  pyodide: "Pyodide",
  pyemscripten: "Emscripten",
};

/** A human-readable platform for messages, e.g. `Linux x86_64` or `macOS aarch64`. */
export function prettyPlatform(platform: Platform): string {
  return `${PRETTY_OS[platform.os.kind]} ${platform.arch}`;
}
