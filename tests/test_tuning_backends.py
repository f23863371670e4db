"""The local process pool: same results as in-process, failures contained, BLAS threads, resume."""
from __future__ import annotations

import functools
import json
import os

import pytest
import tuning_trials

from nnref.tuning import Choice, GridSearch, LogUniform, RandomSearch, ResultsLog, TrialRecord
from nnref.tuning.backends import process
from nnref.tuning.backends.process import ProcessBackend

SPACE = {"lr": LogUniform(1e-4, 1), "units": Choice([10, 20, 30]), "epochs": 2}


def summary(result):
    return [(t.trial_id, t.config, t.status, t.metrics, t.error) for t in result.trials]


def test_process_pool_gives_the_serial_results_and_best():
    search = RandomSearch(SPACE, 10, metric="score", seed=4)
    serial = search.run(tuning_trials.quadratic, backend="serial")
    pooled = search.run(tuning_trials.quadratic, backend="process", workers=2)
    assert summary(pooled) == summary(serial)
    assert pooled.best.trial_id == serial.best.trial_id
    assert pooled.best.metrics == serial.best.metrics


def test_workers_run_with_one_blas_thread_and_the_parent_env_is_unchanged(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    result = RandomSearch(SPACE, 4, metric="score", seed=0).run(tuning_trials.blas_threads, workers=2)
    assert {t.metrics["omp"] for t in result.trials} == {1}
    assert {t.metrics["openblas"] for t in result.trials} == {1}
    assert os.getpid() not in {t.metrics["pid"] for t in result.trials}  # they ran in workers
    assert os.environ["OMP_NUM_THREADS"] == "7"


def test_raise_nan_and_a_dying_worker_fail_their_trials_and_the_search_ends():
    records = tuning_trials.run_behaviours("process", ["ok", "raise", "nan", "exit", "ok"], workers=2)
    crashed = tuning_trials.check_failures_are_recorded(records)
    assert crashed.error == "WorkerDied: the worker process exited with code 3"


def test_a_trial_over_its_time_limit_is_stopped_and_its_worker_replaced(tmp_path):
    # The hanging trial never returns; only the time limit ends it. The limit is far above what
    # the trivial second trial needs: failing it would mean a hang, not a slow machine.
    pid_file = tmp_path / "hang.pid"
    records = tuning_trials.run_behaviours("process", ["hang", "pid"], pid_file=pid_file, workers=1, time_limit=5.0)
    hung_pid = tuning_trials.check_the_hung_trial_was_stopped(records, pid_file, "5 s")
    with pytest.raises(ProcessLookupError):
        os.kill(hung_pid, 0)  # its worker was killed (and joined) before the next trial


def test_unpicklable_trial_is_a_clear_type_error():
    with pytest.raises(TypeError, match="trial must be picklable for backend='process'"):
        RandomSearch(SPACE, 2, metric="score", seed=0).run(lambda c: {"score": 1.0}, workers=1)


def test_a_partial_of_a_top_level_function_is_accepted():
    trial = functools.partial(tuning_trials.quadratic)
    result = RandomSearch(SPACE, 2, metric="score", seed=0).run(trial, workers=1)
    assert all(t.ok for t in result.trials)


def test_no_tasks_starts_no_worker_and_one_task_starts_one(monkeypatch):
    started = []

    class CountedWorker(process._Worker):
        def __init__(self, *args):
            started.append(self)
            super().__init__(*args)

    monkeypatch.setattr(process, "_Worker", CountedWorker)
    ProcessBackend(workers=2).run(tuning_trials.quadratic, "score", [], lambda r: pytest.fail("no record"))
    assert started == []
    records = []
    ProcessBackend(workers=2).run(tuning_trials.quadratic, "score", [(0, 0, {"lr": 0.01})], records.append)
    assert len(started) == 1 and [r.trial_id for r in records] == [0]


# ---------------------------------------------------------------------------- resuming
def test_an_interrupted_search_resumes_from_its_results_file(tmp_path):
    path = tmp_path / "search.jsonl"
    search = RandomSearch(SPACE, 8, metric="score", seed=9)
    calls = []

    def interrupted(config):
        if len(calls) == 5:
            raise KeyboardInterrupt  # Ctrl-C during the sixth trial
        calls.append(config)
        return tuning_trials.quadratic(config)

    with pytest.raises(KeyboardInterrupt):
        search.run(interrupted, backend="serial", results=path)
    assert len(path.read_text().splitlines()) == 5
    ran = []
    resumed = search.run(tuning_trials.quadratic, backend="process", workers=2, results=path, on_trial=ran.append)
    assert sorted(r.trial_id for r in ran) == [5, 6, 7]  # only the missing trials ran
    fresh = search.run(tuning_trials.quadratic, backend="serial")
    assert summary(resumed) == summary(fresh)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert sorted(d["trial_id"] for d in lines) == list(range(8))
    again = []
    search.run(tuning_trials.quadratic, backend="serial", results=path, on_trial=again.append)
    assert again == []  # everything recorded: nothing runs


def test_recorded_failures_are_not_rerun(tmp_path):
    path = tmp_path / "search.jsonl"
    search = GridSearch({"lr": 0.01, "behaviour": Choice(["ok", "raise"])}, 2, metric="score")
    first = search.run(tuning_trials.behaves, backend="serial", results=path)
    assert [t.status for t in first.trials] == ["ok", "failed"]
    ran = []
    second = search.run(tuning_trials.behaves, backend="serial", results=path, on_trial=ran.append)
    assert ran == [] and summary(second) == summary(first)


def test_a_results_file_of_another_search_is_refused(tmp_path):
    path = tmp_path / "search.jsonl"
    RandomSearch(SPACE, 4, metric="score", seed=1).run(tuning_trials.quadratic, backend="serial", results=path)
    with pytest.raises(ValueError, match="trial 0 was run with .* it belongs to another search"):
        RandomSearch(SPACE, 4, metric="score", seed=2).run(tuning_trials.quadratic, backend="serial", results=path)
    with pytest.raises(ValueError, match=r"holds trials \[3\] that this search of 3 trials does not have"):
        RandomSearch(SPACE, 3, metric="score", seed=1).run(tuning_trials.quadratic, backend="serial", results=path)


def test_a_corrupt_results_file_names_the_line(tmp_path):
    path = tmp_path / "search.jsonl"
    record = TrialRecord(0, {"lr": 0.1}, metrics={"score": 1.0})
    path.write_text(json.dumps(record.to_dict()) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"search.jsonl:2 is not a trial record"):
        ResultsLog(path).load()


def test_the_log_is_rewritten_atomically_and_holds_whole_lines(tmp_path):
    path = tmp_path / "log.jsonl"
    log = ResultsLog(path)
    assert log.load() == {}
    for i in range(3):
        log.append(TrialRecord(i, {"lr": 0.1 * (i + 1)}, metrics={"score": float(i)}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]  # no temporary file left
    loaded = ResultsLog(path).load()
    assert [loaded[i].config["lr"] for i in range(3)] == [0.1, 0.2, 0.1 * 3]  # floats round-trip
