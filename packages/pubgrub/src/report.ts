import type { DerivationTree, Derived, External } from "./derivation-tree.ts";
import type { Term } from "./term.ts";
import { isFullSet, type VersionSet } from "./version-set.ts";

/**
 * The sentences of a report. {@link DefaultStringReporter} decides the structure (which
 * incompatibilities to explain, in what order, with which line references); a formatter words
 * each step, so a resolver can keep the structure and change the words.
 */
export interface ReportFormatter<P, V, R extends VersionSet<V, R>, M> {
  /** One external fact, as a clause: `foo 1.0 depends on bar >=2`. */
  formatExternal(external: External<P, V, R, M>): string;
  /** What an incompatibility means, as a clause: `foo 1.0 is forbidden`. */
  formatTerms(terms: ReadonlyMap<P, Term<V, R>>): string;
  /** `Because <e1> and <e2>, <terms>.` */
  explainBothExternal(
    external1: External<P, V, R, M>,
    external2: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string;
  /** Both causes were explained before: `Because <d1> (1) and <d2> (2), <terms>.` */
  explainBothRef(
    ref1: number,
    derived1: Derived<P, V, R, M>,
    ref2: number,
    derived2: Derived<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string;
  /** `Because <d> (1) and <e>, <terms>.` */
  explainRefAndExternal(
    ref: number,
    derived: Derived<P, V, R, M>,
    external: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string;
  /** `And because <e>, <terms>.` */
  andExplainExternal(external: External<P, V, R, M>, terms: ReadonlyMap<P, Term<V, R>>): string;
  /** `And because <d> (1), <terms>.` */
  andExplainRef(
    ref: number,
    derived: Derived<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string;
  /** `And because <e1> and <e2>, <terms>.` */
  andExplainPriorAndExternal(
    prior: External<P, V, R, M>,
    external: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string;
}

/** pubgrub-rs's default wording, sentence for sentence. */
export class DefaultStringReportFormatter<P, V, R extends VersionSet<V, R>, M = string>
  implements ReportFormatter<P, V, R, M>
{
  readonly #name: (p: P) => string;

  /** `name` prints a package (default `String`). */
  constructor(name: (p: P) => string = String) {
    this.#name = name;
  }

  formatExternal(external: External<P, V, R, M>): string {
    const p = this.#name(external.package);
    switch (external.type) {
      case "notRoot":
        return `we are solving dependencies of ${p} ${external.version}`;
      case "noVersions":
        return isFullSet(external.set)
          ? `there is no available version for ${p}`
          : `there is no version of ${p} in ${external.set}`;
      case "unavailable":
      case "custom":
        return isFullSet(external.set)
          ? `dependencies of ${p} are unavailable ${external.reason}`
          : `dependencies of ${p} at version ${external.set} are unavailable ${external.reason}`;
      case "fromDependencyOf": {
        const dependent = isFullSet(external.versions) ? p : `${p} ${external.versions}`;
        const dep = this.#name(external.dependency);
        const dependency = isFullSet(external.dependencyVersions)
          ? dep
          : `${dep} ${external.dependencyVersions}`;
        return `${dependent} depends on ${dependency}`;
      }
    }
  }

  formatTerms(terms: ReadonlyMap<P, Term<V, R>>): string {
    const entries = [...terms];
    if (entries.length === 0) return "version solving failed";
    if (entries.length === 1) {
      const [p, t] = entries[0]!;
      return `${this.#name(p)} ${t.set} is ${t.positive ? "forbidden" : "mandatory"}`;
    }
    if (entries.length === 2) {
      const [[p1, t1], [p2, t2]] = entries as [[P, Term<V, R>], [P, Term<V, R>]];
      if (t1.positive !== t2.positive) {
        const [[dependent, pos], [dependency, neg]] = t1.positive
          ? [
              [p1, t1],
              [p2, t2],
            ]
          : [
              [p2, t2],
              [p1, t1],
            ];
        return this.formatExternal({
          type: "fromDependencyOf",
          package: dependent,
          versions: pos.set,
          dependency,
          dependencyVersions: neg.set,
        });
      }
    }
    return `${entries.map(([p, t]) => `${this.#name(p)} ${t}`).join(", ")} are incompatible`;
  }

  explainBothExternal(
    external1: External<P, V, R, M>,
    external2: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string {
    return `Because ${this.formatExternal(external1)} and ${this.formatExternal(external2)}, ${this.formatTerms(terms)}.`;
  }

  explainBothRef(
    ref1: number,
    derived1: Derived<P, V, R, M>,
    ref2: number,
    derived2: Derived<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string {
    return `Because ${this.formatTerms(derived1.terms)} (${ref1}) and ${this.formatTerms(derived2.terms)} (${ref2}), ${this.formatTerms(terms)}.`;
  }

  explainRefAndExternal(
    ref: number,
    derived: Derived<P, V, R, M>,
    external: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string {
    return `Because ${this.formatTerms(derived.terms)} (${ref}) and ${this.formatExternal(external)}, ${this.formatTerms(terms)}.`;
  }

  andExplainExternal(external: External<P, V, R, M>, terms: ReadonlyMap<P, Term<V, R>>): string {
    return `And because ${this.formatExternal(external)}, ${this.formatTerms(terms)}.`;
  }

  andExplainRef(
    ref: number,
    derived: Derived<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string {
    return `And because ${this.formatTerms(derived.terms)} (${ref}), ${this.formatTerms(terms)}.`;
  }

  andExplainPriorAndExternal(
    prior: External<P, V, R, M>,
    external: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): string {
    return `And because ${this.formatExternal(prior)} and ${this.formatExternal(external)}, ${this.formatTerms(terms)}.`;
  }
}

/**
 * Turns a derivation tree into pubgrub-rs's prose: a chain of "Because ..., ..." and "And
 * because ..., ..." lines, where a derived fact used twice is explained once, numbered `(1)`,
 * and referred to by number afterwards; paragraphs are separated by a blank line.
 */
export class DefaultStringReporter<P, V, R extends VersionSet<V, R>, M> {
  readonly #formatter: ReportFormatter<P, V, R, M>;
  #refCount = 0;
  /** Line numbers of the shared nodes explained so far, by shared id. */
  readonly #refs = new Map<number, number>();
  readonly #lines: string[] = [];

  private constructor(formatter: ReportFormatter<P, V, R, M>) {
    this.#formatter = formatter;
  }

  /** The report of `tree`, worded by `formatter` (default pubgrub-rs's). */
  static report<P, V, R extends VersionSet<V, R>, M>(
    tree: DerivationTree<P, V, R, M>,
    formatter: ReportFormatter<P, V, R, M> = new DefaultStringReportFormatter<P, V, R, M>(),
  ): string {
    if (tree.type !== "derived") return formatter.formatExternal(tree);
    const reporter = new DefaultStringReporter(formatter);
    reporter.#build(tree);
    return reporter.#lines.join("\n");
  }

  /** Explains `derived`, then numbers it if it is shared and not numbered yet. */
  #build(derived: Derived<P, V, R, M>): void {
    this.#explain(derived);
    const id = derived.sharedId;
    if (id !== undefined && !this.#refs.has(id)) {
      this.#addLineRef();
      this.#refs.set(id, this.#refCount);
    }
  }

  #explain(current: Derived<P, V, R, M>): void {
    const f = this.#formatter;
    const { cause1, cause2, terms } = current;
    if (cause1.type !== "derived" && cause2.type !== "derived") {
      this.#lines.push(f.explainBothExternal(cause1, cause2, terms));
      return;
    }
    if (cause1.type === "derived" && cause2.type !== "derived") {
      this.#oneEach(cause1, cause2, terms);
      return;
    }
    if (cause1.type !== "derived" && cause2.type === "derived") {
      this.#oneEach(cause2, cause1, terms);
      return;
    }
    // Both causes are derived.
    const derived1 = cause1 as Derived<P, V, R, M>;
    const derived2 = cause2 as Derived<P, V, R, M>;
    const ref1 = this.#refOf(derived1);
    const ref2 = this.#refOf(derived2);
    if (ref1 !== undefined && ref2 !== undefined) {
      this.#lines.push(f.explainBothRef(ref1, derived1, ref2, derived2, terms));
    } else if (ref1 !== undefined) {
      this.#build(derived2);
      this.#lines.push(f.andExplainRef(ref1, derived1, terms));
    } else if (ref2 !== undefined) {
      this.#build(derived1);
      this.#lines.push(f.andExplainRef(ref2, derived2, terms));
    } else {
      this.#build(derived1);
      if (derived1.sharedId !== undefined) {
        // Now numbered: explaining `current` again takes one of the branches above.
        this.#lines.push("");
        this.#build(current);
      } else {
        this.#addLineRef();
        const ref = this.#refCount;
        this.#lines.push("");
        this.#build(derived2);
        this.#lines.push(f.andExplainRef(ref, derived1, terms));
      }
    }
  }

  /** One derived cause and one external one. */
  #oneEach(
    derived: Derived<P, V, R, M>,
    external: External<P, V, R, M>,
    terms: ReadonlyMap<P, Term<V, R>>,
  ): void {
    const f = this.#formatter;
    const ref = this.#refOf(derived);
    if (ref !== undefined) {
      this.#lines.push(f.explainRefAndExternal(ref, derived, external, terms));
      return;
    }
    const { cause1, cause2 } = derived;
    // A derived cause with one external prior cause chains both externals into one sentence.
    if (cause1.type === "derived" && cause2.type !== "derived") {
      this.#build(cause1);
      this.#lines.push(f.andExplainPriorAndExternal(cause2, external, terms));
    } else if (cause1.type !== "derived" && cause2.type === "derived") {
      this.#build(cause2);
      this.#lines.push(f.andExplainPriorAndExternal(cause1, external, terms));
    } else {
      this.#build(derived);
      this.#lines.push(f.andExplainExternal(external, terms));
    }
  }

  #addLineRef(): void {
    this.#refCount++;
    const last = this.#lines.length - 1;
    if (last >= 0) this.#lines[last] = `${this.#lines[last]} (${this.#refCount})`;
  }

  #refOf(derived: Derived<P, V, R, M>): number | undefined {
    return derived.sharedId === undefined ? undefined : this.#refs.get(derived.sharedId);
  }
}
