#!/usr/bin/env bash
# The main job, as far as uv-ts does it today: create a project, give it an environment, add a
# dependency from PyPI, and run the project with it. Runs in a temporary directory.
# (`uv-ts add` and `uv-ts run` are later issues: until then the dependency goes in with
# `uv-ts pip install` and the project runs with the environment's Python.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
uvts() { node "$root/packages/uv-ts/bin/uv-ts.js" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "\$ uv-ts init demo"
uvts init demo
cd demo
echo "\$ uv-ts venv"
uvts venv
echo "\$ uv-ts pip install --exclude-newer 2026-06-01 rich"
uvts pip install --exclude-newer 2026-06-01 rich
cat > src/demo/__init__.py <<'PY'
from rich.console import Console


def main() -> None:
    Console().print("[bold green]Hello from demo[/], running with rich from PyPI")
PY
echo "\$ .venv/bin/python -c 'import demo; demo.main()'"
PYTHONPATH=src .venv/bin/python -c 'import demo; demo.main()'
