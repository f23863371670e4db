"""The kernel-enforced isolation of one sandbox process: bubblewrap's command line.

Each sandbox process is started as::

    bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup-try
          --die-with-parent --new-session  --tmpfs / --tmpfs /tmp (size-capped)
          <the file view, read-only binds>  --proc /proc --dev /dev  --remount-ro /
          --chdir /tmp  [setpriv --reuid N ...]  python -I -S /sandbox/runner.py FD

As root, no user namespace is made: bubblewrap mounts the view, then ``setpriv`` (util-linux)
becomes uid/gid ``N``, a uid of its own for each sandbox running on the machine (see
:mod:`nnref.grading.slots`), with no capability, no supplementary group and ``no_new_privs``.
Without root, ``--unshare-all`` adds a user namespace (bubblewrap's unprivileged mode).

The file view (read-only) holds only: the interpreter and its standard library, the system's
shared libraries, the packages the assignment needs (NumPy and h5py; TensorFlow and what it
requires for c2w3) found through their installed metadata, and ``/sandbox`` with the runner
files and this assignment's course helper file. Never nnref, tf_parity, the grader's files, the
answer key, other submissions, the output folder or the host's ``/tmp``: a folder bound for a
package that holds one of them gets an empty tmpfs over it.
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig

from nnref.grading import seccomp

BWRAP_INSTALL = "apt-get install -y bubblewrap"
SETPRIV = "/usr/bin/setpriv"
INSIDE = "/sandbox"                       # the runner's folder inside the view
BLOCKED_PACKAGES = ("nnref", "tf_parity")  # never visible, wherever they are installed
BASE_PACKAGES = ("numpy", "h5py")
ASSIGNMENT_PACKAGES = {"c2w3_tensorflow": ("tensorflow",)}
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why bubblewrap cannot isolate submissions here (None when it can), with the fix."""
    bwrap = bwrap_path()
    if bwrap is None:
        return ("bubblewrap (bwrap) is not installed; install it with: " + BWRAP_INSTALL)
    if os.geteuid() == 0 and not os.access(SETPRIV, os.X_OK):
        return f"{SETPRIV} (util-linux) is missing; install it with: apt-get install -y util-linux"
    filter_fd = filter_file()  # the kernel must accept the filter too
    trial = [bwrap] + namespace_args() + (["--seccomp", str(filter_fd)] if filter_fd else []) + [
        "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
        sys.executable, "-I", "-S", "-c", "pass"]
    try:
        done = subprocess.run(trial, capture_output=True, timeout=30,
                              pass_fds=(filter_fd,) if filter_fd else ())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap ({bwrap}) could not be run: {exc}"
    finally:
        if filter_fd:
            os.close(filter_fd)
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return (f"bubblewrap ({bwrap}) is not permitted here ({why[0]}); run as root, or enable "
                "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)")
    return None


def namespace_args() -> list[str]:
    shared = ["--die-with-parent", "--new-session"]
    if os.geteuid() == 0:  # no user namespace: setpriv gives the sandbox a uid of its own
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"] + shared
    return ["--unshare-all", "--uid", "65534", "--gid", "65534"] + shared


