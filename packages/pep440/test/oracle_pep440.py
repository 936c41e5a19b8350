"""Differential oracle: answers PEP 440 questions with `packaging` (26.3) for pep440.diff.test.ts.

Reads one JSON object on stdin and writes one JSON object on stdout:
  versions:   [str]                  -> versions:   [{"valid": bool, "str": str|None}]
  pairs:      [[i, j]] (into versions) -> pairs:    [-1|0|1|None]  (None if either is invalid)
  specifiers: [str] (SpecifierSet text) -> specifiers: [{"valid": bool, "items": [str]|None}]
  contains:   [[spec_text, version_text]] -> contains: [[default, True, False]|None]
"items" are the specifiers normalised the way uv prints them: operator + str(Version(v)) (+ ".*").
"""

import json
import sys

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


def parse_version(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None


def cmp(a, b):
    return -1 if a < b else (1 if a > b else 0)


def normalised_item(spec):
    op, ver = spec.operator, spec.version
    star = ver.endswith(".*")
    base = parse_version(ver[:-2] if star else ver)
    if base is None:
        return None
    return op + str(base) + (".*" if star else "")


def main():
    request = json.load(sys.stdin)
    versions = [parse_version(v) for v in request["versions"]]
    out_versions = [{"valid": v is not None, "str": None if v is None else str(v)} for v in versions]
    out_pairs = []
    for i, j in request["pairs"]:
        a, b = versions[i], versions[j]
        out_pairs.append(None if a is None or b is None else cmp(a, b))

    out_specs = []
    sets = {}
    for text in request["specifiers"]:
        try:
            s = SpecifierSet(text)
        except InvalidSpecifier:
            out_specs.append({"valid": False, "items": None})
            continue
        sets[text] = s
        out_specs.append({"valid": True, "items": [normalised_item(x) for x in s]})

    out_contains = []
    for spec_text, version_text in request["contains"]:
        s = sets.get(spec_text)
        if s is None:
            try:
                s = SpecifierSet(spec_text)
            except InvalidSpecifier:
                out_contains.append(None)
                continue
        v = parse_version(version_text)
        if v is None:
            out_contains.append(None)
            continue
        out_contains.append(
            [s.contains(v), s.contains(v, prereleases=True), s.contains(v, prereleases=False)]
        )

    json.dump(
        {
            "versions": out_versions,
            "pairs": out_pairs,
            "specifiers": out_specs,
            "contains": out_contains,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
