import { UvError } from "@uv-ts/error";
import { describe, expect, it } from "vitest";
import { createPrinter, createStyler, elapsed, renderError } from "../src/index.ts";

const plain = createStyler("never", { isTTY: true }, {});

describe("elapsed", () => {
  it.each([
    [0.4567, "0.45ms"],
    [12.9, "12ms"],
    [1020, "1.02s"],
    [1999.99, "1.99s"],
    [59_999, "59.99s"],
    [65_000, "1m 05s"],
    [3_600_000, "60m 00s"],
  ])("renders %d ms as %s", (ms, text) => {
    expect(elapsed(ms)).toBe(text);
  });
});

describe("renderError", () => {
  it("renders causes and hints like uv", () => {
    const error = new UvError("venv.create", "Failed to create virtual environment", {
      cause: new Error("A directory already exists at: .venv"),
      hint: "Use the `--clear` flag or set `UV_VENV_CLEAR=1` to replace the existing directory",
    });
    expect(renderError(error, plain)).toBe(
      "error: Failed to create virtual environment\n" +
        "  cause: A directory already exists at: .venv\n" +
        "\n" +
        "hint: Use the `--clear` flag or set `UV_VENV_CLEAR=1` to replace the existing directory\n",
    );
  });

  it("indents the continuation lines of a multi-line cause", () => {
    const error = new UvError("x", "Failed to discover parent workspace", {
      cause: new Error("TOML parse error at line 1, column 9\n  |\n1 | [project\n\n  |         ^"),
    });
    expect(renderError(error, plain)).toBe(
      "error: Failed to discover parent workspace\n" +
        "  cause: TOML parse error at line 1, column 9\n" +
        "           |\n" +
        "         1 | [project\n" +
        "\n" +
        "           |         ^\n",
    );
  });

  it("colours only when enabled", () => {
    const color = createStyler("always", {}, {});
    expect(renderError(new Error("boom"), color)).toContain("\u001b[31m");
    expect(createStyler("auto", { isTTY: true }, { NO_COLOR: "1" }).enabled).toBe(false);
    expect(createStyler("auto", { isTTY: false }, {}).enabled).toBe(false);
  });
});

describe("printer", () => {
  it("quiet keeps stdout and errors but drops status lines", () => {
    const out: string[] = [];
    const err: string[] = [];
    const p = createPrinter({ write: (t) => out.push(t) }, { write: (t) => err.push(t) }, "quiet");
    p.stdout("data\n");
    p.stderr("Resolved 1 package\n");
    p.stderrImportant("error: x\n");
    expect(out).toEqual(["data\n"]);
    expect(err).toEqual(["error: x\n"]);
  });
});