def command(runner_files: dict[str, str], packages: tuple[str, ...], uid: int | None,
            tmp_mb: int, fd: int, filter_fd: int | None = None) -> list[str]:
    """The full command line; ``runner_files`` maps names in /sandbox to host files;
    ``filter_fd`` is an open file holding the seccomp filter (see :func:`filter_file`)."""
    cmd = [bwrap_path()] + namespace_args()
    if filter_fd is not None:
        cmd += ["--seccomp", str(filter_fd)]
    # the private /tmp first: a package installed under the host's /tmp is bound over it
    cmd += ["--tmpfs", "/", "--perms", "1777", "--size", str(int(tmp_mb) << 20), "--tmpfs", "/tmp"]
    cmd += list(_view(tuple(packages)))
    cmd += ["--perms", "0755", "--dir", INSIDE]
    for name, source in sorted(runner_files.items()):
        cmd += ["--ro-bind", source, f"{INSIDE}/{name}"]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size",
            str(int(tmp_mb) << 20), "--tmpfs", "/dev/shm", "--remount-ro", "/", "--chdir", "/tmp"]
    if uid is not None:
        cmd += [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return cmd + [interpreter(), "-I", "-S", f"{INSIDE}/runner.py", str(fd)]


def filter_file() -> int | None:
    """A memory file holding the seccomp filter, at offset 0, for ``--seccomp`` (None on a
    machine without a known filter); the caller closes it once bubblewrap has started."""
    code = seccomp.program()
    if code is None:
        return None
    fd = os.memfd_create("nnref-seccomp")
    os.write(fd, code)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def interpreter() -> str:
    return os.path.realpath(sys.executable)


@functools.lru_cache(maxsize=1)
def stdlib_paths() -> tuple[str, ...]:
    """The interpreter's standard library folders (what ``python -I -S`` puts on sys.path)."""
    out = subprocess.run([interpreter(), "-I", "-S", "-c", "import sys; print(repr(sys.path))"],
                         capture_output=True, text=True, check=True).stdout
    return tuple(p for p in ast.literal_eval(out) if os.path.exists(p))


def sys_path(packages: tuple[str, ...]) -> list[str]:
    """The sandbox's ``sys.path``: the standard library, then each package folder once."""
    folders = dict.fromkeys(os.path.dirname(p) for p in _package_entries(tuple(packages)))
    return list(stdlib_paths()) + list(folders)


@functools.lru_cache(maxsize=8)
def _view(packages: tuple[str, ...]) -> tuple[str, ...]:
    args = []
    binds = {interpreter()}
    binds.update(_shared_library_folders())
    binds.update(stdlib_paths())
    binds.update(_package_entries(packages))
    if os.geteuid() == 0:
        binds.add(SETPRIV)
    for folder in _ancestors(binds):  # made here, or bubblewrap makes them mode 0700
        args += ["--perms", "0755", "--dir", folder]
    masked = []
    for path in sorted(binds, key=lambda p: (p.count("/"), p)):
        args += ["--ro-bind", path, path]
        masks = _masks(path)
        for target in masks:
            args += ["--tmpfs", target]
        masked += masks
    for target in masked:  # after the deeper binds, whose mount points they may hold
        args += ["--remount-ro", target]
    for link, target in (("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/bin", "usr/bin")):
        if os.path.islink(link) and os.readlink(link) == target:
            args += ["--symlink", target, link]
    return tuple(args)


def _ancestors(binds) -> list[str]:
    """The folders above the bound paths (not inside one of them), shallowest first."""
    found = set()
    for path in binds:
        parent = os.path.dirname(path)
        while parent not in ("/", "", "/tmp") and not any(parent.startswith(b + "/") or parent == b
                                                  for b in binds):
            found.add(parent)
            parent = os.path.dirname(parent)
    return sorted(found, key=lambda p: (p.count("/"), p))


def _masks(path: str) -> list[str]:
    """What a bound folder must not show, to be covered by an empty tmpfs: the grader's
    packages, and the standard library's own site-packages (where nnref may be installed)."""
    if not os.path.isdir(path):
        return []
    return [os.path.join(path, name) for name in BLOCKED_PACKAGES + ("site-packages", "dist-packages")
            if os.path.isdir(os.path.join(path, name))]


def _shared_library_folders() -> list[str]:
    """The system's shared-library folders (the C library, libstdc++ for TensorFlow...)."""
    found = []
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for folder in ("/usr/lib/" + multiarch if multiarch else None, "/usr/lib64"):
        if folder and os.path.isdir(folder) and folder not in found:
            found.append(folder)
    libpython = os.path.join(sysconfig.get_config_var("LIBDIR") or "",
                             sysconfig.get_config_var("INSTSONAME") or "")
    if sysconfig.get_config_var("Py_ENABLE_SHARED") and os.path.isfile(libpython):
        found.append(libpython)  # a shared-library build of the interpreter
    return found


@functools.lru_cache(maxsize=8)
def _package_entries(packages: tuple[str, ...]) -> tuple[str, ...]:
    """The top-level files and folders of ``packages`` (import names) and of every
    distribution they require, as their installed metadata lists them."""
    by_module = metadata.packages_distributions()
    todo = [dist for name in packages for dist in by_module.get(name, [name])]
    entries, seen = set(), set()
    while todo:
        name = _canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional requirement that is not installed
        todo += [m.group(1) for r in dist.requires or [] if "extra ==" not in r
                 and (m := _REQUIREMENT_NAME.match(r))]
        root = os.path.realpath(str(dist.locate_file("")))
        for file in dist.files or []:
            top = file.parts[0]
            if top in ("..", "__pycache__") or top.endswith(".pth") or top.startswith("__editable__"):
                continue
            if top.split(".")[0] in BLOCKED_PACKAGES:
                continue
            path = os.path.join(root, top)
            if os.path.exists(path):
                entries.add(path)
    return tuple(sorted(entries))


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def packages_for(assignment: str) -> tuple[str, ...]:
    return BASE_PACKAGES + ASSIGNMENT_PACKAGES.get(assignment, ())
