import fc from "fast-check";
import type { MarkerEnvironment } from "../src/index.ts";

/**
 * Why uv and packaging 26.3 deliberately disagree about a marker comparison. Generated atoms
 * carry one of these when they hit a known difference; see differential.test.ts for the reasons.
 */
export type Difference =
  | "version-in-is-list"
  | "string-ordering"
  | "platform-release-is-string"
  | "tilde-on-string"
  | "invalid-version-ignored"
  | "triple-equal-marker"
  | "invalid-extra-name"
  | "python-version-star-quirk"
  | "reversed-tilde"
  | "triple-equal-specifier";

/** A generated marker and the deliberate differences it contains. */
export interface GeneratedMarker {
  readonly text: string;
  readonly differences: readonly Difference[];
}

const ws = fc.constantFrom("", " ", "  ", "\t");
const ws1 = fc.constantFrom(" ", "  ", "\t", " \t");
const quote = fc.constantFrom("'", '"');

const VERSION_VALUES: Record<string, readonly string[]> = {
  python_version: [
    "2.7",
    "3",
    "3.8",
    "3.9",
    "3.10",
    "3.11",
    "3.12",
    "3.9.1",
    "3.11.0",
    "3.*",
    "3.11.*",
    "3.10.1.*",
    "3.12.0.*",
  ],
  python_full_version: [
    "3.8.10",
    "3.9.18",
    "3.11.7",
    "3.12",
    "3.12.1",
    "3.9.*",
    "3.11.*",
    "3.12.1.*",
    "3",
  ],
  implementation_version: ["3.11.7", "7.3.13", "7.3", "3.8.10", "7.*", "3.12.1"],
};
const VERSION_IN_VALUES = ["3.8 3.9", "3.11", "3.1", "3.11.7 3.12.1", "7.3.13", "3.10  3.11"];
const STRING_VALUES: Record<string, readonly string[]> = {
  os_name: ["posix", "nt", "java", "pos"],
  "os.name": ["posix", "nt"],
  sys_platform: ["linux", "win32", "darwin", "lin", "linux darwin"],
  "sys.platform": ["linux", "win32"],
  platform_system: ["Linux", "Windows", "Darwin", "Java", "Lin"],
  platform_machine: ["x86_64", "arm64", "AMD64", "x86", "aarch64"],
  "platform.machine": ["x86_64", "arm64"],
  platform_python_implementation: ["CPython", "PyPy", "Py"],
  python_implementation: ["CPython", "PyPy"],
  "platform.python_implementation": ["CPython"],
  implementation_name: ["cpython", "pypy", "py"],
  platform_version: ["#1 SMP", "Darwin Kernel Version 23.1.0", "10.0.22631", "SMP"],
  "platform.version": ["#1 SMP"],
};
const RELEASE_VALUES = ["6.1.0-18-amd64", "23.1.0", "10", "6.1", "5.15.0"];
const VERSION_OPS = ["==", "!=", "<", "<=", ">", ">=", "~="] as const;

function versionAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc
    .tuple(
      fc.constantFrom("python_version", "python_full_version", "implementation_version"),
      fc.constantFrom(...VERSION_OPS),
      fc.nat(100),
      fc.boolean(),
      quote,
      ws,
      ws,
    )
    .map(([key, op, pick, reversed, q, w1, w2]) => {
      const values = VERSION_VALUES[key] ?? [];
      const value = values[pick % values.length] ?? "3";
      const star = value.endsWith(".*");
      const differences: Difference[] = [];
      if (star && ((op !== "==" && op !== "!=") || reversed))
        differences.push("invalid-version-ignored");
      if (op === "~=" && value.replace(".*", "").split(".").length < 2) {
        differences.push("invalid-version-ignored");
      }
      if (reversed && op === "~=") differences.push("reversed-tilde");
      if (key === "python_version" && star && /^\d+\.\d+\.0*[1-9]/.test(value)) {
        differences.push("python-version-star-quirk");
      }
      const literal = `${q}${value}${q}`;
      const text = reversed ? `${literal}${w1}${op}${w2}${key}` : `${key}${w1}${op}${w2}${literal}`;
      return { text, differences };
    });
}

function versionInAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc
    .tuple(
      fc.constantFrom("python_version", "python_full_version", "implementation_version"),
      fc.constantFrom("in", "not in", "not  in"),
      fc.constantFrom(...VERSION_IN_VALUES),
      quote,
    )
    .map(([key, op, value, q]) => ({
      text: `${key} ${op} ${q}${value}${q}`,
      differences: ["version-in-is-list"],
    }));
}

