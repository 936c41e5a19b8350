/** A value an argument can take after parsing. Flags are booleans, counted flags numbers. */
export type ArgValue = string | readonly string[] | boolean | number;

/**
 * The result of parsing one command line: which command was chosen (`["pip", "install"]`) and
 * the values of its arguments and of the global arguments, keyed by each argument's id (its
 * long name without dashes, e.g. `"system-site-packages"`, or the positional's id, e.g. `"path"`).
 * Absent arguments have no entry; environment-variable fallbacks are already applied.
 */
export class ParsedArgs {
  readonly command: readonly string[];
  readonly #values: ReadonlyMap<string, ArgValue>;

  constructor(command: readonly string[], values: ReadonlyMap<string, ArgValue>) {
    this.command = command;
    this.#values = values;
  }

  /** Whether the argument was given (on the command line or through its environment variable). */
  has(id: string): boolean {
    return this.#values.has(id);
  }

  /** A single-valued argument, or `undefined`. */
  string(id: string): string | undefined {
    const v = this.#values.get(id);
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.at(-1) as string | undefined;
    return String(v);
  }

  /** A multi-valued argument (empty when absent). */
  strings(id: string): readonly string[] {
    const v = this.#values.get(id);
    if (v === undefined) return [];
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v as readonly string[];
    return [String(v)];
  }

  /** A boolean flag (`false` when absent). */
  flag(id: string): boolean {
    const v = this.#values.get(id);
    if (v === undefined) return false;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v > 0;
    return true;
  }

  /** A counted flag such as `-v` / `-vv` (0 when absent). */
  count(id: string): number {
    const v = this.#values.get(id);
    if (typeof v === "number") return v;
    if (v === true) return 1;
    return 0;
  }
}
