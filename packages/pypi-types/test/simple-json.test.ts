import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseSimpleIndexJson,
  parseSimpleJson,
  parseTimestamp,
  SimpleApiError,
} from "../src/index.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const page = (files: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ meta: { "api-version": "1.1" }, name: "foo", files, ...extra });

const BASE = "https://pypi.org/simple/foo/";

describe("parseSimpleJson", () => {
  it("reads_a_pypi_project_page", () => {
    const project = parseSimpleJson(
      fixture("pypi-requests.json"),
      "https://pypi.org/simple/requests/",
    );
    expect(project.name).toBe("requests");
    expect(project.meta).toEqual({ apiVersion: "1.4" });
    expect(project.versions).toEqual(["0.2.0", "2.32.0", "2.32.3"]);
    expect(project.projectStatus).toEqual({ status: "active" });
    expect(project.files.map((f) => f.filename)).toEqual([
      "requests-0.2.0.tar.gz",
      "requests-2.32.0-py3-none-any.whl",
      "requests-2.32.3-py3-none-any.whl",
      "requests-2.32.3.tar.gz",
    ]);
    const [old, yanked, wheel] = project.files;
    expect(old).toEqual({
      filename: "requests-0.2.0.tar.gz",
      url: "https://files.pythonhosted.org/packages/ba/bb/dfa0141a32d773c47e4dede1a617c59a23b74dd302e449cf85413fc96bc4/requests-0.2.0.tar.gz",
      hashes: { sha256: "813202ace4d9301a3c00740c700e012fb9f3f8c73ddcfe02ab558a8df6f175fd" },
      yanked: false,
      coreMetadata: false,
      size: 5637,
      uploadTime: new Date("2011-02-14T20:18:41.380Z"),
    });
    expect(yanked?.yanked).toBe("Yanked due to conflicts with CVE-2024-35195 mitigation");
    expect(wheel?.requiresPython).toBe(">=3.8");
    expect(wheel?.coreMetadata).toEqual({
      sha256: "0b8a7b6f3c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
    });
    expect(wheel?.uploadTime?.toISOString()).toBe("2024-05-29T15:37:47.027Z");
  });

  it("resolves_relative_urls_against_the_page", () => {
    const project = parseSimpleJson(
      page([{ filename: "foo-1.0.tar.gz", url: "../../files/foo-1.0.tar.gz", hashes: {} }]),
      "https://example.org/simple/foo/",
    );
    expect(project.files[0]?.url).toBe("https://example.org/files/foo-1.0.tar.gz");
  });

  it("reads_every_spelling_of_core_metadata", () => {
    const files = parseSimpleJson(
      page([
        { filename: "a", url: "a", hashes: {}, "core-metadata": true },
        { filename: "b", url: "b", hashes: {}, "dist-info-metadata": { sha256: "x" } },
        { filename: "c", url: "c", hashes: {}, "data-dist-info-metadata": true },
        // The first non-null spelling wins.
        {
          filename: "d",
          url: "d",
          hashes: {},
          "core-metadata": null,
          "data-dist-info-metadata": { md5: "y" },
        },
        { filename: "e", url: "e", hashes: {} },
      ]),
      BASE,
    ).files;
    expect(files.map((f) => f.coreMetadata)).toEqual([
      true,
      { sha256: "x" },
      true,
      { md5: "y" },
      false,
    ]);
  });

  it("keeps_known_hash_algorithms_only", () => {
    const [file] = parseSimpleJson(
      page([
        { filename: "a", url: "a", hashes: { sha256: "s", sha1: "x", blake2b: "b", md5: null } },
      ]),
      BASE,
    ).files;
    expect(file?.hashes).toEqual({ sha256: "s", blake2b: "b" });
  });

  it("reads_yanked_as_bool_or_reason", () => {
    const files = parseSimpleJson(
      page([
        { filename: "a", url: "a", hashes: {}, yanked: true },
        { filename: "b", url: "b", hashes: {}, yanked: "broken" },
        { filename: "c", url: "c", hashes: {}, yanked: "" },
        { filename: "d", url: "d", hashes: {}, yanked: false },
      ]),
      BASE,
    ).files;
    expect(files.map((f) => f.yanked)).toEqual([true, "broken", true, false]);
  });

  it("tolerates_missing_name_meta_and_unknown_keys", () => {
    const project = parseSimpleJson(
      JSON.stringify({
        files: [{ filename: "a", url: "a", hashes: {}, provenance: "x", zstd: {} }],
        extra: 1,
      }),
      BASE,
    );
    expect(project.name).toBeUndefined();
    expect(project.meta).toEqual({});
    expect(project.versions).toBeUndefined();
    expect(project.files).toHaveLength(1);
  });

  it("reads_pep_792_project_status", () => {
    expect(
      parseSimpleJson(page([], { "project-status": { status: "archived", reason: "done" } }), BASE)
        .projectStatus,
    ).toEqual({ status: "archived", reason: "done" });
    expect(
      parseSimpleJson(page([], { "project-status": { status: "weird" } }), BASE).projectStatus,
    ).toEqual({
      status: "active",
    });
  });

  it("rejects_malformed_pages_with_clear_errors", () => {
    const cases: [string, string][] = [
      ["{", "Invalid Simple API JSON response: "],
      ["[]", "Invalid Simple API JSON response: the document must be an object"],
      ["{}", "Invalid Simple API JSON response: `files` must be an array"],
      [
        page([{ url: "a", hashes: {} }]),
        "Invalid Simple API JSON response: `files[0].filename` must be a string",
      ],
      [
        page([{ filename: "a", url: "a" }]),
        "Invalid Simple API JSON response: missing field `hashes` in `files[0]`",
      ],
      [
        page([{ filename: "a", url: "a", hashes: {}, yanked: 1 }]),
        "`files[0].yanked` must be a boolean or a string",
      ],
      [
        page([{ filename: "a", url: "a", hashes: {}, size: -1 }]),
        "`files[0].size` must be a non-negative integer",
      ],
      [
        page([{ filename: "a", url: "a", hashes: {}, "upload-time": "2024-01-01" }]),
        "`files[0].upload-time` is not an RFC 3339 timestamp: `2024-01-01`",
      ],
      [
        page([{ filename: "a", url: "a", hashes: { sha256: 5 } }]),
        "`files[0].hashes.sha256` must be a string",
      ],
      [
        page([{ filename: "a", url: "a", hashes: {}, "core-metadata": "yes" }]),
        "must be a boolean or a hash object",
      ],
    ];
    for (const [body, message] of cases) {
      expect(() => parseSimpleJson(body, BASE), body).toThrow(SimpleApiError);
      expect(() => parseSimpleJson(body, BASE), body).toThrow(message);
    }
  });

  it("accepts_bytes", () => {
    const bytes = new TextEncoder().encode(page([{ filename: "a", url: "a", hashes: {} }]));
    expect(parseSimpleJson(bytes, BASE).files).toHaveLength(1);
  });
});

