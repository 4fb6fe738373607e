"""containers.conf's switches both ways and the keys hutch honours since (issue 15):
env_host, init, no_hosts, read_only off again by a later file, a module or a flag;
devices, [network] pasta_options, [engine] env (a proxy for pulls),
infra_command, image_default_transport and compression_format, rootless with
real files, and podman 4.3.1 beside hutch where it knows the key."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, user_conf
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture
from registry_helpers import allow_plain_http, running_registry

SWITCHES = ("env_host", "init", "no_hosts", "read_only")
ON = "[containers]\n" + "".join(f"{k} = true\n" for k in SWITCHES)
OFF = ON.replace("true", "false")
FLAGS_OFF = ("--env-host=false", "--init=false", "--no-hosts=false", "--read-only=false")
DEVICE = 'devices = ["/dev/null:/dev/conf-null:rw"]\n'
# what the container shows: its rootfs writable, PID 1, /etc/hosts written for it,
# the caller's variable, the device from the file
SCRIPT = (
    "touch /x 2>/dev/null && echo rw || echo ro;"
    ' test "$(cat /proc/1/comm)" = sh && echo noinit || echo init;'
    ' grep -q "$(hostname)" /etc/hosts 2>/dev/null && echo hosts || echo nohosts;'
    ' echo "${CONF_CALLER:-unset}"; test -c /dev/conf-null && echo dev || echo nodev'
)
CALLER = {"CONF_CALLER": "caller"}
ALL_ON = ["ro", "init", "nohosts", "caller", "dev"]
ALL_OFF = ["rw", "noinit", "hosts", "unset", "dev"]


def shown(hutch: Hutch, *args: str, env: dict[str, str] | None = None) -> list[str]:
    return hutch(*args, env={**CALLER, **(env or {})}).stdout.splitlines()


def test_conf_switches_turn_off_by_a_module_or_a_flag(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    user_conf(hutch_env, ON + DEVICE)
    assert shown(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT) == ALL_ON
    # a module's false turns the user's true off (the device stays: the module
    # does not set devices)
    modules = hutch_env.config_home / "containers" / "containers.conf.modules"
    modules.mkdir()
    (modules / "off.conf").write_text(OFF)
    got = shown(hutch, "--module", "off.conf", "run", "--rm", base_image, "sh", "-c", SCRIPT)
    assert got == ALL_OFF
    # the flags' =false win over the file's true, and are what the record keeps
    assert shown(hutch, "run", "--rm", *FLAGS_OFF, base_image, "sh", "-c", SCRIPT) == ALL_OFF
    cid = hutch("create", "--read-only=false", base_image, "true").stdout.strip()
    host = json.loads(hutch("inspect", "--format", "{{json .HostConfig}}", cid).stdout)
    assert host["ReadonlyRootfs"] is False
    # and a flag's true stands over a later file's false
    user_conf(hutch_env, OFF)
    flags_on = (
        "--env-host",
        "--init",
        "--no-hosts",
        "--read-only",
        "--device",
        "/dev/null:/dev/conf-null",
    )
    assert shown(hutch, "run", "--rm", *flags_on, base_image, "sh", "-c", SCRIPT) == ALL_ON


# podman 4.3.1 reads no_hosts and devices from the file, and ignores env_host, init
# and read_only there (checked by hand: each alone in CONTAINERS_CONF changes nothing
# in its containers), which current podman's containers.conf(5) honours: those three
# are checked against that page above, these two against the peer.
PEER_SCRIPT = (
    'grep -q "$(hostname)" /etc/hosts 2>/dev/null && echo hosts || echo nohosts;'
    " test -c /dev/conf-null && echo dev || echo nodev"
)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [((), "nohosts dev"), (("--no-hosts=false",), "hosts dev")],
    ids=["file", "flag-off"],
)
def test_podman_reads_no_hosts_and_devices_the_same_way(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: tuple[str, ...],
    expected: str,
) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text("[containers]\nno_hosts = true\n" + DEVICE)
    ours = hutch(
        "run",
        "--rm",
        *flags,
        base_image,
        "sh",
        "-c",
        PEER_SCRIPT,
        env={"CONTAINERS_CONF": str(conf)},
    )
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    theirs = podman("run", "--rm", *flags, "base", "sh", "-c", PEER_SCRIPT)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout
    assert ours.stdout.split() == expected.split()


def pasta_lines(monitor: int) -> list[str]:
    """The command lines of the pasta processes that ``monitor`` started (its
    children: pasta's pid file lies in the bundle, or in the runtime directory for
    one started ahead of its container, so its name tells nothing)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        words = [a.decode() for a in argv if a]
        if words and words[0].endswith("pasta") and parent == monitor:
            found.append(" ".join(words))
    return found


def test_pasta_options_reach_pasta(hutch: Hutch, hutch_env: HutchEnv, base_image: str) -> None:
    user_conf(
        hutch_env,
        '[network]\ndefault_rootless_network_cmd = "pasta"\npasta_options = ["--mtu", "1400"]\n',
    )
    cid = hutch("run", "-d", base_image, "sleep", "60").stdout.strip()
    try:
        monitor = int(hutch("inspect", "-f", "{{.State.ConmonPid}}", cid).stdout)
        commands = pasta_lines(monitor)
        assert len(commands) == 1, commands
        assert " --mtu 1400 " in commands[0] + " "
        mtus = hutch("exec", cid, "sh", "-c", "cat /sys/class/net/*/mtu").stdout.split()
        assert "1400" in mtus, mtus
    finally:
        hutch("rm", "-f", "-t", "0", cid)


