import { readFile } from "node:fs/promises";
import { UvError } from "@uv-ts/error";

/** Reads a requirements file; `path` is absolute or an `http(s)://` URL. */
export type ReadRequirementsFile = (path: string) => Promise<string>;

/** Rust's `io::Error` text for the errors a read can hit, as uv prints them. */
const OS_ERRORS: Record<string, string> = {
  ENOENT: "No such file or directory (os error 2)",
  EACCES: "Permission denied (os error 13)",
  EISDIR: "Is a directory (os error 21)",
  ENOTDIR: "Not a directory (os error 20)",
  ELOOP: "Too many levels of symbolic links (os error 40)",
  EPERM: "Operation not permitted (os error 1)",
};

/** The reason part of uv's `failed to read from file` message for a thrown error. */
export function describeReadError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && OS_ERRORS[code] !== undefined) return OS_ERRORS[code];
    return error.message;
  }
  return String(error);
}

/** A file that could not be read; the message is what uv prints for it. */
export class ReadError extends UvError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("requirements-txt.read", message, options);
  }
}

/**
 * Decodes a file as uv does: UTF-8 (a BOM is dropped), or UTF-16 when it starts with a UTF-16
 * byte-order mark (Windows editors write those).
 */
export function decodeRequirementsFile(bytes: Uint8Array, path: string): string {
  const [a, b, c] = bytes;
  if (a === 0xff && b === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (a === 0xfe && b === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  const body = a === 0xef && b === 0xbb && c === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch (e) {
    throw new ReadError(
      `failed to read from file \`${path}\`: stream did not contain valid UTF-8`,
      { cause: e },
    );
  }
}

/**
 * The default reader: local files from disk; remote files are refused, as uv does offline
 * (fetching them needs the client, which lives in a higher tier and can be injected).
 */
export const readLocalRequirementsFile: ReadRequirementsFile = async (path) => {
  if (path.startsWith("http://") || path.startsWith("https://")) {
    throw new ReadError(
      `Network connectivity is disabled, but a remote requirements file was requested: ${path}`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ReadError(`failed to read from file \`${path}\`: ${describeReadError(e)}`, {
      cause: e,
    });
  }
  return decodeRequirementsFile(bytes, path);
};
