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
  # The one `pnpm test` installs (scripts/setup-test-python.mjs).
  if [[ -x "$BENCH_ROOT/target/test-venv/bin/uv" ]]; then echo "$BENCH_ROOT/target/test-venv/bin/uv"; return; fi
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

# Prints the real interpreter binary for `X.Y` (default 3.12): `$PYTHON` if set, else pyenv's
# newest `X.Y.*` (its real path, never the shim), else `pythonX.Y` from PATH, resolved.
find_python() {
  local minor="${1:-3.12}"
  if [[ -n "${PYTHON:-}" ]]; then realpath "$PYTHON"; return; fi
  if command -v pyenv >/dev/null; then
    local version
    version="$(pyenv versions --bare | grep -E "^${minor//./\\.}(\.[0-9]+)?\$" | sort -V | tail -n 1 || true)"
    if [[ -n "$version" ]]; then realpath "$(pyenv prefix "$version")/bin/python$minor"; return; fi
  fi
  "python$minor" -c 'import os, sys; print(os.path.realpath(sys.executable))'
}

# Moves each existing path into the trash directory `$1` (a rename: cheap, unlike `rm -rf` of a
# big tree, which would otherwise land inside the timed loop).
move_aside() {
  local trash="$1"; shift
  local path
  for path in "$@"; do
    if [[ -e "$path" ]]; then mv "$path" "$trash/$(basename "$path").$RANDOM$RANDOM$RANDOM"; fi
  done
}

# Empties the trash directory `$1` between two timing calls without slowing the next one: a big
# `rm -rf` keeps this machine's disk busy (journal and discards) for many seconds afterwards, and
# the link- and mkdir-heavy runs that follow then measured 2-4x their system time. So while the
# file system has room (`BENCH_TRASH_KEEP_GB`, default 30 GB free), the trash is only moved into
# `$1.deferred` (a rename), which the caller's exit cleanup removes with the rest of its work
# directory; otherwise it is deleted, synced, and given a few seconds to settle.
empty_trash() {
  local trash="$1" keep_gb="${BENCH_TRASH_KEEP_GB:-30}"
  local free_kb
  free_kb="$(df -Pk "$trash" | awk 'NR == 2 { print $4 }')"
  if [[ -n "$free_kb" && "$free_kb" -gt $(( keep_gb * 1024 * 1024 )) ]]; then
    mkdir -p "$trash.deferred"
    local path
    for path in "$trash"/*; do
      [[ -e "$path" ]] && mv "$path" "$trash.deferred/$(basename "$path").$RANDOM$RANDOM"
    done
    return 0
  fi
  rm -rf "${trash:?}"/*
  sync
  sleep 5
}

# Prints the `bash -c '...'` command that runs `move_aside TRASH PATHS...` and then `CMD` (if any),
# for hyperfine's `--prepare`, which with `-N` does not run through a shell.
prepare_command() {
  local trash="$1" then="$2"; shift 2
  local paths="$*"
  local script="for p in $paths; do if [ -e \$p ]; then mv \$p $trash/\$(basename \$p).\$RANDOM\$RANDOM\$RANDOM; fi; done"
  if [[ -n "$then" ]]; then script="$script; $then"; fi
  echo "bash -c '$script'"
}
