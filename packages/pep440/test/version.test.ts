import { describe, expect, it } from "vitest";
import { compareVersions, Version, VersionParseError } from "../src/index.ts";

const v = (s: string) => Version.parse(s);

describe("Version.parse", () => {
  it.each([
    ["1.0", "1.0"],
    ["1.0.0", "1.0.0"],
    ["01.002", "1.2"],
    ["v1.0", "1.0"],
    ["V1.0", "1.0"],
    ["  1.0\n", "1.0"],
    ["1!2.0", "1!2.0"],
    ["0!1.0", "1.0"],
    ["1.0a1", "1.0a1"],
    ["1.0ALPHA1", "1.0a1"],
    ["1.0-alpha.1", "1.0a1"],
    ["1.0_beta_2", "1.0b2"],
    ["1.0c1", "1.0rc1"],
    ["1.0pre1", "1.0rc1"],
    ["1.0preview1", "1.0rc1"],
    ["1.0rc", "1.0rc0"],
    ["1.0.a1", "1.0a1"],
    ["1.0-1", "1.0.post1"],
    ["1.0.post", "1.0.post0"],
    ["1.0rev3", "1.0.post3"],
    ["1.0-r4", "1.0.post4"],
    ["1.0_post_5", "1.0.post5"],
    ["1.0dev", "1.0.dev0"],
    ["1.0-DEV-7", "1.0.dev7"],
    ["1.0+Ubuntu-1_a.B", "1.0+ubuntu.1.a.b"],
    ["1.0+007", "1.0+7"],
    ["1.0a.post1", "1.0a0.post1"],
    ["v1!2.0rc1.post2.dev3+ubuntu.1", "1!2.0rc1.post2.dev3+ubuntu.1"],
  ])("normalises %j to %j", (input, expected) => {
    expect(v(input).toString()).toBe(expected);
    // Normalising twice changes nothing.
    expect(v(expected).toString()).toBe(expected);
  });

  it("exposes the parts", () => {
    const version = v("1!2.3.4rc5.post6.dev7+abc.8");
    expect(version.epoch).toBe(1);
    expect(version.release).toEqual([2, 3, 4]);
    expect(version.pre).toEqual({ kind: "rc", number: 5 });
    expect(version.post).toBe(6);
    expect(version.dev).toBe(7);
    expect(version.local).toEqual(["abc", 8]);
    expect(version.baseVersion.toString()).toBe("1!2.3.4");
    expect(version.withoutLocal().toString()).toBe("1!2.3.4rc5.post6.dev7");
  });

  it.each([
    ["", "expected version to start with a number, but no leading ASCII digits were found"],
    ["a", "expected version to start with a number, but no leading ASCII digits were found"],
    ["v 5", "expected version to start with a number, but no leading ASCII digits were found"],
    [
      "french toast",
      "expected version to start with a number, but no leading ASCII digits were found",
    ],
    [
      "5!",
      "expected version to have a non-empty release component after an epoch, but no ASCII digits after the epoch were found",
    ],
    ["5.6./", "after parsing `5.6`, found `./`, which is not part of a valid version"],
    ["5.6.-alpha2", "after parsing `5.6`, found `.-alpha2`, which is not part of a valid version"],
    ["5.6-", "after parsing `5.6`, found `-`, which is not part of a valid version"],
    ["1.0+1+1", "after parsing `1.0+1`, found `+1`, which is not part of a valid version"],
    ["1.0+foo&asd", "after parsing `1.0+foo`, found `&asd`, which is not part of a valid version"],
    [
      "5+",
      "found a `+` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `+`",
    ],
    [
      "5+ ",
      "found a `+` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `+`",
    ],
    [
      "1.0+_foobar",
      "found a `+` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `+`",
    ],
    [
      "5+abc.",
      "found a `.` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `.`",
    ],
    [
      "5+abc-",
      "found a `-` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `-`",
    ],
    ["1.0.*", "wildcards are not allowed in a version"],
    ["1.*.0", "wildcards are not allowed in a version"],
    [
      "1.2.3a18446744073709551616",
      'expected number less than or equal to 9007199254740991, but number found in "18446744073709551616" exceeds it',
    ],
  ])("rejects %j with uv's message", (input, message) => {
    let error: unknown;
    try {
      Version.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VersionParseError);
    expect((error as VersionParseError).message).toBe(message);
    expect((error as VersionParseError).code).toBe("pep440.invalid-version");
    expect((error as VersionParseError).input).toBe(input);
    expect(Version.tryParse(input)).toBeUndefined();
  });

  it("keeps large numbers that are exact in a JS number", () => {
    expect(v("2024.1.1.1700000000123").release).toEqual([2024, 1, 1, 1700000000123]);
    expect(v("9007199254740991").release).toEqual([9007199254740991]);
    expect(Version.tryParse("9007199254740992")).toBeUndefined();
  });
});

