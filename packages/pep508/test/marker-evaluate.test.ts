import { describe, expect, it } from "vitest";
import { type MarkerEnvironment, MarkerTree } from "../src/index.ts";

const LINUX: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1.0-18-amd64",
  platform_system: "Linux",
  platform_version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1",
  python_full_version: "3.11.7",
  python_version: "3.11",
  sys_platform: "linux",
};

function holds(marker: string, env: MarkerEnvironment = LINUX, extras: string[] = []): boolean {
  return MarkerTree.parse(marker).evaluate(env, extras);
}

describe("marker_evaluation", () => {
  it("compares_versions_with_pep440", () => {
    expect(holds("python_version >= '3.8'")).toBe(true);
    expect(holds("python_version > '3.11'")).toBe(false);
    expect(holds("python_version >= '3.10'")).toBe(true); // not lexicographic
    expect(holds("python_full_version == '3.11.*'")).toBe(true);
    expect(holds("python_full_version ~= '3.11.2'")).toBe(true);
    expect(holds("python_full_version ~= '3.12.0'")).toBe(false);
    expect(holds("'3.12' > python_version")).toBe(true);
    expect(holds("implementation_version >= '3.11.7'")).toBe(true);
  });

  it("python_version_compares_major_minor_like_uv", () => {
    expect(holds("python_version == '3.11'")).toBe(true);
    expect(holds("python_version == '3.11.0'")).toBe(true);
    expect(holds("python_version == '3'")).toBe(false);
    expect(holds("python_version <= '3.11'")).toBe(true);
    // More than two segments: uv turns `==` into false and `!=` into true.
    expect(holds("python_version == '3.11.7'")).toBe(false);
    expect(holds("python_version != '3.11.7'")).toBe(true);
    expect(holds("python_version > '3.10.5'")).toBe(true);
    expect(holds("python_version ~= '3.11'")).toBe(true);
  });

  it("marker_versions_use_release_only_semantics", () => {
    // uv drops pre-release parts from the marker's version and compares plainly; packaging
    // would exclude pre-releases of 3.13 from `< 3.13`.
    const rc = { ...LINUX, python_full_version: "3.13.0rc1", python_version: "3.13" };
    expect(holds("python_full_version < '3.13'", rc)).toBe(true);
    expect(holds("python_full_version >= '3.13'", rc)).toBe(false);
    expect(holds("python_full_version >= '3.13.0rc2'", rc)).toBe(false);
  });

  it("version_in_is_a_version_list", () => {
    expect(holds("python_version in '3.10 3.11'")).toBe(true);
    expect(holds("python_version in '3.1'")).toBe(false); // no substring match
    expect(holds("python_version not in '3.10 3.12'")).toBe(true);
    expect(holds("python_full_version in '3.11.7'")).toBe(true);
    // One version with three segments makes uv's whole `python_version in` expression false.
    expect(holds("python_version in '3.11 3.9.1'")).toBe(false);
  });

  it("compares_strings_exactly_and_lexicographically", () => {
    expect(holds("sys_platform == 'linux'")).toBe(true);
    expect(holds("sys_platform != 'linux'")).toBe(false);
    expect(holds("'linux' == sys_platform")).toBe(true);
    expect(holds("sys_platform in 'linux darwin'")).toBe(true);
    expect(holds("'lin' in sys_platform")).toBe(true);
    expect(holds("'win' not in sys_platform")).toBe(true);
    // uv compares string markers lexicographically, even `platform_release`.
    expect(holds("platform_release >= '10'")).toBe(true);
    expect(holds("platform_machine < 'y'")).toBe(true);
    expect(holds("'x' < platform_machine")).toBe(true);
  });

  it("platform_system_known_values_follow_sys_platform", () => {
    const odd = { ...LINUX, platform_system: "Something", sys_platform: "linux" };
    expect(holds("platform_system == 'Linux'", odd)).toBe(true);
    expect(holds("platform_system == 'Something'", odd)).toBe(true);
  });

  it("extras_are_normalized", () => {
    expect(holds("extra == 'Foo_Bar'", LINUX, ["foo.bar"])).toBe(true);
    expect(holds("extra == 'foo-bar'", LINUX, [])).toBe(false);
    expect(holds("extra != 'foo-bar'", LINUX, [])).toBe(true);
    expect(holds("extra == 'a' or extra == 'b'", LINUX, ["b"])).toBe(true);
    // An invalid extra name never matches, for `!=` too.
    expect(holds("extra != 'not valid'", LINUX, [])).toBe(false);
  });

  it("pep751_lists", () => {
    const m = MarkerTree.parse("'test' in extras and 'dev' not in dependency_groups");
    expect(m.evaluatePep751(LINUX, ["Test"], [])).toBe(true);
    expect(m.evaluatePep751(LINUX, ["test"], ["dev"])).toBe(false);
    expect(m.evaluate(LINUX, ["test"])).toBe(false);
  });

  it("and_binds_tighter_than_or", () => {
    expect(holds("os_name == 'nt' and sys_platform == 'x' or python_version >= '3'")).toBe(true);
    expect(holds("os_name == 'nt' and (sys_platform == 'x' or python_version >= '3')")).toBe(false);
  });

  it("unparsable_environment_versions_compare_false", () => {
    const odd = { ...LINUX, implementation_version: "weird" };
    expect(holds("implementation_version >= '0'", odd)).toBe(false);
    expect(holds("implementation_version < '0'", odd)).toBe(false);
  });
});
