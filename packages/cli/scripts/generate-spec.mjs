#!/usr/bin/env node
// Generates packages/cli/src/generated/* — the command tree, argument specs and help text — from
// two sources of facts about uv:
//
// 1. the installed `uv` (the behaviour target, 0.13.8): its short help (`uv <cmd> --help`) and long
//    help (`uv help <cmd>`) rendered at an unlimited width give every visible argument, its help
//    text, value name, heading, environment variable, default, possible values and visible
//    aliases, in display order; running the short help with every environment variable set to a
//    sentinel tells real `env = ...` fallbacks apart from `[env: X=]` text written in a doc comment;
// 2. uv's clap definitions (crates/uv-cli/src/{lib,compat}.rs and crates/uv-cache/src/cli.rs in the
//    git mirror) give what help text does not show: hidden arguments and aliases, the action
//    (flag, count, set, append), conflicts, overrides, requirements, value delimiters, groups.
//
// Usage: node packages/cli/scripts/generate-spec.mjs [--mirror /work/.mirror/astral-sh+uv/repo]
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const outDir = `${here}../src/generated`;
const mirrorIdx = process.argv.indexOf("--mirror");
const mirror = mirrorIdx > 0 ? process.argv[mirrorIdx + 1] : "/work/.mirror/astral-sh+uv/repo";
const WIDE = "100000";
const SENTINEL = "ZZSENTINELZZ";

// ---------------------------------------------------------------------------------------------
// Running uv

function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("UV_") || k === "VIRTUAL_ENV" || k === "CONDA_PREFIX") continue;
    env[k] = v;
  }
  env.COLUMNS = WIDE;
  env.NO_COLOR = "1";
  return env;
}

function uv(args, extraEnv = {}) {
  try {
    return execFileSync("uv", args, {
      env: { ...baseEnv(), ...extraEnv },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw new Error(`uv ${args.join(" ")} failed: ${error.stderr}`);
  }
}

const uvVersion = uv(["--version"]).trim();
if (!uvVersion.startsWith("uv 0.13.8")) {
  console.error(`warning: expected uv 0.13.8, found ${uvVersion}`);
}

// ---------------------------------------------------------------------------------------------
// Parsing rendered help

/** Splits help output into its about text, usage line, sections and trailing after-help. */
function splitHelp(text) {
  const lines = text.replace(/\n$/, "").split("\n");
  const usageAt = lines.findIndex((l) => l.startsWith("Usage: "));
  const about = lines.slice(0, Math.max(0, usageAt - 1)).join("\n");
  const usage = lines[usageAt].slice("Usage: ".length);
  const sections = [];
  let after = [];
  let i = usageAt + 1;
  while (i < lines.length) {
    const line = lines[i];
    if (line === "") {
      i++;
      continue;
    }
    if (/^[A-Z][\w ]*:$/.test(line)) {
      const section = { heading: line.slice(0, -1), lines: [] };
      i++;
      while (i < lines.length) {
        const l = lines[i];
        if (l !== "" && !l.startsWith(" ")) break;
        section.lines.push(l);
        i++;
      }
      while (section.lines.length > 0 && section.lines.at(-1) === "") section.lines.pop();
      sections.push(section);
      continue;
    }
    after = lines.slice(i);
    break;
  }
  return { about, usage, sections, after: after.join("\n") };
}

/** Parses the spec part of an argument line: `-c, --clear`, `--python <PYTHON>`, `[PATH]...`. */
function parseSpec(spec) {
  const arg = {};
  let rest = spec;
  let m = /^-(\S), /.exec(rest);
  if (m) {
    arg.short = m[1];
    rest = rest.slice(m[0].length);
  } else if (/^-\S( |$)/.test(rest)) {
    arg.short = rest[1];
    rest = rest.slice(2);
  }
  m = /^--([\w-]+)/.exec(rest);
  if (m) {
    arg.long = m[1];
    rest = rest.slice(m[0].length);
  }
  if (arg.long === undefined && arg.short === undefined) {
    // Positional: [NAME], <NAME>, [NAME]..., <NAME>..., [-- <NAME>...]
    arg.positional = true;
    m = /^(\[-- )?([[<])([^\]>]+)[\]>](\.\.\.)?\]?$/.exec(rest);
    if (!m) throw new Error(`cannot parse positional ${JSON.stringify(spec)} in ${currentPath}`);
    if (m[1]) arg.last = true;
    arg.required = m[2] === "<" && !m[1];
    arg.valueName = m[3];
    if (m[4]) arg.multiple = true;
    return arg;
  }
  if (rest === "...") {
    arg.count = true;
    return arg;
  }
  if (rest === "") return arg;
  m = /^(=| )(\[)?<([^>]+)>(\])?(\.\.\.)?$/.exec(rest);
  if (!m) throw new Error(`cannot parse spec ${spec}`);
  if (m[1] === "=") arg.requireEquals = true;
  arg.valueName = m[3];
  if (m[2]) arg.optionalValue = true;
  if (m[5]) arg.multipleValues = true;
  return arg;
}

function specKey(arg) {
  return arg.positional ? `<${arg.valueName}>` : (arg.long ?? `-${arg.short}`);
}

/** Parses the trailing `[env: ...] [default: ...] [aliases: ...] [possible values: ...]`. */
function stripSpecVals(text) {
  const vals = {};
  let rest = text;
  for (;;) {
    const m =
      /\s?\[(env|default|aliases|alias|short aliases|short alias|possible values): ([^\]]*)\]$/.exec(
        rest,
      );
    if (!m) break;
    const [, kind, value] = m;
    if (kind === "env") {
      const e = /^([A-Z0-9_]+)(=(.*))?$/.exec(value);
      if (!e) break;
      if (e[2] !== undefined && e[3] !== SENTINEL) break; // literal text from a doc comment
      vals.env = e[1];
      if (e[2] === undefined) vals.hideEnvValues = true;
    } else if (kind === "default") vals.default = value;
    else if (kind === "possible values") vals.possibleValues = value.split(", ");
    else if (kind.startsWith("short alias"))
      vals.visibleShortAliases = value.split(", ").map((s) => s.slice(1));
    else vals.visibleAliases = value.split(", ").map((s) => s.replace(/^--/, ""));
    rest = rest.slice(0, m.index);
  }
  return { text: rest, vals };
}

