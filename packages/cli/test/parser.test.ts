import { describe, expect, it } from "vitest";
import { type ParseOutcome, parseArgs, ROOT } from "../src/index.ts";

// Expected texts below are uv 0.13.8's output, verbatim (the binary is named `uv` here).
async function parse(argv: string, env: Record<string, string> = {}): Promise<ParseOutcome> {
  return parseArgs(argv === "" ? [] : argv.split(" "), {
    root: ROOT,
    bin: "uv",
    version: "uv 0.13.8",
    env,
    width: 100,
  });
}

async function parsed(argv: string, env: Record<string, string> = {}) {
  const outcome = await parse(argv, env);
  if (outcome.kind !== "parsed")
    throw new Error(`expected a parse, got:\n${JSON.stringify(outcome)}`);
  return outcome.args;
}

async function errorText(argv: string, env: Record<string, string> = {}): Promise<string> {
  const outcome = await parse(argv, env);
  if (outcome.kind !== "error") throw new Error(`expected an error, got ${outcome.kind}`);
  expect(outcome.exitCode).toBe(2);
  return outcome.text;
}

describe("values", () => {
  it("parses flags, options and positionals", async () => {
    const args = await parsed("venv --seed --python 3.12 myenv");
    expect(args.command).toEqual(["venv"]);
    expect(args.flag("seed")).toBe(true);
    expect(args.string("python")).toBe("3.12");
    expect(args.string("path")).toBe("myenv");
    expect(args.has("prompt")).toBe(false);
  });

  it("accepts --flag=value and attached short values", async () => {
    expect((await parsed("venv --python=3.11")).string("python")).toBe("3.11");
    expect((await parsed("venv -p3.10")).string("python")).toBe("3.10");
    expect((await parsed("venv -p=3.9")).string("python")).toBe("3.9");
    expect((await parsed("venv -p 3.8")).string("python")).toBe("3.8");
  });

  it("accepts short flag clusters ending in an option", async () => {
    const args = await parsed("venv -cp 3.12");
    expect(args.flag("clear")).toBe(true);
    expect(args.string("python")).toBe("3.12");
  });

  it("counts repeated -v and -q", async () => {
    expect((await parsed("-vv cache dir")).count("verbose")).toBe(2);
    expect((await parsed("cache dir -vvv")).count("verbose")).toBe(3);
    expect((await parsed("-q cache dir")).count("quiet")).toBe(1);
    expect((await parsed("cache dir")).count("verbose")).toBe(0);
  });

  it("accepts global options after the subcommand", async () => {
    const args = await parsed("pip install anyio --cache-dir /tmp/c --offline");
    expect(args.command).toEqual(["pip", "install"]);
    expect(args.string("cache-dir")).toBe("/tmp/c");
    expect(args.flag("offline")).toBe(true);
    expect(args.strings("package")).toEqual(["anyio"]);
  });

  it("lets a subcommand's occurrence of a global win over the parent's", async () => {
    expect((await parsed("--cache-dir a pip --cache-dir b list")).string("cache-dir")).toBe("b");
  });

  it("collects repeated and multi-valued options", async () => {
    const args = await parsed("pip install -r a.txt -r b.txt x y");
    expect(args.strings("requirements")).toEqual(["a.txt", "b.txt"]);
    expect(args.strings("package")).toEqual(["x", "y"]);
  });

  it("treats everything after -- as positional", async () => {
    expect((await parsed("venv -- -x")).string("path")).toBe("-x");
  });

  it("resolves subcommand aliases", async () => {
    expect((await parsed("v")).command).toEqual(["venv"]);
    expect((await parsed("pip ls")).command).toEqual(["pip", "list"]);
  });

  it("lets a later flag override an earlier one it overrides", async () => {
    const args = await parsed("venv --clear --allow-existing");
    expect(args.flag("clear")).toBe(false);
    expect(args.flag("allow-existing")).toBe(true);
  });

  it("splits values on the argument's delimiter", async () => {
    expect(
      (await parsed("--allow-insecure-host a,b cache dir")).strings("allow-insecure-host"),
    ).toEqual(["a,b"]);
    expect(
      (await parsed("cache dir", { UV_INSECURE_HOST: "a b" })).strings("allow-insecure-host"),
    ).toEqual(["a", "b"]);
  });
});

