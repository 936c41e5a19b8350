import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

/** The C library of a Linux system and its version. */
export interface LibcVersion {
  readonly kind: "glibc" | "musl";
  readonly major: number;
  readonly minor: number;
}

/** Reads `2.36` (optionally followed by more text, like `2.36-9`) as a libc version. */
export function parseGlibcVersion(text: string): { major: number; minor: number } | undefined {
  const match = /^\s*(\d+)\.(\d+)/.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * Reads the musl version from what musl's dynamic loader prints when run without arguments
 * (`musl libc (x86_64)\nVersion 1.2.4\n...`).
 */
export function parseMuslLoaderOutput(text: string): { major: number; minor: number } | undefined {
  if (!text.includes("musl libc")) return undefined;
  const match = /^Version (\d+)\.(\d+)/m.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * The libc of the running Linux system, or `undefined` elsewhere or when it cannot be told.
 *
 * glibc comes from Node's own process report (no subprocess). Without glibc, musl's loader
 * (`/lib/ld-musl-<arch>.so.1`) is run once to print its version, as uv does. This is a fallback
 * for when no interpreter can be asked (the interpreter's answer is more accurate). It costs a
 * few milliseconds (Node builds a whole report), so callers should keep the result.
 */
export function detectLibc(): LibcVersion | undefined {
  if (process.platform !== "linux") return undefined;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header;
  const glibc = header?.glibcVersionRuntime;
  if (glibc !== undefined) {
    const version = parseGlibcVersion(glibc);
    if (version !== undefined) return { kind: "glibc", ...version };
  }
  let entries: string[];
  try {
    entries = readdirSync("/lib");
  } catch {
    // No /lib at all: nothing to learn about the libc here.
    return undefined;
  }
  for (const entry of entries) {
    if (!/^ld-musl-.*\.so\.1$/.test(entry)) continue;
    const result = spawnSync(`/lib/${entry}`, [], { encoding: "utf8", timeout: 5000 });
    const version = parseMuslLoaderOutput(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    if (version !== undefined) return { kind: "musl", ...version };
  }
  return undefined;
}
