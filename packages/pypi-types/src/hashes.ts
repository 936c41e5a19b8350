import { UvError } from "@uv-ts/error";

/** The hash algorithms uv understands, in the order it prefers them. */
export const HASH_ALGORITHMS_PREFERRED = ["sha512", "sha384", "sha256", "blake2b", "md5"] as const;

/** A hash algorithm uv understands. */
export type HashAlgorithm = (typeof HASH_ALGORITHMS_PREFERRED)[number];

/** Digests of one file by algorithm (hex). Other algorithms an index lists are not kept. */
export type Hashes = { readonly [A in HashAlgorithm]?: string };

/** Whether `name` is one of the {@link HashAlgorithm}s. */
export function isHashAlgorithm(name: string): name is HashAlgorithm {
  return (HASH_ALGORITHMS_PREFERRED as readonly string[]).includes(name);
}

/** A malformed or unsupported hash, with uv's messages. */
export class HashError extends UvError {
  /** `invalid-structure` (`algo:digest`), `invalid-fragment` (`algo=digest`), or `unsupported-algorithm`. */
  readonly kind: "invalid-structure" | "invalid-fragment" | "unsupported-algorithm";

  constructor(kind: HashError["kind"], input: string) {
    const message =
      kind === "invalid-structure"
        ? `Unexpected hash (expected \`<algorithm>:<hash>\`): ${input}`
        : kind === "invalid-fragment"
          ? `Unexpected fragment (expected \`#sha256=...\` or similar) on URL: ${input}`
          : `Unsupported hash algorithm (expected one of: \`md5\`, \`sha256\`, \`sha384\`, \`sha512\`, or \`blake2b\`) on: \`${input}\``;
    super(`pypi-types.hash-${kind}`, message);
    this.kind = kind;
  }
}

/** Parses a URL fragment such as `sha256=6088...`. */
export function parseHashFragment(fragment: string): Hashes {
  return parseSplit(fragment, "=", "invalid-fragment");
}

/** Parses an `algorithm:digest` string such as `sha256:6088...`. */
export function parseHashDigest(value: string): Hashes {
  return parseSplit(value, ":", "invalid-structure");
}

function parseSplit(
  input: string,
  separator: string,
  kind: "invalid-fragment" | "invalid-structure",
): Hashes {
  // Exactly one separator (`split` into two parts), without building the parts array.
  const at = input.indexOf(separator);
  if (at === -1 || input.indexOf(separator, at + 1) !== -1) throw new HashError(kind, input);
  const digest = input.slice(at + 1);
  // Literal objects rather than a computed key: one shape per algorithm, built without a lookup.
  switch (input.slice(0, at)) {
    case "sha256":
      return { sha256: digest };
    case "sha512":
      return { sha512: digest };
    case "sha384":
      return { sha384: digest };
    case "blake2b":
      return { blake2b: digest };
    case "md5":
      return { md5: digest };
    default:
      throw new HashError("unsupported-algorithm", input);
  }
}

/** The preferred `algorithm=digest` of `hashes`, or `undefined` when it holds none. */
export function preferredHash(
  hashes: Hashes,
): { algorithm: HashAlgorithm; digest: string } | undefined {
  for (const algorithm of HASH_ALGORITHMS_PREFERRED) {
    const digest = hashes[algorithm];
    if (digest !== undefined) return { algorithm, digest };
  }
  return undefined;
}
