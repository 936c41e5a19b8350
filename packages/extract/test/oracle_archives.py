"""Reads archives the way Python does (zipfile; tarfile with filter='data') for the
parser-differential test. Input: JSON list of {"path", "format"}; output: one result per input,
either {"ok": true, "files": {name: sha256}} (regular files only) or {"ok": false, "error": str}."""
import hashlib
import json
import os
import sys
import tarfile
import tempfile
import zipfile


def read_zip(path):
    files = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            files[info.filename] = hashlib.sha256(archive.read(info)).hexdigest()
    return files


def read_tar(path):
    files = {}
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:*") as archive:
        archive.extractall(tmp, filter="data")
        for root, _dirs, names in os.walk(tmp):
            for name in names:
                full = os.path.join(root, name)
                if os.path.islink(full) or not os.path.isfile(full):
                    continue
                with open(full, "rb") as f:
                    rel = os.path.relpath(full, tmp).replace(os.sep, "/")
                    files[rel] = hashlib.sha256(f.read()).hexdigest()
    return files


results = []
for case in json.load(sys.stdin):
    try:
        reader = read_zip if case["format"] == "zip" else read_tar
        results.append({"ok": True, "files": reader(case["path"])})
    except Exception as error:  # noqa: BLE001 - any failure is "Python rejects"
        results.append({"ok": False, "error": f"{type(error).__name__}: {error}"})
json.dump(results, sys.stdout)