/** Parses one section of short help at unlimited width: one line per entry, plus continuation
 * lines (indented to the help column) when the help text itself has line breaks. */
function parseShortEntries(section) {
  const out = [];
  let col = 0;
  for (const line of section.lines) {
    if (line.trim() === "") continue;
    const body = line.slice(2);
    const isEntry = /^(-\S| {4}--|[[<]|[a-z])/.test(body) && !/^ {5}/.test(body);
    if (!isEntry && out.length > 0) {
      out.at(-1).help += `\n${line.slice(col)}`;
      continue;
    }
    const noShort = body.startsWith("    ");
    const content = noShort ? body.slice(4) : body;
    const gap = content.indexOf("  ");
    const spec = gap < 0 ? content : content.slice(0, gap);
    const help = gap < 0 ? "" : content.slice(gap).trimStart();
    col = line.length - help.length;
    out.push({ spec, help });
  }
  return out;
}

/** Parses one section of long help: a spec line, then paragraphs indented by ten spaces. */
function parseLongEntries(section) {
  const out = [];
  let cur;
  for (const line of section.lines) {
    if (line.startsWith("          ") || (line === "" && cur)) {
      cur.body.push(line.slice(10));
      continue;
    }
    if (line.trim() === "") continue;
    cur = { spec: line.trim(), body: [] };
    out.push(cur);
  }
  for (const entry of out) {
    while (entry.body.length > 0 && entry.body.at(-1) === "") entry.body.pop();
    const paragraphs = [];
    let p = [];
    for (const l of entry.body) {
      if (l === "") {
        if (p.length) paragraphs.push(p.join("\n"));
        p = [];
      } else p.push(l);
    }
    if (p.length) paragraphs.push(p.join("\n"));
    entry.paragraphs = paragraphs;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scanning uv's clap definitions

function gitShow(path) {
  return execFileSync("git", ["-C", mirror, "show", `HEAD:${path}`], { encoding: "utf8" });
}

const kebab = (s) => s.replace(/_/g, "-");

/** Collects, per struct and enum, its fields or variants with their attributes. */
function scanRust(source) {
  const structs = new Map();
  const enums = new Map();
  const lines = source.split("\n");
  let pendingTypeAttrs = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^#\[(command|clap|group)\(/.test(line)) {
      let attr = line;
      while (!/\)\]\s*$/.test(attr) && i + 1 < lines.length) attr += lines[++i].trim();
      pendingTypeAttrs.push(attr);
      continue;
    }
    const s = /^pub struct (\w+)(<[^>]*>)? \{/.exec(line);
    const e = /^pub enum (\w+) \{/.exec(line);
    if (!s && !e) {
      if (/^(pub |impl|fn|#\[derive|\/\/)/.test(line) === false && line.trim() !== "") {
        // keep attributes across derive lines only
      }
      if (/^(pub (fn|const|trait|mod|use)|impl|fn )/.test(line)) pendingTypeAttrs = [];
      continue;
    }
    const members = [];
    let attrs = [];
    let docs = [];
    let depth = 1;
    i++;
    for (; i < lines.length && depth > 0; i++) {
      const l = lines[i].trim();
      if (depth === 1 && l.startsWith("///")) {
        docs.push(l.replace(/^\/\/\/ ?/, ""));
        continue;
      }
      if (depth === 1 && l.startsWith("#[")) {
        let attr = l;
        let open = (attr.match(/\[/g) || []).length - (attr.match(/\]/g) || []).length;
        while (open > 0 && i + 1 < lines.length) {
          const next = lines[++i].trim();
          attr += ` ${next}`;
          open += (next.match(/\[/g) || []).length - (next.match(/\]/g) || []).length;
        }
        attrs.push(attr);
        continue;
      }
      if (depth === 1 && s) {
        const f = /^pub (?:r#)?(\w+): (.+),$/.exec(l) ?? /^(?:r#)?(\w+): (.+),$/.exec(l);
        if (f) {
          members.push({ field: f[1], type: f[2], attrs: attrs.join(" "), docs });
          attrs = [];
          docs = [];
          continue;
        }
      }
      if (depth === 1 && e) {
        const v = /^(\w+)(\((.+)\))?( \{)?,?$/.exec(l);
        if (v) {
          members.push({ variant: v[1], type: v[3], attrs: attrs.join(" "), docs, inline: !!v[4] });
          attrs = [];
          docs = [];
        }
      }
      depth += (l.match(/\{/g) || []).length - (l.match(/\}/g) || []).length;
    }
    i--;
    const entry = { name: (s ?? e)[1], members, typeAttrs: pendingTypeAttrs.join(" ") };
    pendingTypeAttrs = [];
    (s ? structs : enums).set(entry.name, entry);
  }
  return { structs, enums };
}

const rust = scanRust(
  [
    gitShow("crates/uv-cli/src/lib.rs"),
    gitShow("crates/uv-cli/src/compat.rs"),
    gitShow("crates/uv-cache/src/cli.rs"),
  ].join("\n"),
);

function innerType(type) {
  let t = type.trim();
  for (;;) {
    const m = /^(Box|Option)<(.+)>$/.exec(t);
    if (!m) return t;
    t = m[2];
  }
}

function strList(attrs, key) {
  const out = [];
  const re = new RegExp(`\\b${key}\\s*(?:=\\s*|\\()\\s*(\\[[^\\]]*\\]|"[^"]*")`, "g");
  for (const m of attrs.matchAll(re)) {
    for (const s of m[1].matchAll(/"([^"]*)"/g)) out.push(s[1]);
  }
  return out;
}

/** The fields of a struct with flattened structs expanded, as argument facts. */
function structArgs(name, seen = new Set()) {
  const st = rust.structs.get(name.replace(/<.*$/, ""));
  if (!st || seen.has(st.name)) return [];
  seen.add(st.name);
  const out = [];
  for (const f of st.members) {
    const argAttr = /#\[(arg|clap)\(/.test(f.attrs) ? f.attrs : "";
    if (/#\[command\(flatten\)\]/.test(f.attrs) || /#\[clap\(flatten\)\]/.test(f.attrs)) {
      out.push(...structArgs(innerType(f.type), seen));
      continue;
    }
    if (/#\[command\(subcommand\)\]/.test(f.attrs)) continue;
    const a = argAttr;
    const fact = { field: f.field, type: f.type };
    const long = /\blong\s*=\s*"([^"]+)"/.exec(a);
    if (long) fact.long = long[1];
    else if (/\blong\b(?!\s*=)/.test(a) || /\blong\s*[,)]/.test(a)) fact.long = kebab(f.field);
    const short = /\bshort\s*=\s*'(.)'/.exec(a);
    if (short) fact.short = short[1];
    else if (/\bshort\b(?!\s*=)/.test(a)) fact.short = f.field[0];
    fact.aliases = [
      ...strList(a, "alias"),
      ...strList(a, "aliases"),
      ...strList(a, "visible_alias"),
      ...strList(a, "visible_aliases"),
    ];
    const shortAlias = [...a.matchAll(/\bshort_alias\s*=\s*'(.)'/g)].map((m) => m[1]);
    if (shortAlias.length) fact.shortAliases = shortAlias;
    const env = /\benv\s*=\s*EnvVars::(\w+)/.exec(a);
    if (env) fact.env = env[1];
    if (/\bhide\s*(=\s*|\()true/.test(a)) fact.hidden = true;
    const suggest = /UnknownArgumentValueParser::suggest_arg\("([^"]+)"\)/.exec(a);
    if (suggest) fact.suggestArg = suggest[1];
    if (/\bglobal\s*=\s*true/.test(a)) fact.global = true;
    const action = /ArgAction::(\w+)/.exec(a);
    if (action) fact.action = action[1];
    fact.conflicts = [...strList(a, "conflicts_with"), ...strList(a, "conflicts_with_all")];
    fact.overrides = [...strList(a, "overrides_with"), ...strList(a, "overrides_with_all")];
    fact.requires = strList(a, "requires");
    const delim = /value_delimiter\s*=\s*'(.)'/.exec(a);
    if (delim) fact.delimiter = delim[1];
    if (/BoolishValueParser/.test(a)) fact.boolish = true;
    const group = /\bgroup\s*=\s*"([^"]+)"/.exec(a);
    if (group) fact.group = group[1];
    if (/\brequired\s*=\s*true/.test(a)) fact.required = true;
    if (/\btrailing_var_arg\s*=\s*true/.test(a)) fact.trailingVarArg = true;
    if (/\ballow_hyphen_values\s*=\s*true/.test(a)) fact.allowHyphenValues = true;
    if (/\blast\s*=\s*true/.test(a)) fact.last = true;
    const vn = /\bvalue_name\s*=\s*"([^"]+)"/.exec(a);
    if (vn) fact.valueName = vn[1];
    const num = /\bnum_args\s*=\s*([\d.=]+)/.exec(a);
    if (num) fact.numArgs = num[1];
    const ds = /\bdefault_value\s*=\s*"([^"]*)"/.exec(a);
    if (ds) fact.default = ds[1];
    if (/\bvalue_enum\b/.test(a)) fact.valueEnum = true;
    fact.structGroups = st.typeAttrs;
    out.push(fact);
  }
  return out;
}

