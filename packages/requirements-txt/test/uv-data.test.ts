import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pep508Error } from "@uv-ts/pep508";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRequirementsTxt, RequirementsTxtError } from "../src/index.ts";
import { field, inner, parseSnapshot } from "./rust-debug.ts";
import { summariseOursFile, summariseUvFile } from "./summary.ts";

// uv's own parser test inputs and snapshots (see data/README.md).
const DATA = fileURLToPath(new URL("./data/uv", import.meta.url));
const SNAPSHOTS = fileURLToPath(new URL("./data/uv-snapshots", import.meta.url));

async function snapshot(name: string) {
  return parseSnapshot(await readFile(join(SNAPSHOTS, `${name}.snap`), "utf8"));
}

const PORTABLE = [
  "basic.txt",
  "constraints-a.txt",
  "constraints-b.txt",
  "empty.txt",
  "for-poetry.txt",
  "include-a.txt",
  "include-b.txt",
  "poetry-with-hashes.txt",
  "small.txt",
  "whitespace.txt",
];

describe("uv_requirements_txt_parse", () => {
  it.each(PORTABLE)("parse %s", async (name) => {
    const actual = await parseRequirementsTxt(join(DATA, name), { workingDir: DATA, env: {} });
    const expected = summariseUvFile(await snapshot(`parse-${name}`), DATA);
    expect(summariseOursFile(actual)).toEqual(expected);
  });

  it.each(["bare-url.txt", "editable.txt"])("parse_unix %s", async (name) => {
    const actual = await parseRequirementsTxt(join(DATA, name), { workingDir: DATA, env: {} });
    const expected = summariseUvFile(await snapshot(`parse-unix-${name}`), DATA);
    expect(summariseOursFile(actual)).toEqual(expected);
  });

  it("parse_includes_the_referenced_files_as_uv_does", async () => {
    // A guard that the summaries are not vacuous: these files hold real content.
    const a = await parseRequirementsTxt(join(DATA, "include-a.txt"), {
      workingDir: DATA,
      env: {},
    });
    expect(a.requirements.map((e) => e.requirement.toString())).toEqual(["tomli", "numpy==1.24.2"]);
    const c = await parseRequirementsTxt(join(DATA, "constraints-a.txt"), {
      workingDir: DATA,
      env: {},
    });
    expect(c.constraints.map((e) => e.requirement.toString())).toEqual([
      "django==2.1.15",
      "pytz==2023.3",
    ]);
  });
});

describe("uv_requirements_txt_line_endings", () => {
  let temp: string;
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), "uv-ts-reqs-"));
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it.each(PORTABLE)("line_endings %s", async (name) => {
    const dir = await mkdtemp(join(temp, "case-"));
    for (const file of await readdir(DATA)) await copyFile(join(DATA, file), join(dir, file));
    const original = await readFile(join(DATA, name), "utf8");
    const swapped = original.includes("\r\n")
      ? original.replaceAll("\r\n", "\n")
      : original.replaceAll("\n", "\r\n");
    await writeFile(join(dir, name), swapped);
    // As in uv's test, the working directory stays the original one.
    const actual = await parseRequirementsTxt(join(dir, name), { workingDir: DATA, env: {} });
    const expected = summariseUvFile(await snapshot(`line-endings-${name}`), dir);
    expect(summariseOursFile(actual)).toEqual(expected);
  });
});

describe("uv_requirements_txt_parse_err", () => {
  it.each(["semicolon.txt", "hash.txt"])("parse_err %s", async (name) => {
    const snap = await snapshot(`parse-unix-${name}`);
    const error = await parseRequirementsTxt(join(DATA, name), { workingDir: DATA, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequirementsTxtError);
    const err = error as RequirementsTxtError;
    const uvError = field(snap, "error");
    const source = field(uvError, "source");
    expect(err.kind).toBe("requirement");
    expect(err.position).toBe(field(uvError, "start"));
    expect(err.message).toBe(
      `Couldn't parse requirement in \`${name}\` at position ${field(uvError, "start")}`,
    );
    const cause = err.cause;
    expect(cause).toBeInstanceOf(Pep508Error);
    const pep508 = cause as Pep508Error;
    expect(pep508.input).toBe(field(source, "input"));
    expect(pep508.start).toBe(field(source, "start"));
    expect(pep508.len).toBe(field(source, "len"));
    const message = field(source, "message");
    if (name === "hash.txt") {
      expect(pep508.reason).toBe(inner(message));
    } else {
      // `UrlError(MissingExtensionPath(path, Dist))`.
      const path = inner(inner(message));
      expect(pep508.reason).toBe(
        `Expected path (\`${path}\`) to end in a supported file extension: \`.whl\`, \`.tar.gz\`, \`.zip\`, \`.tar.bz2\`, \`.tar.lz\`, \`.tar.lzma\`, \`.tar.xz\`, \`.tar.zst\`, \`.tar\`, \`.tbz\`, \`.tgz\`, \`.tlz\`, or \`.txz\``,
      );
    }
  });
});
