import { resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import { findPythonInstallation, type PythonInstallation } from "@uv-ts/python";
import { createVenv, type OnExisting, promptFromArg } from "@uv-ts/virtualenv";
import type { CommandRun } from "../context.ts";
import { VERSION } from "../version.ts";
import {
  envFlag,
  projectPython,
  requiresPythonWarning,
  warnUser,
} from "./python-request-source.ts";
import { activationCommand, detectShell } from "./venv-activation.ts";

/** The line uv prints about the interpreter it picked. */
export function interpreterLine(python: PythonInstallation, cwd: string): string {
  const interpreter = python.interpreter;
  const variant = interpreter.variant === "default" ? "" : `+${interpreter.variant}`;
  return `Using ${interpreter.implementationPretty} ${interpreter.version.toString()}${variant} interpreter at: ${userDisplay(interpreter.sysExecutable, cwd)}`;
}

/** `uv-ts venv [PATH]`: creates a virtual environment without running `python -m venv`. */
export const run: CommandRun = async (ctx) => {
  const { args, io, printer, cwd } = ctx;
  const seed = args.flag("seed") || envFlag(io.env, "UV_VENV_SEED");

  const noProject = args.flag("no-project") || envFlag(io.env, "UV_NO_PROJECT");
  const wanted = await projectPython(
    ctx,
    args.string("python") ?? io.env.UV_PYTHON,
    noProject,
    "venv",
  );
  const python = await findPythonInstallation(wanted.request ?? { kind: "default" }, {
    cwd,
    env: io.env,
    cacheDir: ctx.cacheDir,
    environments: "only-system",
    warn: (message) => warnUser(ctx, message),
  });
  printer.stderr(`${interpreterLine(python, cwd)}\n`);
  const incompatible = requiresPythonWarning(wanted, python.interpreter, cwd);
  if (incompatible !== undefined) warnUser(ctx, incompatible);

  const location = args.string("path") ?? ".venv";
  printer.stderr(
    `Creating virtual environment${seed ? " with seed packages" : ""} at: ${ctx.style.cyan(userDisplay(location, cwd))}\n`,
  );

  const clear = (args.flag("clear") || envFlag(io.env, "UV_VENV_CLEAR")) && !args.flag("no-clear");
  let onExisting: OnExisting = "fail";
  if (args.flag("allow-existing")) onExisting = "allow";
  else if (clear) onExisting = args.flag("force") ? "clear-any" : "clear";
  const relocatable =
    (args.flag("relocatable") || envFlag(io.env, "UV_VENV_RELOCATABLE")) &&
    !args.flag("no-relocatable");

  let venv: Awaited<ReturnType<typeof createVenv>>;
  try {
    venv = await createVenv({
      location,
      cwd,
      interpreter: python.interpreter,
      prompt: promptFromArg(args.string("prompt")),
      systemSitePackages: args.flag("system-site-packages"),
      onExisting,
      relocatable,
      seed,
      toolVersion: VERSION,
    });
  } catch (error) {
    if (error instanceof UvError) {
      throw new UvError("venv.creation", "Failed to create virtual environment", { cause: error });
    }
    throw error;
  }

  if (seed) {
    const { seedVenv } = await import("./venv-seed.ts");
    await seedVenv(ctx, venv, python.interpreter);
  }

  const scripts = userDisplay(resolve(cwd, venv.scripts), cwd);
  const activation = activationCommand(detectShell(io.env), scripts);
  if (activation !== undefined) {
    printer.stderr(`Activate with: ${ctx.style.green(activation)}\n`);
  }
  return 0;
};
