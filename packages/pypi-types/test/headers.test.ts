import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetadataError, parseHeaderDocument, parseHeaders } from "../src/index.ts";

const values = (text: string | Uint8Array, name: string): string[] | undefined =>
  parseHeaders(text).get(name.toLowerCase());

describe("parseHeaders", () => {
  it("reads_repeated_fields_in_order_case_insensitively", () => {
    const h = parseHeaders("Name: a\nrequires-dist: x\nRequires-Dist: y\nREQUIRES-DIST: z\n");
    expect(h.get("requires-dist")).toEqual(["x", "y", "z"]);
    expect(h.get("name")).toEqual(["a"]);
  });

  it("unfolds_continuation_lines_with_a_single_space", () => {
    expect(values("Summary: a long\n   summary\n\tcontinued\nName: x", "Summary")).toEqual([
      "a long summary continued",
    ]);
  });

  it("keeps_trailing_whitespace_and_blank_continuations_like_uv", () => {
    // mailparse keeps trailing spaces, and a whitespace-only continuation line adds one space.
    expect(values("License: MIT  \n", "License")).toEqual(["MIT  "]);
    expect(values("License: a\n   \n b\n", "License")).toEqual(["a  b"]);
  });

  it("tolerates_crlf_and_a_missing_final_newline", () => {
    const doc = "Metadata-Version: 2.1\r\nName: foo\r\nSummary: a\r\n b\r\n\r\nBody text\r\n";
    const h = parseHeaders(doc);
    expect(h.get("name")).toEqual(["foo"]);
    expect(h.get("summary")).toEqual(["a b"]);
    const parsed = parseHeaderDocument(doc);
    expect(new TextDecoder().decode(parsed.bytes.subarray(parsed.bodyStart))).toBe("Body text\r\n");
    expect(values("Name: foo", "Name")).toEqual(["foo"]);
  });

  it("stops_at_the_first_blank_line", () => {
    const h = parseHeaders("Name: foo\n\nVersion: 1.0\n");
    expect(h.get("version")).toBeUndefined();
  });

  it("skips_only_spaces_after_the_colon", () => {
    expect(values("Name:foo", "Name")).toEqual(["foo"]);
    expect(values("Name:   foo", "Name")).toEqual(["foo"]);
    // Tabs are part of the value, then trimmed as leading whitespace of the line.
    expect(values("Name:\tfoo", "Name")).toEqual(["foo"]);
    expect(values("Name:\n", "Name")).toEqual([""]);
  });

  it("treats_a_line_without_colon_as_a_name_with_an_empty_value", () => {
    const h = parseHeaders("Garbage line\nName: foo\n");
    expect(h.get("garbage line")).toEqual([""]);
    expect(h.get("name")).toEqual(["foo"]);
  });

  it("does_not_match_names_with_space_before_the_colon", () => {
    expect(parseHeaders("Name : foo\n").get("name")).toBeUndefined();
  });

  it("rejects_a_document_starting_with_a_space", () => {
    expect(() => parseHeaders(" Name: foo\n")).toThrow(MetadataError);
    expect(() => parseHeaders(" Name: foo\n")).toThrow(
      "Header cannot start with a space; it is likely an overhanging line from a previous header",
    );
  });

  it("rejects_a_lone_cr_before_the_body", () => {
    expect(() => parseHeaders("Name: foo\n\rbody")).toThrow(
      "Headers were followed by an unexpected lone CR character!",
    );
  });

  it("decodes_rfc2047_encoded_words", () => {
    expect(values("Name: =?utf-8?q?foobar?=", "Name")).toEqual(["foobar"]);
    expect(values("Author: =?utf-8?q?=C3=A4_space?= <x@y.org>", "Author")).toEqual([
      "ä space <x@y.org>",
    ]);
    expect(values("Author: =?utf-8?b?w6TDtsO8?=", "Author")).toEqual(["äöü"]);
    expect(values("Author: =?iso-8859-1?q?=A1Hola,_se=F1or!?=", "Author")).toEqual([
      "¡Hola, señor!",
    ]);
    // Whitespace between two encoded words is dropped; text between them is kept.
    expect(values("X: =?utf-8?q?a?= =?utf-8?q?b?= c", "X")).toEqual(["ab c"]);
    // Not at a word boundary, or an unknown charset: left alone.
    expect(values("X: a=?utf-8?q?b?=", "X")).toEqual(["a=?utf-8?q?b?="]);
    expect(values("X: =?nope?q?b?=", "X")).toEqual(["=?nope?q?b?="]);
  });

  it("reads_utf8_values_and_falls_back_to_latin1", () => {
    expect(values(new TextEncoder().encode("Author: 中文\n"), "Author")).toEqual(["中文"]);
    expect(values(Uint8Array.from([...Buffer.from("Author: Jos"), 0xe9, 0x0a]), "Author")).toEqual([
      "José",
    ]);
  });

  it("parses_generated_documents_back_into_their_fields", () => {
    const fieldName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
    // Printable ASCII without leading/trailing spaces and no `=?` (encoded-word syntax).
    const word = fc.stringMatching(/^[!-~]{1,12}$/).filter((w) => !w.includes("=?"));
    const value = fc.array(word, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fieldName, value, fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (fields, eol, finalNewline) => {
          const lines = fields.map(([name, words, fold]) => {
            // A folded value continues on the next line after whitespace; unfolded it joins with a space.
            const text = fold ? words.join(`${eol}  `) : words.join(" ");
            return `${name}: ${text}`;
          });
          const doc = lines.join(eol) + (finalNewline ? eol : "");
          const expected = new Map<string, string[]>();
          for (const [name, words] of fields) {
            const key = name.toLowerCase();
            expected.set(key, [...(expected.get(key) ?? []), words.join(" ")]);
          }
          expect(parseHeaders(doc)).toEqual(expected);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
