/** What the header's command line keeps. */
export interface HeaderOptions {
  /** `--emit-index-url`: keep `--index-url` and friends. */
  readonly includeIndexUrl: boolean;
  /** `--emit-find-links`: keep `--find-links`. */
  readonly includeFindLinks: boolean;
}

const INDEX_FLAGS = ["--index-url", "--extra-index-url", "-i", "--index", "--default-index"];
const DROPPED_FLAGS = [
  "--upgrade",
  "-U",
  "--quiet",
  "-q",
  "--verbose",
  "-v",
  "--no-progress",
  "--native-tls",
];

/**
 * The command line the header shows (`uv-ts pip compile requirements.in`): the arguments as
 * given, without index URLs and `--find-links` (unless they are emitted), `--upgrade`,
 * `--upgrade-package`, `--quiet`, `--verbose`, `--no-progress` and `--native-tls`, as uv drops
 * them.
 */
export function compileCommandLine(
  bin: string,
  argv: readonly string[],
  options: HeaderOptions,
): string {
  const kept: string[] = [];
  let skipNext = false;
  for (const arg of argv) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (!options.includeIndexUrl) {
      if (INDEX_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) continue;
      if (INDEX_FLAGS.includes(arg)) {
        skipNext = true;
        continue;
      }
    }
    if (!options.includeFindLinks) {
      if (arg === "--find-links" || arg === "-f") {
        skipNext = true;
        continue;
      }
      if (arg.startsWith("--find-links=") || arg.startsWith("-f")) continue;
    }
    if (DROPPED_FLAGS.includes(arg)) continue;
    if (arg === "--upgrade-package" || arg === "-P") {
      skipNext = true;
      continue;
    }
    if (arg.startsWith("--upgrade-package=") || arg.startsWith("-P")) continue;
    kept.push(arg);
  }
  return [bin, ...kept].join(" ");
}
