"""The prune verbs ask as podman does: on stdout, an answer starting with y goes on,
input that ends without a newline fails with ``Error: EOF`` (exit 125)."""

from __future__ import annotations

import io

import pytest

from hutch.api.volumes import VolumeSummary
from unit.fakes import FakeEngine, run_cli

VERBS = {
    ("volume", "prune"): ("volumes.prune", "all volumes not used by at least one container"),
    ("network", "prune"): ("networks.prune", "all networks not used by at least one container"),
    ("container", "prune"): ("containers.prune", "all non running containers"),
    ("image", "prune"): ("images.prune", "all dangling images"),
    ("pod", "prune"): ("pods.prune", "all stopped/exited pods.."),
}
_UNUSED = [VolumeSummary("v1", "local", "/v1", 0.0)]


@pytest.mark.parametrize("verb", list(VERBS), ids=" ".join)
@pytest.mark.parametrize(
    ("answer", "goes_on"),
    [("y\n", True), ("YES\n", True), ("yep\n", True), ("n\n", False), ("\n", False)],
)
def test_prune_asks_before_removing(
    verb: tuple[str, str],
    answer: str,
    goes_on: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    method, what = VERBS[verb]
    fake = FakeEngine(volume_list=_UNUSED)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    result = run_cli(list(verb), fake, monkeypatch, capsys)
    assert result.code == 0
    called = [name for name, _ in fake.calls if name != "volumes.ls"]
    assert called == ([method] if goes_on else [])
    assert result.out.startswith("WARNING! This ")
    assert what in result.out and "Are you sure you want to continue? [y/N] " in result.out
    assert result.err == ""


@pytest.mark.parametrize("verb", list(VERBS), ids=" ".join)
@pytest.mark.parametrize("answer", ["", "y"])
def test_input_that_ends_before_a_newline_is_podmans_eof_error(
    verb: tuple[str, str],
    answer: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine(volume_list=_UNUSED)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    result = run_cli(list(verb), fake, monkeypatch, capsys)
    assert (result.code, result.err) == (125, "Error: EOF\n")
    assert [name for name, _ in fake.calls if name != "volumes.ls"] == []


def test_volume_prune_names_what_would_go_and_asks_nothing_when_nothing_would(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(volume_list=_UNUSED)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    result = run_cli(["volume", "prune"], fake, monkeypatch, capsys)
    assert result.out == (
        "WARNING! This will remove all volumes not used by at least one container. "
        "The following volumes will be removed:\nv1\nAre you sure you want to continue? [y/N] "
    )
    fake = FakeEngine()
    result = run_cli(["volume", "prune"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (
        0,
        "WARNING! This will remove all volumes not used by at least one container. "
        "The following volumes will be removed:\nNo dangling volumes found\n",
    )
    assert "volumes.prune" not in [name for name, _ in fake.calls]


@pytest.mark.parametrize("verb", list(VERBS), ids=" ".join)
def test_force_asks_nothing(
    verb: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli([*verb, "-f"], fake, monkeypatch, capsys)
    assert result.code == 0 and result.err == ""
    assert [name for name, _ in fake.calls] == [VERBS[verb][0]]


@pytest.mark.parametrize(
    ("verb", "method"),
    [(("container", "prune"), "containers.prune"), (("image", "prune"), "images.prune")],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_container_and_image_prune_take_filters(
    verb: tuple[str, str],
    method: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # podman's --filter (until=, label=, label!=), as system prune passes them on
    fake = FakeEngine()
    argv = [*verb, "-f", "--filter", "until=1h", "--filter=label=a=b"]
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    argument = fake.only_call(method)
    filters = argument if method == "containers.prune" else argument.filters
    assert tuple(filters) == ("until=1h", "label=a=b")


def test_system_prune_prints_podmans_sections_in_podmans_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch.api.common import PruneReport
    from hutch.api.containers import ActionReport
    from hutch.api.system import SystemPruneReport
    from unit import fakes

    report = SystemPruneReport(
        pods=(PruneReport("p1"),),
        containers=(ActionReport("c1", "c1"),),
        networks=(PruneReport("n1"),),
        volumes=(PruneReport("v1", 3),),
        images=(PruneReport("i1", 7),),
    )
    monkeypatch.setitem(fakes.ANSWERS, "system.prune", lambda _e, _o: report)
    argv = ["system", "prune", "-f", "--volumes"]
    out = run_cli(argv, FakeEngine(), monkeypatch, capsys).out
    assert out == (
        "Deleted Containers\nc1\nDeleted Pods\np1\nDeleted Volumes\nv1\n"
        "Deleted Images\ni1\nDeleted Networks\nn1\nTotal reclaimed space: 10B\n"
    )


def test_system_prune_passes_all_volumes_and_filters_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch.api.system import SystemPruneOptions, SystemPruneReport
    from unit import fakes

    nothing = SystemPruneReport((), (), (), (), ())
    monkeypatch.setitem(fakes.ANSWERS, "system.prune", lambda _e, _o: nothing)
    fake = FakeEngine()
    argv = ["system", "prune", "-a", "-f", "--volumes", "--filter", "label=x"]
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    assert fake.only_call("system.prune") == SystemPruneOptions(True, True, ("label=x",))
    fake = FakeEngine()
    assert run_cli(["system", "prune", "--all", "--force"], fake, monkeypatch, capsys).code == 0
    assert fake.only_call("system.prune") == SystemPruneOptions(all=True)
