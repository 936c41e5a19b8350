import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DirectUrl,
  DirectUrlError,
  directUrlToUrl,
  parseDirectUrl,
  serializeDirectUrl,
} from "../src/index.ts";

describe("direct_url.json", () => {
  it("writes_an_editable_directory_like_uv", () => {
    // Captured from `uv pip install -e ./proj` (uv 0.13.8).
    const written = '{"url":"file:///tmp/dutest/proj","dir_info":{"editable":true}}';
    const parsed = parseDirectUrl(written);
    expect(parsed).toEqual({
      kind: "directory",
      url: "file:///tmp/dutest/proj",
      dirInfo: { editable: true },
    });
    expect(serializeDirectUrl(parsed)).toBe(written);
  });

  it("writes_an_archive_without_hashes_like_uv", () => {
    // Captured from `uv pip install ./dist/proj-0.1.0-py3-none-any.whl`.
    const written =
      '{"url":"file:///tmp/dutest/dist/proj-0.1.0-py3-none-any.whl","archive_info":{}}';
    expect(serializeDirectUrl(parseDirectUrl(written))).toBe(written);
  });

  it("orders_keys_as_uv_and_sorts_hashes", () => {
    const archive: DirectUrl = {
      kind: "archive",
      url: "https://files.pythonhosted.org/packages/wheel-0.41.2-py3-none-any.whl",
      archiveInfo: {
        hash: "sha256=75909db2",
        hashes: { sha256: "75909db2", md5: "aa" },
      },
      subdirectory: "sub",
    };
    expect(serializeDirectUrl(archive)).toBe(
      '{"url":"https://files.pythonhosted.org/packages/wheel-0.41.2-py3-none-any.whl","archive_info":{"hash":"sha256=75909db2","hashes":{"md5":"aa","sha256":"75909db2"}},"subdirectory":"sub"}',
    );
    const vcs: DirectUrl = {
      kind: "vcs",
      url: "https://github.com/pallets/flask.git",
      vcsInfo: { vcs: "git", commitId: "8d9519df", requestedRevision: "main", gitLfs: true },
      subdirectory: "src",
      path: "x",
    };
    expect(serializeDirectUrl(vcs)).toBe(
      '{"url":"https://github.com/pallets/flask.git","vcs_info":{"vcs":"git","commit_id":"8d9519df","requested_revision":"main","git_lfs":true},"subdirectory":"src","path":"x"}',
    );
    expect(serializeDirectUrl({ kind: "directory", url: "file:///p", dirInfo: {} })).toBe(
      '{"url":"file:///p","dir_info":{}}',
    );
  });

  it("reads_pip_written_files_with_other_key_orders", () => {
    const pip =
      '{"archive_info": {"hash": "sha256=75909db2664838d015e3d9139004ee16711748a52c8f336b52882266540215d8", "hashes": {"sha256": "75909db2664838d015e3d9139004ee16711748a52c8f336b52882266540215d8"}}, "url": "https://files.pythonhosted.org/packages/b8/8b/31273bf66016be6ad22bb7345c37ff350276cfd46e389a0c2ac5da9d9073/wheel-0.41.2-py3-none-any.whl"}';
    const parsed = parseDirectUrl(pip);
    expect(parsed.kind).toBe("archive");
    expect(directUrlToUrl(parsed)).toBe(
      "https://files.pythonhosted.org/packages/b8/8b/31273bf66016be6ad22bb7345c37ff350276cfd46e389a0c2ac5da9d9073/wheel-0.41.2-py3-none-any.whl#sha256=75909db2664838d015e3d9139004ee16711748a52c8f336b52882266540215d8",
    );
    const vcs = parseDirectUrl(
      '{"url": "https://github.com/pallets/flask.git", "vcs_info": {"commit_id": "8d9519df093864ff90ca446d4af2dc8facd3c542", "vcs": "git", "unknown": 1}}',
    );
    expect(directUrlToUrl(vcs)).toBe(
      "git+https://github.com/pallets/flask.git@8d9519df093864ff90ca446d4af2dc8facd3c542",
    );
  });

  it("rebuilds_urls_with_fragments", () => {
    expect(
      directUrlToUrl({
        kind: "vcs",
        url: "https://github.com/a/b",
        vcsInfo: { vcs: "git", requestedRevision: "v1", gitLfs: true },
        subdirectory: "pkg",
      }),
    ).toBe("git+https://github.com/a/b@v1#subdirectory=pkg&lfs=true");
    expect(
      directUrlToUrl({
        kind: "directory",
        url: "file:///home/u/p",
        dirInfo: {},
        subdirectory: "sub",
      }),
    ).toBe("file:///home/u/p#subdirectory=sub");
    // The strongest hash wins; an unusable legacy `hash` is dropped.
    expect(
      directUrlToUrl({
        kind: "archive",
        url: "https://x.org/a.tar.gz",
        archiveInfo: { hashes: { md5: "m", sha512: "s" } },
      }),
    ).toBe("https://x.org/a.tar.gz#sha512=s");
    expect(
      directUrlToUrl({
        kind: "archive",
        url: "https://x.org/a.tar.gz",
        archiveInfo: { hash: "sha1=zz" },
      }),
    ).toBe("https://x.org/a.tar.gz");
  });

  it("rejects_malformed_files", () => {
    for (const bad of [
      "not json",
      "[]",
      '{"dir_info": {}}',
      '{"url": "file:///x"}',
      '{"url": "file:///x", "vcs_info": {"vcs": "cvs"}}',
      '{"url": "file:///x", "dir_info": {"editable": "yes"}}',
    ]) {
      expect(() => parseDirectUrl(bad), bad).toThrow(DirectUrlError);
    }
    expect(() => parseDirectUrl('{"url": 1, "dir_info": {}}')).toThrow(
      "Invalid `direct_url.json`: missing field `url`",
    );
  });

  it("round_trips_through_serialise_and_parse", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 20 });
    const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    // Drops `undefined` members, which `exactOptionalPropertyTypes` forbids in the model.
    const clean = (o: object): Record<string, unknown> =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    // `clean` erases the static shape; the arbitraries build exactly the `DirectUrl` variants.
    const directUrl = fc.oneof(
      fc
        .record({ url: text, editable: opt(fc.boolean()), subdirectory: opt(text) })
        .map(({ url, editable, subdirectory }) =>
          clean({
            kind: "directory",
            url,
            dirInfo: clean({ editable }),
            subdirectory,
          }),
        ),
      fc
        .record({
          url: text,
          hash: opt(text),
          hashes: opt(fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 4 })),
          subdirectory: opt(text),
        })
        .map(({ url, hash, hashes, subdirectory }) =>
          clean({
            kind: "archive" as const,
            url,
            archiveInfo: clean({ hash, hashes }),
            subdirectory,
          }),
        ),
      fc
        .record({
          url: text,
          vcs: fc.constantFrom("git" as const, "hg" as const, "bzr" as const, "svn" as const),
          commitId: opt(text),
          requestedRevision: opt(text),
          gitLfs: opt(fc.boolean()),
          subdirectory: opt(text),
          path: opt(text),
        })
        .map(({ url, vcs, commitId, requestedRevision, gitLfs, subdirectory, path }) =>
          clean({
            kind: "vcs",
            url,
            vcsInfo: clean({ vcs, commitId, requestedRevision, gitLfs }),
            subdirectory,
            path,
          }),
        ),
    ) as fc.Arbitrary<unknown> as fc.Arbitrary<DirectUrl>;
    fc.assert(
      fc.property(directUrl, (d) => {
        const json = serializeDirectUrl(d);
        const back = parseDirectUrl(json);
        // Hashes come back sorted, which `toEqual` ignores; the text must be stable too.
        expect(back).toEqual(d);
        expect(serializeDirectUrl(back)).toBe(json);
        expect(json).not.toContain("\n");
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
