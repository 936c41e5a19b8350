import { Version } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";
import { CancelledError } from "@uv-ts/pubgrub";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NoSolutionError,
  PythonRequirement,
  type ResolveRequest,
  resolve,
  SourceBuildUnsupportedError,
} from "../src/index.ts";
import { localClient, startResolverIndex, target } from "./harness.ts";

let server: IndexServer;
beforeAll(async () => {
  server = await startResolverIndex();
});
afterAll(() => server.close());

function request(requirements: string[], extra: Partial<ResolveRequest> = {}): ResolveRequest {
  return {
    manifest: { requirements: requirements.map((r) => Requirement.parse(r)) },
    target: target(),
    client: localClient(server),
    ...extra,
  };
}

describe("resolution", () => {
  it("records_files_hashes_extras_and_edges", async () => {
    const resolution = await resolve(request(["ext-a[fast]", "yank-a==2.0.0"]));
    expect(resolution.toPins()).toEqual([
      "ext-a==1.0.0",
      "ext-b==1.0.0",
      "ext-c==1.0.0",
      "yank-a==2.0.0",
    ]);
    const extA = resolution.get("ext-a" as never)!;
    expect(extA.extras).toEqual(["fast"]);
    expect(extA.dist.kind).toBe("registry");
    if (extA.dist.kind === "registry") {
      expect(extA.dist.file.filename).toBe("ext_a-1.0.0-py3-none-any.whl");
    }
    expect(extA.hashes[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(resolution.isDirect("ext-a" as never)).toBe(true);
    expect(resolution.isDirect("ext-c" as never)).toBe(false);
    expect(resolution.dependents("ext-c" as never)).toEqual(["ext-a"]);
    expect(resolution.dependencies("ext-a" as never)).toEqual(["ext-b", "ext-c"]);
    expect(resolution.get("yank-a" as never)?.yanked).toBe("Broken build");
  });

  it("url_wheel_requirement_pins_the_package", async () => {
    const url = server.fileUrl("bt_b-1.0.0-py3-none-any.whl");
    const resolution = await resolve(request(["bt-a", `bt-b @ ${url}`]));
    expect(resolution.toPins()).toEqual(["bt-a==1.0.0", "bt-b==1.0.0"]);
    const btB = resolution.get("bt-b" as never)!;
    expect(btB.dist).toMatchObject({ kind: "url", given: url });
  });

  it("sdist_only_release_fails_clearly_without_a_builder", async () => {
    const error = await resolve(request(["sd-only"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBuildUnsupportedError);
    const e = error as SourceBuildUnsupportedError;
    expect(e.message).toBe("Failed to build `sd-only==1.0.0`");
    expect((e.cause as Error).message).toBe(
      "Building source distributions is not supported yet, and `sd_only-1.0.0.tar.gz` is the only usable distribution",
    );
    expect(e.hint).toBe("Use `--no-build` to only consider versions that ship wheels");
    expect(e.exitCode).toBe(1);
  });

  it("sdist_metadata_comes_from_the_source_metadata_provider", async () => {
    const built: string[] = [];
    const resolution = await resolve(
      request(["sd-only"], {
        sourceMetadata: async (dist) => {
          built.push(dist.sdist.file.filename);
          return {
            name: dist.sdist.filename.name,
            version: dist.sdist.filename.version,
            requiresDist: [Requirement.parse("bt-b<2")],
            requiresPython: undefined,
            providesExtra: [],
            dynamic: false,
          };
        },
      }),
    );
    expect(built).toEqual(["sd_only-1.0.0.tar.gz"]);
    expect(resolution.toPins()).toEqual(["bt-b==1.0.0", "sd-only==1.0.0"]);
  });

  it("no_solution_error_renders_like_uv_with_exit_code_1", async () => {
    const error = await resolve(request(["dia-a", "dia-b"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSolutionError);
    const e = error as NoSolutionError;
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe("No solution found when resolving dependencies");
    expect(e.report.split("\n")[1]).toBe(
      "And because you require dia-a and dia-b, we can conclude that your requirements are unsatisfiable.",
    );
    expect(e.render({ style: "tree" })).toBe(
      "  × No solution found when resolving dependencies:\n" +
        "  ╰─▶ Because all versions of dia-b depend on dia-c==2.0.0 and all versions of dia-a depend on dia-c==1.0.0, we can conclude that all versions of dia-a and all versions of dia-b are incompatible.\n" +
        "      And because you require dia-a and dia-b, we can conclude that your requirements are unsatisfiable.\n",
    );
  });

  it("requires_python_against_the_interpreter_names_the_current_version", async () => {
    const interpreter = target({ python: new PythonRequirement({ target: "3.12.1" }) });
    const error = await resolve(request(["rp-new"], { target: interpreter })).catch(
      (e: unknown) => e,
    );
    // `uv pip compile --python 3.12.1 -` (no `--python-version`): no hint in that case.
    expect((error as NoSolutionError).render()).toBe(
      "error: No solution found when resolving dependencies\n" +
        "  cause: Because the current Python version (3.12.1) does not satisfy Python>=3.13 and rp-new==1.0.0 depends on Python>=3.13, we can conclude that rp-new==1.0.0 cannot be used.\n" +
        "         And because only rp-new==1.0.0 is available and you require rp-new, we can conclude that your requirements are unsatisfiable.\n",
    );
  });

  it("aborted_signal_cancels", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const error = await resolve(request(["bt-a"], { signal: controller.signal })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
  });

  it("reporter_sees_each_choice", async () => {
    const seen: string[] = [];
    await resolve(
      request(["lo-a"], {
        reporter: { onProgress: (name, version) => seen.push(`${name}==${version}`) },
      }),
    );
    expect(seen).toEqual(["lo-a==2.0.0", "lo-b==2.0.0"]);
  });

  it("prerelease_preference_is_kept_only_from_an_existing_file", async () => {
    const withPreference = (source: "resolver" | "requirements-txt") =>
      resolve(
        request(["pre-a"], {
          manifest: {
            requirements: [Requirement.parse("pre-a")],
            preferences: [{ name: "pre-a" as never, version: Version.parse("2.0.0a1"), source }],
          },
        }),
      );
    // `uv pip compile -o out.txt` keeps `pre-a==2.0.0a1` from `out.txt`.
    expect((await withPreference("requirements-txt")).toPins()).toEqual(["pre-a==2.0.0a1"]);
    expect((await withPreference("resolver")).toPins()).toEqual(["pre-a==1.0.0"]);
  });
});
