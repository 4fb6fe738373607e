"""The prune verbs ask one question the same way (stderr; only y/yes goes on; EOF is no)."""

from __future__ import annotations

import io

import pytest

from unit.fakes import FakeEngine, run_cli

VERBS = {
    ("volume", "prune"): ("volumes.prune", "all volumes not used by at least one container"),
    ("network", "prune"): ("networks.prune", "all networks not used by at least one container"),
    ("container", "prune"): ("containers.prune", "all stopped containers"),
    ("image", "prune"): ("images.prune", "all dangling images"),
}


@pytest.mark.parametrize("verb", list(VERBS), ids=" ".join)
@pytest.mark.parametrize(
    ("answer", "goes_on"),
    [("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False), ("", False), ("sure\n", False)],
)
def test_prune_asks_before_removing(
    verb: tuple[str, str],
    answer: str,
    goes_on: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    method, what = VERBS[verb]
    fake = FakeEngine()
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    result = run_cli(list(verb), fake, monkeypatch, capsys)
    assert result.code == 0
    assert [name for name, _ in fake.calls] == ([method] if goes_on else [])
    assert what in result.err and "Are you sure you want to continue? [y/N]" in result.err
    assert "WARNING" not in result.out  # stdout keeps only what was removed


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
