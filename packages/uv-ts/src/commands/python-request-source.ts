import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  discoverVersionFile,
  type PythonRequest,
  PythonSpecifiers,
  parsePythonRequest,
  versionRequestFromSpecifiers,
} from "@uv-ts/python";
import type { CommandContext } from "../context.ts";

/** The Python a command should look for, and where that wish came from. */
export interface ProjectPython {
  /** `undefined`: no preference (the default request). */
  readonly request: PythonRequest | undefined;
  readonly source: "user" | "version-file" | "requires-python" | "none";
  /** The project's `requires-python`, when there is a project that declares one. */
  readonly requiresPython: string | undefined;
}

/** The nearest `pyproject.toml` with a `[project]` table, from `cwd` upwards. */
function findProject(cwd: string): { root: string; text: string } | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    try {
      const text = readFileSync(join(dir, "pyproject.toml"), "utf8");
      if (/^\s*\[project\]\s*$/m.test(text)) return { root: dir, text };
    } catch {
      // No `pyproject.toml` here; keep walking up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `project.requires-python` of a `pyproject.toml`. A deliberately narrow reader (a basic or
 * literal string on one line inside `[project]`) until the `workspace` package owns
 * `pyproject.toml`; anything else reads as "not declared".
 */
function readRequiresPython(text: string): string | undefined {
  let inProject = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header !== null) {
      inProject = header[1]!.trim() === "project";
      continue;
    }
    if (!inProject) continue;
    const m = /^\s*requires-python\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(#.*)?$/.exec(line);
    if (m !== null) return m[1] ?? m[2];
  }
  return undefined;
}

/**
 * Decides which Python to look for, in uv's order: an explicit request (`--python`, `UV_PYTHON`
 * or a positional request), else the nearest `.python-version` / `.python-versions` (not above
 * the project root), else the project's `requires-python`.
 */
export async function projectPython(
  ctx: CommandContext,
  explicit: string | undefined,
  noProject: boolean,
): Promise<ProjectPython> {
  const project = noProject ? undefined : findProject(ctx.cwd);
  const requiresPython = project === undefined ? undefined : readRequiresPython(project.text);
  if (explicit !== undefined && explicit !== "") {
    return { request: parsePythonRequest(explicit, ctx.cwd), source: "user", requiresPython };
  }
  const file = await discoverVersionFile(ctx.cwd, {
    stopAt: project?.root,
    env: ctx.io.env,
    noConfig: ctx.args.flag("no-config"),
    warn: (message) => ctx.printer.stderrImportant(`warning: ${message}\n`),
  });
  const first = file?.requests[0];
  if (first !== undefined) {
    return { request: first, source: "version-file", requiresPython };
  }
  if (requiresPython !== undefined) {
    const specifiers = PythonSpecifiers.parse(requiresPython);
    if (specifiers !== undefined && !specifiers.isEmpty) {
      return {
        request: { kind: "version", version: versionRequestFromSpecifiers(specifiers, "default") },
        source: "requires-python",
        requiresPython,
      };
    }
  }
  return { request: undefined, source: "none", requiresPython };
}

/** Whether an environment variable is set to a true value (`1`, `true`, `yes`, `on`). */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}
