# Shared helpers for the benchmark scripts in scripts/bench/ (sourced, not run).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Installs hyperfine when it is missing (Debian/Ubuntu).
ensure_hyperfine() {
  if command -v hyperfine >/dev/null; then return; fi
  echo "hyperfine not found; installing it with apt-get" >&2
  apt-get install -y hyperfine >&2
}

# Prints the real `uv` binary (not a pyenv shim, which re-dispatches through bash on every
# call and would dominate the timings), or nothing when uv is not installed.
find_uv() {
  if [[ -n "${UV:-}" ]]; then echo "$UV"; return; fi
  local uv
  uv="$(command -v uv || true)"
  if [[ -n "$uv" && "$uv" != */shims/* ]]; then echo "$uv"; return; fi
  if command -v pyenv >/dev/null; then
    local versions
    versions="$(pyenv versions --bare | tr '\n' ':')"
    uv="$(PYENV_VERSION="${versions%:}" pyenv which uv 2>/dev/null || true)"
    if [[ -n "$uv" ]]; then echo "$uv"; return; fi
  fi
  echo ""
}

# Prints each command's median from a hyperfine JSON export, and its difference and ratio to
# the first command (the floor).
print_medians() {
  node - "$1" <<'JS'
const { readFileSync } = require("node:fs");
const { results } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = results[0].median;
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
const width = Math.max(...results.map((r) => r.command.length));
for (const r of results) {
  const diff = r.median - base;
  const extra =
    r === results[0] ? "(floor)" : `${diff >= 0 ? "+" : "-"}${ms(Math.abs(diff))}  ${(r.median / base).toFixed(2)}x`;
  console.log(`${r.command.padEnd(width)}  median ${ms(r.median).padStart(9)}  ±${ms(r.stddev ?? 0)}  ${extra}`);
}
JS
}
