import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UvError } from "@uv-ts/error";
import type { Author } from "./init-templates.ts";
import { GITIGNORE } from "./init-templates.ts";

/** `--vcs` values. */
export type Vcs = "git" | "none";

interface GitOutput {
  /** `undefined` when `git` could not be started (not installed). */
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

function git(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GitOutput> {
  return new Promise((resolve) => {
    execFile("git", [...args], { cwd, env: { ...env, LC_ALL: "C" } }, (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === "ENOENT") {
        resolve({ code: undefined, stdout: "", stderr: "" });
        return;
      }
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

type GitDiscovery = "repository" | "no-repository" | "no-git" | "broken-git";

/** Whether `path` is inside a Git work tree, and whether `git` works at all. */
async function detectGitRepository(path: string, env: NodeJS.ProcessEnv): Promise<GitDiscovery> {
  const out = await git(["rev-parse", "--is-inside-work-tree"], path, env);
  if (out.code === undefined) return "no-git";
  if (out.code === 0) return out.stdout.trim() === "true" ? "repository" : "broken-git";
  return out.stderr.includes("not a git repository") ? "no-repository" : "broken-git";
}

/** `git init` failed or `git` is missing though `--vcs git` asked for it. */
export class VcsError extends UvError {}

/**
 * Initialises Git in `path` as uv does: implicitly only outside an existing work tree and only
 * when `git` works; explicitly (`--vcs git`) unless already inside a work tree, failing loudly.
 * A new repository gets uv's `.gitignore` unless one exists.
 */
export async function initVcs(
  path: string,
  vcs: Vcs | undefined,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (vcs === "none") return;
  const found = await detectGitRepository(path, env);
  if (found === "repository") return;
  if (vcs === undefined && found !== "no-repository") return;
  const out = await git(["init"], path, env);
  if (out.code === undefined) {
    // Only an explicit request reaches here without git (implicit ones returned above).
    throw new VcsError(
      "init.git-not-installed",
      "Attempted to initialize a Git repository, but `git` was not found in PATH",
    );
  }
  if (out.code !== 0) {
    throw new VcsError(
      "init.git-init",
      `Failed to initialize Git repository at \`${path}\`\nstdout: ${out.stdout}\nstderr: ${out.stderr}`,
    );
  }
  try {
    await writeFile(join(path, ".gitignore"), GITIGNORE, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/** The author from `git config user.name` / `user.email` in `path`, if either is set. */
export async function authorFromGit(
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<Author | undefined> {
  const get = async (key: string): Promise<string | undefined> => {
    const out = await git(["config", "--get", key], path, env);
    return out.code === 0 ? out.stdout.trim() : undefined;
  };
  const name = await get("user.name");
  const email = await get("user.email");
  if (name === undefined && email === undefined) return undefined;
  return { name, email };
}