function variantName(v) {
  const n = /#\[command\([^\]]*\bname\s*=\s*"([^"]+)"/.exec(v.attrs);
  if (n) return n[1];
  return v.variant.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Maps each command path ("pip install") to its argument facts, aliases and hidden flag. */
function commandFacts() {
  const map = new Map();
  const visit = (enumName, prefix) => {
    const en = rust.enums.get(enumName);
    if (!en) return;
    for (const v of en.members) {
      if (/#\[command\(flatten\)\]/.test(v.attrs)) {
        visit(innerType(v.type), prefix);
        continue;
      }
      const name = variantName(v);
      const path = [...prefix, name].join(" ");
      const aliases = [
        ...strList(v.attrs, "alias"),
        ...strList(v.attrs, "visible_alias"),
        ...strList(v.attrs, "aliases"),
      ];
      const hidden = /\bhide\s*=\s*true/.test(v.attrs);
      const type = v.type ? innerType(v.type) : undefined;
      const args = type ? structArgs(type) : [];
      map.set(path, { aliases, hidden, args });
      if (type) {
        const st = rust.structs.get(type);
        const sub = st?.members.find((f) => /#\[command\(subcommand\)\]/.test(f.attrs));
        if (sub) visit(innerType(sub.type), [...prefix, name]);
      }
    }
  };
  map.set("", { aliases: [], hidden: false, args: structArgs("TopLevelArgs") });
  visit("Commands", []);
  return map;
}

const facts = commandFacts();

// ---------------------------------------------------------------------------------------------
// Building the tree

const envNames = new Set();
function collectEnvNames(text) {
  for (const m of text.matchAll(/\[env: ([A-Z0-9_]+)/g)) envNames.add(m[1]);
}

function shortHelp(path, sentinel) {
  const env = {};
  if (sentinel) for (const n of envNames) env[n] = SENTINEL;
  return uv([...path, "--help"], env);
}

function walkPaths(path, out) {
  out.push(path);
  const text = shortHelp(path, false);
  collectEnvNames(text);
  const { sections } = splitHelp(text);
  const cmds = sections.find((s) => s.heading === "Commands");
  if (cmds) {
    for (const e of parseShortEntries(cmds)) {
      if (e.spec === "help") continue;
      walkPaths([...path, e.spec], out);
    }
  }
  return out;
}

const paths = walkPaths([], []);
paths.push(["generate-shell-completion"]);
collectEnvNames(shortHelp(["generate-shell-completion"], false));

/** Builds the command spec of one path from its short and long help and the clap facts. */
let currentPath = "";
function buildCommand(path, rootGlobals) {
  currentPath = path.join(" ");
  const pathKey = path.join(" ");
  const short = splitHelp(shortHelp(path, true));
  // The root has no long help of its own; its globals' long help shows in any leaf's.
  const long = splitHelp(
    uv(["help", ...(path.length === 0 ? ["cache", "dir"] : path), "--no-pager"]),
  );
  const fact = facts.get(pathKey) ?? { aliases: [], hidden: false, args: [] };
  if (!facts.has(pathKey)) console.error(`note: no clap facts for \`${pathKey}\``);
  const cmd = { name: path.at(-1) ?? "uv" };
  if (short.about) cmd.about = short.about;
  if (path.length > 0 && long.about !== short.about) cmd.longAbout = long.about;
  const ownAliases = fact.aliases;
  if (ownAliases.length) cmd.aliases = ownAliases;
  if (fact.hidden) cmd.hidden = true;
  cmd.usage = short.usage;
  if (short.after) cmd.afterHelp = short.after.replace(/`uv( |`)/g, "`{bin}$1");

  const args = [];
  const longEntries = new Map();
  for (const section of long.sections) {
    if (section.heading === "Commands") continue;
    for (const e of parseLongEntries(section)) longEntries.set(specKey(parseSpec(e.spec)), e);
  }
  const usedFacts = new Set();
  const seenGlobals = new Set();
  const sectionEntries = [];
  const positionalFacts = fact.args.filter((f) => f.long === undefined && f.short === undefined);
  let positionalIndex = 0;
  for (const section of short.sections) {
    if (section.heading === "Commands") {
      cmd.subcommands = parseShortEntries(section).map((e) => {
        const { text, vals } = stripSpecVals(e.help);
        const sub = { name: e.spec };
        if (text) sub.about = text;
        if (vals.visibleAliases) sub.visibleAliases = vals.visibleAliases;
        return sub;
      });
      continue;
    }
    const heading =
      section.heading === "Options" || section.heading === "Arguments"
        ? undefined
        : section.heading;
    sectionEntries.push([]);
    for (const e of parseShortEntries(section)) {
      const spec = parseSpec(e.spec);
      const key = specKey(spec);
      const global = rootGlobals.get(key);
      if (global && global.help === stripSpecVals(e.help).text && path.length > 0) {
        seenGlobals.add(key);
        if (!spec.positional) sectionEntries.at(-1).push({ global });
        continue;
      }
      const { text, vals } = stripSpecVals(e.help);
      const arg = {};
      let f;
      if (spec.positional) {
        f =
          positionalFacts.find((p) => (p.valueName ?? p.field.toUpperCase()) === spec.valueName) ??
          positionalFacts[positionalIndex];
        positionalIndex++;
        arg.id = (f?.field ? kebab(f.field) : spec.valueName.toLowerCase()).replace(/_/g, "-");
        arg.positional = true;
        arg.valueName = spec.valueName;
        if (spec.required) arg.required = true;
        if (spec.multiple) arg.multiple = true;
        if (spec.last) arg.last = true;
      } else {
        f = fact.args.find((p) => p.long !== undefined && p.long === spec.long);
        if (!f && spec.short)
          f = fact.args.find((p) => p.short === spec.short && p.long === undefined);
        arg.id = spec.long ?? spec.short;
        if (spec.long) arg.long = spec.long;
        if (spec.short) arg.short = spec.short;
        if (spec.valueName) arg.valueName = spec.valueName;
        if (spec.optionalValue) arg.optionalValue = true;
        if (spec.multipleValues) arg.multipleValues = true;
        if (spec.requireEquals) arg.requireEquals = true;
      }
      if (f) usedFacts.add(f);
      arg.kind = kindOf(spec, f);
      applyFacts(arg, f, vals);
      if (text) arg.help = text;
      if (heading) arg.heading = heading;
      const le = longEntries.get(key);
      if (le) applyLong(arg, le, text);
      args.push(arg);
      if (!arg.positional) sectionEntries.at(-1).push({ arg });
    }
  }
  // A visible global missing from this help is shadowed by a hidden argument of the command.
  if (path.length > 0) {
    for (const [key, g] of rootGlobals) {
      if (g.hidden || seenGlobals.has(key) || args.some((a) => a.id === g.id)) continue;
      const copy = { ...g, hidden: true };
      delete copy.global;
      delete copy.heading;
      args.push(copy);
    }
  }
  // Hidden arguments only the clap definitions know about.
  for (const f of fact.args) {
    if (usedFacts.has(f) || !f.hidden) continue;
    if (f.long === undefined && f.short === undefined) continue;
    if (path.length > 0 && rootGlobals.has(f.long)) continue;
    const arg = { id: f.long ?? f.short, hidden: true };
    if (f.long) arg.long = f.long;
    if (f.short) arg.short = f.short;
    const takesValue = !/^bool$/.test(f.type) && f.action !== "Count" && f.action !== "SetTrue";
    if (takesValue) arg.valueName = f.valueName ?? f.field.toUpperCase();
    arg.kind = kindOf(takesValue ? { valueName: "X" } : {}, f);
    applyFacts(arg, f, {});
    args.push(arg);
  }
  // Display order: within a heading, options sort by clap's display order, and inherited
  // globals keep the order they have in their own command. Give own options orders that put
  // them where this help shows them relative to those globals.
  for (const entries of sectionEntries) {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.global !== undefined) continue;
      const prev = entries
        .slice(0, i)
        .reverse()
        .find((x) => x.global !== undefined);
      const nextIdx = entries.findIndex((x, j) => j > i && x.global !== undefined);
      if (prev !== undefined) {
        const k = i - entries.indexOf(prev);
        e.arg.order = Math.round((prev.global.order + k / 1000) * 1000) / 1000;
      } else if (nextIdx >= 0) {
        e.arg.order =
          Math.round((entries[nextIdx].global.order - (nextIdx - i) / 1000) * 1000) / 1000;
      } else {
        e.arg.order = i;
      }
    }
  }
  // Resolve field ids in relations to argument ids.
  const byField = new Map();
  for (const a of args) if (a.field) byField.set(a.field, a.id);
  for (const a of args) {
    for (const rel of ["conflicts", "overrides", "requires"]) {
      if (!a[rel]) continue;
      const ids = a[rel].map((fid) => byField.get(fid) ?? kebab(fid));
      a[rel] = ids;
    }
    delete a.field;
  }
  const groups = new Map();
  for (const a of args) {
    if (!a.group) continue;
    if (!groups.has(a.group)) groups.set(a.group, []);
    groups.get(a.group).push(a.id);
  }
  if (groups.size) {
    cmd.groups = [];
    for (const [id, members] of groups) {
      const src = fact.args.find((f) => f.group === id)?.structGroups ?? "";
      const g = { id, args: members };
      if (new RegExp(`ArgGroup::new\\("${id}"\\)[^)]*\\)?\\.required\\(true\\)`).test(src))
        g.required = true;
      if (new RegExp(`ArgGroup::new\\("${id}"\\)[\\s\\S]*?\\.multiple\\(true\\)`).test(src))
        g.multiple = true;
      cmd.groups.push(g);
    }
    for (const a of args) delete a.group;
  }
  cmd.args = args;
  return cmd;
}

