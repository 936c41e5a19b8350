// The code a page thread (page-thread.ts) runs: scripts/bundle.mjs builds this file alone into
// `dist/page-thread.cjs`, which the thread loads by path. It imports only what reading a PEP 691
// JSON page needs (the page scanner, the grouping and its stored form), nothing of the network.
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import type { PackageName } from "@uv-ts/normalize";
import { scanSimpleJson } from "@uv-ts/pypi-types";
import type { PageJob, PageReply } from "./page-thread.ts";
import { GroupedDists } from "./simple-dists.ts";

/**
 * Reads one JSON page as `readSimplePage` does on the main thread (decodes the body, scans it,
 * groups its files by version and encodes them) and, when the job has a digest prefix, takes
 * the body's digest too. Any failure answers `failed`: the main thread then reads the page
 * itself, and so reports it with its own errors.
 */
export function readJsonPageJob(job: PageJob): PageReply {
  try {
    const bytes = Buffer.from(job.bytes);
    const digest =
      job.digestPrefix === undefined
        ? undefined
        : createHash("sha256").update(job.digestPrefix).update(bytes).digest("base64url");
    // The main thread's `decodeChunks`, for a body in one piece: the same text for any bytes.
    const body = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
    const page = scanSimpleJson(body, job.url);
    const dists = GroupedDists.fromJson(page.files, job.url, job.name as PackageName);
    const { index, tail } = dists.encode();
    // The tail goes back transferred, so it must own its memory: a small one is a slice of
    // Node's shared pool.
    const own =
      tail.byteOffset === 0 && tail.byteLength === tail.buffer.byteLength
        ? (tail.buffer as ArrayBuffer)
        : new Uint8Array(tail).buffer;
    return {
      id: job.id,
      index,
      tail: own,
      projectStatus: page.projectStatus,
      ...(page.versions === undefined ? {} : { versions: page.versions }),
      ...(digest === undefined ? {} : { digest }),
    };
  } catch {
    return { id: job.id, failed: true };
  }
}
