import { type CommandLevel, levelArgs } from "./command-level.ts";
import type { ArgSpec, CommandSpec, LongCommandHelp } from "./spec.ts";
import { displayWidth, indentRest, wrap } from "./textwrap.ts";
import { argDisplay, usageLine } from "./usage.ts";

/** How to render a help page. */
export interface HelpOptions {
  /** Long help (`uv-ts help <command>`) instead of the concise help (`-h`, `--help`). */
  readonly long: boolean;
  /** Terminal width in columns. */
  readonly width: number;
  /** The environment: help shows the current value of each argument's variable. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The long help texts of this command, when `long`. */
  readonly longHelp?: LongCommandHelp | undefined;
  /** Replaces the command's after-help text (`{bin}` stands for the binary's name). */
  readonly afterHelp?: string | undefined;
  /** Hidden subcommands to list anyway (`uv help` lists `generate-shell-completion`). */
  readonly showHidden?: readonly string[];
}

const TAB = "  ";
const NEXT_LINE_INDENT = "        ";

function specVals(arg: ArgSpec, opts: HelpOptions, longPv: boolean): string {
  const vals: string[] = [];
  if (arg.env !== undefined) {
    const value = arg.hideEnvValues ? "" : `=${opts.env[arg.env] ?? ""}`;
    vals.push(`[env: ${arg.env}${value}]`);
  }
  if (arg.default !== undefined && (arg.valueName !== undefined || arg.positional)) {
    vals.push(`[default: ${arg.default}]`);
  }
  const aliases = (arg.visibleAliases ?? []).map((s) => `--${s}`);
  if (aliases.length > 0) {
    vals.push(`[alias${aliases.length === 1 ? "" : "es"}: ${aliases.join(", ")}]`);
  }
  if (arg.possibleValues !== undefined && arg.possibleValues.length > 0 && !longPv) {
    vals.push(`[possible values: ${arg.possibleValues.join(", ")}]`);
  }
  return vals.join(opts.long ? "\n" : " ");
}

function shouldShow(arg: ArgSpec): boolean {
  return arg.hidden !== true;
}

function argHelpText(arg: ArgSpec, opts: HelpOptions): string {
  if (opts.long) return opts.longHelp?.args?.[arg.id]?.help ?? arg.help ?? "";
  return arg.help ?? "";
}

function pvHelp(arg: ArgSpec, opts: HelpOptions): Readonly<Record<string, string>> | undefined {
  if (!opts.long) return undefined;
  const pv = opts.longHelp?.args?.[arg.id]?.possibleValues;
  return pv !== undefined && Object.keys(pv).length > 0 ? pv : undefined;
}

/** Whether an entry's help would not fit beside the names, so the section uses next-line help. */
function nextLineNeeded(helpWidth: number, longest: number, width: number): boolean {
  const taken = longest + TAB.length * 2;
  return width >= taken && taken / width > 0.4 && helpWidth > width - taken;
}

/** The help text of one entry (an argument or a subcommand), wrapped and indented. */
function entryHelp(
  about: string,
  spec: string,
  arg: ArgSpec | undefined,
  nextLine: boolean,
  longest: number,
  opts: HelpOptions,
): string {
  let out = "";
  if (nextLine) out += `\n${TAB}${NEXT_LINE_INDENT}`;
  const spaces = nextLine ? TAB.length + NEXT_LINE_INDENT.length : longest + TAB.length * 2;
  const indent = " ".repeat(spaces);
  let help = about;
  const nextLineSpecs = opts.long && arg !== undefined;
  if (spec !== "" && !nextLineSpecs) help = help === "" ? spec : `${help} ${spec}`;
  const helpIsEmpty = help === "";
  const avail = Math.max(0, opts.width - spaces);
  out += indentRest(wrap(help, avail), indent);
  let hasPv = false;
  const pv = arg !== undefined ? pvHelp(arg, opts) : undefined;
  if (arg !== undefined && pv !== undefined && arg.possibleValues !== undefined) {
    hasPv = true;
    const names = arg.possibleValues;
    const pvLongest = Math.max(...names.map(displayWidth));
    const pvSpaces = spaces;
    const trailing = " ".repeat(pvSpaces + 2);
    if (!helpIsEmpty) out += `\n\n${" ".repeat(pvSpaces)}`;
    out += "Possible values:";
    for (const name of names) {
      let descr = name;
      const h = pv[name];
      if (h !== undefined) descr += `: ${" ".repeat(pvLongest - displayWidth(name))}${h}`;
      const availPv =
        opts.width > trailing.length ? opts.width - trailing.length : Number.MAX_SAFE_INTEGER;
      out += `\n${" ".repeat(pvSpaces)}- ${indentRest(wrap(descr, availPv), trailing)}`;
    }
  }
  if (spec !== "" && nextLineSpecs) {
    let text = "";
    if (!helpIsEmpty || hasPv) text += "\n\n";
    text += spec;
    out += indentRest(wrap(text, avail), indent);
  }
  return out;
}

/** clap's tie-break between options of equal display order: short flag, else long name. */
function sortKey(arg: ArgSpec): string {
  if (arg.short !== undefined)
    return arg.short.toLowerCase() + (arg.short === arg.short.toLowerCase() ? "0" : "1");
  return arg.long ?? `{${arg.id}`;
}