describe("environment fallbacks", () => {
  it("reads an option from its variable", async () => {
    expect((await parsed("cache dir", { UV_CACHE_DIR: "/x" })).string("cache-dir")).toBe("/x");
    expect((await parsed("venv", { UV_PYTHON: "3.13" })).string("python")).toBe("3.13");
  });

  it("prefers the command line over the variable", async () => {
    expect(
      (await parsed("cache dir --cache-dir /y", { UV_CACHE_DIR: "/x" })).string("cache-dir"),
    ).toBe("/y");
    expect(
      (await parsed("--cache-dir /y cache dir", { UV_CACHE_DIR: "/x" })).string("cache-dir"),
    ).toBe("/y");
  });

  it("reads boolish flags", async () => {
    expect((await parsed("cache dir", { UV_NO_CACHE: "1" })).flag("no-cache")).toBe(true);
    expect((await parsed("cache dir", { UV_NO_CACHE: "off" })).flag("no-cache")).toBe(false);
  });

  it("rejects a variable that is not a boolean", async () => {
    expect(await errorText("cache dir", { UV_NO_CACHE: "maybe" })).toBe(
      "error: invalid value 'maybe' for '--no-cache': value was not a boolean\n\nFor more information, try '--help'.\n",
    );
  });

  it("validates a variable against the possible values", async () => {
    expect(await errorText("venv", { UV_LINK_MODE: "foo" })).toBe(
      "error: invalid value 'foo' for '--link-mode <LINK_MODE>'\n  [possible values: clone, copy, hardlink, symlink]\n\nFor more information, try '--help'.\n",
    );
  });
});

