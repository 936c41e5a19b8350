import type { CommandRun } from "../context.ts";

/**
 * Each command path (space-joined, e.g. `"pip install"`) maps to a lazy import of its module,
 * so that a run loads only the command it executes. Each module exports `run: CommandRun`.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<{ run: CommandRun }>>> = {
  venv: () => import("./venv.ts"),
  init: () => import("./init.ts"),
  "python find": () => import("./python-find.ts"),
  "python list": () => import("./python-list.ts"),
  "cache dir": () => import("./cache-dir.ts"),
  "cache clean": () => import("./cache-clean.ts"),
  "cache prune": () => import("./cache-prune.ts"),
  "pip list": () => import("./pip-list.ts"),
  "pip freeze": () => import("./pip-freeze.ts"),
  "pip show": () => import("./pip-show.ts"),
  "pip install": () => import("./pip-install.ts"),
  "pip sync": () => import("./pip-sync.ts"),
  "pip uninstall": () => import("./pip-uninstall.ts"),
  "pip check": () => import("./pip-check.ts"),
  "pip compile": () => import("./pip-compile.ts"),
};
