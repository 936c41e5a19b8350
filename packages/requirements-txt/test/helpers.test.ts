import { invalidUrlReason } from "@uv-ts/pep508";
import { describe, expect, it } from "vitest";
import { rustDebugOptionChar, rustDebugString } from "../src/requirements-txt-error.ts";
import { isRustWhitespace } from "../src/scanner.ts";
import { shellUnquote } from "../src/shell-unquote.ts";

describe("shell_unquote", () => {
  it("basic", () => {
    // uv's `shquote::tests::basic`.
    expect(shellUnquote("foobar")).toBeUndefined();
    expect(shellUnquote("foo'bar'")).toBe("foobar");
    expect(shellUnquote('foo"bar"')).toBe("foobar");
    expect(shellUnquote("\\foobar\\")).toBe("foobar");
    expect(shellUnquote("\\'foobar\\'")).toBe("'foobar'");
  });

  it("double_quotes_only_unescape_shell_specials", () => {
    expect(shellUnquote('"a\\"b\\\\c\\$d\\`e"')).toBe('a"b\\c$d`e');
    expect(shellUnquote('"a\\nb"')).toBe("a\\nb");
    expect(shellUnquote("'a\\b'")).toBe("a\\b");
  });

  it("unterminated_quotes_are_not_unquoted", () => {
    expect(shellUnquote("'abc")).toBeUndefined();
    expect(shellUnquote('"abc')).toBeUndefined();
    expect(shellUnquote('"abc\\')).toBeUndefined();
  });
});

describe("rust_debug", () => {
  it("formats_strings_and_optional_chars_like_rust", () => {
    expect(rustDebugString('--a"b\\c\n')).toBe('"--a\\"b\\\\c\\n"');
    expect(rustDebugString("é\u0007")).toBe('"é\\u{7}"');
    expect(rustDebugOptionChar(undefined)).toBe("None");
    expect(rustDebugOptionChar("-")).toBe("Some('-')");
    expect(rustDebugOptionChar("'")).toBe("Some('\\'')");
  });
});

describe("whitespace", () => {
  it("matches_rust_char_is_whitespace", () => {
    for (const ch of [" ", "\t", "\n", "\r", "\v", "\f", "\u0085", "\u00a0", "\u2003", "\u3000"]) {
      expect(isRustWhitespace(ch)).toBe(true);
    }
    for (const ch of ["a", "\u200b", "\ufeff", "", "-"]) expect(isRustWhitespace(ch)).toBe(false);
  });
});

describe("invalid_url_reason", () => {
  it("names_the_url_crate_reason", () => {
    expect(invalidUrlReason("123")).toBe("relative URL without a base");
    expect(invalidUrlReason("./simple")).toBe("relative URL without a base");
    expect(invalidUrlReason("https:////")).toBe("empty host");
    expect(invalidUrlReason("https://host:99999/")).toBe("invalid port number");
    expect(invalidUrlReason("https://[::1/")).toBe("invalid IPv6 address");
  });
});