def test_engine_env_is_hutchs_and_env_hosts(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\nenv = ["CONF_ENGINE=from-engine"]\n')
    env = {"CONTAINERS_CONF": str(conf)}
    script = 'echo "${CONF_ENGINE:-unset}"'
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    for flags, expected in (((), "unset"), (("--env-host",), "from-engine")):
        ours = hutch("run", "--rm", *flags, base_image, "sh", "-c", script, env=env)
        theirs = podman("run", "--rm", *flags, "base", "sh", "-c", script)
        assert ours.stdout == theirs.stdout == expected + "\n", theirs.stderr


@pytest.fixture
def proxy() -> Iterator[tuple[int, list[str]]]:
    """A proxy that notes each request's first line and refuses it (403)."""
    seen: list[str] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                seen.append(data.split(b"\r\n", 1)[0].decode())
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    done.set()
    thread.join()
    server.close()


def test_engine_env_proxies_pulls(
    hutch: Hutch, hutch_env: HutchEnv, proxy: tuple[int, list[str]]
) -> None:
    port, seen = proxy
    # retry = 0: a failed pull's tries and pauses are not this test's (14 s each)
    user_conf(hutch_env, f'[engine]\nretry = 0\nenv = ["https_proxy=http://127.0.0.1:{port}"]\n')
    failed = hutch("pull", "registry.example.invalid/img", check=False)
    assert failed.returncode != 0
    assert seen and seen[0].startswith("CONNECT registry.example.invalid:443 HTTP/"), seen
    # NO_PROXY names the registry: no request reaches the proxy
    seen.clear()
    user_conf(
        hutch_env,
        "[engine]\nretry = 0\n"
        f'env = ["https_proxy=http://127.0.0.1:{port}", "NO_PROXY=.invalid"]\n',
    )
    assert hutch("pull", "registry.example.invalid/img", check=False).returncode != 0
    assert seen == []


def test_infra_command_is_the_default_of_the_pods_infra(hutch: Hutch, hutch_env: HutchEnv) -> None:
    user_conf(hutch_env, '[engine]\ninfra_command = "/catatonit"\n')

    def infra_path(pod: str) -> str:
        infra = hutch("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).stdout.strip()
        return hutch("inspect", "--format", "{{.Path}}", infra).stdout.strip()

    hutch("pod", "create", "--name", "conf")
    assert infra_path("conf") == "/catatonit"
    hutch("pod", "create", "--name", "flag", "--infra-command", "/catatonit-flag")
    assert infra_path("flag") == "/catatonit-flag"
    # podman's built-in /pause (Debian's file shows it) leaves hutch's infra as it is
    user_conf(hutch_env, '[engine]\ninfra_command = "/pause"\n')
    hutch("pod", "create", "--name", "pause")
    assert infra_path("pause") != "/pause"
    hutch("pod", "start", "pause")
    hutch("pod", "rm", "-f", "-a")


def test_no_hosts_is_the_pods_default_too(hutch: Hutch, hutch_env: HutchEnv) -> None:
    """podman's pod create takes --no-hosts's default from the file (its network
    flags are run's); =false wins."""
    user_conf(hutch_env, "[containers]\nno_hosts = true\n")
    hutch("pod", "create", "--name", "conf")
    hutch("pod", "create", "--name", "flag", "--no-hosts=false")
    template = "{{.InfraConfig.NoManageHosts}}"
    assert hutch("pod", "inspect", "--format", template, "conf").stdout.strip() == "true"
    assert hutch("pod", "inspect", "--format", template, "flag").stdout.strip() == "false"
    hutch("pod", "rm", "-f", "-a")


def test_image_default_transport_reads_a_bare_name(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    archive = tmp_path / "base-oci.tar"
    hutch("save", "--format", "oci-archive", "-o", str(archive), base_image)
    hutch("rmi", base_image)
    user_conf(hutch_env, '[engine]\nimage_default_transport = "oci-archive:"\n')
    hutch("pull", "-q", str(archive))
    assert hutch("run", "--rm", str(archive), "echo", "from-archive").stdout == "from-archive\n"
    user_conf(hutch_env, '[engine]\nimage_default_transport = "ftp:"\n')
    refused = hutch("pull", str(archive), check=False)
    assert refused.returncode == 125
    assert "image_default_transport 'ftp:'" in refused.stderr


def layer_types(host: str, name: str) -> list[str]:
    request = urllib.request.Request(
        f"http://{host}/v2/{name}/manifests/latest",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return [layer["mediaType"] for layer in json.loads(answer.read())["layers"]]


def test_compression_format_is_pushs_default(
    hutch: Hutch,
    hutch_env: HutchEnv,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\ncompression_format = "zstd"\n')
    zstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    gzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    with running_registry(tmp_path / "registry") as registry:
        allow_plain_http(hutch_env.config_home, registry)
        env = {"CONTAINERS_CONF": str(conf)}
        hutch("push", "-q", base_image, registry.ref("ours"), env=env)
        assert layer_types(registry.host, "ours") == [zstd]
        hutch(
            "push", "-q", "--compression-format", "gzip", base_image, registry.ref("flag"), env=env
        )
        assert layer_types(registry.host, "flag") == [gzip]
        monkeypatch.setenv("CONTAINERS_CONF", str(conf))
        theirs = podman("push", "-q", "--tls-verify=false", "base", registry.ref("theirs"))
        assert theirs.returncode == 0, theirs.stderr
        assert layer_types(registry.host, "theirs") == [zstd]


def test_an_unknown_label_key_changes_nothing(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    """label (SELinux) is read and ignored: there is no labelling here to turn off."""
    user_conf(hutch_env, "[containers]\nlabel = false\n")
    assert hutch("run", "--rm", base_image, "true").returncode == 0
