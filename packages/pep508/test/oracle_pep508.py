"""Oracle for differential.test.ts: packaging 26.3's view of requirements and markers.

stdin: {"requirements": [...], "markers": [...], "envs": [{...}], "extras": [...]}
stdout: {"requirements": [...], "markers": [...]} with one result per input.
"""

import json
import sys

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def evaluate(marker, envs, extras):
    out = []
    for env in envs:
        row = []
        for extra in extras:
            try:
                row.append(marker.evaluate({**env, "extra": extra}))
            except Exception as e:  # noqa: BLE001 - the error kind is the answer
                row.append("error:" + type(e).__name__)
        out.append(row)
    return out


def specifier_text(spec):
    op, v = spec.operator, spec.version
    if op == "===":
        # packaging takes any string after `===`; uv only versions.
        try:
            return "===" + str(Version(v))
        except Exception:  # noqa: BLE001
            return "===" + v
    if v.endswith(".*"):
        return op + str(Version(v[:-2])) + ".*"
    return op + str(Version(v))


def main():
    data = json.load(sys.stdin)
    envs, extras = data["envs"], data["extras"]
    reqs = []
    for text in data["requirements"]:
        try:
            r = Requirement(text)
        except Exception as e:  # noqa: BLE001
            reqs.append({"ok": False, "error": str(e).splitlines()[0]})
            continue
        reqs.append(
            {
                "ok": True,
                "name": canonicalize_name(r.name),
                "extras": sorted({canonicalize_name(e) for e in r.extras}),
                "specifiers": sorted(specifier_text(s) for s in r.specifier),
                "url": r.url,
                "eval": evaluate(r.marker, envs, extras) if r.marker is not None else None,
            }
        )
    markers = []
    for text in data["markers"]:
        try:
            m = Marker(text)
        except Exception as e:  # noqa: BLE001
            markers.append({"ok": False, "error": str(e).splitlines()[0]})
            continue
        markers.append({"ok": True, "eval": evaluate(m, envs, extras)})
    json.dump({"requirements": reqs, "markers": markers}, sys.stdout)


main()
