import type { PackageName } from "@uv-ts/normalize";
import type { ResolverOptions } from "../src/index.ts";

/** The `--exclude-newer` cutoff of the exclude-newer cases. */
export const CUTOFF = new Date("2024-03-01T00:00:00Z");

/**
 * One resolution against the local index, with the output of the real `uv pip compile` 0.13.8
 * for the same requirements on the same index (`--python-version 3.12`, `--no-header`):
 * the pins with `# via` annotations, or the failure with its hints. uv also annotates packages
 * pulled in by `-c`/`--overrides` files, which is the command's business; those annotations are
 * left out here (and normalised away when comparing with uv).
 */
export interface ResolverCase {
  readonly name: string;
  readonly requirements: readonly string[];
  readonly options?: ResolverOptions;
  /** The same options as `uv pip compile` flags. */
  readonly uvArgs?: readonly string[];
  readonly constraints?: readonly string[];
  readonly overrides?: readonly string[];
  /** An existing output file, whose pins are preferences. */
  readonly output?: readonly string[];
  readonly ok: boolean;
  readonly expected: string;
}

/** Every case, successes first. */
export const CASES: readonly ResolverCase[] = [
  {
    name: "backtracks_when_newest_version_conflicts",
    requirements: ["bt-a", "bt-c"],
    ok: true,
    expected: `bt-a==1.0.0
bt-b==1.0.0
    # via
    #   bt-a
    #   bt-c
bt-c==1.0.0
`,
  },
  {
    name: "extras_pull_in_their_requirements_and_flatten_self_references",
    requirements: ["ext-a[fast,all]"],
    ok: true,
    expected: `ext-a==1.0.0
ext-b==1.0.0
    # via ext-a
ext-c==1.0.0
    # via ext-a
ext-d==1.0.0
    # via ext-a
`,
  },
  {
    name: "extra_requirement_backtracks_past_unusable_version",
    requirements: ["ext-a[fast]"],
    ok: true,
    expected: `ext-a==1.0.0
ext-b==1.0.0
    # via ext-a
ext-c==1.0.0
    # via ext-a
`,
  },
  {
    name: "markers_are_evaluated_for_the_target",
    requirements: ["mk-a"],
    ok: true,
    expected: `mk-a==1.0.0
mk-linux==1.0.0
    # via mk-a
mk-old-python==1.0.0
    # via mk-a
`,
  },
  {
    name: "prerelease_if_necessary_takes_prerelease_when_only_prereleases",
    requirements: ["pre-only"],
    ok: true,
    expected: `pre-only==1.0.0b2
`,
  },
  {
    name: "prerelease_if_necessary_prefers_stable",
    requirements: ["pre-a"],
    ok: true,
    expected: `pre-a==1.0.0
`,
  },
  {
    name: "prerelease_if_necessary_when_range_needs_it",
    requirements: ["pre-a>1"],
    ok: true,
    expected: `pre-a==2.0.0a1
`,
  },
  {
    name: "prerelease_transitive_if_necessary",
    requirements: ["pre-parent-any"],
    ok: true,
    expected: `pre-only==1.0.0b2
    # via pre-parent-any
pre-parent-any==1.0.0
`,
  },
  {
    name: "prerelease_transitive_marker",
    requirements: ["tpre-a"],
    ok: true,
    expected: `tpre-a==1.0.0
tpre-b==2.0.0b1
    # via tpre-a
`,
  },
  {
    name: "prerelease_allow_picks_newest",
    requirements: ["pre-a"],
    options: { prerelease: "allow" },
    uvArgs: ["--prerelease", "allow"],
    ok: true,
    expected: `pre-a==2.0.0a1
`,
  },
  {
    name: "prerelease_if_necessary_or_explicit_alias",
    requirements: ["pre-a"],
    options: { prerelease: "if-necessary-or-explicit" },
    uvArgs: ["--prerelease", "if-necessary-or-explicit"],
    ok: true,
    expected: `pre-a==1.0.0
`,
  },
  {
    name: "prerelease_explicit_allows_named_package",
    requirements: ["pre-only>=1.0.0a1"],
    options: { prerelease: "explicit" },
    uvArgs: ["--prerelease", "explicit"],
    ok: true,
    expected: `pre-only==1.0.0b2
`,
  },
  {
    name: "yanked_release_skipped",
    requirements: ["yank-a"],
    ok: true,
    expected: `yank-a==1.0.0
`,
  },
  {
    name: "yanked_release_allowed_when_pinned",
    requirements: ["yank-a==2.0.0"],
    ok: true,
    expected: `yank-a==2.0.0
`,
  },
  {
    name: "yanked_older_releases_skipped",
    requirements: ["yank-many"],
    ok: true,
    expected: `yank-many==1.2.0
`,
  },
  {
    name: "requires_python_excludes_newer_release",
    requirements: ["rp-a"],
    ok: true,
    expected: `rp-a==1.0.0
`,
  },
  {
    name: "local_version_satisfies_public_pin",
    requirements: ["loc-a==1.0.0"],
    ok: true,
    expected: `loc-a==1.0.0+cpu
`,
  },
  {
    name: "local_version_below_upper_bound",
    requirements: ["loc-a<2"],
    ok: true,
    expected: `loc-a==1.0.0+cpu
`,
  },
  {
    name: "local_version_pinned_exactly",
    requirements: ["loc-a==1.0.0+cpu"],
    ok: true,
    expected: `loc-a==1.0.0+cpu
`,
  },
  {
    name: "post_release_excluded_by_inclusive_upper_bound",
    requirements: ["post-a<=1.0.0"],
    ok: true,
    expected: `post-a==1.0.0
`,
  },
  {
    name: "post_release_pinned",
    requirements: ["post-a==1.0.0.post1"],
    ok: true,
    expected: `post-a==1.0.0.post1
`,
  },
  {
    name: "compatible_release_two_segments",
    requirements: ["tilde-a~=1.4"],
    ok: true,
    expected: `tilde-a==1.5.0
`,
  },
  {
    name: "compatible_release_three_segments",
    requirements: ["tilde-a~=1.4.0"],
    ok: true,
    expected: `tilde-a==1.4.2
`,
  },
  {
    name: "wildcard_equal",
    requirements: ["tilde-a==1.4.*"],
    ok: true,
    expected: `tilde-a==1.4.2
`,
  },
  {
    name: "wildcard_not_equal",
    requirements: ["tilde-a!=2.*"],
    ok: true,
    expected: `tilde-a==1.5.0
`,
  },
  {
    name: "constraint_narrows_transitive",
    requirements: ["ov-a"],
    constraints: ["ov-b<2"],
    ok: true,
    expected: `ov-a==1.0.0
ov-b==1.0.0
    # via ov-a
`,
  },
  {
    name: "override_replaces_transitive_requirement",
    requirements: ["ov-a"],
    overrides: ["ov-b>=3"],
    ok: true,
    expected: `ov-a==1.0.0
ov-b==3.0.0
    # via ov-a
`,
  },
  {
    name: "override_replaces_direct_requirement",
    requirements: ["ov-a", "ov-b"],
    overrides: ["ov-b==2.0.0"],
    ok: true,
    expected: `ov-a==1.0.0
ov-b==2.0.0
    # via ov-a
`,
  },
  {
    name: "resolution_lowest",
    requirements: ["lo-a"],
    options: { resolution: "lowest" },
    uvArgs: ["--resolution", "lowest"],
    ok: true,
    expected: `lo-a==1.0.0
lo-b==1.0.0
    # via lo-a
`,
  },
  {
    name: "resolution_lowest_direct",
    requirements: ["lo-a"],
    options: { resolution: "lowest-direct" },
    uvArgs: ["--resolution", "lowest-direct"],
    ok: true,
    expected: `lo-a==1.0.0
lo-b==2.0.0
    # via lo-a
`,
  },
  {
    name: "resolution_lowest_direct_both_direct",
    requirements: ["lo-a", "lo-b"],
    options: { resolution: "lowest-direct" },
    uvArgs: ["--resolution", "lowest-direct"],
    ok: true,
    expected: `lo-a==1.0.0
lo-b==1.0.0
    # via lo-a
`,
  },
  {
    name: "preferences_keep_existing_pins",
    requirements: ["lo-a"],
    output: ["lo-a==1.0.0", "lo-b==1.0.0"],
    ok: true,
    expected: `lo-a==1.0.0
lo-b==1.0.0
    # via lo-a
`,
  },
  {
    name: "upgrade_ignores_preferences",
    requirements: ["lo-a"],
    options: { upgrade: true },
    uvArgs: ["--upgrade"],
    output: ["lo-a==1.0.0", "lo-b==1.0.0"],
    ok: true,
    expected: `lo-a==2.0.0
lo-b==2.0.0
    # via lo-a
`,
  },
  {
    name: "upgrade_package_ignores_one_preference",
    requirements: ["lo-a"],
    options: { upgrade: new Set(["lo-b" as PackageName]) },
    uvArgs: ["--upgrade-package", "lo-b"],
    output: ["lo-a==1.0.0", "lo-b==1.0.0"],
    ok: true,
    expected: `lo-a==1.0.0
lo-b==2.0.0
    # via lo-a
`,
  },
  {
    name: "preference_outside_range_is_ignored",
    requirements: ["lo-a>=2"],
    output: ["lo-a==1.0.0", "lo-b==1.0.0"],
    ok: true,
    expected: `lo-a==2.0.0
lo-b==1.0.0
    # via lo-a
`,
  },
  {
    name: "exclude_newer_skips_later_uploads",
    requirements: ["en-a"],
    options: { excludeNewer: CUTOFF },
    uvArgs: ["--exclude-newer", "2024-03-01T00:00:00Z"],
    ok: true,
    expected: `en-a==1.0.0
`,
  },
  {
    name: "no_build_uses_wheel_release",
    requirements: ["sd-mixed"],
    options: { noBuild: true },
    uvArgs: ["--no-build"],
    ok: true,
    expected: `sd-mixed==1.0.0
`,
  },
  {
    name: "many_shared_backtracking_chain_resolves",
    requirements: ["cf-a", "cf-c"],
    ok: true,
    expected: `cf-a==2.0.0
cf-b==2.0.0
    # via cf-a
cf-c==1.0.0
cf-d==3.0.0
    # via
    #   cf-b
    #   cf-c
`,
  },
  {
    name: "diamond_conflict",
    requirements: ["dia-a", "dia-b"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of dia-b depend on dia-c==2.0.0 and all versions of dia-a depend on dia-c==1.0.0, we can conclude that all versions of dia-a and all versions of dia-b are incompatible.
         And because you require dia-a and dia-b, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "backtracking_conflict_with_root",
    requirements: ["bt-a>=2", "bt-c"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of bt-c depend on bt-b<2 and bt-a>=2.0.0 depends on bt-b>=2, we can conclude that bt-a>=2.0.0 and all versions of bt-c are incompatible.
         And because you require bt-a>=2 and bt-c, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "requires_python_only_release",
    requirements: ["rp-new"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because the requested Python version (>=3.12) does not satisfy Python>=3.13 and rp-new==1.0.0 depends on Python>=3.13, we can conclude that rp-new==1.0.0 cannot be used.
         And because only rp-new==1.0.0 is available and you require rp-new, we can conclude that your requirements are unsatisfiable.

hint: The \`--python-version\` value (>=3.12) includes Python versions that are not supported by your dependencies (e.g., rp-new==1.0.0 only supports >=3.13). Consider using a higher \`--python-version\` value.
`,
  },
  {
    name: "requires_python_requested_range",
    requirements: ["rp-a>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because the requested Python version (>=3.12) does not satisfy Python>=3.13 and rp-a==2.0.0 depends on Python>=3.13, we can conclude that rp-a==2.0.0 cannot be used.
         And because only rp-a<=2.0.0 is available and you require rp-a>=2, we can conclude that your requirements are unsatisfiable.

hint: The \`--python-version\` value (>=3.12) includes Python versions that are not supported by your dependencies (e.g., rp-a==2.0.0 only supports >=3.13). Consider using a higher \`--python-version\` value.
`,
  },
  {
    name: "requires_python_transitive_chain",
    requirements: ["ch-a"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because the requested Python version (>=3.12) does not satisfy Python>=3.13 and ch-c==1.0.0 depends on Python>=3.13, we can conclude that ch-c==1.0.0 cannot be used.
         And because only ch-c>=1.0.0 is available, we can conclude that ch-c<=1.0.0 cannot be used.
         And because ch-b<=1.0.0 depends on ch-c==1.0.0 and only the following versions of ch-b are available:
             ch-b<=1.0.0
             ch-b>=2.0.0
         we can conclude that ch-b<2.0.0 cannot be used. (1)

         Because the requested Python version (>=3.12) does not satisfy Python>=3.14 and ch-c==2.0.0 depends on Python>=3.14, we can conclude that ch-c==2.0.0 cannot be used.
         And because only ch-c<=2.0.0 is available and ch-b>=2.0.0 depends on ch-c==2.0.0, we can conclude that ch-b>=2.0.0 cannot be used.
         And because we know from (1) that ch-b<2.0.0 cannot be used, we can conclude that all versions of ch-b cannot be used.
         And because ch-a<=1.0.0 depends on ch-b and only the following versions of ch-a are available:
             ch-a<=1.0.0
             ch-a>=2.0.0
         we can conclude that ch-a<2.0.0 cannot be used. (2)

         Because the requested Python version (>=3.12) does not satisfy Python>=3.14 and ch-c==2.0.0 depends on Python>=3.14, we can conclude that ch-c==2.0.0 cannot be used.
         And because only ch-c<=2.0.0 is available, we can conclude that ch-c>=2.0.0 cannot be used.
         And because ch-b>=2.0.0 depends on ch-c==2.0.0 and ch-a>=2.0.0 depends on ch-b>=2, we can conclude that ch-a>=2.0.0 cannot be used.
         And because we know from (2) that ch-a<2.0.0 cannot be used, we can conclude that all versions of ch-a cannot be used.
         And because you require ch-a, we can conclude that your requirements are unsatisfiable.

hint: The \`--python-version\` value (>=3.12) includes Python versions that are not supported by your dependencies (e.g., ch-c==1.0.0 only supports >=3.13). Consider using a higher \`--python-version\` value.
`,
  },
  {
    name: "requires_python_transitive_with_root_bound",
    requirements: ["ch-a", "ch-b<2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because the requested Python version (>=3.12) does not satisfy Python>=3.13 and ch-c==1.0.0 depends on Python>=3.13, we can conclude that ch-c==1.0.0 cannot be used.
         And because only ch-c>=1.0.0 is available and ch-b<=1.0.0 depends on ch-c==1.0.0, we can conclude that ch-b<=1.0.0 cannot be used.
         And because only the following versions of ch-b are available:
             ch-b<=1.0.0
             ch-b>=2
         and you require ch-b<2, we can conclude that your requirements are unsatisfiable.

hint: The \`--python-version\` value (>=3.12) includes Python versions that are not supported by your dependencies (e.g., ch-c==1.0.0 only supports >=3.13). Consider using a higher \`--python-version\` value.
`,
  },
  {
    name: "no_build_sdist_only",
    requirements: ["sd-only"],
    options: { noBuild: true },
    uvArgs: ["--no-build"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because sd-only==1.0.0 has no usable wheels and only sd-only==1.0.0 is available, we can conclude that all versions of sd-only cannot be used.
         And because you require sd-only, we can conclude that your requirements are unsatisfiable.

hint: Wheels are required for \`sd-only\` because building from source is disabled for all packages (i.e., with \`--no-build\`)
`,
  },
  {
    name: "platform_tag_mismatch",
    requirements: ["plat-a"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because plat-a==1.0.0 has no wheels with a matching platform tag (e.g., \`manylinux_2_36_x86_64\`) and only plat-a==1.0.0 is available, we can conclude that all versions of plat-a cannot be used.
         And because you require plat-a, we can conclude that your requirements are unsatisfiable.

hint: Wheels are available for \`plat-a\` (v1.0.0) on the following platform: \`win_amd64\`
`,
  },
  {
    name: "python_tag_mismatch",
    requirements: ["tag-py"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because tag-py==1.0.0 has no wheels with a matching Python ABI tag (e.g., \`cp312\`) and only tag-py==1.0.0 is available, we can conclude that all versions of tag-py cannot be used.
         And because you require tag-py, we can conclude that your requirements are unsatisfiable.

hint: You require CPython 3.12 (\`cp312\`), but we only found wheels for \`tag-py\` (v1.0.0) with the following Python ABI tag: \`cp311\`
`,
  },
  {
    name: "abi_tag_mismatch",
    requirements: ["tag-abi"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because tag-abi==1.0.0 has no wheels with a matching Python ABI tag (e.g., \`cp312\`) and only tag-abi==1.0.0 is available, we can conclude that all versions of tag-abi cannot be used.
         And because you require tag-abi, we can conclude that your requirements are unsatisfiable.

hint: You require CPython 3.12 (\`cp312\`), but we only found wheels for \`tag-abi\` (v1.0.0) with the following Python ABI tag: \`cp312d\`
`,
  },
  {
    name: "yanked_only_release",
    requirements: ["yank-only"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because yank-only==1.0.0 was yanked and only yank-only==1.0.0 is available, we can conclude that all versions of yank-only cannot be used.
         And because you require yank-only, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "yanked_range",
    requirements: ["yank-a>1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because yank-a==2.0.0 was yanked (reason: Broken build) and only the following versions of yank-a are available:
             yank-a<=1
             yank-a==2.0.0
         we can conclude that yank-a>1 cannot be used.
         And because you require yank-a>1, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "yanked_run_of_releases",
    requirements: ["yank-many<1.2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because yank-many<=1.1.0 was yanked and only the following versions of yank-many are available:
             yank-many<=1.1.0
             yank-many>=1.2
         we can conclude that yank-many<1.2 cannot be used.
         And because you require yank-many<1.2, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "exclude_newer_removes_every_release",
    requirements: ["en-new"],
    options: { excludeNewer: CUTOFF },
    uvArgs: ["--exclude-newer", "2024-03-01T00:00:00Z"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because there are no versions of en-new and you require en-new, we can conclude that your requirements are unsatisfiable.

hint: \`en-new\` was filtered by \`exclude-newer\` to only include packages uploaded before 2024-03-01T00:00:00Z. The latest version satisfying the requirement is v1.0.0, published at 2024-06-01T00:00:00Z. Consider using \`exclude-newer-package\` to override the cutoff for this package.
`,
  },
  {
    name: "exclude_newer_requested_version",
    requirements: ["en-a==2.0.0"],
    options: { excludeNewer: CUTOFF },
    uvArgs: ["--exclude-newer", "2024-03-01T00:00:00Z"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because there is no version of en-a==2.0.0 and you require en-a==2.0.0, we can conclude that your requirements are unsatisfiable.

hint: \`en-a\` was filtered by \`exclude-newer\` to only include packages uploaded before 2024-03-01T00:00:00Z. The requested version, v2.0.0, was published at 2024-06-01T00:00:00Z. Consider using \`exclude-newer-package\` to override the cutoff for this package.
`,
  },
  {
    name: "exclude_newer_requested_range",
    requirements: ["en-a>=2"],
    options: { excludeNewer: CUTOFF },
    uvArgs: ["--exclude-newer", "2024-03-01T00:00:00Z"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only en-a==1.0.0 is available and you require en-a>=2, we can conclude that your requirements are unsatisfiable.

hint: \`en-a\` was filtered by \`exclude-newer\` to only include packages uploaded before 2024-03-01T00:00:00Z. The latest version satisfying the requirement is v2.0.0, published at 2024-06-01T00:00:00Z. Consider using \`exclude-newer-package\` to override the cutoff for this package.
`,
  },
  {
    name: "prerelease_disallow_hint_available",
    requirements: ["pre-only"],
    options: { prerelease: "disallow" },
    uvArgs: ["--prerelease", "disallow"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because there are no versions of pre-only and you require pre-only, we can conclude that your requirements are unsatisfiable.

hint: Pre-releases are available for \`pre-only\` in the requested range (e.g., 1.0.0b2), but pre-releases weren't enabled (try: \`--prerelease=allow\`)
`,
  },
  {
    name: "prerelease_disallow_hint_requested",
    requirements: ["tpre-a"],
    options: { prerelease: "disallow" },
    uvArgs: ["--prerelease", "disallow"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only tpre-b<2.0.0b1 is available and all versions of tpre-a depend on tpre-b>=2.0.0b1, we can conclude that all versions of tpre-a cannot be used.
         And because you require tpre-a, we can conclude that your requirements are unsatisfiable.

hint: \`tpre-b\` was requested with a pre-release marker (e.g., tpre-b>=2.0.0b1), but pre-releases weren't enabled (try: \`--prerelease=allow\`)
`,
  },
  {
    name: "prerelease_explicit_not_named",
    requirements: ["pre-only"],
    options: { prerelease: "explicit" },
    uvArgs: ["--prerelease", "explicit"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because there are no versions of pre-only and you require pre-only, we can conclude that your requirements are unsatisfiable.

hint: Pre-releases are available for \`pre-only\` in the requested range (e.g., 1.0.0b2), but pre-releases weren't enabled (try: \`--prerelease=allow\`)
`,
  },
  {
    name: "prerelease_explicit_transitive",
    requirements: ["pre-parent"],
    options: { prerelease: "explicit" },
    uvArgs: ["--prerelease", "explicit"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only pre-only<1.0.0b1 is available and all versions of pre-parent depend on pre-only>=1.0.0b1, we can conclude that all versions of pre-parent cannot be used.
         And because you require pre-parent, we can conclude that your requirements are unsatisfiable.

hint: \`pre-only\` was requested with a pre-release marker (e.g., pre-only>=1.0.0b1), but pre-releases weren't enabled (try: \`--prerelease=allow\`)
`,
  },
  {
    name: "prerelease_only_below_range",
    requirements: ["pre-only<1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only pre-only>=1.0.0a1 is available and you require pre-only<1, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "compatible_release_without_versions",
    requirements: ["tilde-a~=3.0"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only tilde-a<=2.0.0 is available and you require tilde-a>=3.0,<4.dev0, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "wildcard_without_versions",
    requirements: ["tilde-a==3.*"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only tilde-a<=2.0.0 is available and you require tilde-a==3.*, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "upper_bound_below_every_version",
    requirements: ["tilde-a<=0.5"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only tilde-a>=1.4.0 is available and you require tilde-a<=0.5, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "lower_bound_above_every_version",
    requirements: ["tilde-a>2.0.0"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only tilde-a<=2.0.0 is available and you require tilde-a>2.0.0, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "root_requirements_conflict",
    requirements: ["tilde-a~=1.4", "tilde-a>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because you require tilde-a>=1.4,<2.dev0 and tilde-a>=2, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "post_release_gap",
    requirements: ["post-a>1.0.0", "post-a<1.1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only the following versions of post-a are available:
             post-a<=1.0.0
             post-a>=1.1
         and you require post-a>1.0.0, we can conclude that you require post-a>=1.1.
         And because you require post-a<1.1, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "marker_package_without_version",
    requirements: ["dia-c==3 ; sys_platform == 'linux'"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because there is no version of dia-c{sys_platform == 'linux'}==3 and you require dia-c{sys_platform == 'linux'}==3, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "missing_transitive_package",
    requirements: ["ext-a[fast]", "ext-c>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because ext-missing was not found in the package registry and ext-c>=2.0.0 depends on ext-missing, we can conclude that ext-c>=2.0.0 cannot be used.
         And because you require ext-c>=2, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "missing_direct_package",
    requirements: ["missing-pkg"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because missing-pkg was not found in the package registry and you require missing-pkg, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "extra_requirement_conflicts_with_root",
    requirements: ["ext-a[fast]", "ext-c<1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of ext-a[fast] depend on ext-c>=1.0 and you require ext-a[fast], we can conclude that you require ext-c>=1.0.
         And because you require ext-c<1, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "marker_dependency_conflicts_with_root",
    requirements: ["mk-a", "mk-linux>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because only mk-linux==1.0.0 is available and you require mk-linux>=2, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "transitive_conflict_with_root_pin",
    requirements: ["bt-a", "bt-c", "bt-b>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of bt-c depend on bt-b<2 and you require bt-c, we can conclude that you require bt-b<2.
         And because you require bt-b>=2, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "constraint_conflicts_with_transitive",
    requirements: ["ov-a"],
    constraints: ["ov-b>=2"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of ov-a depend on ov-b<2 and ov-b>=2, we can conclude that all versions of ov-a cannot be used.
         And because you require ov-a, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "unsatisfiable_requirement_in_metadata",
    requirements: ["unsat-a"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because unsat-a==1.0.0 depends on unsat-b<1 and unsat-b>2, which are incompatible and only unsat-a==1.0.0 is available, we can conclude that all versions of unsat-a cannot be used.
         And because you require unsat-a, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "shared_derivation_references",
    requirements: ["sh-a", "sh-b"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of sh-b depend on sh-c>=2,<3 and sh-a<=1.0.0 depends on sh-c<2, we can conclude that sh-a<=1.0.0 and all versions of sh-b are incompatible. (1)

         Because all versions of sh-b depend on sh-c>=2,<3 and sh-a>=2.0.0 depends on sh-c>=3, we can conclude that sh-a>=2.0.0 and all versions of sh-b are incompatible.
         And because we know from (1) that sh-a<=1.0.0 and all versions of sh-b are incompatible, we can conclude that all versions of sh-a and all versions of sh-b are incompatible.
         And because you require sh-a and sh-b, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "long_chain_of_references",
    requirements: ["many-a", "many-c>=1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because all versions of many-b depend on many-c<1 and many-a<=1.0.0 depends on many-b==1.0.0, we can conclude that many-a<=1.0.0 depends on many-c<1. (1)

         Because many-b>=1.1.0 depends on many-c<1 and many-a==1.1.0 depends on many-b==1.1.0, we can conclude that many-a==1.1.0 depends on many-c<1.
         And because we know from (1) that many-a<=1.0.0 depends on many-c<1, we can conclude that many-a<=1.1.0 depends on many-c<1. (2)

         Because many-b>=1.2.0 depends on many-c<1 and many-a==1.2.0 depends on many-b==1.2.0, we can conclude that many-a==1.2.0 depends on many-c<1.
         And because we know from (2) that many-a<=1.1.0 depends on many-c<1, we can conclude that many-a<=1.2.0 depends on many-c<1. (3)

         Because many-b>=1.3.0 depends on many-c<1 and many-a==1.3.0 depends on many-b==1.3.0, we can conclude that many-a==1.3.0 depends on many-c<1.
         And because we know from (3) that many-a<=1.2.0 depends on many-c<1, we can conclude that many-a<=1.3.0 depends on many-c<1. (4)

         Because many-b>=1.4.0 depends on many-c<1 and many-a==1.4.0 depends on many-b==1.4.0, we can conclude that many-a==1.4.0 depends on many-c<1.
         And because we know from (4) that many-a<=1.3.0 depends on many-c<1, we can conclude that many-a<=1.4.0 depends on many-c<1. (5)

         Because many-b>=1.5.0 depends on many-c<1 and many-a==1.5.0 depends on many-b==1.5.0, we can conclude that many-a==1.5.0 depends on many-c<1.
         And because we know from (5) that many-a<=1.4.0 depends on many-c<1, we can conclude that many-a<=1.5.0 depends on many-c<1. (6)

         Because many-b>=1.6.0 depends on many-c<1 and many-a==1.6.0 depends on many-b==1.6.0, we can conclude that many-a==1.6.0 depends on many-c<1.
         And because we know from (6) that many-a<=1.5.0 depends on many-c<1, we can conclude that many-a<=1.6.0 depends on many-c<1. (7)

         Because many-b>=1.7.0 depends on many-c<1 and many-a>=1.7.0 depends on many-b==1.7.0, we can conclude that many-a>=1.7.0 depends on many-c<1.
         And because we know from (7) that many-a<=1.6.0 depends on many-c<1, we can conclude that all versions of many-a depend on many-c<1.
         And because you require many-a and many-c>=1, we can conclude that your requirements are unsatisfiable.
`,
  },
  {
    name: "chain_of_references_with_lower_bound",
    requirements: ["many-a>=1.3", "many-c>=1"],
    ok: false,
    expected: `error: No solution found when resolving dependencies
  cause: Because many-b>=1.3.0 depends on many-c<1 and many-a==1.3.0 depends on many-b==1.3.0, we can conclude that many-a==1.3.0 depends on many-c<1. (1)

         Because many-b>=1.4.0 depends on many-c<1 and many-a==1.4.0 depends on many-b==1.4.0, we can conclude that many-a==1.4.0 depends on many-c<1.
         And because we know from (1) that many-a==1.3.0 depends on many-c<1, we can conclude that many-a>=1.3.0,<=1.4.0 depends on many-c<1. (2)

         Because many-b>=1.5.0 depends on many-c<1 and many-a==1.5.0 depends on many-b==1.5.0, we can conclude that many-a==1.5.0 depends on many-c<1.
         And because we know from (2) that many-a>=1.3.0,<=1.4.0 depends on many-c<1, we can conclude that many-a>=1.3.0,<=1.5.0 depends on many-c<1. (3)

         Because many-b>=1.6.0 depends on many-c<1 and many-a==1.6.0 depends on many-b==1.6.0, we can conclude that many-a==1.6.0 depends on many-c<1.
         And because we know from (3) that many-a>=1.3.0,<=1.5.0 depends on many-c<1, we can conclude that many-a>=1.3.0,<=1.6.0 depends on many-c<1. (4)

         Because many-b>=1.7.0 depends on many-c<1 and many-a>=1.7.0 depends on many-b==1.7.0, we can conclude that many-a>=1.7.0 depends on many-c<1.
         And because we know from (4) that many-a>=1.3.0,<=1.6.0 depends on many-c<1, we can conclude that many-a>=1.3.0 depends on many-c<1.
         And because you require many-a>=1.3 and many-c>=1, we can conclude that your requirements are unsatisfiable.
`,
  },
];