function kindOf(spec, f) {
  if (f?.action === "HelpShort") return "help";
  if (f?.action === "Version") return "version";
  if (spec.count || f?.action === "Count") return "count";
  if (!spec.valueName && !spec.positional) return "flag";
  if (spec.positional && spec.multiple) return "append";
  if (f && /^(Option<)?Vec</.test(f.type.replace(/^Box</, ""))) return "append";
  if (f && /^Option<Maybe<Vec/.test(f.type)) return "append";
  if (!f && spec.multipleValues) return "append";
  return "set";
}

function applyFacts(arg, f, vals) {
  if (vals.env) arg.env = vals.env;
  else if (f?.env && arg.hidden) arg.env = f.env;
  if (vals.hideEnvValues) arg.hideEnvValues = true;
  if (vals.default !== undefined) arg.default = vals.default;
  else if (f?.default !== undefined && arg.hidden) arg.default = f.default;
  if (vals.possibleValues) arg.possibleValues = vals.possibleValues;
  if (vals.visibleAliases) arg.visibleAliases = vals.visibleAliases;
  if (!f) return;
  arg.field = f.field;
  const hiddenAliases = f.aliases.filter((a) => !(vals.visibleAliases ?? []).includes(a));
  if (hiddenAliases.length) arg.aliases = hiddenAliases;
  if (f.shortAliases) arg.shortAliases = f.shortAliases;
  if (f.global) arg.global = true;
  if (f.conflicts.length) arg.conflicts = f.conflicts;
  if (f.overrides.length) arg.overrides = f.overrides;
  if (f.requires.length) arg.requires = f.requires;
  if (f.delimiter) arg.delimiter = f.delimiter;
  if (f.boolish) arg.boolish = true;
  if (f.suggestArg) arg.suggestArg = f.suggestArg;
  if (f.group) arg.group = f.group;
  if (f.trailingVarArg) arg.trailingVarArg = true;
  if (f.allowHyphenValues) arg.allowHyphenValues = true;
  if (f.last) arg.last = true;
  if (f.required && arg.positional) arg.required = true;
}

