import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareRecordEntries, parseRecord, recordRow } from "../src/record.ts";
import { sortsAsRow, WheelRecord } from "../src/wheel-record.ts";

/** What the installer did before the index: every entry parsed, keyed without `./`. */
function reference(text: string): Map<string, { hash?: string; size?: number }> | string {
  try {
    const map = new Map<string, { hash?: string; size?: number }>();
    for (const e of parseRecord(text)) {
      map.set(e.path.replace(/^(\.\/)+/, ""), {
        ...(e.hash === undefined ? {} : { hash: e.hash }),
        ...(e.size === undefined ? {} : { size: e.size }),
      });
    }
    return map;
  } catch (error) {
    return (error as Error).message;
  }
}

const pathPart = fc.oneof(
  fc.stringMatching(/^[a-z0-9_.-]{1,6}$/),
  fc.constantFrom("é", "𝔘", "\uFFFD", "a b", "c++", "x!y", "a,b", 'q"t', "#", "~", "..", "."),
);
const path = fc
  .tuple(
    fc.constantFrom("", "", "", "/", "//", "./", "././", "/./"),
    fc.array(pathPart, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/")),
  )
  .map(([lead, rest]) => `${lead}${rest}`);
const field = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
const row = fc
  .tuple(
    path,
    fc.oneof(fc.constant(""), fc.stringMatching(/^sha256=[A-Za-z0-9_-]{2,6}$/)),
    fc.oneof(
      fc.constant(""),
      fc.nat(5000).map(String),
      fc.constantFrom("007", "0", "1x", "-1", "12345678901234567"),
    ),
    fc.constantFrom(3, 3, 3, 2, 1, 4),
    fc.boolean(),
  )
  .map(([p, hash, size, fields, quoteAll]) => {
    const values = [p, hash, size, "extra"].slice(0, fields);
    return values.map((v) => (quoteAll ? `"${v.replaceAll('"', '""')}"` : field(v))).join(",");
  });
const recordText = fc
  .tuple(fc.array(row, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([rows, eol, blank]) => rows.join(eol) + (blank ? `${eol}${eol}` : eol));

describe("the wheel's RECORD index", () => {
  it("wheel_record_reads_every_row_as_the_record_parser_does", () => {
    fc.assert(
      fc.property(recordText, (text) => {
        const expected = reference(text);
        let index: WheelRecord;
        try {
          index = new WheelRecord(text);
        } catch (error) {
          expect((error as Error).message).toBe(expected);
          return;
        }
        expect(typeof expected).not.toBe("string");
        const map = expected as Map<string, { hash?: string; size?: number }>;
        for (const [key, listed] of map) {
          const entry = index.entry(key);
          expect(entry?.hash).toBe(listed.hash);
          expect(entry?.size).toBe(listed.size);
          const kept = index.row(key);
          if (kept !== undefined) {
            // A row kept as text is exactly what uv writes for that entry.
            expect(listed.hash).toBeDefined();
            expect(listed.size).toBeDefined();
            expect(kept).toBe(recordRow({ path: key, hash: listed.hash, size: listed.size }));
          }
        }
        for (const key of ["nope", "./nope", ""]) {
          if (!map.has(key)) expect(index.entry(key)).toBeUndefined();
        }
        if (index.rowsSortByPath) {
          const rows = [...map].map(([p, e]) => recordRow({ path: p, ...e }));
          const byPath = [...map]
            .map(([p, e]) => ({ path: p, ...e }))
            .sort(compareRecordEntries)
            .map((e) => recordRow(e));
          expect([...rows].sort()).toEqual(byPath);
        }
      }),
      { seed: 20260821, numRuns: 3000 },
    );
  });

  it("rows_of_paths_that_sort_as_rows_sort_like_their_paths", () => {
    const unique = fc.uniqueArray(path, { maxLength: 20 });
    fc.assert(
      fc.property(unique, (paths) => {
        const clean = paths.filter(sortsAsRow);
        const rows = clean.map((p) => recordRow({ path: p, hash: "sha256=x", size: 1 }));
        const expected = clean
          .map((p) => ({ path: p, hash: "sha256=x", size: 1 }))
          .sort(compareRecordEntries)
          .map((e) => recordRow(e));
        expect(rows.sort()).toEqual(expected);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
