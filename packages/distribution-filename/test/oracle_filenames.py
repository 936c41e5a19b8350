"""Oracle for distribution-filename: packaging's wheel and sdist filename parsers.

stdin: {"wheels": [filename...], "sdists": [filename...]}
stdout: {"wheels": [result...], "sdists": [result...]}, where a result is null when packaging
rejects the filename, else {"name", "version", "build": [number-as-string, suffix] | null,
"tags": [sorted tag strings]} (sdists: name and version only).
"""

import json
import sys

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)


def wheel(filename):
    try:
        name, version, build, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return None
    return {
        "name": name,
        "version": str(version),
        "build": [str(build[0]), build[1]] if build else None,
        "tags": sorted(str(t) for t in tags),
    }


def sdist(filename):
    try:
        name, version = parse_sdist_filename(filename)
    except InvalidSdistFilename:
        return None
    return {"name": name, "version": str(version)}


data = json.load(sys.stdin)
json.dump(
    {
        "wheels": [wheel(f) for f in data["wheels"]],
        "sdists": [sdist(f) for f in data["sdists"]],
    },
    sys.stdout,
)