describe("Version ordering", () => {
  // PEP 440's own ordering example, plus uv's ordering test.
  const ordered = [
    "1.dev0",
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0rc1.dev456",
    "1.0rc1",
    "1.0",
    "1.0+abc.5",
    "1.0+abc.7",
    "1.0+5",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.0.15",
    "1.1.dev1",
    "1!0.1",
  ];

  it("sorts PEP 440's example versions in order", () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = i < j ? -1 : i > j ? 1 : 0;
        expect(v(ordered[i]!).compare(v(ordered[j]!)), `${ordered[i]} vs ${ordered[j]}`).toBe(
          expected,
        );
      }
    }
    const shuffled = [...ordered].reverse().map(v);
    expect(shuffled.sort(compareVersions).map(String)).toEqual(ordered.map((s) => v(s).toString()));
  });

  it("orders versions around the limits of the packed comparison key alike", () => {
    // Below and above the limits of the one-number key (3 release numbers < 256, small
    // suffix numbers, epoch 0, no local) the order must not change.
    const chain = [
      "1.0.255",
      "1.0.256",
      "1.0.256.1",
      "1.1a63",
      "1.1a64",
      "1.1.post126.dev126",
      "1.1.post126",
      "1.1.post127.dev0",
      "1.1.post127",
      "1.1.post200",
      "255.255.255",
      "256",
      "1!0",
    ].map(v);
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect(chain[i]!.compare(chain[j]!), `${chain[i]} vs ${chain[j]}`).toBe(
          i < j ? -1 : i > j ? 1 : 0,
        );
      }
    }
    expect(v("1.0.256.0").equals(v("1.0.256"))).toBe(true);
  });

  it("pads releases with zeros", () => {
    expect(v("1.0").equals(v("1"))).toBe(true);
    expect(v("1.0.0.0").equals(v("1"))).toBe(true);
    expect(v("1.0.1").compare(v("1"))).toBe(1);
    expect(v("0").equals(v("0.0"))).toBe(true);
    expect(v("1.0").hashKey()).toBe(v("1.0.0").hashKey());
    expect(v("1.0+a").hashKey()).not.toBe(v("1.0").hashKey());
  });

  it("orders local labels: numbers above strings, longer above prefixes, case-insensitive", () => {
    expect(v("1.0+abc").compare(v("1.0+1"))).toBe(-1);
    expect(v("1.0+abc").compare(v("1.0+abc.1"))).toBe(-1);
    expect(v("1.0+ABC").equals(v("1.0+abc"))).toBe(true);
    expect(v("1.0+2").compare(v("1.0+10"))).toBe(-1);
    expect(v("1.0+abc.00").equals(v("1.0+abc.0"))).toBe(true);
    expect(v("1.0+b").compare(v("1.0+ab"))).toBe(1);
  });

  it("classifies pre-, post-, dev- and local versions", () => {
    expect(v("1.0a1").isPrerelease()).toBe(true);
    expect(v("1.0.dev1").isPrerelease()).toBe(true);
    expect(v("1.0.post1.dev1").isPrerelease()).toBe(true);
    expect(v("1.0.post1").isPrerelease()).toBe(false);
    expect(v("1.0.post1").isPostrelease()).toBe(true);
    expect(v("1.0.dev0").isDevrelease()).toBe(true);
    expect(v("1.0+x").isLocal()).toBe(true);
    expect(v("1.0").isStable()).toBe(true);
  });
});
