// The stored form of wheel metadata: a record of what parsed reads back into the same
// `ResolutionMetadata`, without the header parser or uv's repairs.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MetadataError,
  parseResolutionMetadata,
  parseResolutionMetadataRecord,
  type ResolutionMetadata,
  resolutionMetadataFromRecord,
} from "../src/index.ts";

/** Everything a resolver reads, as text (markers and specifiers in their normal form). */
function shown(metadata: ResolutionMetadata) {
  return {
    name: metadata.name,
    version: metadata.version.toString(),
    requiresDist: metadata.requiresDist.map((r) => ({
      text: r.toString(),
      marker: r.marker.toString(),
    })),
    requiresPython: metadata.requiresPython?.toString(),
    providesExtra: metadata.providesExtra,
    dynamic: metadata.dynamic,
  };
}

/** The record through JSON (as the cache keeps it) and back. */
function roundTrip(text: string): ResolutionMetadata {
  const { record } = parseResolutionMetadataRecord(text);
  return resolutionMetadataFromRecord(JSON.parse(JSON.stringify(record)));
}

const requirement = fc
  .tuple(
    fc.constantFrom("foo", "Foo_Bar", "a.b-c"),
    fc.constantFrom("", "[socks]", "[Security,use_chardet]"),
    fc.constantFrom(
      "",
      ">=1.0",
      " (>=1.0,<2)",
      // Repaired by uv: a missing comma, a star after `>=`, stray quotes, a trailing comma.
      ">=7.2.0<8.0.0",
      ">=1.9.*",
      ">= '2.7'",
      "!=~5.0,>=4.12",
      " @ https://example.org/pkg-1.0-py3-none-any.whl#sha256=abc",
    ),
    fc.constantFrom(
      "",
      "; python_version < '3.10'",
      "; extra == 'Test'",
      ' ; sys_platform == "win32" and (extra == "a" or extra == "b")',
      "; 'linux' in sys_platform",
    ),
  )
  .map(([name, extras, version, marker]) =>
    version.includes("@") && marker !== ""
      ? `${name}${extras}${version} ${marker}`
      : `${name}${extras}${version}${marker}`,
  );

const document = fc
  .record({
    name: fc.constantFrom("foo", "Foo.Bar", "foo_bar"),
    version: fc.constantFrom("1.0", "1.0.0-RC1", "2!3.post4", "1.0+local.7", "v1.2"),
    requiresDist: fc.array(requirement, { maxLength: 6 }),
    requiresPython: fc.option(fc.constantFrom(">=3.8", ">=3.6,", ">=2.7,!=3.0*", "UNKNOWN"), {
      nil: undefined,
    }),
    extras: fc.array(fc.constantFrom("Test", "a.b", "-bad", "use_chardet"), { maxLength: 3 }),
    dynamic: fc.subarray(["Version", "Requires-Dist", "Summary"]),
    crlf: fc.boolean(),
    body: fc.constantFrom("", "A long description.\n\nWith: headers-like lines\n"),
  })
  .map((d) => {
    const lines = [
      "Metadata-Version: 2.3",
      `Name: ${d.name}`,
      `Version: ${d.version}`,
      ...d.requiresDist.map((r) => `Requires-Dist: ${r}`),
      ...(d.requiresPython === undefined ? [] : [`Requires-Python: ${d.requiresPython}`]),
      ...d.extras.map((e) => `Provides-Extra: ${e}`),
      ...d.dynamic.map((f) => `Dynamic: ${f}`),
    ];
    const eol = d.crlf ? "\r\n" : "\n";
    return `${lines.join(eol)}${eol}${eol}${d.body}`;
  });

describe("resolution metadata record", () => {
  it("reads_back_the_metadata_it_was_made_from", () => {
    let parsed = 0;
    fc.assert(
      fc.property(document, (text) => {
        let expected: ResolutionMetadata;
        try {
          expected = parseResolutionMetadata(text);
        } catch (error) {
          // A document that does not parse has no record either, and fails alike.
          expect(() => parseResolutionMetadataRecord(text)).toThrow((error as Error).message);
          return;
        }
        parsed++;
        const { metadata } = parseResolutionMetadataRecord(text);
        expect(shown(metadata)).toEqual(shown(expected));
        const back = roundTrip(text);
        expect(shown(back)).toEqual(shown(expected));
        expect(back).toEqual(expected);
      }),
      { seed: 7, numRuns: 500 },
    );
    // Most documents parse (the rest have a bad version or requirement).
    expect(parsed).toBeGreaterThan(300);
  });

  it("reads_back_real_metadata", () => {
    for (const fixture of ["numpy-2.5.5.METADATA", "requests-2.34.2.METADATA"]) {
      const text = readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), "utf8");
      const expected = parseResolutionMetadata(text);
      expect(expected.requiresDist.length + (expected.requiresPython ? 1 : 0)).toBeGreaterThan(0);
      expect(roundTrip(text)).toEqual(expected);
    }
  });

  it("keeps_the_text_that_parsed_not_the_text_as_written", () => {
    const { record } = parseResolutionMetadataRecord(
      "Name: foo\nVersion: 1.0\nRequires-Dist: bar >=7.2.0<8.0.0\nRequires-Python: >=3.6,\n" +
        "Provides-Extra: Test\nProvides-Extra: -bad\n\nBody\n",
    );
    expect(record).toEqual({
      name: "foo",
      version: "1.0",
      requiresDist: ["bar >=7.2.0,<8.0.0"],
      requiresPython: ">=3.6",
      providesExtra: ["test"],
      dynamic: false,
    });
  });

  it("rejects_what_is_not_a_record", () => {
    const good = parseResolutionMetadataRecord("Name: foo\nVersion: 1.0\n").record;
    expect(resolutionMetadataFromRecord(good).version.toString()).toBe("1.0");
    for (const bad of [
      null,
      "x",
      { ...good, version: 1 },
      { ...good, requiresDist: "bar" },
      { ...good, requiresDist: [1] },
      { ...good, requiresPython: undefined },
      { ...good, providesExtra: undefined },
      { ...good, dynamic: "no" },
    ]) {
      expect(() => resolutionMetadataFromRecord(bad)).toThrow(MetadataError);
    }
    // A record whose values do not parse (damaged) is an error too, never a wrong answer.
    expect(() => resolutionMetadataFromRecord({ ...good, version: "one" })).toThrow();
    expect(() => resolutionMetadataFromRecord({ ...good, requiresDist: ["bar >=1<2"] })).toThrow();
  });
});
