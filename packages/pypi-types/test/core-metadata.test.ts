import { readFileSync } from "node:fs";
import { Requirement } from "@uv-ts/pep508";
import { describe, expect, it } from "vitest";
import {
  isStaticForResolution,
  MetadataError,
  parseCoreMetadata,
  parsePkgInfoResolutionMetadata,
  parseResolutionMetadata,
} from "../src/index.ts";

const fixture = (name: string): Uint8Array =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

// Compared through the requirement parser, so the test does not depend on display details.
const reqs = (...specs: string[]): string[] => specs.map((s) => Requirement.parse(s).toString());

const errorOf = (f: () => unknown): MetadataError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataError);
    return error as MetadataError;
  }
  throw new Error("expected an error");
};

describe("parseCoreMetadata", () => {
  it("reads_a_real_requests_metadata_2_4", () => {
    const meta = parseCoreMetadata(fixture("requests-2.34.2.METADATA"));
    expect(meta.metadataVersion).toBe("2.4");
    expect(meta.name).toBe("requests");
    expect(meta.version.toString()).toBe("2.34.2");
    expect(meta.summary).toBe("Python HTTP for Humans.");
    expect(meta.authorEmail).toBe("Kenneth Reitz <me@kennethreitz.org>");
    expect(meta.license).toBe("Apache-2.0");
    expect(meta.requiresPython?.toString()).toBe(">=3.10");
    expect(meta.requiresDist.map(String)).toEqual(
      reqs(
        "charset-normalizer<4,>=2",
        "idna<4,>=2.5",
        "urllib3<3,>=1.26",
        "certifi>=2023.5.7",
        "pysocks!=1.5.7,>=1.5.6 ; extra == 'socks'",
        "chardet<8,>=3.0.2 ; extra == 'use-chardet-on-py3'",
      ),
    );
    expect(meta.requiresDist[4]?.name).toBe("pysocks");
    expect(meta.providesExtra).toEqual(["security", "socks", "use-chardet-on-py3"]);
    expect(meta.projectUrls).toEqual([
      ["Documentation", "https://requests.readthedocs.io"],
      ["Source", "https://github.com/psf/requests"],
    ]);
    expect(meta.licenseFiles).toEqual(["LICENSE", "NOTICE"]);
    expect(meta.dynamic).toEqual(["license-file"]);
    expect(meta.classifiers).toHaveLength(20);
    expect(meta.descriptionContentType).toBe("text/markdown");
    expect(meta.description?.startsWith("# Requests\n")).toBe(true);
  });

  it("reads_a_real_numpy_metadata_with_license_expression", () => {
    const meta = parseCoreMetadata(fixture("numpy-2.5.5.METADATA"));
    expect(meta.name).toBe("numpy");
    expect(meta.licenseExpression).toBe("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0");
    expect(meta.license).toBeUndefined();
    // Written `Maintainer-Email`: field names are case-insensitive.
    expect(meta.maintainerEmail).toBe("NumPy Developers <numpy-discussion@python.org>");
    expect(meta.licenseFiles).toHaveLength(17);
    expect(meta.projectUrls.find(([label]) => label === "release notes")).toEqual([
      "release notes",
      "https://numpy.org/doc/stable/release",
    ]);
    expect(meta.requiresDist).toEqual([]);
    expect(meta.requiresPython?.toString()).toBe(">=3.12");
    expect(meta.description).toContain("NumPy is the fundamental package");
  });

  it("reads_a_pkg_info_1_0_and_treats_unknown_as_absent", () => {
    const meta = parseCoreMetadata(fixture("python-gflags-2.0.PKG-INFO"));
    expect(meta.metadataVersion).toBe("1.0");
    expect(meta.name).toBe("python-gflags");
    expect(meta.version.toString()).toBe("2.0");
    expect(meta.homePage).toBe("http://code.google.com/p/python-gflags");
    expect(meta.description).toBeUndefined();
    expect(meta.platforms).toEqual([]);
    expect(meta.requiresPython).toBeUndefined();
  });

  it("unfolds_a_folded_description_header_in_pkg_info_1_2", () => {
    const meta = parseCoreMetadata(fixture("toml-0.10.2.PKG-INFO"));
    expect(meta.metadataVersion).toBe("1.2");
    expect(
      meta.description?.startsWith("**** TOML ****  .. image:: https://img.shields.io/pypi/v/toml"),
    ).toBe(true);
    expect(meta.requiresPython?.toString()).toBe(">=2.6, !=3.0.*, !=3.1.*, !=3.2.*");
    expect(meta.classifiers).toContain("Programming Language :: Python :: 3.9");
  });

  it("prefers_the_body_over_the_description_header", () => {
    const s = "Metadata-Version: 1.0\nName: asdf\nVersion: 1.0\nDescription: a Python package";
    expect(parseCoreMetadata(s).description).toBe("a Python package");
    const body =
      "Metadata-Version: 1.0\nName: asdf\nVersion: 1.0\nDescription: header\n\nthe body\n";
    expect(parseCoreMetadata(body).description).toBe("the body\n");
    const unicode =
      "Metadata-Version: 1.0\nName: asdf\nVersion: 1.0\nAuthor: 中文\n\n一个 Python 包";
    expect(parseCoreMetadata(unicode).author).toBe("中文");
    expect(parseCoreMetadata(unicode).description).toBe("一个 Python 包");
  });

  it("splits_keywords_on_commas", () => {
    const s = "Metadata-Version: 2.1\nName: a\nVersion: 1\nKeywords: http,web, client";
    expect(parseCoreMetadata(s).keywords).toEqual(["http", "web", " client"]);
  });

  it("requires_metadata_version_name_and_version", () => {
    expect(errorOf(() => parseCoreMetadata("Name: a\nVersion: 1")).message).toBe(
      "Metadata field Metadata-Version not found",
    );
    expect(errorOf(() => parseCoreMetadata("Metadata-Version: 1.0")).message).toBe(
      "Metadata field Name not found",
    );
    const e = errorOf(() => parseCoreMetadata("Metadata-Version: 1.0\nName: asdf"));
    expect(e.message).toBe("Metadata field Version not found");
    expect(e.field).toBe("Version");
    expect(e.code).toBe("pypi-types.field-not-found");
    expect(errorOf(() => parseCoreMetadata("")).message).toBe(
      "Metadata field Metadata-Version not found",
    );
    // `UNKNOWN` counts as missing.
    expect(
      errorOf(() => parseCoreMetadata("Metadata-Version: 1.0\nName: UNKNOWN\nVersion: 1")).message,
    ).toBe("Metadata field Name not found");
  });

  it("rejects_an_invalid_name_or_version", () => {
    const name = errorOf(() =>
      parseCoreMetadata(
        "Metadata-Version: 1.0\nName: =?utf-8?q?=C3=A4_space?= <x@y.org>\nVersion: 1.0",
      ),
    );
    expect(name.field).toBe("Name");
    expect(name.message).toContain("Not a valid package or extra name");
    const version = errorOf(() =>
      parseCoreMetadata("Metadata-Version: 2.1\nName: a\nVersion: one"),
    );
    expect(version.message.startsWith("Invalid version: ")).toBe(true);
    expect(version.field).toBe("Version");
  });

  it("decodes_an_encoded_word_name", () => {
    expect(
      parseCoreMetadata("Metadata-Version: 1.0\nName: =?utf-8?q?foobar?=\nVersion: 1.0").name,
    ).toBe("foobar");
  });

  it("reports_an_unparseable_requires_dist_with_the_parser_message", () => {
    const e = errorOf(() =>
      parseCoreMetadata("Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Dist: foo (>=1.0\n"),
    );
    expect(e.field).toBe("Requires-Dist");
    expect(e.code).toBe("pypi-types.invalid-requires-dist");
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.message).toBe((e.cause as Error).message);
  });

  it("repairs_requires_dist_and_requires_python_like_uv", () => {
    const warnings: string[] = [];
    const meta = parseCoreMetadata(
      [
        "Metadata-Version: 2.1",
        "Name: a",
        "Version: 1",
        "Requires-Python: >=2.7, !=3.0.*, !=3.1.*',",
        "Requires-Dist: elasticsearch-dsl (>=7.2.0<8.0.0)",
        "Requires-Dist: botocore>=1.3.0,<1.4.0',",
        'Requires-Dist: numpy ">=1.19"; python_version >= "3.7"',
        "",
      ].join("\n"),
      { onWarning: (w) => warnings.push(w) },
    );
    expect(meta.requiresPython?.toString()).toBe(">=2.7, !=3.0.*, !=3.1.*");
    expect(meta.requiresDist.map(String)).toEqual(
      reqs(
        "elasticsearch-dsl>=7.2.0,<8.0.0",
        "botocore>=1.3.0,<1.4.0",
        "numpy>=1.19 ; python_version >= '3.7'",
      ),
    );
    expect(warnings).toContain(
      "Fixing invalid version specifier by removing trailing comma, removing stray quotes (before: `>=2.7, !=3.0.*, !=3.1.*',`; after: `>=2.7, !=3.0.*, !=3.1.*`)",
    );
    expect(warnings).toHaveLength(4);
  });

  it("normalises_provides_extra_and_skips_invalid_ones", () => {
    const warnings: string[] = [];
    const meta = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: a\nVersion: 1\nProvides-Extra: Foo_Bar\nProvides-Extra: -bad-\nProvides-Extra: c.d\n",
      { onWarning: (w) => warnings.push(w) },
    );
    expect(meta.providesExtra).toEqual(["foo-bar", "c-d"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Ignoring invalid extra: /);
  });

  it("rejects_a_description_that_is_not_utf8", () => {
    const bytes = Uint8Array.from([
      ...Buffer.from("Metadata-Version: 2.1\nName: a\nVersion: 1\n\nbad "),
      0xff,
    ]);
    expect(errorOf(() => parseCoreMetadata(bytes)).message).toBe(
      "The description is not valid utf-8",
    );
  });

  it("rejects_an_import_name_that_is_also_a_namespace", () => {
    const s =
      "Metadata-Version: 2.5\nName: pkg\nVersion: 1.0\nImport-Name: spam ; private\nImport-Namespace: spam\n";
    expect(errorOf(() => parseCoreMetadata(s)).message).toBe(
      "`Import-Name` and `Import-Namespace` must not both contain `spam`",
    );
  });
});

