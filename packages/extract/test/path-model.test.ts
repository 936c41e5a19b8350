import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExtractError } from "../src/index.ts";
import {
  type ClaimResult,
  collisionKey,
  type MemberPath,
  type PathKind,
  PathModel,
  parseMemberPath,
} from "../src/member-path.ts";

// The planner takes shortcuts for the common case (ASCII names, parents already known to be
// directories, names that need no rejoining). Each must give exactly what the plain definitions
// give: here they are checked against a straightforward model on generated names.

/** The collision key by its definition: NFC, then full case folding, then NFC. */
function plainKey(path: string): string {
  return path.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

/**
 * The path model without shortcuts: every parent of every claim is checked from the top, by
 * spelling and by kind.
 */
class PlainModel {
  readonly #kinds = new Map<string, PathKind>();
  readonly #byKey = new Map<string, string>();

  #spelling(path: string): string | undefined {
    const existing = this.#byKey.get(plainKey(path));
    if (existing !== undefined && existing !== path) throw new Error(`collision ${existing}`);
    if (existing === undefined) this.#byKey.set(plainKey(path), path);
    return existing;
  }

  claim(member: MemberPath, kind: PathKind): ClaimResult {
    const { components } = member;
    for (let i = 1; i < components.length; i++) {
      const parent = components.slice(0, i).join("/");
      const existing = this.#spelling(parent);
      const parentKind = existing === undefined ? undefined : this.#kinds.get(parent);
      if (parentKind === "symlink") throw new Error(`through link ${parent}`);
      if (parentKind === "file") throw new Error(`file and directory ${parent}`);
      if (parentKind === undefined) this.#kinds.set(parent, "directory");
    }
    const path = components.join("/");
    const existing = this.#spelling(path);
    const previous = existing === undefined ? undefined : this.#kinds.get(path);
    if (previous === undefined) {
      this.#kinds.set(path, kind);
      return "new";
    }
    if (previous === "directory" && kind === "directory") return "existing-directory";
    if (previous === "file" && kind === "file") return "duplicate-file";
    throw new Error(`conflict ${path}`);
  }
}

/** Short names from a small alphabet, so that repeats, case variants and nesting are common. */
const component = fc.oneof(
  fc.constantFrom("a", "A", "b", "ß", "SS", "ss", "é", "e\u0301", "x.py", "X.PY", "."),
  fc.stringMatching(/^[a-cA-C]{1,2}$/),
);
const name = fc
  .tuple(
    fc.array(component, { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.constantFrom("", "./", "././"),
  )
  .map(([parts, slash, dot]) => `${dot}${parts.join("/")}${slash ? "/" : ""}`);

describe("path planning shortcuts", () => {
  it("collision_keys_match_their_definition", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), name), (path) => {
        expect(collisionKey(path)).toBe(plainKey(path));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it("parsed_paths_are_the_components_joined", () => {
    fc.assert(
      fc.property(name, fc.boolean(), (raw, leadingDot) => {
        let member: MemberPath;
        try {
          member = parseMemberPath(raw, { leadingDot });
        } catch (error) {
          expect(error).toBeInstanceOf(ExtractError);
          return;
        }
        expect(member.path).toBe(member.components.join("/"));
        expect(member.isDirectory).toBe(raw.endsWith("/"));
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it("claims_agree_with_the_model_without_shortcuts", () => {
    const claims = fc.array(
      fc.tuple(name, fc.constantFrom<PathKind>("file", "directory", "directory", "symlink")),
      { minLength: 1, maxLength: 25 },
    );
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(claims, (sequence) => {
        const fast = new PathModel();
        const plain = new PlainModel();
        for (const [raw, kind] of sequence) {
          let member: MemberPath;
          try {
            member = parseMemberPath(raw, { leadingDot: true });
          } catch {
            continue;
          }
          const expected = (() => {
            try {
              return plain.claim(member, kind);
            } catch {
              return "refused";
            }
          })();
          const got = (() => {
            try {
              return fast.claim(member, kind, kind === "symlink" ? "target" : undefined);
            } catch (error) {
              expect(error).toBeInstanceOf(ExtractError);
              return "refused";
            }
          })();
          expect(got, `${raw} as ${kind}`).toBe(expected);
          // A refusal ends an extraction: what either model holds afterwards no longer matters.
          if (got === "refused") {
            refused += 1;
            return;
          }
          accepted += 1;
        }
      }),
      { numRuns: 1500, seed: 13 },
    );
    expect(refused).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe("the parent just checked", () => {
  const claim = (model: PathModel, name: string, kind: PathKind = "file") =>
    model.claim(parseMemberPath(name), kind, kind === "symlink" ? "target" : undefined);

  it("still_refuses_a_sibling_whose_parent_is_spelled_differently", () => {
    const model = new PathModel();
    claim(model, "pkg/a.py");
    expect(() => claim(model, "PKG/b.py")).toThrow(/differ only in case/);
  });

  it("still_refuses_writing_through_a_link_named_like_the_last_parent", () => {
    const model = new PathModel();
    claim(model, "a/b/x.py");
    claim(model, "a/c", "symlink");
    expect(() => claim(model, "a/c/y.py")).toThrow(/symbolic link/);
    // The shortcut only ever skips a parent recorded as a directory.
    expect(claim(model, "a/b/z.py")).toBe("new");
    expect(model.kindOf("a/b")).toBe("directory");
  });
});
