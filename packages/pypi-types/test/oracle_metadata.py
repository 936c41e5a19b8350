"""Reference for core metadata: packaging.metadata (26.3).

stdin: {"cases": [{"doc": str, "ours": {...} | null}]}
stdout: [{"theirs": {...} | {"error": str}, "ours": {...} | null}]

Both sides are brought to one canonical form here, with packaging itself: names and extras
canonicalised, specifiers as sorted (operator, normalised version) pairs, markers as their truth
table over a fixed set of environments (so equivalent markers written differently compare equal).
"""

import json
import sys

from packaging.markers import Marker
from packaging.metadata import Metadata
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ENVS = []
for py in ["2.7.18", "3.6.15", "3.8.10", "3.10.4", "3.12.1", "3.13.0", "3.14.0"]:
    for plat, osn, machine in [("linux", "posix", "x86_64"), ("win32", "nt", "AMD64"), ("darwin", "posix", "arm64")]:
        ENVS.append(
            {
                "python_version": ".".join(py.split(".")[:2]),
                "python_full_version": py,
                "sys_platform": plat,
                "os_name": osn,
                "platform_machine": machine,
                "platform_system": {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}[plat],
                "implementation_name": "cpython" if plat != "darwin" else "pypy",
                "platform_python_implementation": "CPython" if plat != "darwin" else "PyPy",
                "implementation_version": py,
                "platform_release": "",
                "platform_version": "",
            }
        )
EXTRAS = ["", "foo", "bar", "test", "dev"]


def canon_version(v):
    if v.endswith(".*"):
        return str(Version(v[:-2])) + ".*"
    try:
        return str(Version(v))
    except Exception:
        return v


def canon_specifiers(spec_set):
    return sorted([s.operator, canon_version(s.version)] for s in spec_set)


def marker_table(marker):
    if marker is None:
        return None
    table = []
    for env in ENVS:
        for extra in EXTRAS:
            table.append(marker.evaluate(dict(env, extra=extra)))
    return "".join("1" if x else "0" for x in table)


def canon_requirement(req):
    if isinstance(req, str):
        req = Requirement(req)
    table = marker_table(req.marker)
    # A marker that is always true is the same as no marker.
    if table is not None and "0" not in table:
        table = None
    return {
        "name": canonicalize_name(req.name),
        "extras": sorted(canonicalize_name(e) for e in req.extras),
        "specifier": canon_specifiers(req.specifier),
        "url": req.url,
        "marker": table,
    }


def theirs(doc):
    try:
        meta = Metadata.from_email(doc, validate=True)
    except Exception as e:
        errors = getattr(e, "exceptions", [e])
        return {"error": "; ".join(str(x) for x in errors)}
    return {
        "name": canonicalize_name(meta.name),
        "version": str(meta.version),
        "requiresDist": [canon_requirement(r) for r in (meta.requires_dist or [])],
        "requiresPython": None if meta.requires_python is None else canon_specifiers(meta.requires_python),
        "providesExtra": [canonicalize_name(e) for e in (meta.provides_extra or [])],
    }


def ours(result):
    if result is None:
        return None
    try:
        return {
            "name": canonicalize_name(result["name"]),
            "version": str(Version(result["version"])),
            "requiresDist": [canon_requirement(r) for r in result["requiresDist"]],
            "requiresPython": None
            if result["requiresPython"] is None
            else canon_specifiers(SpecifierSet(result["requiresPython"])),
            "providesExtra": result["providesExtra"],
        }
    except Exception as e:
        return {"error": f"packaging cannot read our output: {e}"}


cases = json.load(sys.stdin)["cases"]
json.dump([{"theirs": theirs(c["doc"]), "ours": ours(c["ours"])} for c in cases], sys.stdout)
