// The activation script for Python, as uv (0.13.8) writes it
// (derived from virtualenv's, MIT licensed; the licence text, from `licence.ts`, opens the script). Placeholders:
// `{{ VIRTUAL_ENV_DIR }}`, `{{ BIN_NAME }}`, `{{ VIRTUAL_PROMPT }}`, `{{ PATH_SEP }}`,
// `{{ RELATIVE_SITE_PACKAGES }}`.

import { virtualenvLicence } from "./licence.ts";

/** Template of `activate_this.py`: Python (`exec(open("bin/activate_this.py").read())`). */
export const ACTIVATE_THIS_PY = `${virtualenvLicence("#")}

"""
Activate virtualenv for current interpreter:

import runpy
runpy.run_path(this_file)

This can be used when you must use an existing Python interpreter, not the virtualenv bin/python.
"""  # noqa: D415

from __future__ import annotations

import os
import site
import sys

try:
    abs_file = os.path.abspath(__file__)
except NameError as exc:
    msg = "You must use import runpy; runpy.run_path(this_file)"
    raise AssertionError(msg) from exc

bin_dir = os.path.dirname(abs_file)
base = bin_dir[: -len("{{ BIN_NAME }}") - 1]  # strip away the bin part from the __file__, plus the path separator

# prepend bin to PATH (this file is inside the bin directory)
os.environ["PATH"] = os.pathsep.join([bin_dir, *os.environ.get("PATH", "").split(os.pathsep)])
os.environ["VIRTUAL_ENV"] = base  # virtual env is right above bin directory
os.environ["VIRTUAL_ENV_PROMPT"] = "{{ VIRTUAL_PROMPT }}" or os.path.basename(base)  # noqa: SIM222

# add the virtual environments libraries to the host python import mechanism
prev_length = len(sys.path)
for lib in "{{ RELATIVE_SITE_PACKAGES }}".split(os.pathsep):
    path = os.path.realpath(os.path.join(bin_dir, lib))
    site.addsitedir(path)
sys.path[:] = sys.path[prev_length:] + sys.path[0:prev_length]

sys.real_prefix = sys.prefix
sys.prefix = base
`;
