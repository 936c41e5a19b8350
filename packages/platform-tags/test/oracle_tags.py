"""Oracle for platform-tags: packaging's tag generation for given interpreter facts.

stdin: {"cases": [...], "interpreters": [paths]}; stdout: {"cases": [...], "interpreters": [...]}.
"""

import json
import os
import subprocess
import sys

import packaging
import packaging._manylinux as manylinux
import packaging._musllinux as musllinux
from packaging import tags

SITE = os.path.dirname(os.path.dirname(packaging.__file__))

# Facts are given, not detected: pretend every glibc-compatibility probe says yes.
manylinux._have_compatible_abi = lambda executable, archs: True
manylinux._get_manylinux_module = lambda: None


def cpython(case):
    config = {
        "Py_DEBUG": 1 if case["debug"] else 0,
        "Py_GIL_DISABLED": 1 if case["freethreaded"] else 0,
        "WITH_PYMALLOC": 1,
    }
    original = tags._get_config_var
    tags._get_config_var = lambda name, warn=False: config.get(name)
    try:
        version = tuple(case["pythonVersion"])
        abis = tags._cpython_abis(version)
        platforms = case["platforms"]
        interpreter = "cp" + "".join(map(str, version))
        out = [str(t) for t in tags.cpython_tags(version, abis, platforms)]
        out += [str(t) for t in tags.compatible_tags(version, interpreter, platforms)]
        return out
    finally:
        tags._get_config_var = original


def glibc(case):
    version = tuple(case["glibc"])
    manylinux._get_glibc_version = lambda: version
    return list(manylinux.platform_tags([case["arch"]]))


def musl(case):
    version = musllinux._MuslVersion(case["musl"][0], case["musl"][1])
    musllinux._get_musl_version = lambda executable: version
    return list(musllinux.platform_tags([case["arch"]]))


def mac(case):
    return list(tags.mac_platforms(tuple(case["version"]), case["arch"]))


def android(case):
    return list(tags.android_platforms(case["apiLevel"], case["abi"]))


def ios(case):
    return list(tags.ios_platforms(tuple(case["version"]), case["multiarch"]))


HANDLERS = {
    "cpython": cpython,
    "glibc": glibc,
    "musl": musl,
    "mac": mac,
    "android": android,
    "ios": ios,
}

PROBE = """
import json, platform, sys, sysconfig
from packaging import tags
print(json.dumps({
    "version": list(sys.version_info[:2]),
    "implementation": sys.implementation.name,
    "gilDisabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "debug": hasattr(sys, "gettotalrefcount"),
    "libc": list(platform.libc_ver()),
    "platformTags": list(tags.platform_tags()),
    "sysTags": [str(t) for t in tags.sys_tags()],
}))
"""


def interpreter(path):
    env = dict(os.environ, PYTHONPATH=SITE)
    result = subprocess.run([path, "-c", PROBE], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return {"path": path, "error": result.stderr.strip().splitlines()[-1:]}
    return {"path": path, **json.loads(result.stdout)}


def main():
    data = json.load(sys.stdin)
    cases = [HANDLERS[case["kind"]](case) for case in data["cases"]]
    interpreters = [interpreter(path) for path in data["interpreters"]]
    json.dump({"cases": cases, "interpreters": interpreters}, sys.stdout)


main()
