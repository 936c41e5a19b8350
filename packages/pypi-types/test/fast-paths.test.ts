// The hand-written fast paths of the index-page parsers, held to the general rules they shortcut.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeHtmlEntities,
  parseHashFragment,
  parseSimpleHtml,
  parseTimestamp,
} from "../src/index.ts";

/** The reference rule: a regular expression over the same reference grammar. */
function decodeWithRegex(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', nbsp: "\u00a0" };
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/g,
    (all, ref: string) => {
      if (ref.startsWith("#")) {
        const code =
          ref[1] === "x" || ref[1] === "X"
            ? Number.parseInt(ref.slice(2), 16)
            : Number.parseInt(ref.slice(1), 10);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
        return String.fromCodePoint(code);
      }
      return Object.hasOwn(named, ref) ? named[ref]! : all;
    },
  );
}

describe("html_entities", () => {
  it("decodes_like_the_reference_grammar", () => {
    const piece = fc.constantFrom(
      "&",
      "#",
      "x",
      "X",
      ";",
      "a",
      "0",
      "9",
      "f",
      "G",
      "gt",
      "amp",
      "quot",
      "nbsp",
      "unknown",
      "&#",
      "&#x",
      "12345678",
      "abcdefg",
      " ",
      "é",
      "\u{1F600}",
      "constructor",
    );
    for (const parts of fc.sample(fc.array(piece, { maxLength: 12 }), {
      numRuns: 20000,
      seed: 5,
    })) {
      const text = parts.join("");
      expect(decodeHtmlEntities(text), text).toBe(decodeWithRegex(text));
    }
  });

  it("keeps_references_past_the_length_limits", () => {
    expect(decodeHtmlEntities("&#1234567;&#12345678;")).toBe("\ufffd&#12345678;");
    expect(decodeHtmlEntities("&#x10FFFF;&#x0000041;")).toBe("\u{10FFFF}&#x0000041;");
    expect(decodeHtmlEntities(`&${"a".repeat(32)};&${"a".repeat(33)};`)).toBe(
      `&${"a".repeat(32)};&${"a".repeat(33)};`,
    );
    // Names of `Object.prototype` are not references.
    expect(decodeHtmlEntities("&constructor;&gt;=3.8")).toBe("&constructor;>=3.8");
  });
});

describe("upload_time", () => {
  it("reads_utc_timestamps_like_their_offset_form", () => {
    const timestamps = fc
      .tuple(
        fc.integer({ min: 100, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 61 }),
        fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
        fc.constantFrom("T", "t", " "),
        fc.constantFrom(".", ","),
      )
      .map(([y, mo, d, h, mi, s, fraction, t, dot]) => {
        const p = (n: number, w = 2) => String(n).padStart(w, "0");
        return `${p(y, 4)}-${p(mo)}-${p(d)}${t}${p(h)}:${p(mi)}:${p(s)}${fraction === undefined ? "" : `${dot}${fraction}`}`;
      });
    let valid = 0;
    for (const stamp of fc.sample(timestamps, { numRuns: 5000, seed: 9 })) {
      const utc = parseTimestamp(`${stamp}Z`)?.getTime();
      // The offset form goes through the general parser.
      expect(utc, stamp).toBe(parseTimestamp(`${stamp}+00:00`)?.getTime());
      expect(parseTimestamp(`${stamp}z`)?.getTime(), stamp).toBe(utc);
      if (utc !== undefined) valid++;
    }
    expect(valid).toBeGreaterThan(1000);
  });

  it("reads_fractions_to_the_millisecond", () => {
    expect(parseTimestamp("2022-11-14T17:14:53.9Z")?.toISOString()).toBe(
      "2022-11-14T17:14:53.900Z",
    );
    expect(parseTimestamp("2022-11-14T17:14:53.93Z")?.toISOString()).toBe(
      "2022-11-14T17:14:53.930Z",
    );
    expect(parseTimestamp("2016-12-31T23:59:60Z")?.toISOString()).toBe("2016-12-31T23:59:59.000Z");
    expect(parseTimestamp("2022-02-29T00:00:00Z")).toBeUndefined();
    expect(parseTimestamp("2022-11-14T17:14:53.Z")).toBeUndefined();
    expect(parseTimestamp("2022-11-14T17:14:53.1234567890Z")).toBeUndefined();
  });
});

describe("simple_html_fast_paths", () => {
  it("reads_filenames_hashes_and_attributes", () => {
    const page = parseSimpleHtml(
      [
        '<a href="/f/b-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8" data-size="+12">b</a>',
        "<a href='/f/a%2B-1.0.tar.gz#md5=cd' data-yanked data-upload-time=\"2022-11-14T17:14:53.935145Z\">a</a>",
        '<A HREF="/f/\uD800x.tar.gz" DATA-YANKED="" data-size="1x">c</A>',
      ].join("\n"),
      "https://example.org/simple/a/",
    );
    expect(page.files).toEqual([
      {
        filename: "a+-1.0.tar.gz",
        url: "https://example.org/f/a%2B-1.0.tar.gz",
        hashes: { md5: "cd" },
        yanked: true,
        coreMetadata: false,
        uploadTime: new Date("2022-11-14T17:14:53.935Z"),
      },
      {
        filename: "b-1.0.tar.gz",
        url: "https://example.org/f/b-1.0.tar.gz",
        hashes: { sha256: "ab" },
        requiresPython: ">=3.8",
        yanked: false,
        coreMetadata: false,
        size: 12,
      },
      // A lone surrogate is not UTF-8: it becomes U+FFFD, as decoding bytes would make it.
      {
        filename: "\ufffdx.tar.gz",
        url: "https://example.org/f/%EF%BF%BDx.tar.gz",
        hashes: {},
        yanked: true,
        coreMetadata: false,
      },
    ]);
  });

  it("rejects_hash_fragments_with_more_than_one_separator", () => {
    expect(parseHashFragment("sha256=ab")).toEqual({ sha256: "ab" });
    expect(() => parseHashFragment("sha256=ab=cd")).toThrow(/Unexpected fragment/);
    expect(() => parseHashFragment("sha1=ab")).toThrow(/Unsupported hash algorithm/);
  });
});
