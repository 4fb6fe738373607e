from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.registry import authfile
from hutch.registry.authfile import Credentials


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_auth_files_order(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": "/run/u", "XDG_CONFIG_HOME": "/cfg"}
    assert authfile.auth_files(env) == [
        Path("/run/u/containers/auth.json"),
        Path("/cfg/containers/auth.json"),
        tmp_path / ".docker" / "config.json",
    ]
    assert authfile.auth_files({**env, "REGISTRY_AUTH_FILE": "/x.json"}) == [Path("/x.json")]
    assert authfile.auth_files(env, "/given.json") == [Path("/given.json")]
    no_runtime = authfile.auth_files({"HOME": str(tmp_path)})
    assert no_runtime[0] == tmp_path / ".config" / "containers" / "auth.json"


def test_most_specific_key_wins(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text(
        json.dumps(
            {
                "auths": {
                    "quay.io": {"auth": _b64("host:1")},
                    "quay.io/team": {"auth": _b64("team:2")},
                    "quay.io/team/app": {"auth": _b64("app:3")},
                }
            }
        )
    )
    assert authfile.lookup([path], "quay.io", "team/app") == Credentials("app", "3")
    assert authfile.lookup([path], "quay.io", "team/other") == Credentials("team", "2")
    assert authfile.lookup([path], "quay.io", "x/y") == Credentials("host", "1")
    assert authfile.lookup([path], "example.com", "x") is None


def test_docker_hub_legacy_key_and_later_files(tmp_path: Path) -> None:
    first = tmp_path / "missing.json"
    second = tmp_path / "config.json"
    second.write_text(
        json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": _b64("u:p:with:colons")}}})
    )
    assert authfile.lookup([first, second], "docker.io", "library/alpine") == Credentials(
        "u", "p:with:colons"
    )


def test_store_and_remove_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "auth.json"
    authfile.store(path, "reg:5000", Credentials("me", "pw"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["auths"]["reg:5000"]["auth"] == _b64("me:pw")
    assert authfile.lookup([path], "reg:5000") == Credentials("me", "pw")
    assert authfile.remove(path, "reg:5000") is True
    assert authfile.remove(path, "reg:5000") is False
    assert authfile.lookup([path], "reg:5000") is None


def test_store_keeps_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"credsStore": "", "auths": {"a": {"auth": _b64("x:y")}}}))
    authfile.store(path, "b", Credentials("u", "v"))
    doc = json.loads(path.read_text())
    assert set(doc["auths"]) == {"a", "b"}
    assert "credsStore" in doc


def test_bad_entries_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text(json.dumps({"auths": {"r": {"auth": "not base64!"}}}))
    with pytest.raises(InvalidArgument, match="base64"):
        authfile.lookup([path], "r")
    path.write_text("{broken")
    with pytest.raises(InvalidArgument, match="cannot read credentials"):
        authfile.lookup([path], "r")


def test_credential_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    helper = tmp_path / "docker-credential-fake"
    helper.write_text(
        "#!/bin/sh\nread host\n"
        'echo "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"hu\\",\\"Secret\\":\\"hs\\"}"\n'
    )
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    path = tmp_path / "auth.json"
    path.write_text(json.dumps({"credHelpers": {"reg.example": "fake"}}))
    assert authfile.lookup([path], "reg.example") == Credentials("hu", "hs")
    path.write_text(json.dumps({"credsStore": "fake"}))
    assert authfile.lookup([path], "other.example") == Credentials("hu", "hs")
