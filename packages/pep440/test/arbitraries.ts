import fc from "fast-check";

// Small numbers on purpose: versions then collide often, which is where the edge cases live.
const smallNumber = fc.integer({ min: 0, max: 3 });
const separator = fc.constantFrom("", ".", "-", "_");
const randomCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));

const number = fc.oneof(
  { weight: 6, arbitrary: smallNumber.map(String) },
  { weight: 1, arbitrary: fc.constantFrom("00", "01", "10", "12") },
);

const pre = fc
  .tuple(
    separator,
    fc
      .constantFrom("a", "b", "c", "rc", "alpha", "beta", "pre", "preview")
      .chain((w) => randomCase(w)),
    separator,
    fc.option(number, { nil: "" }),
  )
  .map(([s1, word, s2, n]) => (n === "" && s2 !== "" ? `${s1}${word}` : `${s1}${word}${s2}${n}`));

const post = fc.oneof(
  number.map((n) => `-${n}`),
  fc
    .tuple(
      separator,
      fc.constantFrom("post", "rev", "r").chain((w) => randomCase(w)),
      separator,
      fc.option(number, { nil: "" }),
    )
    .map(([s1, word, s2, n]) => (n === "" ? `${s1}${word}` : `${s1}${word}${s2}${n}`)),
);

const dev = fc
  .tuple(separator, randomCase("dev"), separator, fc.option(number, { nil: "" }))
  .map(([s1, word, s2, n]) => (n === "" ? `${s1}${word}` : `${s1}${word}${s2}${n}`));

const localSegment = fc.constantFrom("0", "1", "00", "12", "a", "abc", "ubuntu", "a1", "1a", "Z");
const local = fc.array(localSegment, { minLength: 1, maxLength: 3 }).chain((segments) =>
  fc
    .array(fc.constantFrom(".", "-", "_"), {
      minLength: segments.length - 1,
      maxLength: segments.length - 1,
    })
    .map((seps) => `+${segments.map((s, i) => (i === 0 ? s : `${seps[i - 1]}${s}`)).join("")}`),
);

/** The release part `N(.N)*`, optionally with an epoch. */
export const releaseText = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constant("1!") },
    ),
    fc.array(number, { minLength: 1, maxLength: 4 }),
  )
  .map(([epoch, release]) => `${epoch}${release.join(".")}`);

/** A valid PEP 440 version in any of its spellings. */
export const versionText = fc
  .tuple(
    fc.oneof(
      { weight: 10, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom("v", "V") },
    ),
    releaseText,
    fc.option(pre, { nil: "", freq: 3 }),
    fc.option(post, { nil: "", freq: 3 }),
    fc.option(dev, { nil: "", freq: 3 }),
    fc.option(local, { nil: "", freq: 5 }),
  )
  .map((parts) => parts.join(""));

/** Versions that are already normalised, as a resolver sees them on an index. */
export const normalVersionText = fc
  .tuple(
    fc.constantFrom("", "", "", "", "1!"),
    fc.array(smallNumber, { minLength: 1, maxLength: 3 }),
    fc.option(fc.tuple(fc.constantFrom("a", "b", "rc"), smallNumber), { nil: undefined }),
    fc.option(smallNumber, { nil: undefined }),
    fc.option(smallNumber, { nil: undefined }),
    fc.option(fc.constantFrom("local", "1", "a.2"), { nil: undefined, freq: 6 }),
  )
  .map(([epoch, release, p, postN, devN, loc]) => {
    let s = `${epoch}${release.join(".")}`;
    if (p !== undefined) s += `${p[0]}${p[1]}`;
    if (postN !== undefined) s += `.post${postN}`;
    if (devN !== undefined) s += `.dev${devN}`;
    if (loc !== undefined) s += `+${loc}`;
    return s;
  });

/** Strings that are mostly not versions, from the characters versions are made of. */
export const garbageText = fc
  .array(fc.constantFrom(..."0123456789.-_+!*abcdeilnoprstvwPRE "), { maxLength: 12 })
  .map((cs) => cs.join(""));

const whitespace = fc.constantFrom("", "", "", " ", "  ");

const ws = (arb: fc.Arbitrary<string>) =>
  fc.tuple(whitespace, arb, whitespace).map((parts) => parts.join(""));

const publicVersionText = normalVersionText.map((v) => v.replace(/\+.*$/, ""));

