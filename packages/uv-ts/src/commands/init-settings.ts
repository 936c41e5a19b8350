import type { ParsedArgs } from "@uv-ts/cli";
import { UvError } from "@uv-ts/error";
import type { BuildBackend } from "./init-templates.ts";
import type { Vcs } from "./init-vcs.ts";

/**
 * What to create: a packaged application (`src/<pkg>` with an entry point), a flat application
 * (`main.py`), a library, or only a `pyproject.toml` (with or without `[build-system]`).
 */
export type ProjectKind = "packaged-app" | "app" | "lib" | "bare" | "bare-with-build-system";

/** `--author-from` values. */
export type AuthorFrom = "auto" | "git" | "none";

/** `init`'s flags, combined as uv's `InitSettings::resolve` combines them. */
export interface InitSettings {
  readonly path: string | undefined;
  readonly name: string | undefined;
  readonly kind: ProjectKind | "script";
  readonly bare: boolean;
  readonly description: string | undefined;
  readonly noDescription: boolean;
  readonly vcs: Vcs | undefined;
  readonly buildBackend: BuildBackend | undefined;
  readonly noReadme: boolean;
  readonly authorFrom: AuthorFrom | undefined;
  readonly pinPython: boolean;
  readonly noWorkspace: boolean;
  readonly python: string | undefined;
  /** Warnings to print before anything else happens. */
  readonly warnings: readonly string[];
}

/** Flags that cannot be combined (beyond what the parser rejects). */
export class InitSettingsError extends UvError {}

function envFlag(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on", "y", "t"].includes(value.toLowerCase());
}

/** Resolves the settings from the parsed arguments and the environment. */
export function resolveInitSettings(args: ParsedArgs, env: NodeJS.ProcessEnv): InitSettings {
  const bare = args.flag("bare") || envFlag(env.UV_INIT_BARE);
  const description = args.string("description");
  const noDescription = args.flag("no-description") || (bare && description === undefined);
  const isVirtual = args.flag("virtual");
  const lib = args.flag("lib");
  const app = args.flag("app");
  const script = args.flag("script");
  const buildBackend = args.string("build-backend") as BuildBackend | undefined;
  if (isVirtual && lib) {
    throw new InitSettingsError("init.flags", "`--virtual` and `--lib` are mutually exclusive");
  }
  if (isVirtual && buildBackend !== undefined) {
    throw new InitSettingsError(
      "init.flags",
      "`--virtual` and `--build-backend` are mutually exclusive",
    );
  }
  const yes = args.flag("package") || buildBackend !== undefined;
  const no = args.flag("no-package") || isVirtual;
  if (yes && no) {
    throw new InitSettingsError("init.flags", "`--package` and `--virtual` are mutually exclusive");
  }
  const pkg: boolean | undefined = yes ? true : no ? false : undefined;

  let kind: InitSettings["kind"];
  if (script) {
    kind = "script";
  } else if (bare) {
    kind = pkg === true || lib ? "bare-with-build-system" : "bare";
  } else if (app && lib) {
    throw new InitSettingsError("init.flags", "`app` and `lib` are mutually exclusive");
  } else if (lib) {
    if (pkg === false) {
      throw new InitSettingsError("init.flags", "`lib` and `no_package` are mutually exclusive");
    }
    kind = "lib";
  } else {
    // Applications are packaged unless `--no-package` says otherwise.
    kind = pkg === false ? "app" : "packaged-app";
  }

  const warnings: string[] = [];
  if (script && pkg === true) {
    warnings.push("`--package` is a no-op for Python scripts, which are standalone");
  }

  const pin = args.flag("pin-python");
  const noPin = args.flag("no-pin-python");
  if (pin && noPin) {
    throw new InitSettingsError(
      "init.flags",
      "`--pin-python` and `--no-pin-python` are mutually exclusive",
    );
  }
  const python = args.string("python");
  const vcs = args.string("vcs") as Vcs | undefined;
  return {
    path: args.string("path"),
    name: args.string("name"),
    kind,
    bare,
    description,
    noDescription,
    vcs: vcs ?? (bare ? "none" : undefined),
    buildBackend,
    noReadme: args.flag("no-readme"),
    authorFrom: args.string("author-from") as AuthorFrom | undefined,
    pinPython: pin ? true : noPin ? false : !bare,
    noWorkspace: args.flag("no-workspace"),
    python: python === undefined || python === "" ? undefined : python,
    warnings,
  };
}
