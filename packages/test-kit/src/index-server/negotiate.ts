/** A Simple API representation the server can produce. */
export type SimpleMediaType =
  | "application/vnd.pypi.simple.v1+json"
  | "application/vnd.pypi.simple.v1+html"
  | "text/html";

/** The media types the server offers, in its own order of preference for ties. */
export const SIMPLE_MEDIA_TYPES: readonly SimpleMediaType[] = [
  "application/vnd.pypi.simple.v1+json",
  "application/vnd.pypi.simple.v1+html",
  "text/html",
];

// PEP 691: `latest` is an alias a client may ask for; it means the newest version, v1 here.
const ALIASES: Record<string, SimpleMediaType> = {
  "application/vnd.pypi.simple.latest+json": "application/vnd.pypi.simple.v1+json",
  "application/vnd.pypi.simple.latest+html": "application/vnd.pypi.simple.v1+html",
};

interface AcceptRange {
  readonly type: string;
  readonly q: number;
}

function parseAccept(header: string): AcceptRange[] {
  const ranges: AcceptRange[] = [];
  for (const part of header.split(",")) {
    const [rawType, ...params] = part.split(";").map((s) => s.trim());
    if (rawType === undefined || rawType === "") continue;
    let q = 1;
    for (const param of params) {
      const [k, v] = param.split("=").map((s) => s.trim());
      if (k?.toLowerCase() === "q" && v !== undefined) {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
      }
    }
    const type = rawType.toLowerCase();
    ranges.push({ type: ALIASES[type] ?? type, q });
  }
  return ranges;
}

/** The quality `ranges` give `type`: from the most specific matching range, 0 when none. */
function quality(ranges: readonly AcceptRange[], type: SimpleMediaType): number {
  const [major] = type.split("/");
  let best: { specificity: number; q: number } | undefined;
  for (const range of ranges) {
    const specificity =
      range.type === type ? 3 : range.type === `${major}/*` ? 2 : range.type === "*/*" ? 1 : 0;
    if (specificity === 0) continue;
    if (best === undefined || specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best?.q ?? 0;
}

/**
 * Picks the representation for a Simple API request, as PEP 691 describes: a `?format=` query
 * value overrides `Accept`; no `Accept` at all means `text/html`; otherwise the highest quality
 * wins, ties going to the server's order (JSON first). `undefined` means 406 Not Acceptable.
 */
export function negotiateSimpleMediaType(
  accept: string | undefined,
  format: string | null,
): SimpleMediaType | undefined {
  if (format !== null) {
    const wanted = ALIASES[format.toLowerCase()] ?? format.toLowerCase();
    return SIMPLE_MEDIA_TYPES.find((t) => t === wanted);
  }
  if (accept === undefined || accept.trim() === "") return "text/html";
  const ranges = parseAccept(accept);
  let chosen: SimpleMediaType | undefined;
  let chosenQ = 0;
  for (const type of SIMPLE_MEDIA_TYPES) {
    const q = quality(ranges, type);
    if (q > chosenQ) {
      chosen = type;
      chosenQ = q;
    }
  }
  return chosen;
}
