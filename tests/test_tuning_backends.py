"""The local process pool: same results as in-process, failures contained, BLAS threads, resume."""
from __future__ import annotations

import functools
import json
import os

import pytest
import tuning_trials

from nnref.tuning import Choice, GridSearch, LogUniform, RandomSearch, ResultsLog, TrialRecord
from nnref.tuning.backends import get_backend
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


def test_raise_nan_timeout_and_a_dying_worker_fail_their_trials_and_the_search_ends():
    records = []
    tasks = [(i, 0, {"lr": 0.01, "behaviour": kind})
             for i, kind in enumerate(["ok", "raise", "nan", "sleep", "exit", "ok"])]
    with get_backend("process", workers=2, time_limit=1.5) as backend:
        backend.run(tuning_trials.behaves, "score", tasks, records.append)
    by_kind = {r.config["behaviour"]: r for r in records}
    assert sorted(r.trial_id for r in records) == list(range(6))
    assert by_kind["ok"].ok and by_kind["ok"].metrics["score"] == 0.0
    assert by_kind["raise"].error == "ValueError: bad config lr=0.01"
    assert by_kind["nan"].error == "FloatingPointError: metric 'score' is nan"
    assert by_kind["sleep"].error == "TimeoutError: trial exceeded its time limit of 1.5 s and was stopped"
    assert by_kind["sleep"].duration_s >= 1.5
    assert by_kind["exit"].error == "WorkerDied: the worker process exited with code 3"
    assert [r.ok for r in sorted(records, key=lambda r: r.trial_id)] == [True, False, False, False, False, True]


def test_unpicklable_trial_is_a_clear_type_error():
    with pytest.raises(TypeError, match="trial must be picklable for backend='process'"):
        RandomSearch(SPACE, 2, metric="score", seed=0).run(lambda c: {"score": 1.0}, workers=1)


def test_a_partial_of_a_top_level_function_is_accepted():
    trial = functools.partial(tuning_trials.quadratic)
    result = RandomSearch(SPACE, 2, metric="score", seed=0).run(trial, workers=1)
    assert all(t.ok for t in result.trials)


def test_no_tasks_starts_no_worker(monkeypatch):
    def no_process_context(method):
        pytest.fail(f"a worker context ({method}) was made for no tasks")

    monkeypatch.setattr("nnref.tuning.backends.process.get_context", no_process_context)
    ProcessBackend(workers=2).run(tuning_trials.quadratic, "score", [], lambda r: pytest.fail("no record"))


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
