/** A Python implementation uv knows by name. */
export type ImplementationName = "cpython" | "pypy" | "graalpy" | "pyodide";

interface ImplementationFacts {
  readonly name: ImplementationName;
  readonly short: string | undefined;
  readonly pretty: string;
}

const IMPLEMENTATIONS: readonly ImplementationFacts[] = [
  { name: "cpython", short: "cp", pretty: "CPython" },
  { name: "pypy", short: "pp", pretty: "PyPy" },
  { name: "graalpy", short: "gp", pretty: "GraalPy" },
  { name: "pyodide", short: undefined, pretty: "Pyodide" },
];

/** Every implementation, in uv's order. */
export const ALL_IMPLEMENTATIONS: readonly ImplementationName[] = IMPLEMENTATIONS.map(
  (i) => i.name,
);

/** Looks up `cpython`, `cp`, `pypy`, `pp`, ... (case-insensitive). */
export function parseImplementation(text: string): ImplementationName | undefined {
  const lower = text.toLowerCase();
  return IMPLEMENTATIONS.find((i) => i.name === lower || i.short === lower)?.name;
}

/** The long and short names of every implementation (`cpython`, `cp`, `pypy`, `pp`, ...). */
export function implementationNames(): { name: string; implementation: ImplementationName }[] {
  const names: { name: string; implementation: ImplementationName }[] = [];
  for (const i of IMPLEMENTATIONS) {
    names.push({ name: i.name, implementation: i.name });
    if (i.short !== undefined) names.push({ name: i.short, implementation: i.name });
  }
  return names;
}

/** `CPython`, `PyPy`, ... as uv prints them. */
export function prettyImplementation(name: ImplementationName): string {
  return IMPLEMENTATIONS.find((i) => i.name === name)?.pretty ?? name;
}

/** The executable name stem of an implementation: `python` for CPython and Pyodide. */
export function implementationExecutableStem(name: ImplementationName): string {
  return name === "cpython" || name === "pyodide" ? "python" : name;
}
