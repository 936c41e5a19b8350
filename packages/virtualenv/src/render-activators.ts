import { posix } from "node:path";
import { ACTIVATE_BASH } from "./activators/activate.ts";
import { ACTIVATE_BAT } from "./activators/activate-bat.ts";
import { ACTIVATE_CSH } from "./activators/activate-csh.ts";
import { ACTIVATE_FISH } from "./activators/activate-fish.ts";
import { ACTIVATE_NU } from "./activators/activate-nu.ts";
import { ACTIVATE_PS1 } from "./activators/activate-ps1.ts";
import { ACTIVATE_THIS_PY } from "./activators/activate-this-py.ts";
import { ACTIVATE_XSH } from "./activators/activate-xsh.ts";
import { DEACTIVATE_BAT } from "./activators/deactivate-bat.ts";
import { PYDOC_BAT } from "./activators/pydoc-bat.ts";

/** The activation scripts, in the order uv writes them. */
const TEMPLATES: readonly (readonly [string, string])[] = [
  ["activate", ACTIVATE_BASH],
  ["activate.csh", ACTIVATE_CSH],
  ["activate.fish", ACTIVATE_FISH],
  ["activate.nu", ACTIVATE_NU],
  ["activate.xsh", ACTIVATE_XSH],
  ["activate.ps1", ACTIVATE_PS1],
  ["activate.bat", ACTIVATE_BAT],
  ["deactivate.bat", DEACTIVATE_BAT],
  ["pydoc.bat", PYDOC_BAT],
  ["activate_this.py", ACTIVATE_THIS_PY],
];

/** `it's` -> `it'"'"'s`: safe inside a single-quoted POSIX shell string. */
export function escapePosixForSingleQuotes(text: string): string {
  return text.replaceAll("'", `'"'"'`);
}

/** Rust's `<[u8]>::escape_ascii`, which uv uses to embed the prompt in a Python bytes literal. */
function escapeAsciiBytes(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x27) out += "\\'";
    else if (byte === 0x22) out += '\\"';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** What the activation scripts need to know about the environment. */
export interface ActivatorContext {
  /** The environment's absolute path. */
  readonly location: string;
  /** `bin`. */
  readonly binName: string;
  /** The prompt (empty: the scripts fall back to the directory name). */
  readonly prompt: string;
  /** Root-relative purelib and platlib directories, and the scripts directory. */
  readonly purelib: string;
  readonly platlib: string;
  readonly scripts: string;
  readonly relocatable: boolean;
}

/**
 * The activation scripts of an environment as `[file name, contents]`; `.bat` files use CRLF.
 * A relocatable environment has no `activate.csh` (csh cannot find its own script's location).
 */
export function renderActivators(ctx: ActivatorContext): [string, string][] {
  const relativeSitePackages = [...new Set([ctx.purelib, ctx.platlib])]
    .map((p) => posix.relative(ctx.scripts, p).replaceAll("\\", "\\\\"))
    .join(":");
  const out: [string, string][] = [];
  for (const [name, template] of TEMPLATES) {
    if (ctx.relocatable && name === "activate.csh") continue;
    let dir: string;
    if (ctx.relocatable && name === "activate") {
      dir = `'"$(dirname -- "$(dirname -- "$(realpath -- "$SCRIPT_PATH")")")"'`;
    } else if (ctx.relocatable && name === "activate.bat") {
      dir = "%~dp0..";
    } else if (ctx.relocatable && name === "activate.fish") {
      dir = "'(dirname -- (dirname -- (realpath -- (status -f))))'";
    } else if (ctx.relocatable && name === "activate.nu") {
      dir = "(path self | path dirname | path dirname)";
    } else if (name === "activate.nu") {
      dir = `'${escapePosixForSingleQuotes(ctx.location)}'`;
    } else {
      dir = escapePosixForSingleQuotes(ctx.location);
    }
    const prompt =
      name === "activate.xsh" ? `b"${escapeAsciiBytes(ctx.prompt)}".decode("utf-8")` : ctx.prompt;
    const binName =
      name === "activate.xsh"
        ? `__import__("os").fsdecode(b"${escapeAsciiBytes(ctx.binName)}")`
        : ctx.binName;
    let text = template
      .replaceAll("{{ VIRTUAL_ENV_DIR }}", dir)
      .replaceAll("{{ BIN_NAME }}", binName)
      .replaceAll("{{ VIRTUAL_PROMPT }}", prompt)
      .replaceAll("{{ PATH_SEP }}", ":")
      .replaceAll("{{ RELATIVE_SITE_PACKAGES }}", relativeSitePackages)
      .replaceAll("{{ RELOCATABLE }}", ctx.relocatable ? "true" : "false");
    if (name.endsWith(".bat")) text = text.replaceAll("\n", "\r\n");
    out.push([name, text]);
  }
  return out;
}
