import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ChooseVersionError,
  collapseNoVersions,
  DefaultStringReporter,
  DefaultStringReportFormatter,
  type Dependencies,
  type DependencyProvider,
  type External,
  GetDependenciesError,
  Incompatibility,
  InvalidVersionChoiceError,
  NoSolutionError,
  type PackageResolutionStatistics,
  type Ranges,
  resolve,
  SolverState,
} from "../src/index.ts";
import { num, numRegistry, type Registry, solve } from "./helpers.ts";

/** Wraps a registry, overriding some answers. */
function wrap(
  registry: Registry<number>,
  overrides: Partial<DependencyProvider<string, number, Ranges<number>>>,
): DependencyProvider<string, number, Ranges<number>> {
  return {
    prioritize: (p, r, s) => registry.prioritize(p, r, s),
    chooseVersion: (p, r) => registry.chooseVersion(p, r),
    getDependencies: (p, v) => registry.getDependencies(p, v),
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the resolution to fail");
    },
    (error: unknown) => error,
  );
}

describe("scenarios", () => {
  it("root_without_dependencies", async () => {
    expect(await solve(numRegistry().add("root", 0), "root", 0, num)).toEqual({
      solution: { root: 0 },
    });
  });

  it("backtracks_across_several_levels", async () => {
    // The newest `a`, `b` and `c` each pull in `x` or `y` pins that disagree, so the solver has
    // to undo decisions made several levels earlier. pubgrub-rs finds the same solution.
    const p = numRegistry()
      .add("root", 0, [
        ["a", num.full()],
        ["b", num.full()],
        ["c", num.full()],
      ])
      .add("a", 1)
      .add("a", 2, [["x", num.singleton(2)]])
      .add("a", 3, [["x", num.singleton(3)]])
      .add("b", 1)
      .add("b", 2, [["x", num.singleton(2)]])
      .add("b", 3, [["y", num.singleton(3)]])
      .add("c", 1)
      .add("c", 2, [["y", num.singleton(2)]])
      .add("c", 3, [["x", num.singleton(1)]])
      .add("x", 1)
      .add("x", 2)
      .add("x", 3)
      .add("y", 2, [["x", num.singleton(2)]])
      .add("y", 3, [["x", num.singleton(3)]]);
    expect(await solve(p, "root", 0, num)).toEqual({
      solution: { root: 0, a: 3, x: 3, c: 1, b: 3, y: 3 },
    });
  });

  it("diamond_conflict_is_explained", async () => {
    const p = numRegistry()
      .add("root", 0, [
        ["left", num.full()],
        ["right", num.full()],
      ])
      .add("left", 1, [["shared", num.strictlyLowerThan(2)]])
      .add("right", 1, [["shared", num.higherThan(2)]])
      .add("shared", 1)
      .add("shared", 2)
      .add("shared", 3);
    // pubgrub-rs prints the two terms of the middle line in hash order (`right ==1, left *`);
    // here they keep the incompatibility's order.
    expect(await solve(p, "root", 0, num)).toEqual({
      report: [
        "Because left depends on shared <2 and right ==1 depends on shared >=2, left *, right ==1 are incompatible.",
        "And because root ==0 depends on left and root ==0 depends on right, root ==0 is forbidden.",
      ].join("\n"),
    });
  });

  it("diamond_with_a_way_out_picks_older_versions", async () => {
    const p = numRegistry()
      .add("root", 0, [
        ["left", num.full()],
        ["right", num.full()],
      ])
      .add("left", 1, [["shared", num.singleton(1)]])
      .add("left", 2, [["shared", num.singleton(2)]])
      .add("right", 1, [["shared", num.singleton(1)]])
      .add("right", 2, [["shared", num.singleton(3)]])
      .add("shared", 1)
      .add("shared", 2)
      .add("shared", 3);
    const out = await solve(p, "root", 0, num);
    expect(out).toEqual({ solution: { root: 0, left: 1, right: 1, shared: 1 } });
  });

  it("unavailable_versions_are_skipped", async () => {
    const registry = numRegistry()
      .add("root", 0, [["foo", num.full()]])
      .add("foo", 1)
      .add("foo", 2);
    const provider = wrap(registry, {
      getDependencies: (p, v): Dependencies<string, Ranges<number>> =>
        p === "foo" && v === 2
          ? { kind: "unavailable", reason: "because its metadata is invalid" }
          : registry.getDependencies(p, v),
    });
    const solution = await resolve(provider, "root", 0, { sets: num });
    expect(Object.fromEntries(solution)).toEqual({ root: 0, foo: 1 });
  });

  it("unavailable_versions_are_reported", async () => {
    const registry = numRegistry()
      .add("root", 0, [["foo", num.full()]])
      .add("foo", 2);
    const provider = wrap(registry, {
      getDependencies: (p, v): Dependencies<string, Ranges<number>> =>
        p === "foo" ? { kind: "unavailable", reason: "(offline)" } : registry.getDependencies(p, v),
    });
    const error = await failure(resolve(provider, "root", 0, { sets: num }));
    if (!(error instanceof NoSolutionError)) throw error;
    expect(error.code).toBe("pubgrub.no-solution");
    expect(DefaultStringReporter.report(collapseNoVersions(error.tree))).toBe(
      "Because dependencies of foo are unavailable (offline) and root ==0 depends on foo, root ==0 is forbidden.",
    );
    expect(DefaultStringReporter.report(error.tree)).toBe(
      [
        "Because there is no version of foo in <2 | >2 and dependencies of foo at version ==2 are unavailable (offline), foo * is forbidden.",
        "And because root ==0 depends on foo, root ==0 is forbidden.",
      ].join("\n"),
    );
  });

  it("async_provider_finds_the_same_solution", async () => {
    const registry = numRegistry()
      .add("root", 0, [
        ["a", num.full()],
        ["b", num.higherThan(2)],
      ])
      .add("a", 1, [["b", num.full()]])
      .add("a", 2, [["b", num.strictlyLowerThan(2)]])
      .add("b", 1)
      .add("b", 3);
    const provider = wrap(registry, {
      chooseVersion: async (p, r) => registry.chooseVersion(p, r),
      getDependencies: async (p, v) => registry.getDependencies(p, v),
    });
    const sync = await resolve(registry, "root", 0, { sets: num });
    const async_ = await resolve(provider, "root", 0, { sets: num });
    expect([...async_]).toEqual([...sync]);
    expect(Object.fromEntries(sync)).toEqual({ root: 0, a: 1, b: 3 });
  });

  it("hooks_see_every_package_once_and_the_candidates", async () => {
    const registry = numRegistry()
      .add("root", 0, [
        ["a", num.full()],
        ["b", num.full()],
      ])
      .add("a", 1, [["c", num.full()]])
      .add("b", 1, [["c", num.full()]])
      .add("c", 1);
    const discovered: string[] = [];
    const prefetched: string[] = [];
    const provider = wrap(registry, {
      onPackageDiscovered: (p) => discovered.push(p),
      prefetch: (candidates) => {
        for (const [p, range] of candidates) prefetched.push(`${p} ${range}`);
      },
    });
    await resolve(provider, "root", 0, { sets: num });
    expect(discovered).toEqual(["a", "b", "c"]);
    expect(prefetched).toContain("a *");
    expect(prefetched).toContain("c *");
  });

  it("prioritize_receives_conflict_statistics", async () => {
    const registry = numRegistry()
      .add("root", 0, [["a", num.full()]])
      .add("a", 1)
      .add("a", 2, [["b", num.singleton(5)]])
      .add("b", 1);
    const seen: PackageResolutionStatistics[] = [];
    const provider = wrap(registry, {
      prioritize: (p, r, s) => {
        seen.push(s);
        return registry.prioritize(p, r, s);
      },
    });
    const solution = await resolve(provider, "root", 0, { sets: num });
    expect(Object.fromEntries(solution)).toEqual({ root: 0, a: 1 });
    expect(Math.max(...seen.map((s) => s.conflictCount()))).toBeGreaterThan(0);
  });

  it("a_long_chain_of_pins_backtracks_to_the_only_solution", async () => {
    // p0 v depends on p1 ==v, ..., p39 v on p40 ==v, and the root pins p40 to 1: only the
    // oldest version of everything works, and the newest is tried first.
    const p = numRegistry().add("root", 0, [
      ["p0", num.full()],
      ["p40", num.singleton(1)],
    ]);
    for (let i = 0; i <= 40; i++) {
      for (let v = 1; v <= 30; v++) {
        p.add(`p${i}`, v, i < 40 ? [[`p${i + 1}`, num.singleton(v)]] : []);
      }
    }
    const out = await solve(p, "root", 0, num);
    if (!("solution" in out)) throw new Error(out.report);
    expect(Object.keys(out.solution)).toHaveLength(42);
    expect(Object.entries(out.solution).filter(([, v]) => v !== 1)).toEqual([["root", 0]]);
  });

  it("packages_are_interned_by_key", async () => {
    type Pkg = { readonly name: string };
    const registry = new Map<string, Map<number, [Pkg, Ranges<number>][]>>([
      ["root", new Map([[0, [[{ name: "dep" }, num.full()]]]])],
      ["dep", new Map([[1, [[{ name: "leaf" }, num.full()]]]])],
      ["leaf", new Map([[7, [[{ name: "dep" }, num.singleton(1)]]]])],
    ]);
    const provider: DependencyProvider<Pkg, number, Ranges<number>> = {
      prioritize: () => 0,
      chooseVersion: (p, r) => [...(registry.get(p.name)?.keys() ?? [])].find((v) => r.contains(v)),
      getDependencies: (p, v) => ({
        kind: "available",
        dependencies: registry.get(p.name)?.get(v) ?? [],
      }),
    };
    const solution = await resolve(provider, { name: "root" }, 0, {
      sets: num,
      key: (p) => p.name,
    });
    expect([...solution].map(([p, v]) => `${p.name}=${v}`)).toEqual(["root=0", "dep=1", "leaf=7"]);
  });
});