function stringAtom(): fc.Arbitrary<GeneratedMarker> {
  const keys = Object.keys(STRING_VALUES);
  return fc
    .tuple(
      fc.constantFrom(...keys),
      fc.constantFrom("==", "!=", "==", "!=", "in", "not in", "<", ">=", "~="),
      fc.nat(100),
      fc.boolean(),
      quote,
      ws,
      ws,
    )
    .map(([key, op, pick, reversed, q, w1, w2]) => {
      const values = STRING_VALUES[key] ?? [];
      const value = values[pick % values.length] ?? "x";
      const differences: Difference[] = [];
      if (op === "<" || op === ">=") differences.push("string-ordering");
      if (op === "~=") differences.push("tilde-on-string");
      // `in` needs whitespace around it to be a word.
      const [a, b] = op.includes("in") ? [" ", " "] : [w1, w2];
      const literal = `${q}${value}${q}`;
      const text = reversed ? `${literal}${a}${op}${b}${key}` : `${key}${a}${op}${b}${literal}`;
      return { text, differences };
    });
}

function releaseAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc
    .tuple(fc.constantFrom("==", "!=", ">=", "<"), fc.constantFrom(...RELEASE_VALUES))
    .map(([op, value]) => ({
      text: `platform_release ${op} '${value}'`,
      differences: ["platform-release-is-string"],
    }));
}

function extraAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc
    .tuple(
      fc.constantFrom("==", "!="),
      fc.constantFrom("test", "Foo_Bar", "foo-bar", "docs", "foo bar", ""),
      fc.boolean(),
      quote,
    )
    .map(([op, name, reversed, q]) => {
      const literal = `${q}${name}${q}`;
      const differences: Difference[] =
        name === "foo bar" || name === "" ? ["invalid-extra-name"] : [];
      return { text: reversed ? `${literal} ${op} extra` : `extra ${op} ${literal}`, differences };
    });
}

function tripleEqualAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc.constantFrom("python_version", "os_name").map((key) => ({
    text: `${key} === '3.8'`,
    differences: ["triple-equal-marker"],
  }));
}

/** Marker atoms, most of them free of known differences. */
export function markerAtom(): fc.Arbitrary<GeneratedMarker> {
  return fc.oneof(
    { weight: 6, arbitrary: versionAtom() },
    { weight: 6, arbitrary: stringAtom() },
    { weight: 3, arbitrary: extraAtom() },
    { weight: 1, arbitrary: versionInAtom() },
    { weight: 1, arbitrary: releaseAtom() },
    { weight: 1, arbitrary: tripleEqualAtom() },
  );
}

/** Whole markers: atoms joined by `and`/`or`, sometimes parenthesised. */
export const markerArbitrary: fc.Arbitrary<GeneratedMarker> = fc.letrec<{
  marker: GeneratedMarker;
}>((tie) => ({
  marker: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    markerAtom(),
    fc
      .tuple(tie("marker"), fc.constantFrom("and", "or"), ws1, tie("marker"))
      .map(([a, op, w, b]) => ({
        text: `${a.text}${w}${op}${w}${b.text}`,
        differences: [...a.differences, ...b.differences],
      })),
    fc
      .tuple(tie("marker"), ws)
      .map(([m, w]) => ({ text: `(${w}${m.text}${w})`, differences: m.differences })),
  ),
})).marker;

/** Markers free of any known uv/packaging difference. */
export const cleanMarkerArbitrary: fc.Arbitrary<string> = markerArbitrary
  .filter((m) => m.differences.length === 0)
  .map((m) => m.text);

const nameArbitrary = fc
  .tuple(
    fc.constantFrom("a", "B", "requests", "Foo", "zope", "x1"),
    fc.array(
      fc.tuple(
        fc.constantFrom("-", "_", ".", "--", "._"),
        fc.constantFrom("bar", "Baz", "2", "interface"),
      ),
      {
        maxLength: 2,
      },
    ),
  )
  .map(([head, tail]) => head + tail.map(([sep, part]) => sep + part).join(""));

const extrasArbitrary = fc.option(
  fc
    .array(fc.constantFrom("security", "Tests", "socks_5", "a.b", "dev"), { maxLength: 3 })
    .chain((names) =>
      fc.tuple(ws, ws).map(([w1, w2]) => `[${w1}${names.join(`${w2},${w1}`)}${w2}]`),
    ),
  { nil: "" },
);

