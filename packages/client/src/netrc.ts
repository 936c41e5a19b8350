/** One `machine` (or `default`) entry of a `.netrc` file. */
export interface NetrcEntry {
  readonly login?: string;
  readonly password?: string;
  readonly account?: string;
}

/** A parsed `.netrc`: entries by host name, plus the `default` entry. */
export interface Netrc {
  readonly machines: ReadonlyMap<string, NetrcEntry>;
  readonly default: NetrcEntry | undefined;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const words = line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w] as string;
      if (word.startsWith("#")) break;
      if (word === "macdef") {
        // A macro body runs to the next empty line; it is never credentials.
        while (i + 1 < lines.length && (lines[i + 1] as string).trim() !== "") i++;
        break;
      }
      tokens.push(word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, "$1") : word);
    }
  }
  return tokens;
}

/** Parses `.netrc` text leniently: unknown tokens are skipped, as curl and Python do. */
export function parseNetrc(text: string): Netrc {
  const machines = new Map<string, NetrcEntry>();
  let defaultEntry: NetrcEntry | undefined;
  const tokens = tokenize(text);
  let current: { login?: string; password?: string; account?: string } | undefined;
  let currentHost: string | undefined;
  const flush = () => {
    if (current === undefined) return;
    if (currentHost === undefined) defaultEntry ??= current;
    else if (!machines.has(currentHost)) machines.set(currentHost, current);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const next = tokens[i + 1];
    switch (token) {
      case "machine":
        flush();
        current = {};
        currentHost = next?.toLowerCase();
        i++;
        break;
      case "default":
        flush();
        current = {};
        currentHost = undefined;
        break;
      case "login":
      case "password":
      case "account":
        if (current !== undefined && next !== undefined) current[token] = next;
        i++;
        break;
      default:
        break;
    }
  }
  flush();
  return { machines, default: defaultEntry };
}

/** The entry for `host` (falling back to `default`). */
export function netrcLookup(netrc: Netrc, host: string): NetrcEntry | undefined {
  return netrc.machines.get(host.toLowerCase()) ?? netrc.default;
}
