import { type AbiTag, type CPythonAbiVariants, formatAbiTag, tryParseAbiTag } from "./abi-tag.ts";
import { compatiblePlatformTags } from "./compatible-platform-tags.ts";
import { TagsError } from "./errors.ts";
import { formatLanguageTag, type LanguageTag, tryParseLanguageTag } from "./language-tag.ts";
import type { Platform } from "./platform.ts";
import {
  formatPlatformTag,
  isManylinuxTag,
  type PlatformTag,
  tryParsePlatformTag,
} from "./platform-tag.ts";
import type { TagCompatibility } from "./tag-compatibility.ts";
import { formatTagTriple, type TagTriple } from "./tag-triple.ts";

/** The facts about an interpreter that decide its tags (uv reads them from the interpreter). */
export interface TagsOptions {
  /** `sys.version_info[:2]`. */
  readonly pythonVersion: readonly [number, number];
  /** `sys.implementation.name`: `cpython`, `pypy`, `graalpy` or `pyston`. */
  readonly implementationName: string;
  /** `sys.implementation.version[:2]` (for CPython the same as `pythonVersion`). */
  readonly implementationVersion: readonly [number, number];
  /** Whether the interpreter may load manylinux wheels (`_manylinux.manylinux_compatible`). */
  readonly manylinuxCompatible: boolean;
  /** `Py_GIL_DISABLED`: a free-threaded build, whose ABI tag ends in `t`. */
  readonly gilDisabled?: boolean;
  /** `Py_DEBUG`: a debug build, whose ABI tag ends in `d`. */
  readonly debugEnabled?: boolean;
  /** The tags describe another interpreter than the running one (only changes messages). */
  readonly isCross?: boolean;
}

/** A tag of an environment together with its priority (higher is better). */
export interface PrioritizedTag extends TagTriple {
  readonly priority: number;
}

type Implementation =
  | { readonly kind: "cpython"; readonly variants: CPythonAbiVariants }
  | { readonly kind: "pypy" | "graalpy" | "pyston" };

function implementationFor(name: string, variants: CPythonAbiVariants): Implementation {
  switch (name) {
    case "cpython":
      return { kind: "cpython", variants };
    case "pypy":
    case "graalpy":
    case "pyston":
      return { kind: name };
    case "python":
    case "ironpython":
    case "jython":
      throw new TagsError(
        "platform-tags.unsupported-implementation",
        `Unsupported implementation: \`${name}\``,
      );
    default:
      throw new TagsError(
        "platform-tags.unknown-implementation",
        `Unknown implementation: \`${name}\``,
      );
  }
}

function languageTagFor(implementation: Implementation, major: number, minor: number): LanguageTag {
  return { kind: implementation.kind, major, minor };
}

function abiTagFor(
  implementation: Implementation,
  [major, minor]: readonly [number, number],
  implementationVersion: readonly [number, number],
): AbiTag {
  switch (implementation.kind) {
    case "cpython":
      return { kind: "cpython", major, minor, variants: implementation.variants };
    case "pypy":
      return { kind: "pypy", pythonVersion: [major, minor], implementationVersion };
    case "graalpy":
      return { kind: "graalpy", pythonVersion: [major, minor], implementationVersion };
    case "pyston":
      return { kind: "pyston", implementationVersion };
  }
}

// The incompatible outcomes of `Tags.compatibility`; immutable, so shared.
const INCOMPATIBLE = {
  invalid: { compatible: false, reason: "invalid" },
  python: { compatible: false, reason: "python" },
  abi: { compatible: false, reason: "abi" },
  freethreaded: { compatible: false, reason: "freethreaded-abi" },
  platform: { compatible: false, reason: "platform" },
} as const satisfies Record<string, TagCompatibility>;

/** Free-threaded interpreters can only load `none`, `abi3t` and free-threaded CPython ABIs. */
function isFreethreadedCompatibleAbi(abi: AbiTag): boolean {
  return (
    abi.kind === "none" ||
    abi.kind === "abi3t" ||
    (abi.kind === "cpython" && abi.variants.freethreaded)
  );
}

/**
 * A run of an interpreter's tags: one Python tag and one ABI tag on each of `platforms`, in order.
 * The tags come in such runs, so their texts are formatted once per run (and once per platform
 * tag) rather than once per tag: an interpreter has a thousand tags or more.
 */
interface TagRun {
  readonly python: LanguageTag;
  readonly abi: AbiTag;
  readonly platforms: readonly PlatformTag[];
  /** `formatPlatformTag` of each of `platforms`. */
  readonly platformKeys: readonly string[];
}

