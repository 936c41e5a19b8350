import { startSpareThread } from "@uv-ts/fs";
import type { SitePackages } from "@uv-ts/installer";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { describe, expect, it } from "vitest";
import { linkWorkerEnabled, startEarlyLinkWorker } from "../src/commands/pip-ops-execute.ts";
import type { CommandContext } from "../src/context.ts";

describe("linkWorkerEnabled", () => {
  it("links_on_a_second_thread_where_there_is_a_second_core", () => {
    expect(linkWorkerEnabled({}, () => 2)).toBe(true);
    expect(linkWorkerEnabled({}, () => 16)).toBe(true);
    expect(linkWorkerEnabled({}, () => 1)).toBe(false);
  });

  it("UV_TS_LINK_WORKER_turns_it_off_or_forces_it", () => {
    expect(linkWorkerEnabled({ UV_TS_LINK_WORKER: "0" }, () => 8)).toBe(false);
    expect(linkWorkerEnabled({ UV_TS_LINK_WORKER: "1" }, () => 1)).toBe(true);
    // Anything else leaves the default.
    expect(linkWorkerEnabled({ UV_TS_LINK_WORKER: "" }, () => 1)).toBe(false);
    expect(linkWorkerEnabled({ UV_TS_LINK_WORKER: "yes" }, () => 4)).toBe(true);
  });
});

describe("startEarlyLinkWorker", () => {
  it("links_on_the_thread_the_launcher_started_ahead", async () => {
    // Waits for a program as the launcher's spare thread does (see `SpareThreads`).
    const spare = startSpareThread();
    const idle = [spare];
    const ctx = {
      io: { env: { UV_TS_LINK_WORKER: "1" }, spareThreads: { take: () => idle.shift() } },
    } as unknown as CommandContext;
    // Nothing installed: all of them are missing.
    const sitePackages = { get: () => [] } as unknown as SitePackages;
    const names: PackageName[] = [..."abcdefgh"].map((c) => parsePackageName(`pkg-${c}`));
    const worker = startEarlyLinkWorker(ctx, names, sitePackages);
    expect(worker).toBeDefined();
    expect(idle).toEqual([]);
    // Closing the link thread ends that very thread.
    const exited = new Promise((resolve) => spare.once("exit", resolve));
    worker?.close();
    await exited;
  });
});
