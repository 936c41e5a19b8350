const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/**
 * The `CERTIFICATE` blocks of a PEM bundle, each exactly as the bundle spells it, in order. Found
 * with string searches only: parsing them as X.509 is what costs ~0.17 ms per certificate.
 * Other block kinds (`TRUSTED CERTIFICATE`, with its trust settings, or CRLs) are left out, so they
 * are never selected on their own; a bundle that needs them is used whole.
 */
export function splitPemCertificates(text: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) break;
    const end = text.indexOf(END, begin + BEGIN.length);
    if (end < 0) break;
    from = end + END.length;
    blocks.push(text.slice(begin, from));
  }
  return blocks;
}

/** The SHA-256 of a certificate's DER encoding, as lowercase hex. */
export function derFingerprint(der: Uint8Array): string {
  // Fetched here, not imported: only a run that connects with a custom bundle needs it.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(der).digest("hex");
}

/** The SHA-256 of the DER inside one block from {@link splitPemCertificates}, as lowercase hex. */
export function pemFingerprint(pem: string): string {
  const body = pem.slice(BEGIN.length, pem.length - END.length);
  return derFingerprint(Buffer.from(body, "base64"));
}