/** The interpreter's tag list, best first, as uv orders it (see `Tags.fromEnvironment`). */
function environmentTags(
  platformTags: readonly PlatformTag[],
  options: TagsOptions,
  implementation: Implementation,
): TagRun[] {
  const [major, minor] = options.pythonVersion;
  const runs: TagRun[] = [];
  const platformKeys = platformTags.map(formatPlatformTag);
  const forEachPlatform = (python: LanguageTag, abi: AbiTag): void => {
    runs.push({ python, abi, platforms: platformTags, platformKeys });
  };
  const own = languageTagFor(implementation, major, minor);
  const none: AbiTag = { kind: "none" };
  const any: readonly PlatformTag[] = [{ kind: "any" }];
  const anyKeys = ["any"];
  const pure = (python: LanguageTag): void => {
    runs.push({ python, abi: none, platforms: any, platformKeys: anyKeys });
  };

  // 1. The interpreter's exact ABI.
  forEachPlatform(
    own,
    abiTagFor(implementation, options.pythonVersion, options.implementationVersion),
  );
  // 1a. Debug builds of 3.8+ are ABI-compatible with release builds.
  if (
    implementation.kind === "cpython" &&
    implementation.variants.debug &&
    (major > 3 || (major === 3 && minor >= 8))
  ) {
    forEachPlatform(own, {
      kind: "cpython",
      major,
      minor,
      variants: { ...implementation.variants, debug: false },
    });
  }
  // 2. The stable ABI (abi3, or abi3t when free-threaded) down to 3.2, and `none` for this version.
  if (implementation.kind === "cpython") {
    const stable: AbiTag = { kind: implementation.variants.freethreaded ? "abi3t" : "abi3" };
    for (let m = minor; m >= 2; m--) {
      const python = languageTagFor(implementation, major, m);
      forEachPlatform(python, stable);
      if (m === minor) forEachPlatform(python, none);
    }
  }
  // 3. Any Python of this major version, platform-specific, without an ABI.
  for (let m = minor; m >= 0; m--) {
    forEachPlatform({ kind: "python", major, minor: m }, none);
    if (m === minor) forEachPlatform({ kind: "python", major, minor: undefined }, none);
  }
  // 4. Pure Python.
  if (implementation.kind === "cpython") pure(own);
  for (let m = minor; m >= 0; m--) {
    pure({ kind: "python", major, minor: m });
    if (m === minor) pure({ kind: "python", major, minor: undefined });
  }
  return runs;
}

/**
 * The tags an interpreter accepts, with their priorities: decides whether a wheel is compatible
 * and which of several compatible wheels is best.
 */
export class Tags {
  /** Python tag -> ABI tag -> platform tag -> priority, all keyed by the tags' text. */
  readonly #map: Map<string, Map<string, Map<string, number>>>;
  /** The tags, best first, in runs (duplicates included). */
  readonly #runs: readonly TagRun[];
  /** How many tags `#runs` holds. */
  readonly #count: number;
  /** Distinct tags, best first; made when first asked for (most runs only look tags up). */
  #ordered: readonly PrioritizedTag[] | undefined;
  /**
   * For {@link mayFit}, per kind (Python, ABI, platform): whether a tag text seen reads as a
   * tag of that kind that some tag here has. Pure results, so a cache, not state.
   */
  #heldParts:
    | readonly [Map<string, boolean>, Map<string, boolean>, Map<string, boolean>]
    | undefined;
  /** The ABI and platform tags (as text) some tag here has. */
  #heldAbis: ReadonlySet<string> | undefined;
  #heldPlatforms: ReadonlySet<string> | undefined;
  /** The platform the tags were made for, for messages. */
  readonly platform: Platform;
  /** The Python version the tags were made for, for messages. */
  readonly pythonVersion: readonly [number, number];
  /** The tags are for another interpreter than the running one. */
  readonly isCross: boolean;
  /** The tags are for a free-threaded interpreter. */
  readonly isFreethreaded: boolean;

  private constructor(
    runs: readonly TagRun[],
    platform: Platform,
    pythonVersion: readonly [number, number],
    isCross: boolean,
    isFreethreaded: boolean,
  ) {
    this.platform = platform;
    this.pythonVersion = pythonVersion;
    this.isCross = isCross;
    this.isFreethreaded = isFreethreaded;
    this.#runs = runs;
    this.#map = new Map();
    let count = 0;
    for (const run of runs) count += run.platforms.length;
    this.#count = count;
    // The last tag gets priority 1; a tag listed twice keeps its lower priority (as uv does).
    let priority = 0;
    for (let r = runs.length - 1; r >= 0; r--) {
      const run = runs[r] as TagRun;
      const python = formatLanguageTag(run.python);
      const abi = formatAbiTag(run.abi);
      let abis = this.#map.get(python);
      if (abis === undefined) {
        abis = new Map();
        this.#map.set(python, abis);
      }
      let platforms = abis.get(abi);
      if (platforms === undefined) {
        platforms = new Map();
        abis.set(abi, platforms);
      }
      const keys = run.platformKeys;
      for (let p = keys.length - 1; p >= 0; p--) {
        priority++;
        const key = keys[p] as string;
        if (!platforms.has(key)) platforms.set(key, priority);
      }
    }
  }

