import { describe, expect, it } from "vitest";
import { collisionKey, ExtractError, parseMemberPath, validateMemberName } from "../src/index.ts";

describe("member names", () => {
  it.each([
    ["normal.txt", true],
    ["__init__.py", true],
    ["fine i guess.py", true],
    ["🌈.py", true],
    ["", false],
    ["new\nline.py", false],
    ["carriage\rreturn.py", false],
    ["tab\tcharacter.py", false],
    ["null\0byte.py", false],
    ["control\x01code.py", false],
    ["backspace\x08code.py", false],
    ["delete\x7fcode.py", false],
    ["zero\u200bwidth.py", false],
  ])("validate_archive_member_name %j -> %s", (name, ok) => {
    if (ok) expect(() => validateMemberName(name)).not.toThrow();
    else expect(() => validateMemberName(name)).toThrow(ExtractError);
  });

  it("parses_safe_paths", () => {
    expect(parseMemberPath("a/b/c.py")).toEqual({
      components: ["a", "b", "c.py"],
      path: "a/b/c.py",
      isDirectory: false,
    });
    expect(parseMemberPath("a/b/")).toEqual({
      components: ["a", "b"],
      path: "a/b",
      isDirectory: true,
    });
    expect(parseMemberPath("./././a/b", { leadingDot: true }).path).toBe("a/b");
    expect(() => parseMemberPath("./a")).toThrow(/unsafe path/);
    expect(() => parseMemberPath("a/./b", { leadingDot: true })).toThrow(/unsafe path/);
    expect(() => parseMemberPath("a/../b")).toThrow(/parent directory reference/);
    expect(() => parseMemberPath("..")).toThrow(/parent directory reference/);
    expect(() => parseMemberPath("c:/x")).toThrow(/drive prefix/);
  });

  it("collision_keys_fold_case_and_normalization", () => {
    expect(collisionKey("Foo.PY")).toBe(collisionKey("foo.py"));
    expect(collisionKey("caf\u00e9")).toBe(collisionKey("cafe\u0301"));
    expect(collisionKey("straße")).toBe(collisionKey("STRASSE"));
    expect(collisionKey("a/b")).not.toBe(collisionKey("a_b"));
  });
});
