import { describe, expect, it } from "vitest";
import { causeChain, collectHints, UvError } from "../src/index.ts";

describe("UvError", () => {
  it("keeps code, hint and the cause chain", () => {
    const root = new Error("No such file or directory (os error 2)");
    const mid = new UvError("io.read", "Failed to read `pyproject.toml`", { cause: root });
    const top = new UvError("project.load", "Failed to load the project", {
      cause: mid,
      hint: "Run `uv-ts init` first",
    });
    expect(top.name).toBe("UvError");
    expect(top.code).toBe("project.load");
    expect(causeChain(top)).toEqual([mid, root]);
    expect(collectHints(top)).toEqual(["Run `uv-ts init` first"]);
  });

  it("stops on a cyclic cause chain", () => {
    const a = new UvError("a", "a");
    const b = new UvError("b", "b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(causeChain(b)).toEqual([a]);
  });

  it("subclasses report their own name", () => {
    class VersionError extends UvError {}
    expect(new VersionError("x", "y").name).toBe("VersionError");
  });
});