/** Attaches the long help (paragraphs, possible-value descriptions) of one argument. */
function applyLong(arg, entry, shortText) {
  const paras = [...entry.paragraphs];
  // uv's `help` command moves `[env: X=]` text written in a doc comment to the end.
  if (
    paras.length &&
    /^\[env: [A-Z0-9_]+=\]$/.test(paras.at(-1)) &&
    / \[env: [A-Z0-9_]+=\]/.test(shortText)
  ) {
    paras.pop();
  }
  while (paras.length && /^\[(env|default|aliases?|possible values): /.test(paras.at(-1)))
    paras.pop();
  if (paras.length && paras.at(-1).startsWith("Possible values:")) {
    const pv = {};
    for (const line of paras.pop().split("\n").slice(1)) {
      const m = /^- ([^:]+?)(?:: +(.*))?$/.exec(line);
      if (m?.[2]) pv[m[1]] = m[2];
    }
    arg.possibleValuesHelp = pv;
    if (!arg.possibleValues) arg.possibleValues = Object.keys(pv);
  }
  if (paras.length && / \[env: [A-Z0-9_]+=\]/.test(shortText)) {
    // Restore the doc comment's first paragraph as clap holds it (with the `[env: X=]` text).
    paras[0] = shortText;
  }
  const longText = paras.join("\n\n");
  if (longText && longText !== shortText) arg.longHelp = longText;
}

// Root first: its arguments are the globals.
const root = buildCommand([], new Map());
const rootGlobals = new Map();
for (const a of root.args) {
  if (a.global) rootGlobals.set(a.long ?? `-${a.short}`, a);
}
// Namespace-level globals (e.g. `uv pip --cert`) propagate to their subcommands.
const built = new Map([["", root]]);
for (const path of paths.slice(1)) {
  const parentKey = path.slice(0, -1).join(" ");
  const inherited = new Map(rootGlobals);
  for (let i = 1; i < path.length; i++) {
    const anc = built.get(path.slice(0, i).join(" "));
    for (const a of anc?.args ?? []) if (a.global) inherited.set(a.long ?? `-${a.short}`, a);
  }
  const cmd = buildCommand(path, inherited);
  built.set(path.join(" "), cmd);
  const parent = built.get(parentKey);
  const stub = parent.subcommands?.find((s) => s.name === cmd.name);
  if (stub) {
    Object.assign(stub, cmd, { about: stub.about ?? cmd.about });
    built.set(path.join(" "), stub);
  } else {
    parent.subcommands ??= [];
    const hidden = { ...cmd, hidden: true };
    parent.subcommands.splice(parent.subcommands.length - 1, 0, hidden);
    built.set(path.join(" "), hidden);
  }
}
// Subcommand aliases from the clap facts (hidden ones too).
for (const [key, cmd] of built) {
  for (const sub of cmd.subcommands ?? []) {
    const f = facts.get(key ? `${key} ${sub.name}` : sub.name);
    const hidden = (f?.aliases ?? []).filter((a) => !(sub.visibleAliases ?? []).includes(a));
    if (hidden.length) sub.aliases = hidden;
  }
}

// Hidden subcommands and aliases: clap lists every name in "requires a subcommand" errors.
for (const [key, cmd] of built) {
  if (!cmd.subcommands) continue;
  const args = key === "" ? ["--offline"] : [...key.split(" "), "--offline"];
  let text = "";
  try {
    uv(args);
  } catch (error) {
    text = String(error.message);
  }
  const m = /\[subcommands: ([^\]]*)\]/.exec(text);
  if (!m) continue;
  let prev;
  const ordered = [];
  for (const name of m[1].split(", ")) {
    const known = cmd.subcommands.find(
      (s) =>
        s.name === name ||
        (s.aliases ?? []).includes(name) ||
        (s.visibleAliases ?? []).includes(name),
    );
    if (known) {
      if (known.name === name) {
        ordered.push(known);
        prev = known;
      }
      continue;
    }
    const f = facts.get(key ? `${key} ${name}` : name);
    if (!f && prev) {
      // An alias the clap facts of this (older) uv do not know about.
      prev.aliases = [...(prev.aliases ?? []), name];
      continue;
    }
    const stub = { name, hidden: true };
    if (f?.aliases.length) stub.aliases = f.aliases;
    ordered.push(stub);
    prev = stub;
  }
  for (const s of cmd.subcommands) if (!ordered.includes(s)) ordered.push(s);
  cmd.subcommands = ordered;
}

