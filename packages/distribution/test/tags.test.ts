import { WheelFilename } from "@uv-ts/distribution-filename";
import type { InterpreterInfo } from "@uv-ts/python";
import { describe, expect, it } from "vitest";
import { bestWheel, interpreterTags } from "../src/index.ts";

const info = {
  markers: {
    implementation_name: "cpython",
    implementation_version: "3.12.1",
    os_name: "posix",
    platform_machine: "x86_64",
    platform_python_implementation: "CPython",
    platform_release: "",
    platform_system: "Linux",
    platform_version: "",
    python_full_version: "3.12.1",
    python_version: "3.12",
    sys_platform: "linux",
  },
  platform: { os: { name: "manylinux", major: 2, minor: 35 }, arch: "x86_64" },
  manylinux_compatible: true,
  gil_disabled: false,
  debug_enabled: false,
} as unknown as InterpreterInfo;

const names = (list: string[]) => list.map((n) => WheelFilename.parse(n));

describe("interpreterTags and bestWheel", () => {
  it("prefers_the_most_specific_compatible_wheel", () => {
    const tags = interpreterTags(info);
    const wheels = names([
      "a-1.0-py3-none-any.whl",
      "a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
      "a-1.0-cp312-abi3-manylinux_2_17_x86_64.whl",
      "a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
    ]);
    const choice = bestWheel(wheels, (w) => w, tags);
    expect(choice.kind === "compatible" && choice.item.toString()).toBe(
      "a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
    );
  });

  it("reports_the_most_specific_incompatibility", () => {
    const tags = interpreterTags(info);
    expect(bestWheel(names(["a-1.0-py2-none-any.whl"]), (w) => w, tags)).toEqual({
      kind: "incompatible",
      reason: "python",
    });
    expect(
      bestWheel(names(["a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"]), (w) => w, tags),
    ).toEqual({ kind: "incompatible", reason: "abi" });
    expect(bestWheel(names(["a-1.0-cp312-cp312-win_amd64.whl"]), (w) => w, tags)).toEqual({
      kind: "incompatible",
      reason: "platform",
    });
    expect(bestWheel([], (w: WheelFilename) => w, tags)).toEqual({ kind: "none" });
  });

  it("higher_build_tag_wins_on_equal_tags", () => {
    const tags = interpreterTags(info);
    const choice = bestWheel(
      names(["a-1.0-1-py3-none-any.whl", "a-1.0-2-py3-none-any.whl", "a-1.0-py3-none-any.whl"]),
      (w) => w,
      tags,
    );
    expect(choice.kind === "compatible" && choice.item.toString()).toBe("a-1.0-2-py3-none-any.whl");
  });
});
