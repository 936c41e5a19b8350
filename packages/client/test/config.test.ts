import { describe, expect, it } from "vitest";
import {
  CredentialStore,
  clientSettingsFromEnv,
  createLimiter,
  IndexLocations,
  IndexUrl,
  netrcLookup,
  parseNetrc,
} from "../src/index.ts";

describe("index locations", () => {
  it("extra_indexes_come_before_the_default_and_pypi_is_the_fallback", () => {
    const locations = IndexLocations.fromArgs({
      indexUrl: "https://main.example/simple",
      extraIndexUrls: ["https://a.example/simple", "https://b.example/simple/"],
    });
    expect(locations.fetchIndexes().map((i) => i.url.toString())).toEqual([
      "https://a.example/simple",
      "https://b.example/simple/",
      "https://main.example/simple",
    ]);
    expect(new IndexLocations().fetchIndexes().map((i) => [i.url.toString(), i.url.kind])).toEqual([
      ["https://pypi.org/simple", "pypi"],
    ]);
    expect(
      IndexLocations.fromArgs({
        noIndex: true,
        indexUrl: "https://x.example/simple",
      }).fetchIndexes(),
    ).toEqual([]);
  });

  it("duplicate_urls_and_names_are_searched_once", () => {
    const a = IndexUrl.parse("https://a.example/simple");
    const locations = new IndexLocations({
      indexes: [
        { name: "a", url: a },
        { name: "a", url: IndexUrl.parse("https://shadowed.example/simple") },
        { url: IndexUrl.parse("https://a.example/simple/") },
        { name: "pinned", url: IndexUrl.parse("https://p.example/simple"), explicit: true },
      ],
    });
    expect(locations.fetchIndexes().map((i) => i.url.toString())).toEqual([
      "https://a.example/simple",
      "https://pypi.org/simple",
    ]);
    expect(locations.explicitIndexes().map((i) => i.name)).toEqual(["pinned"]);
  });

  it("paths_become_file_urls_and_credentials_stay_hidden", () => {
    const local = IndexUrl.parse("./wheels", "/srv/project");
    expect(local.kind).toBe("path");
    expect(local.path).toBe("/srv/project/wheels");
    expect(local.toString()).toBe("file:///srv/project/wheels");
    const secret = IndexUrl.parse("https://me:hunter2@private.example/simple");
    expect(`${secret}`).toBe("https://me:****@private.example/simple");
    expect(JSON.stringify({ secret })).toBe('{"secret":"https://me:****@private.example/simple"}');
    expect(secret.secretUrl.password).toBe("hunter2");
    expect(() => IndexUrl.parse("https://me:hunter2@[bad/simple")).toThrow(
      "Invalid index URL: `https://me:****@[bad/simple`",
    );
  });
});

describe("netrc", () => {
  it("netrc_parses_machines_default_and_skips_macros", () => {
    const netrc = parseNetrc(
      [
        "machine example.com login alice password 'p1'",
        "macdef init",
        "  machine evil.example login x password y",
        "",
        "machine Other.Example",
        "  login bob",
        '  password "with space"',
        "default login anon password guest",
      ].join("\n"),
    );
    expect(netrcLookup(netrc, "example.com")).toEqual({ login: "alice", password: "'p1'" });
    expect(netrcLookup(netrc, "other.example")).toEqual({ login: "bob", password: "with space" });
    expect(netrc.machines.has("evil.example")).toBe(false);
    expect(netrcLookup(netrc, "unknown.example")).toEqual({ login: "anon", password: "guest" });
  });

  it("credentials_prefer_the_url_then_the_realm_then_netrc", async () => {
    const store = new CredentialStore({
      netrcPath: null,
      seedUrls: [new URL("https://u:p@index.example/simple/")],
    });
    expect(await store.credentialsFor(new URL("https://index.example/files/a.whl"))).toEqual({
      username: "u",
      password: "p",
    });
    expect(
      await store.credentialsFor(new URL("https://index.example:8443/files/a.whl")),
    ).toBeUndefined();
    expect(await store.credentialsFor(new URL("https://x:y@other.example/"))).toEqual({
      username: "x",
      password: "y",
    });
  });
});

describe("environment", () => {
  it("env_settings_use_uvs_names_and_errors", () => {
    expect(clientSettingsFromEnv({ UV_HTTP_RETRIES: "5", UV_HTTP_TIMEOUT: "2" })).toEqual({
      retries: 5,
      timeoutMs: 2000,
      noRetryDelay: false,
      noHedge: false,
    });
    expect(clientSettingsFromEnv({ HTTP_TIMEOUT: "7", UV_TEST_NO_HTTP_RETRY_DELAY: "1" })).toEqual({
      timeoutMs: 7000,
      noRetryDelay: true,
      noHedge: false,
    });
    expect(clientSettingsFromEnv({ UV_TS_HEDGE: "0" }).noHedge).toBe(true);
    expect(() => clientSettingsFromEnv({ UV_HTTP_RETRIES: "foo" })).toThrow(
      "Failed to parse environment variable `UV_HTTP_RETRIES` with invalid value `foo`: invalid digit found in string",
    );
    expect(() => clientSettingsFromEnv({ UV_HTTP_TIMEOUT: "1.5" })).toThrow(
      "Failed to parse environment variable `UV_HTTP_TIMEOUT` with invalid value `1.5`: invalid digit found in string; value should be an integer number of seconds",
    );
    expect(() => clientSettingsFromEnv({ UV_HTTP_RETRIES: "4294967296" })).toThrow(
      "number too large to fit in target type",
    );
  });
});

describe("limiter", () => {
  it("limiter_never_runs_more_than_its_concurrency", async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(i);
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toHaveLength(20);
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