// The `help` command: uv renders its help from a custom template.
const helpCmd = root.subcommands.find((s) => s.name === "help");
Object.assign(helpCmd, {
  args: [
    { id: "command", kind: "append", positional: true, multiple: true, valueName: "COMMAND" },
    { id: "no-pager", long: "no-pager", kind: "flag", help: "Disable pager when printing help" },
  ],
  helpText:
    "Display documentation for a command\n\nUsage: {bin} help [OPTIONS] [COMMAND]...\n\nOptions:\n  --no-pager Disable pager when printing help\n",
});
// Commands that take an external command after their options.
for (const key of ["run", "tool run"]) {
  const cmd = built.get(key);
  if (cmd) cmd.external = true;
}

// ---------------------------------------------------------------------------------------------
// Emitting

/** Splits a command into its compact parse/short-help part and its long-help part. */
function split(cmd, prefix, longOut) {
  const key = [...prefix, cmd.name].slice(1).join(" ");
  const longPart = {};
  if (cmd.longAbout) longPart.about = cmd.longAbout;
  const argsLong = {};
  const c = { ...cmd };
  delete c.longAbout;
  delete c.usage;
  c.args = cmd.args.map((a) => {
    const x = { ...a };
    if (a.longHelp || a.possibleValuesHelp) {
      argsLong[a.id] = {};
      if (a.longHelp) argsLong[a.id].help = a.longHelp;
      if (a.possibleValuesHelp) argsLong[a.id].possibleValues = a.possibleValuesHelp;
    }
    delete x.longHelp;
    delete x.possibleValuesHelp;
    return x;
  });
  if (Object.keys(argsLong).length) longPart.args = argsLong;
  if (Object.keys(longPart).length) longOut[key] = longPart;
  if (cmd.subcommands) {
    c.subcommands = cmd.subcommands.map((s) =>
      s.args ? split(s, [...prefix, cmd.name], longOut) : s,
    );
  }
  return c;
}

