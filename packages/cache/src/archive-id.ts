import { randomBytes } from "node:crypto";

/**
 * A fresh random archive id: 16 URL-safe characters (96 bits), like uv's ids
 * (`kXS4ssQaRvVQRuEM`). Random rather than content-addressed, so that two processes unpacking the
 * same wheel never write into the same directory.
 */
export function newArchiveId(): string {
  return randomBytes(12).toString("base64url");
}
