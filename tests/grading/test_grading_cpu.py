"""A submission's CPU time is bounded (``Limits.cpus``) for its whole process tree, best effort:
where the cpu controller cannot be written, the memory and process limits stand as before."""
from __future__ import annotations

import os
import re

import pytest

from conftest import skip_or_fail
from hostile_helpers import leak_submission, require_bwrap, write
from nnref.grading import Limits, cgroups, grade

# Two forked children spin for 2 s of wall time each and send their CPU time through a pipe.
# Unbounded on 2 free cores they use about 2 CPU-seconds per wall second; a 1-CPU limit holds
# the sum near 1. A loaded machine only lowers the ratio, so LEAK (> 1.3) cannot come from load.
SPIN = '''
import os, struct, time
_read, _write = os.pipe()
_start = time.monotonic()
_pids = []
for _ in range(2):
    _pid = os.fork()
    if _pid == 0:
        _end = time.monotonic() + 2.0
        while time.monotonic() < _end:
            pass
        os.write(_write, struct.pack("d", time.process_time()))
        os._exit(0)
    _pids.append(_pid)
for _pid in _pids:
    os.waitpid(_pid, 0)
_wall = time.monotonic() - _start
_cpu = sum(struct.unpack("d", os.read(_read, 8))[0] for _ in _pids)
print(f"CPU/wall={_cpu / _wall:.3f} cpu={_cpu:.3f} s wall={_wall:.3f} s")
LEAK = _cpu / _wall > 1.3
'''
LIMITS = Limits(timeout=40, call_timeout=20, memory_mb=512, cpus=1.0)


def test_two_spinning_processes_share_one_cpu(tmp_path):
    require_bwrap()
    probe = cgroups.Cgroup(1 << 30, 8, 1.0)
    enforced = probe.enforced
    probe.remove()
    if "cpu" not in enforced:
        skip_or_fail(f"no writable cpu cgroup controller here (cgroup limits: {enforced})")
    report = grade(write(tmp_path, leak_submission(SPIN)), "c1w2_numpy_basics", LIMITS)
    assert report.error is None
    ratio = float(re.search(r"CPU/wall=([0-9.]+)", report.output).group(1))
    print(f"measured with cpus=1.0: CPU/wall={ratio}")
    assert ratio <= 1.3, report.output
    assert report.score == 0, report.output
    assert "cpu" in report.extra["cgroup_limits"]


def _no_cpu_writes(monkeypatch):
    real = cgroups._write_text

    def refuse_cpu(folder, name, text):
        if name.startswith("cpu."):
            raise PermissionError(13, "refused by the test", name)
        real(folder, name, text)
    monkeypatch.setattr(cgroups, "_write_text", refuse_cpu)


def test_a_refused_cpu_limit_keeps_the_memory_limit(tmp_path, monkeypatch):
    from test_grading_hostile_limits import test_memory_is_bounded_for_the_whole_process_tree

    _no_cpu_writes(monkeypatch)
    cgroup = cgroups.Cgroup(1 << 30, 8, 1.0)
    try:
        before = cgroups.Cgroup(1 << 30, 8)  # what a grader without a CPU bound gets
        assert cgroup.enforced == before.enforced
        assert cgroup.procs_files == [os.path.join(f, "cgroup.procs") for f in cgroup.folders]
        assert "cpu" not in cgroup.enforced and cgroup.cpu_folder is None
    finally:
        cgroup.remove()
        before.remove()
    assert not any(os.path.exists(f) for f in cgroup.folders)  # removed like the others
    own = cgroups._own_cgroups()
    if "cpu" in own and cgroup.folders:  # v1: the cpu folder made before the refused write is gone
        name = os.path.basename(cgroup.folders[0])
        assert not os.path.exists(os.path.join(cgroups._CGROUP_ROOT, "cpu" + own["cpu"], name))
    test_memory_is_bounded_for_the_whole_process_tree(tmp_path)


def test_cpus_is_validated():
    for bad in (0, -1.0, 0.001, "1", True):
        with pytest.raises(ValueError, match=r"cpus.*Received: cpus="):
            Limits(cpus=bad)