describe("errors and cancellation", () => {
  const registry = numRegistry()
    .add("root", 0, [["a", num.full()]])
    .add("a", 1);

  it("an_aborted_signal_cancels", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user pressed ctrl-c"));
    const error = await failure(
      resolve(registry, "root", 0, { sets: num, signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error("user pressed ctrl-c"));
  });

  it("should_cancel_cancels", async () => {
    let calls = 0;
    const provider = wrap(registry, { shouldCancel: () => ++calls > 2 });
    expect(await failure(resolve(provider, "root", 0, { sets: num }))).toBeInstanceOf(
      CancelledError,
    );
    expect(calls).toBe(3);
  });

  it("provider_errors_carry_context", async () => {
    const boom = new Error("connection reset");
    const choose = wrap(registry, {
      chooseVersion: (p, r) => {
        if (p === "a") throw boom;
        return registry.chooseVersion(p, r);
      },
    });
    const e1 = await failure(resolve(choose, "root", 0, { sets: num }));
    expect(e1).toBeInstanceOf(ChooseVersionError);
    expect((e1 as Error).message).toBe("Failed to choose a version for `a`");
    expect((e1 as Error).cause).toBe(boom);

    const deps = wrap(registry, {
      getDependencies: async (p, v) => {
        if (p === "a") throw boom;
        return registry.getDependencies(p, v);
      },
    });
    const e2 = await failure(resolve(deps, "root", 0, { sets: num }));
    expect(e2).toBeInstanceOf(GetDependenciesError);
    expect((e2 as Error).message).toBe("Failed to get the dependencies of `a` at `1`");
  });

  it("a_version_outside_the_range_is_a_provider_bug", async () => {
    // 99 is in `*`, the first range asked about; once its dependencies turn out unavailable
    // (it is not in the registry), the provider offers it again for the rest of the range.
    const provider = wrap(registry, { chooseVersion: (p) => (p === "a" ? 99 : 0) });
    const error = await failure(resolve(provider, "root", 0, { sets: num }));
    expect(error).toBeInstanceOf(InvalidVersionChoiceError);
    expect((error as Error).message).toBe(
      "The provider chose `a` `99`, which is not in `<99 | >99`",
    );
  });
});

/** A resolver's own wording for its custom reasons, on top of the default sentences. */
class BuildFormatter extends DefaultStringReportFormatter<
  string,
  number,
  Ranges<number>,
  { build: string }
> {
  override formatExternal(
    external: External<string, number, Ranges<number>, { build: string }>,
  ): string {
    if (external.type === "custom") {
      return `${external.package} ${external.set} cannot be used (${external.reason.build})`;
    }
    return super.formatExternal(external);
  }
}

describe("driving the state directly", () => {
  /** A tiny driver over `SolverState`, as a resolver with its own loop would write. */
  function drive(
    state: SolverState<string, number, Ranges<number>, { build: string }>,
    registry: Registry<number>,
    veto: (pkg: string, version: number) => string | undefined,
  ): Map<string, number> | NoSolutionError<string, number, Ranges<number>, { build: string }> {
    let next = state.root;
    for (;;) {
      const propagated = state.unitPropagation(next);
      if (!propagated.ok) return new NoSolutionError(propagated.tree);
      const picked = state.pickHighestPriority(() => 0);
      if (picked === undefined) return state.solution();
      const [pkg, range] = picked;
      next = pkg;
      const name = state.package(pkg);
      const version = registry.chooseVersion(name, range);
      if (version === undefined) {
        state.addIncompatibility(Incompatibility.noVersions(pkg, range));
        continue;
      }
      const reason = veto(name, version);
      if (reason !== undefined) {
        state.addIncompatibility(
          Incompatibility.custom(pkg, num.singleton(version), { build: reason }),
        );
        continue;
      }
      state.addPackageVersionDependencies(pkg, version, registry.dependencies(name, version) ?? []);
    }
  }

  const registry = numRegistry()
    .add("root", 0, [["foo", num.full()]])
    .add("foo", 1)
    .add("foo", 2);

  it("custom_incompatibilities_rule_versions_out_and_are_reported", () => {
    const state = new SolverState<string, number, Ranges<number>, { build: string }>("root", 0, {
      sets: num,
    });
    const vetoed = drive(state, registry, (p, v) =>
      p === "foo" && v === 2 ? "no wheels" : undefined,
    );
    expect(vetoed).toEqual(
      new Map([
        ["root", 0],
        ["foo", 1],
      ]),
    );

    const fresh = new SolverState<string, number, Ranges<number>, { build: string }>("root", 0, {
      sets: num,
    });
    const failed = drive(fresh, registry, (p) => (p === "foo" ? "builds are disabled" : undefined));
    if (!(failed instanceof NoSolutionError)) throw new Error("expected no solution");
    const report = DefaultStringReporter.report(
      collapseNoVersions(failed.tree),
      new BuildFormatter(),
    );
    // Collapsing folds "no foo in <1 | >1, <2 | >2" into the first custom fact.
    expect(report).toBe(
      [
        "Because foo <2 | >2 cannot be used (builds are disabled) and foo ==2 cannot be used (builds are disabled), foo * is forbidden.",
        "And because root ==0 depends on foo, root ==0 is forbidden.",
      ].join("\n"),
    );
  });

  it("clones_are_independent", () => {
    const state = new SolverState<string, number, Ranges<number>, { build: string }>("root", 0, {
      sets: num,
    });
    expect(state.unitPropagation(state.root).ok).toBe(true);
    const fork = state.clone();
    const a = drive(state, registry, () => undefined);
    const b = drive(fork, registry, (p, v) => (p === "foo" && v === 2 ? "no" : undefined));
    expect(a).toEqual(
      new Map([
        ["root", 0],
        ["foo", 2],
      ]),
    );
    expect(b).toEqual(
      new Map([
        ["root", 0],
        ["foo", 1],
      ]),
    );
  });
});
