import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseSimpleHtml, type SimpleFile } from "@uv-ts/pypi-types";
import { readBody } from "./body.ts";
import type { CachedClient } from "./cached-client.ts";
import { FindLinksError, OfflineError } from "./errors.ts";
import { urlDigest } from "./http-cache/store.ts";
import type { IndexUrl } from "./index-url.ts";
import { stripCredentials } from "./redact.ts";

async function readDirectory(dir: string): Promise<SimpleFile[]> {
  const files: SimpleFile[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      // `stat` follows symlinks: a link to a directory is skipped like a directory.
      info = await stat(path);
    } catch {
      continue;
    }
    if (!info.isFile()) continue;
    files.push({
      filename: name,
      url: pathToFileURL(path).href,
      hashes: {},
      yanked: false,
      coreMetadata: false,
      size: info.size,
    });
  }
  return files;
}

/**
 * Lists the files of one `--find-links` location: a local directory (every file in it), a local
 * HTML file, or the URL of an HTML page (through the HTTP cache). Offline, an uncached page
 * yields no files rather than an error, as in uv.
 */
export async function readFlatIndex(
  index: IndexUrl,
  client: CachedClient,
  options: { readonly refresh: boolean },
): Promise<SimpleFile[]> {
  if (index.kind === "path") {
    const path = index.path as string;
    let isFile: boolean;
    try {
      isFile = (await stat(path)).isFile();
    } catch (error) {
      throw new FindLinksError(
        "find-links-directory",
        `Failed to read \`--find-links\` directory: ${path}`,
        {
          cause: error,
        },
      );
    }
    if (isFile) {
      try {
        return [...parseSimpleHtml(await readFile(path, "utf8"), index.secretUrl).files];
      } catch (error) {
        throw new FindLinksError(
          "find-links-file",
          `Failed to read \`--find-links\` file: ${path}`,
          {
            cause: error,
          },
        );
      }
    }
    try {
      return await readDirectory(path);
    } catch (error) {
      throw new FindLinksError(
        "find-links-directory",
        `Failed to read \`--find-links\` directory: ${path}`,
        {
          cause: error,
        },
      );
    }
  }
  const url = index.secretUrl;
  try {
    return await client.get(
      {
        request: { url, headers: { accept: "text/html", "accept-encoding": "gzip" } },
        key: {
          bucket: "flat-index",
          shard: ["html"],
          file: `${urlDigest(stripCredentials(url).href)}.json`,
        },
        refresh: options.refresh,
        read: async (res) => ({ url: res.url.href, body: (await readBody(res)).toString("utf8") }),
      },
      (payload: { url: string; body: string }) => [
        ...parseSimpleHtml(payload.body, payload.url).files,
      ],
    );
  } catch (error) {
    if (error instanceof OfflineError) return [];
    throw new FindLinksError("find-links-url", `Failed to read \`--find-links\` URL: ${index}`, {
      cause: error,
    });
  }
}
