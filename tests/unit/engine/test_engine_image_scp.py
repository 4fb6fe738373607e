"""image scp's steps (engine/image_scp.py) with a stand-in ssh: a script that records
what it was asked and plays the remote's part. tests/integration/test_image_scp.py
runs the real sshd."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.api.image_scp import ScpHost, ScpOptions, plan
from hutch.api.images import Images, SaveOptions
from hutch.engine.image_scp import archive_image_id, copy, loaded_names, ssh_argv

CONFIG = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
CONFIG_ID = hashlib.sha256(CONFIG).hexdigest()


def docker_archive(path: Path, config: bytes = CONFIG) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in (
            (f"{CONFIG_ID}.json", config),
            ("manifest.json", json.dumps([{"Config": f"{CONFIG_ID}.json"}]).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@dataclass
class LocalStore:
    """The four verbs image scp asks of engine.images."""

    names: tuple[str, ...] = ("app",)
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def exists(self, name: str) -> bool:
        return name in self.names

    def save(self, options: SaveOptions) -> None:
        self.calls.append(("save", options))
        docker_archive(Path(options.output))

    def load(self, source: str) -> list[str]:
        self.calls.append(("load", archive_image_id(Path(source))))
        return ["localhost/app:latest"]

    def tag(self, source: str, targets: list[str]) -> None:
        self.calls.append(("tag", (source, tuple(targets))))


def fake_ssh(tmp_path: Path, status: int = 0, stderr: str = "") -> tuple[str, Path]:
    """A script standing for ssh: logs its argv and its input's size, writes an
    archive when asked to save, exits ``status``."""
    log = tmp_path / "ssh.log"
    archive = docker_archive(tmp_path / "remote.tar")
    script = tmp_path / "ssh"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s|" "$@" >> {log}; echo >> {log}\n'
        f'case "$*" in *" save "*) cat {archive};; *" load -q"*) wc -c >> {log};;\n'
        f'  *" load"*) wc -c >> {log}; echo "Loaded image: localhost/app:latest";; esac\n'
        f'[ -n "{stderr}" ] && echo "{stderr}" >&2\n'
        f"exit {status}\n"
    )
    script.chmod(0o755)
    return str(script), log


def run(store: LocalStore, args: tuple[str, ...], ssh: str, quiet: bool = False) -> Any:
    options = ScpOptions(plan(args), quiet=quiet, ssh=(ssh, "-F", "cfg"), remote="env A=1 hutch")
    return copy(cast(Images, store), options)


def test_ssh_argv_quotes_the_arguments_not_the_remote_command() -> None:
    options = ScpOptions(plan(("a", "h::")), ssh=("ssh", "-F", "c"), remote="env X='a b' hutch")
    argv = ssh_argv(options, ScpHost("::1", "me", 2222), ("tag", "1" * 64, "it's"))
    assert argv == [
        "ssh", "-F", "c", "-p", "2222", "-l", "me", "--", "::1",
        "env X='a b' hutch tag " + "1" * 64 + " 'it'\"'\"'s'",
    ]  # fmt: skip


def test_push_saves_locally_and_loads_remotely_then_tags(tmp_path: Path) -> None:
    ssh, log = fake_ssh(tmp_path)
    store = LocalStore()
    report = run(store, ("app", "me@h:22::copy:1"), ssh, quiet=True)
    assert report.loaded == ()
    assert store.calls[0] == ("save", SaveOptions(("app",), store.calls[0][1].output, quiet=True))
    load, size, tag = log.read_text().splitlines()
    assert load == "-F|cfg|-p|22|-l|me|--|h|env A=1 hutch load -q|"
    assert int(size) == (tmp_path / "remote.tar").stat().st_size  # the archive was its input
    assert tag == f"-F|cfg|-p|22|-l|me|--|h|env A=1 hutch tag {CONFIG_ID} copy:1|"


def test_push_reports_the_names_the_remote_load_printed(tmp_path: Path) -> None:
    ssh, _ = fake_ssh(tmp_path)
    assert run(LocalStore(), ("app", "h::"), ssh).loaded == ("localhost/app:latest",)


def test_loaded_names_as_hutch_and_podman_print_them() -> None:
    output = "Loaded image: localhost/a:1\nnoise\nLoaded image(s): b:2, c:3\n"
    assert loaded_names(output) == ("localhost/a:1", "b:2", "c:3")


def test_pull_saves_remotely_and_loads_locally(tmp_path: Path) -> None:
    ssh, log = fake_ssh(tmp_path)
    store = LocalStore(names=())
    report = run(store, ("h::app", "renamed"), ssh)
    assert log.read_text() == "-F|cfg|--|h|env A=1 hutch save app|\n"
    assert report.loaded == ("localhost/app:latest",)
    assert store.calls == [("load", CONFIG_ID), ("tag", (CONFIG_ID, ("renamed",)))]


def test_remote_to_remote_goes_through_a_local_file(tmp_path: Path) -> None:
    ssh, log = fake_ssh(tmp_path)
    run(LocalStore(), ("a::app", "b::"), ssh)
    lines = log.read_text().splitlines()
    assert lines[0].endswith("|a|env A=1 hutch save app|")
    assert lines[1].endswith("|b|env A=1 hutch load|")


def test_a_missing_local_image_stops_before_ssh(tmp_path: Path) -> None:
    ssh, log = fake_ssh(tmp_path)
    with pytest.raises(NoSuchObject, match=r"^nosuch: image not known$"):
        run(LocalStore(), ("nosuch", "h::"), ssh)
    assert not log.exists()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("Bad!Ref", "h::"), "invalid reference 'Bad!Ref'"),
        (("app", "h::" + "a" * 64), "is an image id, not a repository name"),
    ],
)
def test_bad_references_stop_before_ssh(tmp_path: Path, args: tuple[str, ...], error: str) -> None:
    ssh, log = fake_ssh(tmp_path)
    with pytest.raises(InvalidArgument, match=error):
        run(LocalStore(), args, ssh)
    assert not log.exists()


def test_an_id_prefix_is_a_source(tmp_path: Path) -> None:
    ssh, log = fake_ssh(tmp_path)
    run(LocalStore(names=("0abc",)), ("0abc", "h::"), ssh)
    assert "hutch load" in log.read_text()


def test_ssh_failing_says_so_with_its_message(tmp_path: Path) -> None:
    ssh, _ = fake_ssh(tmp_path, 255, "ssh: connect to host h port 22: Connection refused")
    with pytest.raises(HutchError) as info:
        run(LocalStore(), ("h:22::app",), ssh)
    assert str(info.value) == "ssh h:22: ssh: connect to host h port 22: Connection refused"


def test_the_remote_command_failing_names_the_step(tmp_path: Path) -> None:
    ssh, _ = fake_ssh(tmp_path, 125, "Error: nosuch: image not known")
    with pytest.raises(HutchError) as info:
        run(LocalStore(), ("me@h::nosuch",), ssh)
    assert str(info.value) == "save on me@h failed (exit status 125): nosuch: image not known"


def test_no_hutch_on_the_remote_says_what_to_do(tmp_path: Path) -> None:
    ssh, _ = fake_ssh(tmp_path, 127, "sh: 1: hutch: not found")
    with pytest.raises(HutchError, match="on its PATH, or set HUTCH_SCP_REMOTE_COMMAND"):
        run(LocalStore(), ("app", "h::"), ssh)


def test_no_ssh_client_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(HutchError, match=r"command not found.*openssh-client"):
        run(LocalStore(), ("app", "h::"), str(tmp_path / "nossh"))


def test_an_archive_without_manifest_is_refused(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "x.tar", "w"):
        pass
    with pytest.raises(InvalidArgument, match="no docker-archive"):
        archive_image_id(tmp_path / "x.tar")
    assert archive_image_id(docker_archive(tmp_path / "ok.tar")) == CONFIG_ID
