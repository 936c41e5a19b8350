// Wheel metadata is cached as parsed (a record), not as the `METADATA` document: a warm run
// reads it back without the header parser. Bad metadata is still an error on every fetch, and
// damaged or old entries are fetched again.
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryClient, IndexLocations } from "../src/index.ts";
import { renderError, startServer, tempDir } from "./helpers.ts";

const WHEEL = "foo-1.0-py3-none-any.whl";
const DESCRIPTION = "A description that only the document has.";

/** The `METADATA` the server hands out, by wheel. */
const documents = new Map<string, string>([
  [
    WHEEL,
    [
      "Metadata-Version: 2.3",
      "Name: Foo",
      "Version: 1.0",
      // uv repairs the missing comma.
      "Requires-Dist: bar >=7.2.0<8.0.0",
      "Requires-Dist: baz[x] ; extra == 'Test'",
      "Requires-Python: >=3.8,",
      "Provides-Extra: Test",
      "",
      DESCRIPTION,
      "",
    ].join("\n"),
  ],
  ["foo-2.0-py3-none-any.whl", "Metadata-Version: 2.3\nName: foo\nVersion: one\n"],
]);

let server: Awaited<ReturnType<typeof startServer>>;
let tmp: { path: string; cleanup: () => Promise<void> };
let caseNo = 0;

beforeAll(async () => {
  server = await startServer((req) => {
    // `/plain/...`: as through a proxy that strips every cache header.
    const match = /^(\/plain)?\/files\/([^/]+)\.metadata$/.exec(req.url);
    const body = match === null ? undefined : documents.get(match[2] as string);
    if (body === undefined) return { status: 404 };
    return {
      status: 200,
      headers: match?.[1] === undefined ? { "cache-control": "max-age=365000000, immutable" } : {},
      body,
    };
  });
  tmp = await tempDir();
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

function setup() {
  const cacheDir = join(tmp.path, `cache-${caseNo++}`);
  const client = (offline = false) =>
    createRegistryClient({
      indexes: IndexLocations.fromArgs({ indexUrl: `${server.url}/simple/` }),
      cacheDir,
      offline,
      retryDelayMs: () => 0,
      netrcPath: null,
      env: {},
    });
  const metadataOf = (c: ReturnType<typeof client>, wheel = WHEEL, prefix = "") =>
    c.wheelMetadata({ url: `${server.url}${prefix}/files/${wheel}`, coreMetadata: true }, wheel);
  /** The one entry file of the wheels bucket. */
  const entryPath = async () => {
    const root = join(cacheDir, "wheels-v0");
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(1);
    return join(root, files[0] as string);
  };
  return { client, metadataOf, entryPath };
}

function shown(metadata: Awaited<ReturnType<ReturnType<typeof setup>["metadataOf"]>>) {
  return {
    name: metadata.name,
    version: metadata.version.toString(),
    requiresDist: metadata.requiresDist.map(String),
    requiresPython: metadata.requiresPython?.toString(),
    providesExtra: metadata.providesExtra,
    dynamic: metadata.dynamic,
  };
}

const EXPECTED = {
  name: "foo",
  version: "1.0",
  requiresDist: ["bar>=7.2.0,<8.0.0", "baz[x] ; extra == 'test'"],
  requiresPython: ">=3.8",
  providesExtra: ["test"],
  dynamic: false,
};

describe("wheel metadata cache", () => {
  it("stores_the_parsed_metadata_and_reads_it_back_offline", async () => {
    const { client, metadataOf, entryPath } = setup();
    const fresh = await metadataOf(client());
    expect(shown(fresh)).toEqual(EXPECTED);
    const entry = await readFile(await entryPath(), "utf8");
    // The document itself is not kept: reading the entry cannot mean parsing it again.
    expect(entry).not.toContain(DESCRIPTION);
    expect(entry).not.toContain("Metadata-Version");
    const from = server.requests.length;
    const cached = await metadataOf(client(true));
    expect(shown(cached)).toEqual(EXPECTED);
    expect(cached).toEqual(fresh);
    expect(server.requests.length).toBe(from);
  });

  it("bad_metadata_is_an_error_on_every_fetch", async () => {
    const { client, metadataOf } = setup();
    const wheel = "foo-2.0-py3-none-any.whl";
    const from = server.requests.length;
    for (let i = 0; i < 2; i++) {
      const error = await metadataOf(client(), wheel).catch((e: unknown) => e);
      expect(renderError(error).split("\n").slice(0, 2)).toEqual([
        `Couldn't parse metadata of ${wheel} from ${server.url}/files/${wheel}`,
        "Invalid version: expected version to start with a number, but no leading ASCII digits were found",
      ]);
    }
    // Nothing was stored, so the second run asked again.
    expect(server.requests.length - from).toBe(2);
  });

  it("damaged_and_old_entries_are_fetched_again", async () => {
    const { client, metadataOf, entryPath } = setup();
    await metadataOf(client());
    const path = await entryPath();
    const good = JSON.parse(await readFile(path, "utf8"));
    const damaged = [
      { ...good.payload, record: { ...good.payload.record, version: "one" } },
      { ...good.payload, record: { ...good.payload.record, requiresDist: "bar" } },
      { format: good.payload.format },
      // The previous form: the document itself.
      { metadata: documents.get(WHEEL) },
    ];
    for (const payload of damaged) {
      await writeFile(path, JSON.stringify({ ...good, payload }));
      const from = server.requests.length;
      expect(shown(await metadataOf(client()))).toEqual(EXPECTED);
      expect(server.requests.slice(from).map((r) => r.url)).toEqual([`/files/${WHEEL}.metadata`]);
      expect(JSON.parse(await readFile(path, "utf8")).payload).toEqual(good.payload);
    }
  });

  it("a_document_served_again_unchanged_is_neither_parsed_nor_stored_again", async () => {
    const { client, metadataOf, entryPath } = setup();
    const wheel = "bar-1.0-py3-none-any.whl";
    documents.set(wheel, "Metadata-Version: 2.3\nName: bar\nVersion: 1.0\nRequires-Dist: x>=1\n");
    try {
      const first = await metadataOf(client(), wheel, "/plain");
      const path = await entryPath();
      const before = await stat(path);
      // Without validators or freshness, each run fetches the document again.
      const from = server.requests.length;
      const again = await metadataOf(client(), wheel, "/plain");
      expect(server.requests.length - from).toBe(1);
      expect(again).toEqual(first);
      // Not rewritten: the same file (a write replaces it with a new one).
      expect((await stat(path)).ino).toBe(before.ino);
      // A changed document is read and stored.
      documents.set(wheel, "Metadata-Version: 2.3\nName: bar\nVersion: 1.0\nRequires-Dist: y\n");
      const changed = await metadataOf(client(), wheel, "/plain");
      expect(changed.requiresDist.map(String)).toEqual(["y"]);
      expect((await stat(path)).ino).not.toBe(before.ino);
      expect(shown(await metadataOf(client(true), wheel, "/plain")).requiresDist).toEqual(["y"]);
      // A damaged entry of the same document is replaced, not trusted.
      const entry = JSON.parse(await readFile(path, "utf8"));
      const damaged = { ...entry.payload, record: { ...entry.payload.record, version: "one" } };
      await writeFile(path, JSON.stringify({ ...entry, payload: damaged }));
      expect(shown(await metadataOf(client(), wheel, "/plain")).version).toBe("1.0");
      expect(JSON.parse(await readFile(path, "utf8")).payload).toEqual(entry.payload);
    } finally {
      documents.delete(wheel);
    }
  });
});