describe("parseSimpleIndexJson", () => {
  it("reads_project_names", () => {
    expect(
      parseSimpleIndexJson(
        JSON.stringify({
          meta: { "api-version": "1.0" },
          projects: [{ name: "Flask" }, { name: "zope.interface" }],
        }),
      ),
    ).toEqual(["flask", "zope-interface"]);
    expect(() => parseSimpleIndexJson(JSON.stringify({ projects: [{ name: "-x" }] }))).toThrow(
      "`projects[0].name` is not a valid package name: `-x`",
    );
  });
});

describe("parseTimestamp", () => {
  it("reads_rfc_3339_with_an_offset", () => {
    expect(parseTimestamp("2022-11-14T17:14:53.935145Z")?.toISOString()).toBe(
      "2022-11-14T17:14:53.935Z",
    );
    expect(parseTimestamp("2022-11-14T19:14:53+02:00")?.toISOString()).toBe(
      "2022-11-14T17:14:53.000Z",
    );
    expect(parseTimestamp("2022-11-14 17:14:53z")?.toISOString()).toBe("2022-11-14T17:14:53.000Z");
    expect(parseTimestamp("0099-01-01T00:00:00Z")?.getUTCFullYear()).toBe(99);
    for (const bad of [
      "2022-11-14",
      "2022-11-14T17:14:53",
      "2022-02-30T00:00:00Z",
      "yesterday",
      "2022-11-14T25:00:00Z",
    ]) {
      expect(parseTimestamp(bad), bad).toBeUndefined();
    }
  });
});
