import { parseHeaderDocument } from "@uv-ts/pypi-types";
import { InvalidWheelError } from "./install-error.ts";

/** What an installer needs from `<name>-<version>.dist-info/WHEEL`. */
export interface WheelFile {
  /** `Wheel-Version` as written, e.g. `1.0`. */
  readonly wheelVersion: string;
  /** `Root-Is-Purelib: true` sends the archive root to purelib, anything else to platlib. */
  readonly rootIsPurelib: boolean;
  /** The `Tag` lines. */
  readonly tags: readonly string[];
}

/**
 * Parses a `WHEEL` file and checks `Wheel-Version` as the spec asks: a major version other than 1
 * is an error (the ancient `0.1` is tolerated, as uv and pip do); a greater minor is accepted.
 * Header names are case-sensitive and values are trimmed, as in uv.
 */
export function parseWheelFile(text: string | Uint8Array): WheelFile {
  let fields: ReturnType<typeof parseHeaderDocument>["fields"];
  try {
    fields = parseHeaderDocument(text).fields;
  } catch (error) {
    throw new InvalidWheelError(`Failed to parse WHEEL file: ${(error as Error).message}`, error);
  }
  const values = (name: string) => fields.filter((f) => f.name === name).map((f) => f.value.trim());

  // Some wheels repeat `Wheel-Version`; like pip, the first one counts.
  const wheelVersion = values("Wheel-Version")[0];
  const dot = wheelVersion?.indexOf(".") ?? -1;
  if (wheelVersion === undefined || dot < 0) {
    const shown = wheelVersion === undefined ? "None" : `Some(${JSON.stringify(wheelVersion)})`;
    throw new InvalidWheelError(`Invalid Wheel-Version in WHEEL file: ${shown}`);
  }
  const major = wheelVersion.slice(0, dot);
  const minor = wheelVersion.slice(dot + 1);
  if (!(major === "0" && minor === "1") && major !== "1") {
    throw new InvalidWheelError(`Unsupported wheel major version (expected 1, got ${major})`);
  }
  return {
    wheelVersion,
    rootIsPurelib: values("Root-Is-Purelib")[0] === "true",
    tags: values("Tag"),
  };
}
