import { InvalidNameError } from "./invalid-name-error.ts";

// ASCII classes spelled out: a case-insensitive flag would invite Unicode case folding questions.
const VALID_NAME = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;
const SEPARATOR_RUN = /[-_.]+/g;

/** PEP 503 normalisation (lowercase, each run of `-`, `_`, `.` becomes `-`), without validating. */
export function normalizeName(name: string): string {
  return isNormalized(name) ? name : name.replace(SEPARATOR_RUN, "-").toLowerCase();
}

// Most names arrive normalised already (index pages, lockfiles, metadata); those need no copy.
function isNormalized(name: string): boolean {
  let previousDash = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      previousDash = false;
    } else if (c === 45 && !previousDash) {
      previousDash = true;
    } else {
      return false;
    }
  }
  return true;
}

/** Whether `name` matches the PEP 508 name grammar (ASCII letters and digits, inner `-_.`). */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Validates and normalises; the shared core of the branded name parsers. */
export function validateAndNormalize(name: string): string {
  // One scan in place of the grammar: ASCII letters and digits, with `-_.` inside only.
  const last = name.length - 1;
  if (last < 0) throw new InvalidNameError(name);
  let normalized = true;
  let previousSeparator = false;
  for (let i = 0; i <= last; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      previousSeparator = false;
    } else if (c >= 65 && c <= 90) {
      normalized = false;
      previousSeparator = false;
    } else if (c === 45 || c === 46 || c === 95) {
      if (i === 0 || i === last) throw new InvalidNameError(name);
      if (c !== 45 || previousSeparator) normalized = false;
      previousSeparator = true;
    } else {
      throw new InvalidNameError(name);
    }
  }
  return normalized ? name : name.replace(SEPARATOR_RUN, "-").toLowerCase();
}
