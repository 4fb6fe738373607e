"""Secrets end to end: stored, given to a container as a file and a variable, and
their ``ls``/``inspect`` shapes against Debian's podman 4.3.1 (the peer)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch


def test_a_container_reads_its_secrets(hutch: Hutch, base_image: str) -> None:
    secret_id = hutch("secret", "create", "db", "-", input="hunter2").stdout.strip()
    assert len(secret_id) == 25
    script = (
        "cat /run/secrets/db; echo; echo $PW; cat /etc/k; echo;"
        "stat -c '%u %g %a' /run/secrets/db /etc/k; echo x > /run/secrets/db || echo ro"
    )
    out = hutch(
        "run", "--name", "c", "--secret", "db", "--secret", "db,type=env,target=PW",
        "--secret", "db,target=/etc/k,uid=1000,gid=7,mode=0400",
        base_image, "sh", "-c", script,
    ).stdout  # fmt: skip
    assert out.splitlines() == ["hunter2", "hunter2", "hunter2", "0 0 444", "1000 7 400", "ro"]
    inspect = json.loads(hutch("inspect", "c").stdout)[0]["Config"]
    assert not [e for e in inspect["Env"] if "hunter2" in e]
    assert [(s["Name"], s["ID"], s["Mode"]) for s in inspect["Secrets"]] == [
        ("db", secret_id, 0o444),
        ("db", secret_id, 0o400),
    ]
    # the container keeps its copy when the secret goes (current podman's rule)
    assert hutch("secret", "rm", "db").stdout == f"{secret_id}\n"
    assert hutch("start", "-a", "c").stdout.splitlines()[0] == "hunter2"
    failed = hutch("run", "--rm", "--secret", "db", base_image, "true", check=False)
    assert failed.returncode == 125
    assert 'no secret with name or id "db": no such secret' in failed.stderr


def _shape(value: Any) -> Any:
    """Keys and JSON types, not values (ids, times and paths differ)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_ls_and_inspect_have_podmans_shape(hutch: Hutch, tmp_path: Path) -> None:
    binary = shutil.which("podman")
    if binary is None:
        pytest.skip("podman (the peer) is not installed: contrib/setup-host.sh installs it")
    runroot = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))
    base = [binary, "--root", str(tmp_path / "podman"), "--runroot", str(runroot), "secret"]

    def podman(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *args], input=input, capture_output=True, text=True, timeout=60
        )

    def mine(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return hutch("secret", *args, input=input, check=False)

    try:
        for tool in (podman, mine):
            assert tool("create", "s", "-", input="data").returncode == 0
            assert tool("create", "s", "-", input="data").stderr.endswith("s: secret name in use\n")
        ours, theirs = (json.loads(tool("inspect", "s").stdout)[0] for tool in (mine, podman))
        assert _shape(ours) == _shape(theirs)
        for tool in (mine, podman):
            header = tool("ls").stdout.splitlines()[0].split()
            assert header == ["ID", "NAME", "DRIVER", "CREATED", "UPDATED"]
        missing = [tool("inspect", "nope") for tool in (mine, podman)]
        assert missing[0].returncode == missing[1].returncode == 125
        assert missing[0].stderr == missing[1].stderr
    finally:
        shutil.rmtree(runroot, ignore_errors=True)
