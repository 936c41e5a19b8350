import { describe, expect, it } from "vitest";
import { linkWorkerEnabled } from "../src/commands/pip-ops-execute.ts";

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