  /** The distinct tags, best first: each where the map kept its priority. */
  #orderedTags(): readonly PrioritizedTag[] {
    if (this.#ordered !== undefined) return this.#ordered;
    const ordered: PrioritizedTag[] = [];
    let priority = this.#count + 1;
    for (const run of this.#runs) {
      const platforms = this.#map.get(formatLanguageTag(run.python))?.get(formatAbiTag(run.abi));
      for (let p = 0; p < run.platforms.length; p++) {
        priority--;
        if (platforms?.get(run.platformKeys[p] as string) !== priority) continue;
        ordered.push({
          python: run.python,
          abi: run.abi,
          platform: run.platforms[p] as PlatformTag,
          priority,
        });
      }
    }
    this.#ordered = ordered;
    return ordered;
  }

  /**
   * The tags of an interpreter, best first: for CPython its own ABI (`cp312-cp312-*`), then
   * `abi3` for every version down to 3.2 with `cp312-none-*` after the current one, then
   * `py312-none-*`, `py3-none-*`, `py311-none-*` ... `py30-none-*` on each platform tag, then
   * the same with `any` (led by `cp312-none-any`). This is `packaging.tags.sys_tags()` order,
   * except that uv lists `linux_<arch>` after manylinux/musllinux.
   */
  static fromEnvironment(platform: Platform, options: TagsOptions): Tags {
    const { implementationName } = options;
    const [major, minor] = options.pythonVersion;
    const variants = { freethreaded: false, debug: false, pymalloc: false, wideUnicode: false };
    if (options.gilDisabled === true) {
      if (implementationName !== "cpython") {
        throw new TagsError(
          "platform-tags.freethreaded-not-cpython",
          `Only CPython can be freethreading, not: ${implementationName}`,
        );
      }
      variants.freethreaded = true;
    }
    if (options.debugEnabled === true) {
      if (implementationName !== "cpython") {
        throw new TagsError(
          "platform-tags.debug-not-cpython",
          `Only CPython can be debug-enabled, not: ${implementationName}`,
        );
      }
      variants.debug = true;
    }
    // Before 3.8 CPython was (nearly always) built with pymalloc, which shows as `m`.
    if ((major < 3 || (major === 3 && minor <= 7)) && implementationName === "cpython") {
      variants.pymalloc = true;
    }
    const implementation = implementationFor(implementationName, variants);
    let platformTags = compatiblePlatformTags(platform);
    if (platform.os.kind === "manylinux" && !options.manylinuxCompatible) {
      platformTags = platformTags.filter((tag) => !isManylinuxTag(tag));
    }
    return new Tags(
      environmentTags(platformTags, options, implementation),
      platform,
      options.pythonVersion,
      options.isCross === true,
      options.gilDisabled === true,
    );
  }

  /**
   * Whether some combination of the given tags is accepted. Cheaper than
   * {@link Tags.compatibility} when the priority does not matter.
   */
  isCompatible(
    pythonTags: readonly LanguageTag[],
    abiTags: readonly AbiTag[],
    platformTags: readonly PlatformTag[],
  ): boolean {
    for (const python of pythonTags) {
      const abis = this.#map.get(formatLanguageTag(python));
      if (abis === undefined) continue;
      for (const abi of abiTags) {
        const platforms = abis.get(formatAbiTag(abi));
        if (platforms === undefined) continue;
        for (const platform of platformTags) {
          if (platforms.has(formatPlatformTag(platform))) return true;
        }
      }
    }
    return false;
  }

  /**
   * The best compatibility among all combinations of a wheel's tags (a wheel's compressed tag
   * sets stand for their Cartesian product): the highest priority when one combination is
   * accepted, otherwise the most specific reason.
   */
  compatibility(
    pythonTags: readonly LanguageTag[],
    abiTags: readonly AbiTag[],
    platformTags: readonly PlatformTag[],
  ): TagCompatibility {
    if (this.isFreethreaded && !abiTags.some(isFreethreadedCompatibleAbi)) {
      return INCOMPATIBLE.freethreaded;
    }
    // Priorities start at 1, so 0 means no combination fits; then the most specific reason wins
    // (python < abi < platform, as `maxTagCompatibility` ranks them).
    let priority = 0;
    let reason: TagCompatibility = INCOMPATIBLE.invalid;
    const abiKeys = abiTags.map(formatAbiTag);
    const platformKeys = platformTags.map(formatPlatformTag);
    for (const python of pythonTags) {
      const abis = this.#map.get(formatLanguageTag(python));
      if (abis === undefined) {
        if (reason === INCOMPATIBLE.invalid) reason = INCOMPATIBLE.python;
        continue;
      }
      for (const abi of abiKeys) {
        const platforms = abis.get(abi);
        if (platforms === undefined) {
          if (reason !== INCOMPATIBLE.platform) reason = INCOMPATIBLE.abi;
          continue;
        }
        for (const platform of platformKeys) {
          const found = platforms.get(platform);
          if (found === undefined) reason = INCOMPATIBLE.platform;
          else if (found > priority) priority = found;
        }
      }
    }
    return priority > 0 ? { compatible: true, priority } : reason;
  }

