"""``nnref tune`` on a Ray cluster started on its own, as on a real set of machines.

The ``cluster`` fixture starts a Ray head with ``ray start --head --num-cpus 2`` in a session of
its own, from an empty working directory, with a scrubbed environment (no ``NNREF_DATA``, its own
home and temporary folder) and its own ports: nothing is shared with the driver but what Ray
carries, and nothing with any other Ray on this machine. Its workers can import nnref (this
checkout on ``PYTHONPATH``, as an installed package would be), and nothing else of the driver's.
At the end it stops exactly what it started: every process of that session (or naming its
folder), SIGTERM then SIGKILL; never ``ray stop``, which stops every Ray on the machine.

Needs ``ray`` and the SIGNS data: skipped without them, a failure in CI.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import require_module, skip_or_fail

from nnref.cli import main
from nnref.datasets import find_data, load_signs
from nnref.tuning import LogUniform, RandomSearch

REPO = Path(__file__).resolve().parents[1]
HANG = 600.0  # seconds: a bound that only a hung cluster or driver reaches


@dataclass
class Cluster:
    address: str   # host:port of its head, for --address
    session: int   # the session id of every process it runs
    cwd: Path      # the working directory of its processes


def _free_ports(n: int) -> list[int]:
    """``n`` ports free on this machine now (the OS picks them, away from Ray's defaults)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]


def _cluster_processes(session: int, root: Path) -> list[int]:
    """The live (not zombie) processes of the test's cluster, from /proc: those of its session,
    and any that names its folder on its command line (should one have left the session)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        state, _ppid, _pgrp, sid = stat.rsplit(")", 1)[1].split()[:4]
        if state != "Z" and (int(sid) == session or os.fsencode(root) in command):
            found.append(int(entry))
    return found


def _stop_cluster(session: int, root: Path, grace: float = 15.0) -> list[int]:
    """SIGTERM the cluster's processes, SIGKILL those left after ``grace`` s; the survivors."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in _cluster_processes(session, root):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while _cluster_processes(session, root) and time.monotonic() < deadline:
            time.sleep(0.2)
    return _cluster_processes(session, root)


@pytest.fixture(scope="module")
def cluster():
    require_module("ray")
    root = Path(tempfile.mkdtemp(prefix="nnref-ray-"))  # short: Ray's socket paths must fit 107 bytes
    cwd = root / "cwd"
    cwd.mkdir()
    gcs, *ports = _free_ports(19)
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.defpath]),
           "HOME": str(root), "TMPDIR": str(root), "LANG": "C.UTF-8",
           "PYTHONPATH": str(REPO),  # nnref installed on the cluster: this checkout
           "RAY_USAGE_STATS_ENABLED": "0",
           # The BLAS kernel is the machine's (set machine-wide here), not the job's: a cluster
           # of this machine has the same one, so its numbers can equal the local pool's.
           **{k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}}
    options = ["--node-manager-port", "--object-manager-port", "--ray-client-server-port", "--dashboard-port",
               "--dashboard-agent-listen-port", "--dashboard-agent-grpc-port", "--runtime-env-agent-port",
               "--metrics-export-port"]
    command = [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--num-cpus", "2",
               "--port", str(gcs), *[a for option, port in zip(options, ports) for a in (option, str(port))],
               "--worker-port-list", ",".join(map(str, ports[len(options):])),
               "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", str(root / "ray"),
               "--object-store-memory", str(400 * 2**20)]
    log = root / "ray-start.log"  # a file, not a pipe: the daemons it starts could hold a pipe open
    with open(log, "w") as out:
        start = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, stdout=out, stderr=out)
    try:
        if start.wait(timeout=HANG) != 0:
            skip_or_fail(f"`ray start` failed (exit {start.returncode}):\n{log.read_text()[-3000:]}")
        yield Cluster(address=f"127.0.0.1:{gcs}", session=start.pid, cwd=cwd)
    finally:
        start.kill()  # still running only if `ray start` itself hung
        start.wait()
        survivors = _stop_cluster(start.pid, root)
        shutil.rmtree(root, ignore_errors=True)
    assert survivors == [], f"processes of the test's Ray cluster still running: {survivors}"


@contextlib.contextmanager
def _connected(address: str):
    """This process as a Ray driver of ``address``, disconnected afterwards."""
    import ray

    assert not ray.is_initialized()
    ray.init(address=address, log_to_driver=False, configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def test_the_cluster_has_neither_the_data_nor_the_working_directory(cluster):
    # The premise: a worker looking for the data on its own finds nothing.
    with _connected(cluster.address) as ray, pytest.raises(FileNotFoundError) as info:
        ray.get(ray.remote(load_signs).remote(), timeout=HANG)
    assert "$NNREF_DATA is not set" in str(info.value)
    assert str(cluster.cwd / "datasets") in str(info.value)


def test_a_search_through_address_runs_every_trial_and_equals_the_process_pool(cluster, tmp_path):
    files = find_data("signs") or skip_or_fail("SIGNS data not found (set NNREF_DATA)")
    argv = ["tune", "signs", "--trials", "4", "--workers", "2", "--epochs", "1", "--seed", "5",
            "--no-baseline", "--no-plot"]
    driver = subprocess.run(
        [sys.executable, "-m", "nnref", *argv, "--backend", "ray", "--address", cluster.address,
         "--results", str(tmp_path / "ray" / "trials.jsonl")],
        cwd=tmp_path, capture_output=True, text=True, timeout=HANG,
        env={**os.environ, "PYTHONPATH": str(REPO), "NNREF_DATA": str(files["train_signs.h5"].parent)})
    assert driver.returncode == 0, driver.stdout[-3000:] + driver.stderr[-3000:]
    assert "4 trial(s) run; 4 ok, 0 failed" in driver.stdout
    assert main([*argv, "--backend", "process", "--results", str(tmp_path / "process" / "trials.jsonl")]) == 0

    def trials(name):
        data = json.loads((tmp_path / name / "trials.json").read_text())
        return [(t["trial_id"], t["status"], t["config"], t["metrics"]) for t in data["trials"]]

    assert trials("ray") == trials("process")  # bit for bit: the same data, kernels and seeds


def test_a_trial_the_workers_cannot_import_is_refused_at_once_and_runs_once_sent(cluster, tmp_path, monkeypatch):
    name = f"driver_only_trials_{os.getpid()}"  # a package only this process can import
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("def trial(config):\n    return {'score': config['lr']}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module(name)
    ran, log = [], tmp_path / "trials.jsonl"
    search = RandomSearch({"lr": LogUniform(1e-3, 1)}, 2, metric="score", seed=0)
    with pytest.raises(RuntimeError) as info:
        search.run(package.trial, backend="ray", address=cluster.address, results=log, on_trial=ran.append)
    message = str(info.value)
    assert f"cannot load the trial: ModuleNotFoundError: No module named '{name}'" in message
    assert 'pip install "nnref[ray]"' in message and '"py_modules"' in message
    assert ran == [] and not log.exists()  # refused before any trial

    import ray  # the remedy the message gives: the package travels with the job

    assert not ray.is_initialized()  # the backend disconnected
    ray.init(address=cluster.address, runtime_env={"py_modules": [package]}, log_to_driver=False,
             configure_logging=False)
    try:
        result = search.run(package.trial, backend="ray")
    finally:
        ray.shutdown()
    assert [t.metrics["score"] for t in result.trials] == [c["lr"] for c in search.configs()]