/** One specifier that is valid: each operator with a version it accepts. */
export const validSpecifierText = fc
  .oneof(
    fc.tuple(fc.constantFrom("==", "!="), fc.oneof(normalVersionText, versionText)),
    fc.tuple(
      fc.constantFrom("==", "!="),
      releaseText.map((r) => `${r}.*`),
    ),
    fc.tuple(fc.constantFrom("<", "<=", ">", ">=", "<", ">"), publicVersionText),
    fc.tuple(
      fc.constant("~="),
      fc
        .tuple(releaseText, smallNumber, publicVersionText)
        .map(([r, n, v]) => `${r}.${n}${v.replace(/^(\d+!)?[\d.]+/, "")}`),
    ),
    fc.tuple(fc.constant("==="), normalVersionText),
  )
  .chain(([op, version]) => ws(fc.constant(op)).map((o) => `${o}${version}`));

/** Lists of valid specifiers. */
export const validSpecifiersText = fc
  .array(validSpecifierText, { minLength: 1, maxLength: 3 })
  .map((items) => items.join(","));

/** One specifier, valid or (sometimes) not. */
export const specifierText = fc
  .tuple(
    whitespace,
    fc.constantFrom("==", "==", "!=", "<=", ">=", "<", "<", ">", ">", "~=", "==="),
    whitespace,
    fc.oneof(
      { weight: 4, arbitrary: normalVersionText },
      { weight: 1, arbitrary: versionText },
      { weight: 2, arbitrary: releaseText.map((r) => `${r}.*`) },
    ),
    whitespace,
  )
  .map((parts) => parts.join(""));

/** A comma-separated list of specifiers (no empty items: see the documented differences). */
export const specifiersText = fc
  .array(specifierText, { minLength: 1, maxLength: 3 })
  .map((items) => items.join(","));

// Numbers at the edges the fast path of parsing cares about: leading zeros, 15 and 16 digits,
// around 2^53, and beyond u64.
const edgeNumber = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 300 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "0",
      "00",
      "01",
      "007",
      "255",
      "256",
      "65535",
      "999999999999999",
      "1000000000000000",
      "9007199254740991",
      "9007199254740992",
      "9007199254740993",
      "18446744073709551615",
      "123456789012345678901",
    ),
  },
);

const sometimes = (arb: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant("") }, { weight: 1, arbitrary: arb });

/** Normalised versions of the shapes most index versions have, with edge numbers. */
const cleanCommonShapeText = fc
  .tuple(
    fc.array(edgeNumber, { minLength: 1, maxLength: 5 }),
    sometimes(fc.tuple(fc.constantFrom("a", "b", "rc"), edgeNumber).map((p) => p.join(""))),
    sometimes(edgeNumber.map((n) => `.post${n}`)),
    sometimes(edgeNumber.map((n) => `.dev${n}`)),
  )
  .map(([release, ...suffixes]) => `${release.join(".")}${suffixes.join("")}`);

/** The same shapes spelt slightly off. */
const offCommonShapeText = fc
  .tuple(
    fc.constantFrom("", "", "", "v", "V", " ", "1!", "0!"),
    fc.array(edgeNumber, { minLength: 1, maxLength: 5 }),
    sometimes(
      fc
        .tuple(
          fc.constantFrom("a", "b", "rc", "A", "RC", "c", "alpha", "a.", "-a", ".b"),
          fc.option(edgeNumber, { nil: "" }),
        )
        .map((p) => p.join("")),
    ),
    sometimes(
      fc
        .tuple(
          fc.constantFrom(".post", "post", "-post", ".POST", "-", ".r", "_post", ".post."),
          fc.option(edgeNumber, { nil: "" }),
        )
        .map((p) => p.join("")),
    ),
    sometimes(
      fc
        .tuple(
          fc.constantFrom(".dev", "dev", "-dev", ".DEV", ".dev-"),
          fc.option(edgeNumber, { nil: "" }),
        )
        .map((p) => p.join("")),
    ),
    fc.constantFrom("", "", "", "+local", "+1.2", " ", ".", ".*", "..", "x"),
  )
  .map(([head, release, ...rest]) => `${head}${release.join(".")}${rest.join("")}`);

/**
 * Versions shaped like the ones on an index (`N(.N)*`, `aN`/`bN`/`rcN`, `.postN`, `.devN`), often
 * spelt slightly off: other cases and spellings, separators, missing numbers, a `v`, whitespace,
 * an epoch, a local label, a wildcard or a stray character.
 */
export const commonShapeText = fc.oneof(
  { weight: 3, arbitrary: cleanCommonShapeText },
  { weight: 2, arbitrary: offCommonShapeText },
);
