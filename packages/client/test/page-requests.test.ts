// Page requests for every name the resolver knows go out at once, and a page hands its slot on
// as soon as its body is in: parsing it is main-thread work that holding a slot cannot speed up.
import { createSecureServer, type Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLimiter, createRegistryClient, IndexLocations } from "../src/index.ts";
import { jsonPage, useSelfSignedCertificate } from "./helpers.ts";

const cert = useSelfSignedCertificate();

describe("limiter release", () => {
  it("a_released_slot_goes_to_the_next_task_before_the_first_settles", async () => {
    const limit = createLimiter(1);
    const events: string[] = [];
    let finishFirst: () => void = () => {};
    const first = limit(async (release) => {
      events.push("first starts");
      release();
      // Released twice (and again when it settles): still one slot, not three.
      release();
      await new Promise<void>((resolve) => {
        finishFirst = resolve;
      });
      events.push("first ends");
    });
    const second = limit(async () => {
      events.push("second starts");
    });
    const third = limit(async () => {
      events.push("third starts");
      finishFirst();
    });
    let active = 0;
    let peak = 0;
    const rest = Array.from({ length: 5 }, () =>
      limit(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
      }),
    );
    await Promise.all([first, second, third, ...rest]);
    expect(events).toEqual(["first starts", "second starts", "third starts", "first ends"]);
    expect(peak).toBe(1);
  }, 10_000);
});

it("pages_of_all_known_names_are_requested_at_once", async () => {
  // The server answers nothing until every page has been asked for: with a page limit below
  // the number of names, the run would never finish.
  const names = Array.from({ length: 24 }, (_, i) => `pkg${i}`);
  const held: { name: string; res: Http2ServerResponse }[] = [];
  const server = createSecureServer({ ...cert, allowHTTP1: false }, (req, res) => {
    const name = (req.url ?? "").split("/").filter(Boolean).pop() ?? "x";
    held.push({ name, res });
    if (held.length < names.length) return;
    for (const { name: n, res: r } of held.splice(0)) {
      r.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" });
      r.end(jsonPage(n));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: `https://127.0.0.1:${port}/simple/` }),
    cacheDir: join(cert.dir, "cache"),
    retryDelayMs: () => 0,
    env: { SSL_CERT_FILE: join(cert.dir, "bundle.pem") },
  });
  try {
    // Over HTTP/2, as against PyPI: one connection, every page a stream on it.
    const results = await Promise.all(names.map((name) => client.simple(name)));
    expect(results.map(([m]) => m?.distVersions)).toEqual(names.map(() => ["1.0"]));
  } finally {
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  // Without the fix the run waits forever; fail instead.
}, 10_000);
