import { describe, expect, it } from "vitest";
import { MarkerTree, Requirement } from "../src/index.ts";

describe("requirement_grammar", () => {
  it("parses_name_extras_specifiers_and_marker", () => {
    const r = Requirement.parse(
      ' Foo.Bar_baz [ Sec_Urity , TESTS ]  (  >= 2.8.1 , == 2.8.* )  ;  python_version > "3.8"',
    );
    expect(r.name).toBe("foo-bar-baz");
    expect(r.extras).toEqual(["sec-urity", "tests"]);
    expect(r.version?.toString()).toBe("==2.8.*, >=2.8.1");
    expect(r.url).toBeUndefined();
    expect(r.marker.toString()).toBe("python_version > '3.8'");
    expect(r.toString()).toBe(
      "foo-bar-baz[sec-urity,tests]==2.8.*,>=2.8.1 ; python_version > '3.8'",
    );
  });

  it("displays_like_uv", () => {
    // uv's own round-trip example.
    const input = "requests[security,tests]==2.8.*,>=2.8.1 ; python_full_version < '2.7'";
    expect(Requirement.parse(input).toString()).toBe(input);
    expect(Requirement.parse("numpy ( >=1.19 , <2.0 )").toString()).toBe("numpy>=1.19,<2.0");
    expect(Requirement.parse("name").toString()).toBe("name");
    expect(Requirement.parse("name[]").extras).toEqual([]);
  });

  it("accepts_trailing_commas_in_specifiers", () => {
    expect(Requirement.parse("foo==1.0,").toString()).toBe("foo==1.0");
    expect(Requirement.parse("foo (==1.0,)").toString()).toBe("foo==1.0");
  });

  it("keeps_direct_urls_verbatim", () => {
    const r = Requirement.parse(
      "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686 ; os_name == 'nt'",
    );
    expect(r.url).toBe(
      "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
    );
    expect(r.version).toBeUndefined();
    expect(r.verbatimUrl?.url.hostname).toBe("github.com");
    expect(r.toString()).toBe(`pip @ ${r.url} ; os_name == 'nt'`);
  });

  it("url_ends_before_semicolon_followed_by_space", () => {
    expect(Requirement.parse("foo @ https://example.com/a.whl; os_name == 'nt'").url).toBe(
      "https://example.com/a.whl",
    );
    // Without a following space, `;` belongs to the URL.
    expect(Requirement.parse("foo @ https://example.com/a;b").url).toBe("https://example.com/a;b");
    expect(Requirement.parse("foo @ https://example.com/a.whl #comment").url).toBe(
      "https://example.com/a.whl",
    );
  });

  it("resolves_paths_against_the_working_directory", () => {
    const r = Requirement.parse("foo @ ../editable dir/pkg", { workingDir: "/work/proj" });
    expect(r.url).toBe("../editable dir/pkg");
    expect(r.verbatimUrl?.url.href).toBe("file:///work/editable%20dir/pkg");
    expect(Requirement.parse("foo @ file:///tmp/x.whl").verbatimUrl?.url.href).toBe(
      "file:///tmp/x.whl",
    );
    expect(Requirement.parse("foo @ file://localhost/tmp/x.whl").verbatimUrl?.url.href).toBe(
      "file:///tmp/x.whl",
    );
    expect(Requirement.parse("foo @ /abs/./path/../x").verbatimUrl?.url.href).toBe("file:///abs/x");
  });

  it("expands_env_vars_only_when_given", () => {
    const env = { ROOT: "/data" };
    const given = ["file://$", "{ROOT}/x.whl"].join("");
    const r = Requirement.parse(`foo @ ${given}`, { env });
    expect(r.url).toBe(given);
    expect(r.verbatimUrl?.url.href).toBe("file:///data/x.whl");
  });

  it("allows_a_trailing_comment_only_where_uv_does", () => {
    expect(Requirement.parse("foo (==1.0) #comment").toString()).toBe("foo==1.0");
    expect(Requirement.parse("foo @ https://example.com/a.whl #comment").url).toBe(
      "https://example.com/a.whl",
    );
    expect(() => Requirement.parse("foo #comment")).toThrow(/found `#`/);
  });

  it("ignores_meaningless_marker_comparisons_like_uv", () => {
    // uv warns and drops these; a marker made only of them holds everywhere.
    expect(Requirement.parse("foo; os_name ~= 'nt'").marker.isTrue()).toBe(true);
    expect(Requirement.parse("foo; 'a' == 'b'").marker.isTrue()).toBe(true);
    expect(
      Requirement.parse("foo; python_version == 'x' and os_name == 'nt'").marker.toString(),
    ).toBe("os_name == 'nt'");
    expect(
      Requirement.parse("foo; os_name == 'nt' or python_version >= '3.*'").marker.toString(),
    ).toBe("os_name == 'nt'");
  });

  it("normalizes_marker_expressions", () => {
    const cases: [string, string][] = [
      ["'3.8' <= python_version", "python_version >= '3.8'"],
      ["'nt' == os.name", "os_name == 'nt'"],
      ["sys.platform == 'linux'", "sys_platform == 'linux'"],
      ["platform.version == 'x'", "platform_version == 'x'"],
      ["python_implementation == 'CPython'", "platform_python_implementation == 'CPython'"],
      ["platform.machine == 'x'", "platform_machine == 'x'"],
      ["'lin' in sys_platform", "'lin' in sys_platform"],
      ["sys_platform not   in 'linux darwin'", "sys_platform not in 'linux darwin'"],
      ['extra == "Foo_Bar"', "extra == 'foo-bar'"],
      ["'Foo.Bar' == extra", "extra == 'foo-bar'"],
      ["'Dev' in dependency_groups", "'dev' in dependency_groups"],
      ["python_version == '3.8.*'", "python_version == '3.8.*'"],
      ["python_full_version != '3.8.0rc1'", "python_full_version != '3.8.0rc1'"],
      ["python_version in '3.8  3.9'", "python_version in '3.8 3.9'"],
      ['os_name == "it\'s"', 'os_name == "it\'s"'],
      [
        "(os_name == 'a' or os_name == 'b') and (sys_platform == 'c' and python_version < '3')",
        "(os_name == 'a' or os_name == 'b') and sys_platform == 'c' and python_version < '3'",
      ],
      [
        "os_name == 'a' and sys_platform == 'b' or os_name == 'c'",
        "os_name == 'a' and sys_platform == 'b' or os_name == 'c'",
      ],
    ];
    for (const [input, expected] of cases) {
      const marker = MarkerTree.parse(input);
      expect(marker.toString(), input).toBe(expected);
      expect(MarkerTree.parse(marker.toString()).toString(), input).toBe(expected);
    }
  });

  it("marker_constants_combine", () => {
    const m = MarkerTree.parse("os_name == 'nt'");
    expect(MarkerTree.TRUE.and(m)).toBe(m);
    expect(MarkerTree.FALSE.and(m).isFalse()).toBe(true);
    expect(MarkerTree.TRUE.or(m).isTrue()).toBe(true);
    expect(MarkerTree.FALSE.or(m)).toBe(m);
    expect(MarkerTree.FALSE.toString()).toBe("python_version < '0'");
    expect(MarkerTree.TRUE.toString()).toBe("");
    expect(m.or(m).and(m).toString()).toBe(
      "(os_name == 'nt' or os_name == 'nt') and os_name == 'nt'",
    );
  });
});

