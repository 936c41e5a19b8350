/** The build variant a request asks for: `3.13t` is free-threaded, `3.12d` a debug build. */
export type PythonVariant =
  | "default"
  | "debug"
  | "freethreaded"
  | "freethreaded+debug"
  | "gil"
  | "gil+debug";

/** Parses a variant suffix as uv spells it (`t`, `d`, `td`, `+freethreaded`, `+gil`, ...). */
export function parseVariant(text: string): PythonVariant | undefined {
  switch (text) {
    case "":
      return "default";
    case "t":
    case "freethreaded":
      return "freethreaded";
    case "d":
    case "debug":
      return "debug";
    case "td":
    case "freethreaded+debug":
      return "freethreaded+debug";
    case "gil":
      return "gil";
    case "gil+debug":
      return "gil+debug";
    default:
      return undefined;
  }
}

/** The suffix of the variant's executables: `t` in `python3.13t`. */
export function variantExecutableSuffix(variant: PythonVariant): string {
  switch (variant) {
    case "debug":
    case "gil+debug":
      return "d";
    case "freethreaded":
      return "t";
    case "freethreaded+debug":
      return "td";
    default:
      return "";
  }
}

/** The suffix shown in messages and keys: `+freethreaded`. */
export function variantDisplaySuffix(variant: PythonVariant): string {
  return variant === "default" ? "" : `+${variant}`;
}

/** Whether the variant is a debug build. */
export function variantIsDebug(variant: PythonVariant): boolean {
  return variant === "debug" || variant === "freethreaded+debug" || variant === "gil+debug";
}

/** Whether the variant is free-threaded. */
export function variantIsFreethreaded(variant: PythonVariant): boolean {
  return variant === "freethreaded" || variant === "freethreaded+debug";
}

/** Whether an interpreter with these build facts is of `variant`. */
export function variantMatches(
  variant: PythonVariant,
  facts: {
    readonly major: number;
    readonly minor: number;
    readonly gilDisabled: boolean;
    readonly debugEnabled: boolean;
  },
): boolean {
  switch (variant) {
    case "default":
      // Free-threading is experimental before 3.14, so it must be asked for there.
      return facts.major > 3 || (facts.major === 3 && facts.minor >= 14) || !facts.gilDisabled;
    case "debug":
      return facts.debugEnabled;
    case "freethreaded":
      return facts.gilDisabled;
    case "freethreaded+debug":
      return facts.gilDisabled && facts.debugEnabled;
    case "gil":
      return !facts.gilDisabled;
    case "gil+debug":
      return !facts.gilDisabled && facts.debugEnabled;
  }
}