  /**
   * `false` when a wheel whose three tag components are these texts (`py2.py3`, `none`, `any`)
   * cannot fit: some component names no tag of its kind that these tags have, so no combination
   * of its tags is one of them. `true` says nothing: ask {@link compatibility}. Each distinct
   * part is read once, where a wheel's tags are read per distinct combination: a page's wheels
   * for other platforms are ruled out for a few lookups each.
   */
  mayFit(python: string, abi: string, platform: string): boolean {
    if (this.#heldParts === undefined) {
      this.#heldParts = [new Map(), new Map(), new Map()];
      const abis = new Set<string>();
      const platforms = new Set<string>();
      for (const byAbi of this.#map.values()) {
        for (const [abiKey, byPlatform] of byAbi) {
          abis.add(abiKey);
          for (const platformKey of byPlatform.keys()) platforms.add(platformKey);
        }
      }
      this.#heldAbis = abis;
      this.#heldPlatforms = platforms;
    }
    const [pythons, abis, platforms] = this.#heldParts;
    return (
      this.#holdsPart(platform, platforms, 2) &&
      this.#holdsPart(python, pythons, 0) &&
      this.#holdsPart(abi, abis, 1)
    );
  }

  /** Whether some `.`-separated part of `component` reads as a held tag of kind `kind`. */
  #holdsPart(component: string, known: Map<string, boolean>, kind: 0 | 1 | 2): boolean {
    let start = 0;
    for (;;) {
      const dot = component.indexOf(".", start);
      const part =
        dot === -1
          ? start === 0
            ? component
            : component.slice(start)
          : component.slice(start, dot);
      let held = known.get(part);
      if (held === undefined) {
        held = this.#holds(part, kind);
        known.set(part, held);
      }
      if (held) return true;
      if (dot === -1) return false;
      start = dot + 1;
    }
  }

  #holds(part: string, kind: 0 | 1 | 2): boolean {
    if (kind === 0) {
      const tag = tryParseLanguageTag(part);
      return tag !== undefined && this.#map.has(formatLanguageTag(tag));
    }
    if (kind === 1) {
      const tag = tryParseAbiTag(part);
      return tag !== undefined && (this.#heldAbis as ReadonlySet<string>).has(formatAbiTag(tag));
    }
    const tag = tryParsePlatformTag(part);
    return (
      tag !== undefined && (this.#heldPlatforms as ReadonlySet<string>).has(formatPlatformTag(tag))
    );
  }

  /** The compatibility of a single tag. */
  compatibilityOfTag(tag: TagTriple): TagCompatibility {
    if (this.isFreethreaded && !isFreethreadedCompatibleAbi(tag.abi)) {
      return { compatible: false, reason: "freethreaded-abi" };
    }
    const abis = this.#map.get(formatLanguageTag(tag.python));
    if (abis === undefined) return { compatible: false, reason: "python" };
    const platforms = abis.get(formatAbiTag(tag.abi));
    if (platforms === undefined) return { compatible: false, reason: "abi" };
    const priority = platforms.get(formatPlatformTag(tag.platform));
    if (priority === undefined) return { compatible: false, reason: "platform" };
    return { compatible: true, priority };
  }

  /** Whether some tag pairs this Python tag with this ABI tag (any platform). */
  isCompatibleAbi(python: LanguageTag, abi: AbiTag): boolean {
    return this.#map.get(formatLanguageTag(python))?.has(formatAbiTag(abi)) ?? false;
  }

  /** The best tag, or `undefined` when there are none. */
  best(): PrioritizedTag | undefined {
    return this.#orderedTags()[0];
  }

  /** The number of distinct tags. */
  get size(): number {
    return this.#orderedTags().length;
  }

  /** The tags, best first. */
  [Symbol.iterator](): Iterator<PrioritizedTag> {
    return this.#orderedTags()[Symbol.iterator]();
  }

  /** One tag per line, best first (`cp312-cp312-manylinux_2_39_x86_64`, ...). */
  toString(): string {
    return this.#orderedTags()
      .map((tag) => `${formatTagTriple(tag)}\n`)
      .join("");
  }
}
