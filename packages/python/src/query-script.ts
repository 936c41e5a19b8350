/**
 * The script run (once per interpreter, then cached) to learn everything uv-ts needs about an
 * interpreter. It prints one JSON object on stdout: `{"result": "success", ...}` or
 * `{"result": "error", "kind": ...}` for interpreters that cannot be used. It must run on every
 * Python 3 that uv supports (3.6+, hence no walrus or f-string `=`), import as little as possible
 * (start-up time is the cost), and never write anything but that one line to stdout.
 */
export const QUERY_SCRIPT = String.raw`
import json, os, platform, site, struct, sys, sysconfig

def fail(kind, **extra):
    extra.update({"result": "error", "kind": kind})
    print(json.dumps(extra))
    sys.exit(0)

def full_version(info):
    text = "%d.%d.%d" % (info[0], info[1], info[2])
    if info[3] != "final":
        text += info[3][0] + str(info[4])
    return text

if sys.version_info < (3, 6):
    fail("unsupported_python_version", python_version=full_version(sys.version_info))

impl_name = sys.implementation.name
impl_version = full_version(sys.implementation.version)
if impl_name in ("graalpy", "pyston"):
    import re
    impl_version = re.sub(r"[a-z]+-?(\d)(\d+).*", r"\1.\2", sys.implementation.cache_tag)

python_full_version = platform.python_version()
# Local CPython builds report "3.12.1+", which is not a PEP 440 version.
if python_full_version.endswith("+"):
    python_full_version = python_full_version[:-1]

def elf_interpreter(path):
    # The PT_INTERP of an ELF file names the libc's loader: /lib/ld-musl-x86_64.so.1 for musl.
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if ident[:4] != b"\x7fELF":
                return None
            bits64 = ident[4] == 2
            endian = "<" if ident[5] == 1 else ">"
            if bits64:
                f.seek(32); phoff, = struct.unpack(endian + "Q", f.read(8))
                f.seek(54); phentsize, phnum = struct.unpack(endian + "HH", f.read(4))
            else:
                f.seek(28); phoff, = struct.unpack(endian + "I", f.read(4))
                f.seek(42); phentsize, phnum = struct.unpack(endian + "HH", f.read(4))
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                header = f.read(phentsize)
                if struct.unpack(endian + "I", header[:4])[0] != 3:
                    continue
                if bits64:
                    offset, = struct.unpack(endian + "Q", header[8:16])
                    size, = struct.unpack(endian + "Q", header[32:40])
                else:
                    offset, = struct.unpack(endian + "I", header[4:8])
                    size, = struct.unpack(endian + "I", header[16:20])
                f.seek(offset)
                return f.read(size).rstrip(b"\0").decode("utf-8", "replace")
    except (OSError, struct.error):
        return None
    return None

def musl_version():
    loader = elf_interpreter(sys.executable)
    if not loader or "musl" not in loader:
        return None
    import subprocess, re
    try:
        out = subprocess.run([loader], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL).stderr
    except OSError:
        return None
    m = re.search(br"Version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None

def glibc_version():
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, OSError, ValueError):
        return None
    if not text:
        return None
    parts = text.split()
    if len(parts) != 2:
        return None
    numbers = parts[1].split(".")
    try:
        return (int(numbers[0]), int(numbers[1]))
    except (ValueError, IndexError):
        return None

def os_and_arch():
    plat = sysconfig.get_platform().split("-", 1)
    name = plat[0]
    rest = plat[1] if len(plat) > 1 else ""
    arch = rest.rsplit("-", 1)[-1] if rest else ""
    if name == "win32":
        name, arch = "win", "i386"
    pointer_64 = struct.calcsize("P") == 8
    if name == "linux":
        if not pointer_64:
            arch = {"x86_64": "i686", "aarch64": "armv8l"}.get(arch, arch)
        musl = musl_version()
        if musl:
            return {"name": "musllinux", "major": musl[0], "minor": musl[1]}, arch
        glibc = glibc_version()
        if glibc:
            return {"name": "manylinux", "major": glibc[0], "minor": glibc[1]}, arch
        if hasattr(sys, "getandroidapilevel"):
            return {"name": "android", "api_level": sys.getandroidapilevel()}, arch
        fail("libc_not_found")
    if name == "win":
        return {"name": "windows"}, arch
    if name == "macosx":
        release, _, machine = platform.mac_ver()
        if not release or not machine:
            fail("broken_mac_ver")
        if not pointer_64:
            machine = "ppc" if machine.startswith("ppc") else "i386"
        numbers = release.split(".")
        return {"name": "macos", "major": int(numbers[0]), "minor": int(numbers[1]) if len(numbers) > 1 else 0}, machine
    if name in ("freebsd", "netbsd", "openbsd", "dragonfly", "illumos", "haiku"):
        return {"name": name, "release": rest.rsplit("-", 1)[0]}, arch
    fail("unknown_operating_system", operating_system=name)

def venv_scheme():
    # Paths inside a new virtual environment, relative to its root.
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    else:
        scheme = "posix_prefix"
    empty = {"base": "", "platbase": "", "installed_base": "", "installed_platbase": "", "userbase": ""}
    paths = sysconfig.get_paths(scheme=scheme, vars=empty, expand=True)
    def rel(key):
        # An empty base normalises to ".", which means the root itself.
        path = paths[key]
        return "" if path == "." else path.replace("/", os.sep).lstrip(os.sep)
    return {
        "purelib": rel("purelib"),
        "platlib": rel("platlib"),
        "scripts": rel("scripts"),
        "data": rel("data"),
        "include": os.path.join("include", "site", "python%d.%d" % sys.version_info[:2]),
    }

def install_scheme(in_venv):
    get_default = getattr(sysconfig, "get_preferred_scheme", None)
    if get_default:
        scheme = get_default("prefix")
    elif os.name == "nt":
        scheme = "nt"
    else:
        scheme = "posix_prefix"
    paths = sysconfig.get_paths(scheme=scheme)
    include = paths["include"]
    if in_venv:
        include = os.path.join(sys.prefix, "include", "site", "python%d.%d" % sys.version_info[:2])
    return {
        "purelib": paths["purelib"],
        "platlib": paths["platlib"],
        "scripts": paths["scripts"],
        "data": paths["data"],
        "include": include,
    }

def main():
    os_info, arch = os_and_arch()
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix) or hasattr(sys, "real_prefix")
    markers = {
        "implementation_name": impl_name,
        "implementation_version": impl_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": python_full_version,
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
    try:
        site_packages = site.getsitepackages()
    except AttributeError:
        site_packages = []
    print(json.dumps({
        "result": "success",
        "markers": markers,
        "sys_prefix": sys.prefix,
        "sys_base_prefix": sys.base_prefix,
        "sys_base_exec_prefix": sys.base_exec_prefix,
        "sys_executable": sys.executable,
        "sys_base_executable": getattr(sys, "_base_executable", None),
        "sys_path": sys.path[1:],
        "site_packages": site_packages,
        "stdlib": sysconfig.get_path("stdlib"),
        "scheme": install_scheme(in_venv),
        "virtualenv": venv_scheme(),
        "platform": {"os": os_info, "arch": arch},
        "manylinux_compatible": os_info["name"] in ("manylinux", "musllinux"),
        "is_virtualenv": in_venv,
        "standalone": sysconfig.get_config_var("prefix") == "/install" or bool(sysconfig.get_config_var("PYTHON_BUILD_STANDALONE")),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "debug_enabled": bool(sysconfig.get_config_var("Py_DEBUG")),
        "pointer_size": 64 if sys.maxsize > 2 ** 32 else 32,
    }))

main()
`;
