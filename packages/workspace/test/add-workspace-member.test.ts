import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addWorkspaceMember, MalformedWorkspaceError } from "../src/index.ts";

interface Case {
  readonly name: string;
  readonly before: string;
  readonly after?: string;
  readonly error?: string;
}

// What the real `uv init foo` (0.13.8) wrote for each layout; see generate-add-member.py.
const CASES: Case[] = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "add-member.json"), "utf8"),
);

describe("addWorkspaceMember matches uv", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    if (c.after !== undefined) {
      expect(addWorkspaceMember(c.before, "foo")).toBe(c.after);
    } else {
      expect(() => addWorkspaceMember(c.before, "foo")).toThrow(MalformedWorkspaceError);
      expect(c.error).toBe("error: Workspace in `pyproject.toml` is malformed");
    }
  });
});

describe("addWorkspaceMember", () => {
  it("quotes paths as toml_edit does", () => {
    const out = addWorkspaceMember("[tool.uv.workspace]\nmembers = []\n", 'pkgs/a "b"');
    expect(out).toBe("[tool.uv.workspace]\nmembers = [\n    'pkgs/a \"b\"',\n]\n");
  });

  it("adds to nested paths and keeps repeated edits stable", () => {
    let text = '[project]\nname = "root"\nversion = "0.1.0"\n';
    text = addWorkspaceMember(text, "foo");
    text = addWorkspaceMember(text, "foo/bar");
    expect(text).toBe(
      '[project]\nname = "root"\nversion = "0.1.0"\n\n[tool.uv.workspace]\nmembers = [\n    "foo",\n    "foo/bar",\n]\n',
    );
  });

  it("rejects a members value that is not an array", () => {
    expect(() => addWorkspaceMember('[tool.uv.workspace]\nmembers = "a"\n', "foo")).toThrow(
      MalformedWorkspaceError,
    );
  });
});
