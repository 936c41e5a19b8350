import { fileURLToPath } from "node:url";
import { VersionSpecifiers } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";
import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCoreMetadata } from "../src/index.ts";

// Differential test against packaging 26.3 (`Metadata.from_email(validate=True)`) on generated
// METADATA documents: both must accept or both reject, and agree on name, version, Requires-Dist,
// Requires-Python and Provides-Extra. Deliberate differences, where uv chooses to differ:
//  - `repaired`: uv repairs common mistakes in published Requires-Dist / Requires-Python
//    (`>=1.0.*`, `foo (>=1.0<2.0)`, stray quotes, trailing commas); packaging rejects them.
//  - `invalid-extra`: uv drops a Provides-Extra that is not a valid name (with a warning);
//    packaging rejects the whole document.
// The generator keeps away from two other known differences, tested by hand elsewhere: uv
// unfolds folded values (packaging keeps the newline, so a folded Requires-Dist fails there) and
// uv reads `UNKNOWN` as absent (packaging reads it literally). It also leaves out `===foobar`:
// uv only accepts `===` with a valid version, packaging with any string.

const ORACLE = fileURLToPath(new URL("./oracle_metadata.py", import.meta.url));

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const word = (max: number) =>
  fc.string({ unit: fc.constantFrom(...alnum), minLength: 1, maxLength: max });
const validName = fc
  .tuple(
    word(6),
    fc.array(fc.tuple(fc.constantFrom("-", "_", ".", "--", "._"), word(4)), { maxLength: 2 }),
  )
  .map(([head, rest]) => head + rest.map(([sep, w]) => sep + w).join(""));
const name = fc.oneof(
  { weight: 20, arbitrary: validName },
  { weight: 1, arbitrary: fc.constantFrom("-bad", "foo bar", "a_", "ä", "") },
);

const release = fc
  .array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 })
  .map((r) => r.join("."));
const pre = fc.constantFrom(
  "",
  "",
  "",
  "a1",
  "b2",
  "rc1",
  "alpha3",
  "-beta1",
  ".rc2",
  "c1",
  "pre1",
  "preview2",
);
const post = fc.constantFrom("", "", "", ".post1", "-1", "post2", ".rev3", "-r1");
const dev = fc.constantFrom("", "", "", ".dev0", "dev3", "-dev1");
const version = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(fc.constantFrom("", "", "", "1!"), release, pre, post, dev)
      .map((p) => p.join("")),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(release, fc.constantFrom("+local", "+ubuntu.1", "+abc_1"))
      .map((p) => p.join("")),
  },
  { weight: 1, arbitrary: fc.constantFrom("1.0-foo-bar", "abc", "1..0", "v1.0", " 1.0", "1.0a") },
);

const plainVersion = fc.tuple(release, pre, post, dev).map((p) => p.join(""));
const specifier = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.constantFrom("==", "!=", "<=", ">=", "<", ">"), plainVersion)
      .map(([op, v]) => op + v),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom("==", "!="), release).map(([op, v]) => `${op}${v}.*`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), pre)
      .map(([a, b, p]) => `~=${a}.${b}${p}`),
  },
  // Valid rarities, then mistakes uv repairs (`>=1.9.*`, missing comma, quotes) or rejects.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "==1.0+local",
      "!=2.0+abc.1",
      ">=1.9.*",
      "~=1",
      ">=1.0<2.0",
      "=>1.0",
      ">= '2.7'",
    ),
  },
);
const specifiers = fc
  .tuple(
    fc.array(specifier, { minLength: 1, maxLength: 3 }),
    fc.constantFrom(",", ", ", " , "),
    fc.boolean(),
  )
  .map(([specs, sep, spaced]) =>
    specs.map((s) => (spaced ? s.replace(/^([<>=!~]+)/, "$1 ") : s)).join(sep),
  );

const quoted = (s: string) => fc.constantFrom(`'${s}'`, `"${s}"`);
const markerAtom = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("python_version", "python_full_version"),
      fc.constantFrom("<", "<=", ">", ">=", "==", "!="),
      fc.constantFrom("2.7", "3.6", "3.8", "3.10", "3.12", "3.13.0", "3.10.4"),
    )
    .chain(([v, op, val]) => quoted(val).map((q) => `${v} ${op} ${q}`)),
  fc
    .tuple(
      fc.constantFrom(
        "sys_platform",
        "os_name",
        "platform_machine",
        "implementation_name",
        "platform_system",
      ),
      fc.constantFrom("==", "!="),
      fc.constantFrom(
        "linux",
        "win32",
        "darwin",
        "nt",
        "posix",
        "x86_64",
        "arm64",
        "cpython",
        "pypy",
        "Windows",
      ),
    )
    .chain(([v, op, val]) => quoted(val).map((q) => `${v} ${op} ${q}`)),
  fc
    .constantFrom("foo", "Foo", "test", "dev", "BAR")
    .chain((e) => quoted(e).map((q) => `extra == ${q}`)),
  fc.constantFrom(
    "'linux' in sys_platform",
    "'win' not in sys_platform",
    "platform_machine in 'x86_64 AMD64'",
  ),
);
const marker: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: markerAtom },
  {
    weight: 1,
    arbitrary: fc
      .tuple(markerAtom, fc.constantFrom(" and ", " or "), markerAtom, fc.boolean())
      .map(([a, op, b, paren]) => (paren ? `(${a}${op}${b})` : `${a}${op}${b}`)),
  },
);
const extrasList = fc.array(fc.constantFrom("socks", "Security", "use_chardet", "test", "a.b"), {
  maxLength: 2,
});
const requirement = fc
  .tuple(
    validName,
    extrasList,
    fc.oneof(
      fc.constant(""),
      specifiers,
      specifiers.map((s) => ` (${s})`),
      fc.constantFrom(
        " @ https://example.org/pkg-1.0.tar.gz",
        " @ https://example.org/x/pkg-1.0-py3-none-any.whl#sha256=abc",
      ),
    ),
    fc.option(marker, { nil: undefined }),
    fc.constantFrom(";", " ;", "; "),
  )
  .map(([n, extras, ver, m, semi]) => {
    const base = n + (extras.length > 0 ? `[${extras.join(",")}]` : "") + ver;
    if (m === undefined) return base;
    // A marker after a URL needs whitespace before the `;`.
    return base + (ver.includes("@") ? " ; " : semi) + m;
  });
