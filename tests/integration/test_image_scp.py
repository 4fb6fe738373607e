"""``hutch image scp`` through a real OpenSSH server, to a second store of the same user.

The test starts ``sshd`` (Debian's openssh-server, installed by
contrib/setup-host.sh) as the unprivileged test user on a loopback port, with
its own host key and authorized key. The "remote" is that same user running the
same hutch binary with a second isolated store, which the remote command line
(HUTCH_SCP_REMOTE_COMMAND) selects with ``env XDG_...=``.
"""

from __future__ import annotations

import getpass
import json
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, teardown
from ports import free_port

SSHD = Path("/usr/sbin/sshd")


@dataclass(frozen=True)
class Remote:
    """The sshd of one test, and the hutch that stands for the remote host's."""

    port: int
    user: str
    hutch: Hutch
    environ: dict[str, str]  # HUTCH_SCP_* for the local hutch


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hutch-scp", "-f", str(path)],
        check=True,
    )


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"sshd exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"sshd did not listen on port {port}:\n{log.read_text()}")


def _configs(base: Path, port: int, user: str) -> tuple[Path, Path]:
    """sshd's configuration and the client's (a file given with ssh -F)."""
    server = base / "sshd_config"
    server.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {base}/host_key\n"
        f"AuthorizedKeysFile {base}/authorized_keys\nPidFile {base}/sshd.pid\n"
        # not root: no PAM session, and tmp_path's modes are not sshd's business
        "UsePAM no\nStrictModes no\nPasswordAuthentication no\n"
        f"KbdInteractiveAuthentication no\nAllowUsers {user}\nLogLevel ERROR\n"
    )
    client = base / "ssh_config"
    client.write_text(
        # USER@localhost:: (podman's other-user form) reaches this sshd too
        f"Host localhost\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n"
        f"Host *\n  IdentityFile {base}/id\n  IdentitiesOnly yes\n  BatchMode yes\n"
        "  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
    )
    return server, client


def _remote_command(env: HutchEnv, binary: Path) -> str:
    names = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "LC_ALL")
    settings = env.environ()
    assigned = " ".join(f"{name}={shlex.quote(settings[name])}" for name in names)
    return f"env {assigned} {shlex.quote(str(binary))}"


@pytest.fixture
def remote(hutch: Hutch, tmp_path: Path) -> Iterator[Remote]:
    assert SSHD.exists(), "sshd missing (contrib/setup-host.sh installs openssh-server)"
    base = tmp_path / "sshd"
    base.mkdir()
    _keygen(base / "host_key")
    _keygen(base / "id")
    (base / "authorized_keys").write_text((base / "id.pub").read_text())
    user = getpass.getuser()
    port = free_port()
    server, client = _configs(base, port, user)
    log = base / "sshd.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(server)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    env = HutchEnv.create(tmp_path / "remote")
    remote_hutch = Hutch(env, binary=hutch.binary)
    try:
        _wait_listening(port, process, log)
        yield Remote(
            port,
            user,
            remote_hutch,
            {
                "HUTCH_SCP_SSH": f"ssh -F {shlex.quote(str(client))}",
                "HUTCH_SCP_REMOTE_COMMAND": _remote_command(env, hutch.binary),
            },
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        problems = teardown(env, remote_hutch)
        assert not problems, problems


def _image(hutch: Hutch, name: str) -> tuple[str, list[str], list[str]]:
    """Id, layers and names of a local image."""
    found = json.loads(hutch("image", "inspect", name).stdout)[0]
    return found["Id"], found["RootFS"]["Layers"], found["RepoTags"]


def test_push_then_pull_back_keep_the_id_and_layers(
    hutch: Hutch, base_image: str, remote: Remote
) -> None:
    local_id, layers, _ = _image(hutch, base_image)
    target = f"{remote.user}@127.0.0.1:{remote.port}::"

    pushed = hutch("image", "scp", base_image, target, env=remote.environ, timeout=120)
    assert "Loaded image: localhost/base:latest" in pushed.stdout
    assert _image(remote.hutch, base_image)[:2] == (local_id, layers)

    hutch("rmi", base_image)
    pulled = hutch("image", "scp", f"{target}{base_image}", env=remote.environ, timeout=120)
    assert pulled.stdout == "Loaded image: localhost/base:latest\n"
    assert _image(hutch, base_image)[:2] == (local_id, layers)
    assert hutch("run", "--rm", base_image, "echo", "copied").stdout == "copied\n"


def test_rename_quiet_and_the_other_user_form(
    hutch: Hutch, base_image: str, remote: Remote
) -> None:
    local_id = _image(hutch, base_image)[0]
    # USER@localhost:: is podman's copy to another local user: hutch uses ssh for it
    pushed = hutch(
        "image",
        "scp",
        "-q",
        base_image,
        f"{remote.user}@localhost::renamed:v1",
        env=remote.environ,
        timeout=120,
    )
    assert pushed.stdout == ""
    copied = _image(remote.hutch, "renamed:v1")
    assert copied[0] == local_id
    assert "localhost/renamed:v1" in copied[2] and "localhost/base:latest" in copied[2]

    pulled = hutch("image", "scp", "localhost::renamed:v1", "back", env=remote.environ, timeout=120)
    assert "Loaded image: localhost/renamed:v1" in pulled.stdout
    assert _image(hutch, "back")[0] == local_id


def test_failures_say_which_step_failed(hutch: Hutch, base_image: str, remote: Remote) -> None:
    target = f"{remote.user}@127.0.0.1:{remote.port}::"

    def refused(*args: str, env: dict[str, str] | None = None) -> str:
        result = hutch("image", "scp", *args, env=env or remote.environ, check=False)
        assert result.returncode == 125, result
        assert "Traceback" not in result.stderr
        return result.stderr

    assert "nosuch: image not known" in refused("nosuch", target)
    missing = refused(f"{target}nosuch")
    assert f"save on {remote.user}@127.0.0.1:{remote.port} failed (exit status 125)" in missing
    assert "nosuch" in missing
    closed = refused(base_image, f"127.0.0.1:{free_port()}::")
    assert "ssh 127.0.0.1:" in closed and "Connection refused" in closed
    no_hutch = refused(
        base_image, target, env={**remote.environ, "HUTCH_SCP_REMOTE_COMMAND": "/nonexistent/hutch"}
    )
    assert "load on" in no_hutch and "exit status 127" in no_hutch
    assert "HUTCH_SCP_REMOTE_COMMAND" in no_hutch
    assert "must specify a destination" in refused(base_image)
    assert "invalid reference 'Bad!Ref'" in refused("Bad!Ref", target)
    assert "invalid port 'x'" in refused(base_image, "127.0.0.1:x::")
    # nothing reached the remote store
    assert json.loads(remote.hutch("images", "--format", "json").stdout) == []
