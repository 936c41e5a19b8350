import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { findPythonInstallation } from "@uv-ts/python";
import type { CommandRun } from "../context.ts";
import {
  envFlag,
  projectPython,
  requiresPythonWarning,
  warnUser,
} from "./python-request-source.ts";

/** `uv-ts python find [REQUEST]`: prints the path of the interpreter uv-ts would use. */
export const run: CommandRun = async (ctx) => {
  const { args, io, printer, cwd } = ctx;
  const system =
    (args.flag("system") || envFlag(io.env, "UV_SYSTEM_PYTHON")) && !args.flag("no-system");
  const noProject = args.flag("no-project") || envFlag(io.env, "UV_NO_PROJECT");
  const wanted = await projectPython(ctx, args.string("request"), noProject, "find");
  const python = await findPythonInstallation(wanted.request ?? { kind: "default" }, {
    cwd,
    env: io.env,
    cacheDir: ctx.cacheDir,
    environments: system ? "only-system" : "any",
    warn: (message) => warnUser(ctx, message),
  });
  const interpreter = python.interpreter;
  const incompatible = requiresPythonWarning(wanted, interpreter, cwd);
  if (incompatible !== undefined) warnUser(ctx, incompatible);
  if (args.flag("show-version")) {
    printer.stdout(`${interpreter.version.toString()}\n`);
    return 0;
  }
  const executable = resolve(cwd, interpreter.sysExecutable);
  printer.stdout(`${args.flag("resolve-links") ? await realpath(executable) : executable}\n`);
  return 0;
};
