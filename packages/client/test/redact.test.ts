import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactText, redactUrl, stripCredentials } from "../src/index.ts";

describe("redactUrl", () => {
  it("masks_passwords_and_lone_usernames_as_uv_does", () => {
    expect(redactUrl("https://user:pass@pypi-proxy.fly.dev/basic-auth/simple")).toBe(
      "https://user:****@pypi-proxy.fly.dev/basic-auth/simple",
    );
    expect(redactUrl("https://user@pypi-proxy.fly.dev/basic-auth/simple")).toBe(
      "https://****@pypi-proxy.fly.dev/basic-auth/simple",
    );
    expect(redactUrl("https://:pass@pypi-proxy.fly.dev/basic-auth/simple")).toBe(
      "https://:****@pypi-proxy.fly.dev/basic-auth/simple",
    );
    expect(redactUrl("https://pypi-proxy.fly.dev/basic-auth/simple")).toBe(
      "https://pypi-proxy.fly.dev/basic-auth/simple",
    );
    expect(redactUrl("ssh://git@github.com/org/repo.git")).toBe(
      "ssh://git@github.com/org/repo.git",
    );
    expect(redactUrl("file:///tmp/wheels/a.whl")).toBe("file:///tmp/wheels/a.whl");
  });

  it("masks_presigned_s3_query_values", () => {
    expect(
      redactUrl(
        "https://bucket.s3.amazonaws.com/dist.whl?X-Amz-Algorithm=AWS4&X-Amz-Credential=credential&X-Amz-Signature=signature&x-amz-security-token=token",
      ),
    ).toBe(
      "https://bucket.s3.amazonaws.com/dist.whl?X-Amz-Algorithm=AWS4&X-Amz-Credential=****&X-Amz-Signature=****&x-amz-security-token=****",
    );
  });

  it("redact_text_masks_urls_inside_messages", () => {
    expect(
      redactText("fatal: Authentication failed for 'https://user:secret@example.com/org/repo.git'"),
    ).toBe("fatal: Authentication failed for 'https://user:****@example.com/org/repo.git'");
    expect(stripCredentials("https://u:p@example.com/simple/").href).toBe(
      "https://example.com/simple/",
    );
  });

  it("no_secret_survives_redaction", () => {
    const secret = fc
      .string({ unit: "grapheme-ascii", minLength: 6, maxLength: 20 })
      .filter((s) => /^[A-Za-z0-9]+$/.test(s));
    fc.assert(
      fc.property(secret, secret, fc.constantFrom("https", "http"), (user, password, scheme) => {
        const url = `${scheme}://${user}:${password}@index.example.com/simple/pkg/`;
        const shown = redactUrl(url);
        const text = redactText(`error sending request for url (${url})`);
        return (
          !shown.includes(`:${password}@`) &&
          !text.includes(`:${password}@`) &&
          shown.includes("index.example.com/simple/pkg/")
        );
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