const SPEC_VERSIONS = [
  "1",
  "1.0",
  "2.8.1",
  "1.0a1",
  "1.0.post1",
  "1.0.dev0",
  "1!2.0",
  "2.0rc1",
  "0.9",
];
const specifierArbitrary = fc
  .tuple(
    fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "~=", "===", "==", ">="),
    fc.constantFrom(...SPEC_VERSIONS, "1.*", "2.8.*", "1.0+local"),
    ws,
  )
  .map(([op, v, w]) => `${op}${w}${v}`);

const versionArbitrary = fc.oneof(
  fc.constant(""),
  fc
    .tuple(fc.array(specifierArbitrary, { minLength: 1, maxLength: 3 }), fc.boolean(), ws)
    .map(([specs, parens, w]) => (parens ? `${w}(${specs.join(", ")})` : `${w}${specs.join(",")}`)),
);

const urlArbitrary = fc.constantFrom(
  "https://example.com/pkg-1.0.tar.gz",
  "https://files.example.org/a/b/pkg-1.0-py3-none-any.whl#sha256=abc",
  "git+https://github.com/pypa/pip.git@1.3.1",
  "file:///tmp/pkg-1.0.tar.gz",
  "http://example.com:8080/simple/pkg/",
);

/** A generated requirement and the differences its marker contains. */
export interface GeneratedRequirement {
  readonly text: string;
  readonly differences: readonly Difference[];
}

/** Requirements: name, extras, specifiers or a URL, and an optional marker. */
export const requirementArbitrary: fc.Arbitrary<GeneratedRequirement> = fc
  .tuple(
    ws,
    nameArbitrary,
    ws,
    extrasArbitrary,
    fc.oneof(
      { weight: 3, arbitrary: versionArbitrary },
      { weight: 1, arbitrary: urlArbitrary.map((u) => ` @ ${u}`) },
    ),
    fc.option(markerArbitrary, { nil: undefined }),
    ws,
  )
  .map(([w0, name, w1, extras, rest, marker, w2]) => {
    const markerText = marker === undefined ? "" : ` ; ${marker.text}`;
    const text = `${w0}${name}${extras === "" ? "" : w1}${extras}${rest}${markerText}${w2}`;
    const differences: Difference[] = [...(marker?.differences ?? [])];
    if (rest.includes("===")) differences.push("triple-equal-specifier");
    return { text, differences };
  });

/** Coherent environments (each a real platform) to evaluate markers against. */
export const ENVIRONMENTS: readonly MarkerEnvironment[] = [
  {
    implementation_name: "cpython",
    implementation_version: "3.11.7",
    os_name: "posix",
    platform_machine: "x86_64",
    platform_python_implementation: "CPython",
    platform_release: "6.1.0-18-amd64",
    platform_system: "Linux",
    platform_version: "#1 SMP PREEMPT_DYNAMIC",
    python_full_version: "3.11.7",
    python_version: "3.11",
    sys_platform: "linux",
  },
  {
    implementation_name: "cpython",
    implementation_version: "3.8.10",
    os_name: "nt",
    platform_machine: "AMD64",
    platform_python_implementation: "CPython",
    platform_release: "10",
    platform_system: "Windows",
    platform_version: "10.0.22631",
    python_full_version: "3.8.10",
    python_version: "3.8",
    sys_platform: "win32",
  },
  {
    implementation_name: "cpython",
    implementation_version: "3.12.1",
    os_name: "posix",
    platform_machine: "arm64",
    platform_python_implementation: "CPython",
    platform_release: "23.1.0",
    platform_system: "Darwin",
    platform_version: "Darwin Kernel Version 23.1.0",
    python_full_version: "3.12.1",
    python_version: "3.12",
    sys_platform: "darwin",
  },
  {
    implementation_name: "pypy",
    implementation_version: "7.3.13",
    os_name: "posix",
    platform_machine: "aarch64",
    platform_python_implementation: "PyPy",
    platform_release: "5.15.0",
    platform_system: "Linux",
    platform_version: "#1 SMP",
    python_full_version: "3.9.18",
    python_version: "3.9",
    sys_platform: "linux",
  },
  {
    implementation_name: "cpython",
    implementation_version: "3.10.0",
    os_name: "posix",
    platform_machine: "x86_64",
    platform_python_implementation: "CPython",
    platform_release: "6.1",
    platform_system: "Linux",
    platform_version: "#1 SMP",
    python_full_version: "3.10.0",
    python_version: "3.10",
    sys_platform: "linux",
  },
];

/** The `extra` values each marker is evaluated with ("" is no extra). */
export const EXTRAS: readonly string[] = ["", "test", "foo.bar", "Docs"];
