import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ExtractError, ioError } from "./extract-error.ts";

/**
 * The single top-level directory of an unpacked sdist (`{name}-{version}/`), which the spec
 * requires. Errors with uv's messages when the archive is empty or has several top-level entries.
 */
export async function topLevelDirectory(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw ioError(error);
  }
  const [only] = names;
  if (only === undefined) {
    throw new ExtractError(
      "extract.tar-structure",
      "The top-level of the archive must only contain a list directory, but it's empty",
    );
  }
  if (names.length > 1) {
    const list = names
      .sort()
      .map((name) => JSON.stringify(name))
      .join(", ");
    throw new ExtractError(
      "extract.tar-structure",
      `The top-level of the archive must only contain a list directory, but it contains: [${list}]`,
    );
  }
  return join(dir, only);
}