describe("parseResolutionMetadata", () => {
  it("does_not_need_metadata_version", () => {
    expect(errorOf(() => parseResolutionMetadata("Metadata-Version: 1.0")).message).toBe(
      "Metadata field Name not found",
    );
    const meta = parseResolutionMetadata("Name: asdf\nVersion: 1.0\nDynamic: Version");
    expect(meta.name).toBe("asdf");
    expect(meta.version.toString()).toBe("1.0");
    expect(meta.dynamic).toBe(true);
  });
});

describe("parsePkgInfoResolutionMetadata", () => {
  it("requires_metadata_2_2_or_later", () => {
    expect(errorOf(() => parsePkgInfoResolutionMetadata("Metadata-Version: 2.1")).message).toBe(
      "Reading metadata from `PKG-INFO` requires Metadata 2.2 or later (found: 2.1)",
    );
    expect(errorOf(() => parsePkgInfoResolutionMetadata("Metadata-Version: 3.0")).code).toBe(
      "pypi-types.unsupported-metadata-version",
    );
    expect(errorOf(() => parsePkgInfoResolutionMetadata("Metadata-Version: two")).message).toBe(
      "Invalid `Metadata-Version` field: two",
    );
    expect(
      errorOf(() => parsePkgInfoResolutionMetadata("Metadata-Version: 2.2\nName: asdf")).message,
    ).toBe("Metadata field Version not found");
  });

  it("refuses_dynamic_resolution_fields", () => {
    const e = errorOf(() =>
      parsePkgInfoResolutionMetadata(
        "Metadata-Version: 2.3\nName: asdf\nVersion: 1.0\nDynamic: Requires-Dist",
      ),
    );
    expect(e.message).toBe("The following field was marked as dynamic: Requires-Dist");
  });

  it("accepts_a_static_pkg_info", () => {
    const meta = parsePkgInfoResolutionMetadata(
      "Metadata-Version: 2.3\nName: asdf\nVersion: 1.0\nRequires-Dist: foo\nDynamic: Version\nDynamic: License",
    );
    expect(meta.requiresDist.map(String)).toEqual(["foo"]);
    expect(meta.dynamic).toBe(true);
  });
});

describe("isStaticForResolution", () => {
  const doc = (version: string, dynamic: string[]): string =>
    [
      `Metadata-Version: ${version}`,
      "Name: a",
      "Version: 1",
      ...dynamic.map((d) => `Dynamic: ${d}`),
    ].join("\n");
  it("follows_uvs_sdist_fast_path_rules", () => {
    expect(isStaticForResolution(parseCoreMetadata(doc("2.2", [])))).toBe(true);
    expect(isStaticForResolution(parseCoreMetadata(doc("2.4", ["Version", "License-File"])))).toBe(
      true,
    );
    expect(isStaticForResolution(parseCoreMetadata(doc("2.1", [])))).toBe(false);
    expect(isStaticForResolution(parseCoreMetadata(doc("3.0", [])))).toBe(false);
    expect(isStaticForResolution(parseCoreMetadata(doc("2.2", ["Requires-Python"])))).toBe(false);
    expect(isStaticForResolution(parseCoreMetadata(doc("2.2", ["Provides-Extra"])))).toBe(false);
    expect(isStaticForResolution(parseCoreMetadata(doc("2.2", ["Requires-Dist"])))).toBe(false);
  });
});
