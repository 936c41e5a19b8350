import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { UvError } from "@uv-ts/error";

/** `init --script` on a file that already has a `# /// script` block. */
export class AlreadyScriptError extends UvError {}

/** The PEP 723 comment block for `metadata` (TOML lines). */
function serializeMetadata(metadata: string): string {
  const lines = metadata.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const body = lines.map((line) => (line === "" ? "#" : `# ${line}`));
  return ["# /// script", ...body, "# ///", ""].join("\n");
}

/**
 * Whether `contents` holds a PEP 723 `script` block: a `# /// script` line (at the start or after
 * a newline) followed by comment lines up to a closing `# ///`.
 */
export function hasScriptBlock(contents: string): boolean {
  const lines = contents.split(/\r?\n/);
  const start = lines.indexOf("# /// script");
  if (start === -1) return false;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("#")) return false;
    if (line === "# ///") return true;
  }
  return false;
}

/** A warning `init` prints (without the `warning: ` prefix). */
export type Warn = (message: string) => void;

/**
 * Writes a new script, or adds the metadata block to an existing file (after its shebang), as
 * uv's `Pep723Script::create`.
 */
export async function createScript(options: {
  readonly path: string;
  /** The path as the user gave it, for the shebang warning. */
  readonly givenPath: string;
  readonly displayPath: string;
  readonly requiresPython: string;
  readonly bare: boolean;
  readonly warn: Warn;
}): Promise<void> {
  const { path, requiresPython, bare } = options;
  let existing: string | undefined;
  try {
    existing = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UvError("init.read-script", `Failed to read script at \`${options.displayPath}\``, {
        cause: error,
      });
    }
  }
  const metadata = serializeMetadata(`requires-python = "${requiresPython}"\ndependencies = []\n`);
  let script: string;
  if (existing !== undefined) {
    let shebang = "";
    let rest = existing;
    if (existing.startsWith("#!")) {
      const m = /\r\n|\r|\n/.exec(existing);
      const end = m === null ? existing.length : m.index;
      shebang = existing.slice(0, end);
      rest = existing.slice(end + (m === null ? 0 : m[0].length));
      if (!/(^|[^A-Za-z0-9_])uv($|[^A-Za-z0-9_])/.test(shebang)) {
        options.warn(
          `If you execute ${options.givenPath} directly, it might ignore its inline metadata.\nConsider replacing its shebang with: #!/usr/bin/env -S uv run --script`,
        );
      }
      shebang += "\n#\n";
    }
    script = `${shebang}${metadata}\n${rest}`;
  } else if (bare) {
    script = metadata;
  } else {
    script = `${metadata}\n\ndef main() -> None:\n    print("Hello from ${basename(path)}!")\n\n\nif __name__ == "__main__":\n    main()\n`;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, script);
}

/** Reads an existing file for the "already a script" check; `undefined` when there is none. */
export async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}
