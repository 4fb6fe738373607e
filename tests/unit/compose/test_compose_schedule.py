"""Independent services at once, dependents after their dependencies, failures by name."""

from __future__ import annotations

import threading

import pytest

from hutch.api.errors import HutchError, PortInUse
from hutch.compose.errors import ComposeError
from hutch.compose.planner import _raise_first
from hutch.compose.schedule import Failure, run_graph, run_staged

NEEDS = {"db": set(), "cache": set(), "web": {"db", "cache"}, "job": {"web"}}
ORDER = ["cache", "db", "web", "job"]


def test_independent_services_run_at_once_dependents_after() -> None:
    both = threading.Barrier(2, timeout=30)  # db and cache must be running together
    seen: list[str] = []
    lock = threading.Lock()

    def task(service: str) -> None:
        if service in ("db", "cache"):
            both.wait()
        with lock:
            seen.append(service)

    assert run_graph(ORDER, NEEDS, task, workers=4) == []
    assert sorted(seen[:2]) == ["cache", "db"]
    assert seen[2:] == ["web", "job"]


def test_a_failure_starts_nothing_new_and_names_the_service() -> None:
    started: list[str] = []
    cache_began = threading.Event()

    def task(service: str) -> None:
        started.append(service)
        if service == "cache":
            cache_began.set()
        if service == "db":
            # fail once cache has begun: a failure before it would rightly keep cache
            # from beginning too (nothing new begins after a failure)
            assert cache_began.wait(10)
            raise RuntimeError("port taken")

    failures = run_graph(ORDER, NEEDS, task, workers=4)
    assert [(f.service, str(f.error)) for f in failures] == [("db", "port taken")]
    assert sorted(started) == ["cache", "db"]  # web and job never started


@pytest.mark.parametrize("workers", [1, 4])
def test_services_outside_the_selection_are_not_waited_for(workers: int) -> None:
    seen: list[str] = []
    assert run_graph(["web"], NEEDS, seen.append, workers=workers) == []  # --no-deps
    assert seen == ["web"]


def test_one_worker_runs_in_order_in_this_thread() -> None:
    threads: set[str] = set()
    seen: list[str] = []

    def task(service: str) -> None:
        threads.add(threading.current_thread().name)
        seen.append(service)
        if service == "web":
            raise ValueError("bad")

    failures = run_graph(ORDER, NEEDS, task, workers=1)
    assert seen == ["cache", "db", "web"]
    assert [f.service for f in failures] == ["web"]
    assert threads == {threading.current_thread().name}


def test_the_first_failure_is_raised_naming_its_service_with_its_exit_code() -> None:
    lines: list[str] = []
    failures = [Failure("web", PortInUse("port 80 taken")), Failure("db", HutchError("full"))]
    with pytest.raises(HutchError) as caught:
        _raise_first(failures, lines.append)
    assert str(caught.value) == "service 'web': port 80 taken"
    assert caught.value.exit_code == PortInUse.exit_code
    assert lines == [" Service web  Error: port 80 taken", " Service db  Error: full"]
    # a file's error already names its line and key path; it goes through as it is
    bad = ComposeError("no such network", path=("services", "web", "networks"))
    with pytest.raises(ComposeError) as same:
        _raise_first([Failure("web", bad)], lines.append)
    assert same.value is bad


def test_staged_dependents_are_prepared_while_their_dependencies_start() -> None:
    # web's first stage runs while db and cache are in their second (held there until
    # job, after web, was created): it only waits for their first; its second waits
    # for their second
    created = threading.Event()
    order: list[str] = []
    lock = threading.Lock()

    def first(service: str) -> None:
        with lock:
            order.append(f"{service}:create")
        if service == "job":
            created.set()

    def then(service: str) -> None:
        if service in ("db", "cache"):
            assert created.wait(30)
        with lock:
            order.append(f"{service}:start")

    assert run_staged(ORDER, NEEDS, first, then, workers=4) == []
    assert order.index("web:create") < order.index("db:start")
    assert order.index("web:start") > max(order.index("db:start"), order.index("cache:start"))
    assert order.index("job:start") > order.index("web:start")


def test_staged_a_failed_start_skips_the_dependents_second_stage() -> None:
    seen: list[str] = []
    lock = threading.Lock()

    def first(service: str) -> None:
        with lock:
            seen.append(f"{service}:create")

    def then(service: str) -> None:
        with lock:
            seen.append(f"{service}:start")
        if service == "db":
            raise RuntimeError("port taken")

    failures = run_staged(ORDER, NEEDS, first, then, workers=4)
    assert [(f.service, str(f.error)) for f in failures] == [("db", "port taken")]
    assert "web:start" not in seen and "job:start" not in seen
    assert {"cache:create", "db:create", "db:start"} <= set(seen)


def test_staged_a_failed_create_begins_no_dependent() -> None:
    seen: list[str] = []

    def first(service: str) -> None:
        seen.append(service)
        if service == "cache":
            raise RuntimeError("no image")

    failures = run_staged(ORDER, NEEDS, first, lambda service: None, workers=4)
    assert [f.service for f in failures] == ["cache"]
    assert "web" not in seen and "job" not in seen
