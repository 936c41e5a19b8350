import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCanonicalHttpUrl } from "../src/canonical-url.ts";
import { resolveUrl } from "../src/simple-file.ts";

// Characters that matter to the URL parser: case, dots, percent signs, separators, the path
// percent-encode set, and a few beyond ASCII.
const TRICKY = [..."aAzZ09.-_~%2eE/\\:@?#[]^|`{}<>\" \t!$&'()*+,;=x"].concat(["é", "\u0000", "ß"]);

const piece = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.constantFrom("/.", "/..", "/%2e", "/%2E/", "xn--", ":443", ":80", "0x7f", "127.1", ".."),
);
const tail = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(""));
const host = fc.oneof(
  fc.constantFrom("files.pythonhosted.org", "example.org", "a.b", "localhost", "127.0.0.1"),
  fc.array(fc.constantFrom(..."ab1-.X"), { minLength: 1, maxLength: 8 }).map((c) => c.join("")),
);
const candidate = fc
  .tuple(fc.constantFrom("https://", "http://", "HTTPS://", "ftp://", ""), host, tail)
  .map(([scheme, h, t]) => `${scheme}${h}${t}`);

function parsedHref(text: string): string | undefined {
  try {
    return new URL(text).href;
  } catch {
    return undefined;
  }
}

describe("isCanonicalHttpUrl", () => {
  it("never claims a URL the parser would change", () => {
    fc.assert(
      fc.property(candidate, (text) => {
        if (isCanonicalHttpUrl(text)) expect(parsedHref(text)).toBe(text);
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it("recognises the file links PyPI serves", () => {
    const links = [
      "https://files.pythonhosted.org/packages/f5/4b/abc/trio-0.26.2-py3-none-any.whl",
      "https://files.pythonhosted.org/packages/00/11/torch-2.0.0%2Bcpu-cp311-cp311-linux_x86_64.whl",
      "http://127.0.0.1.nip.io/simple/a/a-1.0.tar.gz",
    ];
    for (const link of links) {
      expect(isCanonicalHttpUrl(link)).toBe(true);
      expect(parsedHref(link)).toBe(link);
    }
  });

  it("leaves everything else to the parser", () => {
    for (const text of [
      "HTTPS://files.pythonhosted.org/x.whl",
      "https://Files.pythonhosted.org/x.whl",
      "https://files.pythonhosted.org:443/x.whl",
      "https://user@files.pythonhosted.org/x.whl",
      "https://files.pythonhosted.org/a/../x.whl",
      "https://files.pythonhosted.org/a/%2E%2e/x.whl",
      "https://files.pythonhosted.org/a b.whl",
      "https://files.pythonhosted.org/x.whl?query",
      "https://127.0.0.1/x.whl",
      "https://xn--nxasmq6b.example/x.whl",
      "https://files.pythonhosted.org",
      "../../packages/x.whl",
      "/packages/x.whl",
    ]) {
      expect(isCanonicalHttpUrl(text)).toBe(false);
    }
  });

  it("gives resolveUrl the parser's answer either way", () => {
    fc.assert(
      fc.property(candidate, (text) => {
        let expected: string | undefined;
        try {
          expected = new URL(text, "https://pypi.org/simple/a/").href;
        } catch {
          expected = undefined;
        }
        if (expected === undefined) {
          expect(() => resolveUrl(text, "https://pypi.org/simple/a/")).toThrow();
        } else {
          expect(resolveUrl(text, "https://pypi.org/simple/a/")).toBe(expected);
        }
      }),
      { numRuns: 5_000, seed: 11 },
    );
  });
});
