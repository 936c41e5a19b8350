import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import { ExtractError, extractTarGz, extractZip } from "../src/index.ts";
import { scratch } from "./helpers.ts";
import { buildTar } from "./raw-tar.ts";

const ORACLE = fileURLToPath(new URL("./oracle_archives.py", import.meta.url));

type OracleResult = { ok: true; files: Record<string, string> } | { ok: false; error: string };

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.py)?$/);
const files = fc
  .uniqueArray(
    fc.record({
      path: fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join("/")),
      data: fc.uint8Array({ maxLength: 200 }),
      compress: fc.boolean(),
    }),
    { selector: (f) => f.path, minLength: 1, maxLength: 4 },
  )
  .filter((list) => !list.some((a) => list.some((b) => b.path.startsWith(`${a.path}/`))));
const mutations = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
  maxLength: 2,
});

async function zipOf(
  list: { path: string; data: Uint8Array; compress: boolean }[],
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of list) zip.addBuffer(Buffer.from(f.data), f.path, { compress: f.compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function mutate(bytes: Buffer, changes: { at: number; value: number }[]): Buffer {
  const out = Buffer.from(bytes);
  for (const { at, value } of changes) out[at % out.length] = value;
  return out;
}

async function ours(file: string, dest: string, format: "zip" | "tar") {
  try {
    const result = format === "zip" ? await extractZip(file, dest) : await extractTarGz(file, dest);
    const map: Record<string, string> = {};
    for (const f of result.files) {
      map[f.path] = createHash("sha256")
        .update(await readFile(join(dest, f.path)))
        .digest("hex");
    }
    return map;
  } catch (error) {
    if (error instanceof ExtractError) return undefined;
    throw error;
  }
}

describe.skipIf(!hasFeature("python") || !oracleAvailable())(
  "differential_vs_python_readers",
  () => {
    it("whatever_we_accept_python_reads_identically", async () => {
      const root = await scratch();
      const cases = fc.sample(
        fc.tuple(files, mutations, fc.constantFrom("zip" as const, "tar" as const)),
        {
          numRuns: 200,
          seed: 706,
        },
      );
      const inputs: { path: string; format: "zip" | "tar" }[] = [];
      const mine: (Record<string, string> | undefined)[] = [];
      for (const [i, [list, changes, format]] of cases.entries()) {
        let bytes: Buffer;
        if (format === "zip") {
          bytes = mutate(await zipOf(list), changes);
        } else {
          const raw = buildTar(list.map((f) => ({ name: f.path, data: Buffer.from(f.data) })));
          bytes = gzipSync(
            mutate(
              raw,
              changes.map((c) => ({ ...c, at: c.at % (512 * list.length) })),
            ),
          );
        }
        const path = join(root, `${i}.${format === "zip" ? "zip" : "tar.gz"}`);
        await writeFile(path, bytes);
        inputs.push({ path, format });
        mine.push(await ours(path, join(root, `out-${i}`), format));
      }
      const python = runOracle<OracleResult[]>(ORACLE, inputs);
      const disagreements: string[] = [];
      let accepted = 0;
      mine.forEach((result, i) => {
        if (result === undefined) return;
        accepted += 1;
        const theirs = python[i] as OracleResult;
        if (!theirs.ok) disagreements.push(`${inputs[i]?.path}: python rejects (${theirs.error})`);
        else if (
          JSON.stringify(Object.entries(theirs.files).sort()) !==
          JSON.stringify(Object.entries(result).sort())
        ) {
          disagreements.push(
            `${inputs[i]?.path}: ${JSON.stringify(theirs.files)} != ${JSON.stringify(result)}`,
          );
        }
      });
      expect(disagreements).toEqual([]);
      // Not vacuous: most unmutated and many mutated archives are accepted.
      expect(accepted).toBeGreaterThan(60);
      expect(accepted).toBeLessThan(cases.length);
    });
  },
);
