import { readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";

/** A shell that has an activation script. */
export type Shell = "bash" | "zsh" | "ksh" | "fish" | "nushell" | "csh" | "powershell" | "cmd";

function shellFromPath(path: string): Shell | undefined {
  const name = basename(path)
    .replace(/\.exe$/i, "")
    .toLowerCase();
  switch (name) {
    case "bash":
    case "zsh":
    case "ksh":
    case "fish":
      return name;
    case "nu":
      return "nushell";
    case "csh":
    case "tcsh":
      return "csh";
    case "pwsh":
    case "powershell":
      return "powershell";
    case "cmd":
      return "cmd";
    default:
      return undefined;
  }
}

/**
 * The user's shell, as uv guesses it: variables the running shell sets (`NU_VERSION`,
 * `FISH_VERSION`, `BASH_VERSION`, `ZSH_VERSION`, `KSH_VERSION`, `PSModulePath`), then `SHELL`,
 * then the parent process.
 */
export function detectShell(env: NodeJS.ProcessEnv): Shell | undefined {
  if (env.NU_VERSION !== undefined) return "nushell";
  if (env.FISH_VERSION !== undefined) return "fish";
  if (env.BASH_VERSION !== undefined) return "bash";
  if (env.ZSH_VERSION !== undefined) return "zsh";
  if (env.KSH_VERSION !== undefined) return "ksh";
  if (env.PSModulePath !== undefined) return "powershell";
  if (env.SHELL !== undefined) return shellFromPath(env.SHELL);
  if (process.platform !== "linux") return undefined;
  try {
    const exe = shellFromPath(readlinkSync(`/proc/${process.ppid}/exe`));
    if (exe !== undefined) return exe;
  } catch {
    // Fall back to the parent's command name.
  }
  try {
    return shellFromPath(readFileSync(`/proc/${process.ppid}/comm`, "utf8").trim());
  } catch {
    return undefined;
  }
}

/** Python's `shlex.quote`: only shell-safe ASCII stays unquoted. */
export function shlexPosix(text: string): string {
  if (text !== "" && /^[A-Za-z0-9@%+=:,./_-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** The command that activates the environment whose scripts are in `scripts` (as displayed). */
export function activationCommand(shell: Shell | undefined, scripts: string): string | undefined {
  switch (shell) {
    case undefined:
      return undefined;
    case "bash":
    case "zsh":
    case "ksh":
      return `source ${shlexPosix(`${scripts}/activate`)}`;
    case "fish":
      return `source ${shlexPosix(`${scripts}/activate.fish`)}`;
    case "nushell":
      return `overlay use ${shlexPosix(`${scripts}/activate.nu`)}`;
    case "csh":
      return `source ${shlexPosix(`${scripts}/activate.csh`)}`;
    case "powershell": {
      const path = `${scripts}/activate`;
      return path.includes(" ") ? `& "${path}"` : path;
    }
    case "cmd": {
      const path = `${scripts}/activate`;
      return path.includes(" ") ? `"${path}"` : path;
    }
  }
}