const extra = fc.oneof(
  {
    weight: 15,
    arbitrary: fc.constantFrom("foo", "Foo", "bar", "test", "use_chardet", "Security", "a.b"),
  },
  { weight: 1, arbitrary: fc.constantFrom("-bad", "ba d", "x_") },
);
const casing = (field: string) =>
  fc.constantFrom(field, field, field, field.toLowerCase(), field.toUpperCase());

const doc = fc
  .record({
    name,
    version,
    requiresPython: fc.option(specifiers, { nil: undefined }),
    requiresDist: fc.array(requirement, { maxLength: 5 }),
    providesExtra: fc.array(extra, { maxLength: 3 }),
    summary: fc.option(fc.constantFrom("A package", "Ünïcode summary", "x: y"), { nil: undefined }),
    body: fc.option(fc.constantFrom("# Title\n\nSome text\n", "plain", "\n\nlate body\n"), {
      nil: undefined,
    }),
    eol: fc.constantFrom("\n", "\r\n"),
    finalNewline: fc.boolean(),
    fieldCase: fc.tuple(
      casing("Requires-Dist"),
      casing("Provides-Extra"),
      casing("Requires-Python"),
    ),
  })
  .chain((r) => {
    const needs21 =
      r.requiresDist.length > 0 || r.providesExtra.length > 0 || r.requiresPython !== undefined;
    const mv = needs21
      ? fc.constantFrom("2.1", "2.2", "2.3", "2.4")
      : fc.constantFrom("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4");
    return mv.map((metadataVersion) => {
      const [rd, pe, rp] = r.fieldCase;
      const lines = [
        `Metadata-Version: ${metadataVersion}`,
        `Name: ${r.name}`,
        `Version: ${r.version}`,
      ];
      if (r.summary !== undefined) lines.push(`Summary: ${r.summary}`);
      if (r.requiresPython !== undefined) lines.push(`${rp}: ${r.requiresPython}`);
      for (const req of r.requiresDist) lines.push(`${rd}: ${req}`);
      for (const e of r.providesExtra) lines.push(`${pe}: ${e}`);
      let text = lines.join(r.eol);
      if (r.body !== undefined) text += r.eol + r.eol + r.body.replaceAll("\n", r.eol);
      else if (r.finalNewline) text += r.eol;
      return { text, raw: r };
    });
  });

interface Canon {
  name: string;
  version: string;
  requiresDist: unknown[];
  requiresPython: unknown;
  providesExtra: string[];
}
type Side = Canon | { error: string };

function strictlyParses(raw: {
  requiresDist: string[];
  requiresPython: string | undefined;
}): boolean {
  try {
    for (const r of raw.requiresDist) Requirement.parse(r);
    if (raw.requiresPython !== undefined) VersionSpecifiers.parse(raw.requiresPython);
    return true;
  } catch {
    return false;
  }
}

type Outcome = "agreeOk" | "agreeError" | "repaired" | "invalidExtra" | "disagree";

function classify(
  theirs: Side,
  ours: Side | null,
  raw: { requiresDist: string[]; requiresPython: string | undefined },
): Outcome {
  const theirsError = "error" in theirs;
  if (ours === null) return theirsError ? "agreeError" : "disagree";
  if (!("error" in ours) && !theirsError && JSON.stringify(ours) === JSON.stringify(theirs)) {
    return "agreeOk";
  }
  if (theirsError) {
    if (!strictlyParses(raw)) return "repaired";
    if (theirs.error.includes("provides-extra")) return "invalidExtra";
  }
  return "disagree";
}

describe.skipIf(!hasFeature("python") || !oracleAvailable())("metadata vs packaging", () => {
  it("agrees_with_packaging_on_generated_documents", () => {
    const samples = fc.sample(doc, { seed: 20240611, numRuns: 800 });
    const cases = samples.map(({ text }) => {
      try {
        const m = parseCoreMetadata(text);
        return {
          doc: text,
          ours: {
            name: m.name,
            version: m.version.toString(),
            requiresDist: m.requiresDist.map(String),
            requiresPython: m.requiresPython?.toString() ?? null,
            providesExtra: [...m.providesExtra],
          },
        };
      } catch {
        return { doc: text, ours: null };
      }
    });
    const results = runOracle<{ theirs: Side; ours: Side | null }[]>(ORACLE, { cases });
    const counts = { agreeOk: 0, agreeError: 0, repaired: 0, invalidExtra: 0 };
    const disagreements: unknown[] = [];
    results.forEach(({ theirs, ours }, i) => {
      const sample = samples[i]!;
      const outcome = classify(theirs, ours, sample.raw);
      if (outcome === "disagree") disagreements.push({ doc: sample.text, ours, theirs });
      else counts[outcome]++;
    });
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The generator must exercise every outcome, or the comparison proves little.
    expect(counts.agreeOk).toBeGreaterThan(300);
    expect(counts.agreeError).toBeGreaterThan(20);
    expect(counts.repaired).toBeGreaterThan(5);
    expect(counts.invalidExtra).toBeGreaterThan(2);
  });
});
