/**
 * A CPU architecture, named as in Linux platform tags (`uname -m` style): `x86_64`, `aarch64`,
 * `i686`, ...
 */
export type Arch =
  | "aarch64"
  | "armv5tel"
  | "armv6l"
  | "armv7l"
  | "ppc64le"
  | "ppc64"
  | "ppc"
  | "i686"
  | "x86_64"
  | "s390x"
  | "loongarch64"
  | "riscv64"
  | "wasm32";

const ARCH_BY_NAME: ReadonlyMap<string, Arch> = new Map<string, Arch>([
  ["aarch64", "aarch64"],
  ["armv5tel", "armv5tel"],
  ["armv6l", "armv6l"],
  ["armv7l", "armv7l"],
  // 32-bit ARM running on ARMv8 hardware runs armv7l binaries.
  ["armv8l", "armv7l"],
  ["ppc64le", "ppc64le"],
  ["ppc64", "ppc64"],
  ["ppc", "ppc"],
  ["i686", "i686"],
  ["x86_64", "x86_64"],
  ["s390x", "s390x"],
  ["loongarch64", "loongarch64"],
  ["riscv64", "riscv64"],
]);

/**
 * The architecture a platform tag's arch component names, or `undefined` when uv does not know it.
 *
 * Like uv, `armv8l` maps to `armv7l` and `wasm32` is not accepted here (it only appears in the
 * Emscripten tags, which spell it out).
 */
export function parseArch(name: string): Arch | undefined {
  return ARCH_BY_NAME.get(name);
}

/**
 * The oldest glibc minor version (of glibc 2) with a manylinux tag for `arch`, or `undefined`
 * when the architecture has no manylinux tags at all.
 */
export function minimumManylinuxMinor(arch: Arch): number | undefined {
  switch (arch) {
    // manylinux2014 was the first policy for these.
    case "aarch64":
    case "armv7l":
    case "ppc64":
    case "ppc64le":
    case "s390x":
      return 17;
    // manylinux1
    case "i686":
    case "x86_64":
      return 5;
    case "riscv64":
      return 31;
    case "loongarch64":
      return 36;
    default:
      return undefined;
  }
}

/** The BSD-style machine name (`amd64`, `arm64`, ...) used in BSD platform tags. */
export function archMachine(arch: Arch): string {
  switch (arch) {
    case "aarch64":
      return "arm64";
    case "armv5tel":
    case "armv6l":
    case "armv7l":
      return "arm";
    case "ppc":
    case "ppc64":
    case "ppc64le":
      return "powerpc";
    case "i686":
      return "i386";
    case "x86_64":
      return "amd64";
    case "riscv64":
      return "riscv";
    default:
      return arch;
  }
}