const header = `// Generated by packages/cli/scripts/generate-spec.mjs from ${uvVersion} and uv's clap definitions.\n// Do not edit by hand: change the generator, then regenerate.\n`;
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const rootOut = { ...root };
const topLevel = [];
rootOut.subcommands = root.subcommands.map((sub) => {
  if (!sub.args || sub.name === "help") return sub;
  const longOut = {};
  const full = split(sub, [root.name], longOut);
  const file = `command-${sub.name}`;
  writeFileSync(
    `${outDir}/${file}.ts`,
    `${header}import type { CommandSpec } from "../spec.ts";\n\n/** The \`${sub.name}\` command tree. */\nexport const COMMAND: CommandSpec = ${JSON.stringify(full, null, 2)};\n`,
  );
  writeFileSync(
    `${outDir}/long-${sub.name}.ts`,
    `${header}import type { LongHelpTable } from "../spec.ts";\n\n/** Long help (\`uv help ${sub.name} ...\`) for the \`${sub.name}\` command tree. */\nexport const LONG_HELP: LongHelpTable = ${JSON.stringify(longOut, null, 2)};\n`,
  );
  topLevel.push(sub.name);
  const stub = { name: sub.name };
  for (const k of ["about", "aliases", "visibleAliases", "hidden"])
    if (sub[k] !== undefined) stub[k] = sub[k];
  stub.lazy = file;
  return stub;
});
delete rootOut.usage;
const rootLong = {};
const rootCompact = split({ ...rootOut, subcommands: undefined }, [], rootLong);
rootCompact.subcommands = rootOut.subcommands;
let rootText = JSON.stringify(rootCompact, null, 2);
rootText = rootText.replace(
  /"lazy": "(command-[\w-]+)"/g,
  (_, f) => `"load": () => import("./${f}.ts").then((m) => m.COMMAND)`,
);
writeFileSync(
  `${outDir}/long-root.ts`,
  `${header}import type { LongHelpTable } from "../spec.ts";\n\n/** Long help of the global arguments. */\nexport const LONG_HELP: LongHelpTable = ${JSON.stringify(rootLong, null, 2)};\n`,
);
writeFileSync(
  `${outDir}/root.ts`,
  `${header}import type { CommandSpec, LongHelpTable } from "../spec.ts";\n\n/** The top-level command: global arguments and the list of commands (loaded lazily). */\nexport const ROOT: CommandSpec = ${rootText};\n\n/** Loads the long help of a top-level command's tree. */\nexport function loadLongHelp(name: string): Promise<LongHelpTable> | undefined {\n  switch (name) {\n${topLevel.map((n) => `    case ${JSON.stringify(n)}:\n      return import("./long-${n}.ts").then((m) => m.LONG_HELP);`).join("\n")}\n    case "":\n      return import("./long-root.ts").then((m) => m.LONG_HELP);\n    default:\n      return undefined;\n  }\n}\n`,
);
console.error(`wrote ${readdirSync(outDir).length} files to ${outDir}`);
execFileSync("pnpm", ["exec", "biome", "format", "--write", outDir], {
  stdio: "ignore",
  cwd: `${here}../../..`,
});