function compareKeys(a: ArgSpec, b: ArgSpec): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function writeArgs(args: readonly ArgSpec[], opts: HelpOptions): string {
  // Options sort by display order (a stable sort keeps definition order for ties).
  const shown = args
    .filter(shouldShow)
    .map((a, i) => ({ a, i }))
    .sort((x, y) =>
      x.a.positional ? x.i - y.i : (x.a.order ?? 0) - (y.a.order ?? 0) || compareKeys(x.a, y.a),
    )
    .map((x) => x.a);
  let longest = 2;
  for (const a of shown) {
    const w = displayWidth(argDisplay(a));
    longest = Math.max(longest, a.long !== undefined ? w + 4 : w);
  }
  const nextLine =
    opts.long ||
    shown.some((a) => {
      const pv = pvHelp(a, opts) !== undefined;
      const h = displayWidth(a.help ?? "") + displayWidth(specVals(a, opts, pv));
      return nextLineNeeded(h, longest, opts.width);
    });
  const parts: string[] = [];
  for (const arg of shown) {
    let line = TAB;
    if (arg.short !== undefined) line += `-${arg.short}`;
    else if (arg.long !== undefined) line += "    ";
    if (arg.long !== undefined) line += `${arg.short !== undefined ? ", " : ""}--${arg.long}`;
    const display = argDisplay(arg);
    line += display.slice(
      arg.long !== undefined ? 2 + arg.long.length : arg.short !== undefined ? 2 : 0,
    );
    if (!opts.long && !nextLine) {
      const selfLen = displayWidth(display) + (arg.positional ? 0 : 4);
      const pad = arg.positional ? 2 : arg.long !== undefined ? 2 : 6;
      line += " ".repeat(Math.max(0, longest + pad - selfLen));
    }
    const longPv = pvHelp(arg, opts) !== undefined;
    line += entryHelp(
      argHelpText(arg, opts),
      specVals(arg, opts, longPv),
      arg,
      nextLine,
      longest,
      opts,
    );
    parts.push(line);
  }
  return parts.join(nextLine && opts.long ? "\n\n" : "\n");
}

function subcommandSpecVals(sub: CommandSpec): string {
  const aliases = sub.visibleAliases ?? [];
  if (aliases.length === 0) return "";
  return `[alias${aliases.length === 1 ? "" : "es"}: ${aliases.join(", ")}]`;
}

function writeSubcommands(spec: CommandSpec, opts: HelpOptions): string {
  const subs = (spec.subcommands ?? []).filter(
    (s) => s.hidden !== true || (opts.showHidden ?? []).includes(s.name),
  );
  let longest = 2;
  for (const s of subs) longest = Math.max(longest, displayWidth(s.name));
  const nextLine = subs.some((s) =>
    nextLineNeeded(
      displayWidth(s.about ?? "") + displayWidth(subcommandSpecVals(s)),
      longest,
      opts.width,
    ),
  );
  return subs
    .map((s) => {
      let line = `${TAB}${s.name}`;
      if (!nextLine) line += " ".repeat(longest + TAB.length - displayWidth(s.name));
      return (
        line + entryHelp(s.about ?? "", subcommandSpecVals(s), undefined, nextLine, longest, opts)
      );
    })
    .join("\n");
}

/**
 * Renders a command's help page in clap's layout as uv configures it: about, `Usage:`, the
 * `Commands:`, `Arguments:` and `Options:` sections, then one section per help heading in order
 * of first appearance, then the after-help text. Ends with a newline.
 */
export function renderHelp(level: CommandLevel, opts: HelpOptions): string {
  const spec = level.spec;
  const bin = level.path[0] ?? "uv";
  if (spec.helpText !== undefined) return spec.helpText.replaceAll("{bin}", bin);
  const args = levelArgs(level);
  const sections: string[] = [];
  const hasSubs = (spec.subcommands ?? []).some(
    (s) => s.hidden !== true || (opts.showHidden ?? []).includes(s.name),
  );
  if (hasSubs) sections.push(`Commands:\n${writeSubcommands(spec, opts)}`);
  const positionals = args.filter((a) => a.positional && a.heading === undefined && shouldShow(a));
  if (positionals.length > 0) sections.push(`Arguments:\n${writeArgs(positionals, opts)}`);
  const options = args.filter((a) => !a.positional && a.heading === undefined && shouldShow(a));
  if (options.length > 0) sections.push(`Options:\n${writeArgs(options, opts)}`);
  const headings: string[] = [];
  for (const a of args)
    if (a.heading !== undefined && !headings.includes(a.heading)) headings.push(a.heading);
  for (const heading of headings) {
    const inHeading = args.filter((a) => a.heading === heading && shouldShow(a));
    if (inHeading.length > 0) sections.push(`${heading}:\n${writeArgs(inHeading, opts)}`);
  }

  const about = opts.long ? (opts.longHelp?.about ?? spec.about) : spec.about;
  let out = "";
  if (about !== undefined) out += `${wrap(about, opts.width)}\n`;
  out += `\nUsage: ${usageLine(level)}\n\n`;
  out += sections.join("\n\n");
  const after = opts.afterHelp ?? (opts.long ? undefined : spec.afterHelp);
  if (after !== undefined) out += `\n\n${wrap(after.replaceAll("{bin}", bin), opts.width)}`;
  return `${out.replace(/^\n+/u, "").replace(/\s+$/u, "")}\n`;
}