describe("errors with clap's text", () => {
  it("unrecognized subcommand with several similar ones", async () => {
    expect(await errorText("venvv")).toBe(
      "error: unrecognized subcommand 'venvv'\n\n  tip: some similar subcommands exist: 'v', 'venv'\n\nUsage: uv [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
    );
  });

  it("unrecognized subcommand with one similar", async () => {
    expect(await errorText("foo")).toBe(
      "error: unrecognized subcommand 'foo'\n\n  tip: a similar subcommand exists: 'tool'\n\nUsage: uv [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
    );
  });

  it("unrecognized subcommand without a tip", async () => {
    expect(await errorText("pip foo")).toBe(
      "error: unrecognized subcommand 'foo'\n\nUsage: uv pip [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("pip instal x")).toBe(
      "error: unrecognized subcommand 'instal'\n\n  tip: some similar subcommands exist: 'list', 'uninstall', 'install'\n\nUsage: uv pip [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n",
    );
  });

  it("unknown long flag with a similar one", async () => {
    expect(await errorText("venv --pythn 3.12")).toBe(
      "error: unexpected argument '--pythn' found\n\n  tip: a similar argument exists: '--python'\n\nUsage: uv venv --python <PYTHON> [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv --seed --pythn")).toBe(
      "error: unexpected argument '--pythn' found\n\n  tip: a similar argument exists: '--python'\n\nUsage: uv venv --seed --python <PYTHON> [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("-v venv -v --pythn")).toBe(
      "error: unexpected argument '--pythn' found\n\n  tip: a similar argument exists: '--python'\n\nUsage: uv venv --verbose... --python <PYTHON> [PATH]\n\nFor more information, try '--help'.\n",
    );
  });

  it("unknown flags suggest passing them as values", async () => {
    expect(await errorText("venv --foo")).toBe(
      "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\nUsage: uv venv [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv -x")).toBe(
      "error: unexpected argument '-x' found\n\n  tip: to pass '-x' as a value, use '-- -x'\n\nUsage: uv venv [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("pip install --foo")).toBe(
      "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\nUsage: uv pip install [OPTIONS] <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>\n\nFor more information, try '--help'.\n",
    );
  });

  it("missing value", async () => {
    expect(await errorText("venv --python")).toBe(
      "error: a value is required for '--python <PYTHON>' but none was supplied\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("--color")).toBe(
      "error: a value is required for '--color <COLOR_CHOICE>' but none was supplied\n  [possible values: auto, always, never]\n\nFor more information, try '--help'.\n",
    );
  });

  it("invalid possible value, with and without a similar one", async () => {
    expect(await errorText("--color sometimes")).toBe(
      "error: invalid value 'sometimes' for '--color <COLOR_CHOICE>'\n  [possible values: auto, always, never]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv --link-mode cop")).toBe(
      "error: invalid value 'cop' for '--link-mode <LINK_MODE>'\n  [possible values: clone, copy, hardlink, symlink]\n\n  tip: a similar value exists: 'copy'\n\nFor more information, try '--help'.\n",
    );
  });

  it("too many values and repeated arguments", async () => {
    expect(await errorText("venv a b")).toBe(
      "error: unexpected argument 'b' found\n\nUsage: uv venv [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv --seed=3")).toBe(
      "error: unexpected value '3' for '--seed' found; no more were expected\n\nUsage: uv venv --seed [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("--offline=true")).toBe(
      "error: unexpected value 'true' for '--offline' found; no more were expected\n\nUsage: uv --offline <COMMAND>\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv -cc")).toBe(
      "error: the argument '--clear' cannot be used multiple times\n\nUsage: uv venv [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("venv --python 3.12 --python 3.11")).toBe(
      "error: the argument '--python <PYTHON>' cannot be used multiple times\n\nUsage: uv venv [OPTIONS] [PATH]\n\nFor more information, try '--help'.\n",
    );
  });

  it("conflicts", async () => {
    expect(await errorText("-q -v cache dir")).toBe(
      "error: the argument '--quiet...' cannot be used with '--verbose...'\n\nUsage: uv --quiet... <COMMAND>\n\nFor more information, try '--help'.\n",
    );
  });

  it("required arguments and groups", async () => {
    expect(await errorText("pip install")).toBe(
      "error: the following required arguments were not provided:\n  <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>\n\nUsage: uv pip install <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("pip install --no-deps")).toBe(
      "error: the following required arguments were not provided:\n  <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>\n\nUsage: uv pip install --no-deps <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>\n\nFor more information, try '--help'.\n",
    );
    expect(await errorText("python uninstall")).toBe(
      "error: the following required arguments were not provided:\n  <TARGETS>...\n\nUsage: uv python uninstall <TARGETS>...\n\nFor more information, try '--help'.\n",
    );
  });

  it("a namespace given options but no subcommand", async () => {
    const text = await errorText("--offline");
    expect(text).toMatch(
      /^error: 'uv' requires a subcommand but one was not provided\n {2}\[subcommands: auth, run, /,
    );
    expect(text).toContain(", venv, virtualenv, v, build, ");
    expect(text).toMatch(
      /\n\nUsage: uv \[OPTIONS\] <COMMAND>\n\nFor more information, try '--help'.\n$/,
    );
  });
});

describe("help and version", () => {
  it("prints the concise help for -h and --help, on stdout", async () => {
    const h = await parse("venv -h");
    const help = await parse("venv --help");
    expect(h).toEqual(help);
    expect(h.kind === "help" && h.stream === "stdout" && h.exitCode === 0).toBe(true);
    expect(
      h.kind === "help" &&
        h.text.startsWith("Create a virtual environment\n\nUsage: uv venv [OPTIONS] [PATH]\n"),
    ).toBe(true);
  });

  it("prints the help on stderr with exit code 2 when a namespace gets nothing", async () => {
    for (const argv of ["", "pip", "cache"]) {
      const outcome = await parse(argv);
      expect(outcome.kind === "help" && outcome.stream === "stderr" && outcome.exitCode === 2).toBe(
        true,
      );
    }
  });

  it("prints the help command's own page for `help --help`", async () => {
    expect(await parse("help --help")).toEqual({
      kind: "help",
      text: "Display documentation for a command\n\nUsage: uv help [OPTIONS] [COMMAND]...\n\nOptions:\n  --no-pager Disable pager when printing help\n",
      stream: "stdout",
      exitCode: 0,
    });
  });

  it("prints the version for --version and -V", async () => {
    expect(await parse("--version")).toEqual({ kind: "version", text: "uv 0.13.8\n" });
    expect(await parse("-V")).toEqual({ kind: "version", text: "uv 0.13.8\n" });
  });
});
