"""container runlabel: podman's substitutions in a label's command."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.cli.runlabel import default_name, expand

IMAGE = "localhost/rl:latest"


@pytest.mark.parametrize(
    ("image", "name"),
    [(IMAGE, "rl"), ("quay.io/a/b/app@sha256:00", "app"), ("app", "app")],
)
def test_default_name_is_the_short_name(image: str, name: str) -> None:
    assert default_name(image) == name


def test_expand_as_podman() -> None:
    label = 'podman run --rm --name NAME IMAGE sh -c "echo $NAME ${IMAGE}"'
    assert expand(label, IMAGE, "rl", ["a", "b"], ["hutch"]) == [
        "hutch",
        "run",
        "--rm",
        "--name",
        "rl",
        IMAGE,
        "sh",
        "-c",
        f"echo rl {IMAGE}",
        "a",
        "b",
    ]


def test_expand_keeps_other_programs() -> None:
    assert expand("/usr/bin/install.sh IMAGE", IMAGE, "rl", [], ["hutch"]) == [
        "/usr/bin/install.sh",
        IMAGE,
    ]


def test_registry_flags_go_to_the_pull(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # podman's runlabel pulls a missing image with the pull flags' meaning
    from dataclasses import replace

    from hutch.api.errors import NoSuchObject
    from hutch.api.images import PullOptions, RegistryAccess
    from unit.cli.test_cli_rmi import INSPECT
    from unit.fakes import FakeEngine, run_cli

    class Missing(FakeEngine):
        def record(self, method: str, argument: object) -> None:
            super().record(method, argument)
            if len(self.calls) == 1:
                raise NoSuchObject("image not known")

    engine = Missing(image_inspects=[replace(INSPECT, labels={"run": "podman run IMAGE"})])
    auth = tmp_path / "auth.json"
    auth.write_text("{}")
    argv = ["container", "runlabel", "--display", "--tls-verify=false", "--creds", "u:p",
            "--authfile", str(auth), "--cert-dir", "/c", "run", "reg:5000/a"]  # fmt: skip
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert result.out == "command: hutch run localhost/a:latest\n"
    pulls = [options for verb, options in engine.calls if verb == "images.pull"]
    access = RegistryAccess(False, "u:p", str(auth), "/c")
    assert pulls == [PullOptions("reg:5000/a", policy="missing", access=access)]


def test_a_missing_authfile_is_refused_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from unit.fakes import FakeEngine, run_cli

    engine = FakeEngine()
    missing = tmp_path / "none.json"
    argv = ["container", "runlabel", "--authfile", str(missing), "run", "a"]
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert result.code == 125
    assert f"stat {missing}: no such file or directory" in result.err
    assert engine.calls == []