// Requires-Dist lists repeat the same markers, so parsed markers are shared by text.
describe("marker_memo", () => {
  it("requirements_with_the_same_marker_text_share_the_tree", () => {
    const a = Requirement.parse("foo>=1 ; python_version < '3.11' and extra == 'test'");
    const b = Requirement.parse("Bar[x] ; python_version < '3.11' and extra == 'test'");
    expect(b.marker).toBe(a.marker);
    expect(b.toString()).toBe("bar[x] ; python_version < '3.11' and extra == 'test'");
    expect(MarkerTree.parse("python_version < '3.11' and extra == 'test'")).toBe(a.marker);
  });

  it("remembers_markers_whose_comparisons_are_all_ignored", () => {
    for (let round = 0; round < 2; round++) {
      const r = Requirement.parse("foo ; python_version == 'not a version'");
      expect(r.marker.isTrue()).toBe(true);
      expect(r.toString()).toBe("foo");
    }
  });

  it("never_remembers_a_failure", () => {
    for (let round = 0; round < 2; round++) {
      expect(() => Requirement.parse("foo ; python_version <")).toThrow(/Expected marker value/);
      // The same text in a longer requirement is reported against that requirement.
      expect(() => Requirement.parse("foo-bar>=1 ; python_version <")).toThrow(
        /foo-bar>=1 ; python_version </,
      );
    }
    expect(Requirement.parse("foo ; python_version < '3'").marker.toString()).toBe(
      "python_version < '3'",
    );
  });
});

describe("requirement_memo", () => {
  it("shares_one_requirement_per_text_parsed_without_options", () => {
    const text = 'idna>=2.8 ; python_version >= "3.8"';
    const a = Requirement.parse(text);
    expect(Requirement.parse(text)).toBe(a);
    expect(a.toString()).toBe("idna>=2.8 ; python_version >= '3.8'");
    // With options a URL or `${VAR}` may parse differently: never shared.
    expect(Requirement.parse(text, {})).not.toBe(a);
    expect(Requirement.parse(text, {}).toString()).toBe(a.toString());
  });

  it("never_shares_a_url_requirement_or_remembers_a_failure", () => {
    const text = "foo @ https://example.com/foo-1.0-py3-none-any.whl";
    const a = Requirement.parse(text);
    expect(Requirement.parse(text)).not.toBe(a);
    expect(Requirement.parse(text).url).toBe(a.url);
    expect(() => Requirement.parse("foo >= ")).toThrow();
    expect(() => Requirement.parse("foo >= ")).toThrow();
  });

  it("stays_correct_past_its_capacity", () => {
    const first = Requirement.parse("pkg0>=1");
    for (let i = 0; i < 10_000; i++) Requirement.parse(`pkg${i}>=${i}`);
    expect(Requirement.parse("pkg0>=1").toString()).toBe(first.toString());
    expect(Requirement.parse("pkg9999>=9999").toString()).toBe("pkg9999>=9999");
  });
});
