import { InvalidNameError } from "./invalid-name-error.ts";

// ASCII classes spelled out: a case-insensitive flag would invite Unicode case folding questions.
const VALID_NAME = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;
const SEPARATOR_RUN = /[-_.]+/g;

/** PEP 503 normalisation (lowercase, each run of `-`, `_`, `.` becomes `-`), without validating. */
export function normalizeName(name: string): string {
  return name.replace(SEPARATOR_RUN, "-").toLowerCase();
}

/** Whether `name` matches the PEP 508 name grammar (ASCII letters and digits, inner `-_.`). */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Validates and normalises; the shared core of the branded name parsers. */
export function validateAndNormalize(name: string): string {
  if (!isValidName(name)) throw new InvalidNameError(name);
  return normalizeName(name);
}
