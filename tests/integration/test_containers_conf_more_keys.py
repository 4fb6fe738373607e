"""containers.conf keys honoured since (issue 15): http_proxy and --http-proxy,
seccomp_profile, pidns/utsns, mounts, log_tag, oom_score_adj and [secrets], each
with a real file in the test's XDG_CONFIG_HOME (or CONTAINERS_CONF for the peer)
and a container that shows the effect; podman 4.3.1 beside hutch where it has
the key."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, run_in_pty, user_conf
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

PROXIES = {"http_proxy": "http://proxy.example:3128", "NO_PROXY": "internal.example"}
SHOW_PROXIES = "env | grep -i _proxy= | sort"


def proxies_of(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if line)


@pytest.mark.parametrize(
    ("conf", "flags", "expected"),
    [
        ("", (), PROXIES),
        ("", ("--http-proxy=false",), {}),
        ("[containers]\nhttp_proxy = false\n", (), {}),
        ("[containers]\nhttp_proxy = false\n", ("--http-proxy",), PROXIES),
        ("", ("-e", "http_proxy=mine"), {**PROXIES, "http_proxy": "mine"}),
        # the caller's proxies go over containers.conf's env, as in podman
        ('[containers]\nenv = ["NO_PROXY=conf"]\n', (), PROXIES),
    ],
    ids=["default", "flag-off", "conf-off", "flag-over-conf", "e-wins", "over-conf-env"],
)
def test_http_proxy_passes_the_callers_proxies(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    conf: str,
    flags: tuple[str, ...],
    expected: dict[str, str],
) -> None:
    path = tmp_path / "containers.conf"
    path.write_text(conf)
    env = {**PROXIES, "CONTAINERS_CONF": str(path)}
    ours = hutch("run", "--rm", *flags, base_image, "sh", "-c", SHOW_PROXIES, env=env)
    assert proxies_of(ours.stdout) == expected
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # the peer inherits the environment
    theirs = podman("run", "--rm", *flags, "base", "sh", "-c", SHOW_PROXIES)
    assert theirs.returncode in (0, 1), theirs.stderr  # grep finds nothing: 1
    assert ours.stdout == theirs.stdout


def test_http_proxy_values_are_recorded_at_create(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    """The proxies are the creating command's: a start from another environment keeps
    them (inspect shows them, as podman's Config.Env does)."""
    cid = hutch("create", base_image, "sh", "-c", SHOW_PROXIES, env=PROXIES).stdout.strip()
    env = json.loads(hutch("inspect", "--format", "{{json .Config.Env}}", cid).stdout)
    assert {f"{k}={v}" for k, v in PROXIES.items()} <= set(env)
    hutch("start", cid)
    hutch("wait", cid)
    assert proxies_of(hutch("logs", cid).stdout) == PROXIES


# A profile that refuses mkdir(2) and mkdirat(2) with EPERM and allows the rest.
DENY_MKDIR = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}],
}
TRY_MKDIR = "mkdir /tmp/d 2>/dev/null && echo made || echo refused"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [((), "refused"), (("--security-opt", "seccomp=unconfined"), "made")],
    ids=["file", "flag-wins"],
)
def test_seccomp_profile_is_the_default_profile(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: tuple[str, ...],
    expected: str,
) -> None:
    profile = tmp_path / "seccomp.json"
    profile.write_text(json.dumps(DENY_MKDIR))
    profile.chmod(0o644)
    conf = tmp_path / "containers.conf"
    conf.write_text(f'[containers]\nseccomp_profile = "{profile}"\n')
    env = {"CONTAINERS_CONF": str(conf)}
    ours = hutch("run", "--rm", *flags, base_image, "sh", "-c", TRY_MKDIR, env=env)
    assert ours.stdout.strip() == expected
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    theirs = podman("run", "--rm", *flags, "base", "sh", "-c", TRY_MKDIR)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout


def test_a_missing_seccomp_profile_is_refused_by_name(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    user_conf(hutch_env, f'[containers]\nseccomp_profile = "{tmp_path}/none.json"\n')
    result = hutch("run", "--rm", base_image, "true", check=False)
    assert result.returncode == 125
    assert "seccomp_profile" in result.stderr and "no such file" in result.stderr


def test_utsns_and_pidns_host(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host's UTS namespace shows the host's name; the host's PID namespace shows
    the host's PID 1 (not the container's sh)."""
    conf = tmp_path / "containers.conf"
    conf.write_text('[containers]\nutsns = "host"\npidns = "host"\n')
    script = 'hostname; test "$(cat /proc/1/comm)" = sh && echo own-pids || echo host-pids'
    ours = hutch("run", "--rm", base_image, "sh", "-c", script, env={"CONTAINERS_CONF": str(conf)})
    assert ours.stdout.split() == [socket.gethostname(), "host-pids"]
    # the flags win
    flagged = hutch(
        "run",
        "--rm",
        "--uts",
        "private",
        "--pid",
        "private",
        "--hostname",
        "inside",
        base_image,
        "sh",
        "-c",
        script,
        env={"CONTAINERS_CONF": str(conf)},
    )
    assert flagged.stdout.split() == ["inside", "own-pids"]
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    theirs = podman("run", "--rm", "base", "sh", "-c", script)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout


def test_mounts_oom_score_adj_and_log_tag(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "f").write_text("from-conf\n")
    conf = tmp_path / "containers.conf"
    conf.write_text(
        "[containers]\n"
        f'mounts = ["type=bind,source={shared},destination=/conf-mount,ro"]\n'
        "oom_score_adj = 200\n"
        'log_tag = "conf-tag"\n'
    )
    env = {"CONTAINERS_CONF": str(conf)}
    script = "cat /conf-mount/f; cat /proc/self/oom_score_adj; touch /conf-mount/x || echo ro"
    ours = hutch("run", "--rm", base_image, "sh", "-c", script, env=env)
    assert ours.stdout.split() == ["from-conf", "200", "ro"]
    cid = hutch("create", base_image, "true", env=env).stdout.strip()
    assert hutch("inspect", "--format", "{{.HostConfig.LogConfig.Tag}}", cid).stdout == (
        "conf-tag\n"
    )
    # a flag's mount at the same destination is the flag's
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "f").write_text("from-flag\n")
    flagged = hutch(
        "run",
        "--rm",
        "--oom-score-adj",
        "300",
        "--mount",
        f"type=bind,source={mine},destination=/conf-mount",
        base_image,
        "sh",
        "-c",
        "cat /conf-mount/f; cat /proc/self/oom_score_adj",
        env=env,
    )
    assert flagged.stdout.split() == ["from-flag", "300"]
    # podman 4.3.1 has log_tag (its conmon refuses the tag with the k8s-file driver
    # when the container starts: journald only), not yet mounts and oom_score_adj
    # (checked by hand: each changes nothing in its containers), which current
    # podman's containers.conf(5) has: those two are checked against that page
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    peer = podman("create", "base", "true").stdout.strip()
    tag = podman("inspect", "--format", "{{.HostConfig.LogConfig.Tag}}", peer).stdout
    assert tag == "conf-tag\n"


def test_secrets_driver_opts_are_secret_creates_defaults(
    hutch: Hutch, hutch_env: HutchEnv, podman: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[secrets.opts] path: the file driver keeps the data there; --driver-opts
    replaces the file's options (podman's flag defaults)."""
    vault = tmp_path / "vault"
    conf = tmp_path / "containers.conf"
    conf.write_text(f'[secrets]\ndriver = "file"\n[secrets.opts]\npath = "{vault}"\n')
    data = tmp_path / "data"
    data.write_text("s3cret")
    env = {"CONTAINERS_CONF": str(conf)}
    sid = hutch("secret", "create", "db", str(data), env=env).stdout.strip()
    assert (vault / sid).read_text() == "s3cret"
    shown = hutch("secret", "inspect", "--format", "{{.Spec.Driver.Options.path}}", "db", env=env)
    assert shown.stdout == f"{vault}\n"
    other = tmp_path / "other"
    oid = hutch(
        "secret", "create", "--driver-opts", f"path={other}", "api", str(data), env=env
    ).stdout.strip()
    assert (other / oid).is_file() and not (vault / oid).exists()
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    peer = podman("secret", "create", "db", str(data))
    assert peer.returncode == 0, peer.stderr
    theirs = podman("secret", "inspect", "--format", "{{.Spec.Driver.Options.path}}", "db")
    assert theirs.stdout == shown.stdout
    podman("secret", "rm", "db")


@pytest.mark.parametrize(
    ("policy", "flags", "image", "code"),
    [
        ("never", (), "localhost/not-here:1", 125),
        # the local image is pulled again: nothing listens on localhost's port 443
        ("always", (), "localhost/base", 125),
        ("always", ("--pull", "missing"), "localhost/base", 0),  # the flag wins
    ],
    ids=["never", "always", "flag-wins"],
)
def test_engine_pull_policy_is_runs_pull_default(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    policy: str,
    flags: tuple[str, ...],
    image: str,
    code: int,
) -> None:
    conf = tmp_path / "containers.conf"
    # retry = 0: the failed pull's tries are not this test's (podman 4.3.1 ignores the key)
    conf.write_text(f'[engine]\npull_policy = "{policy}"\nretry = 0\n')
    env = {"CONTAINERS_CONF": str(conf)}
    ours = hutch("run", "--rm", *flags, image, "true", env=env, check=False, timeout=120)
    assert ours.returncode == code, ours.stderr
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))
    theirs = podman("run", "--rm", *flags, image, "true")
    assert theirs.returncode == code, theirs.stderr


def test_engine_detach_keys_are_runs_and_attachs_default(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    """[engine] detach_keys replaces ctrl-p,ctrl-q where no flag gives keys; a bad
    value is an error naming the key."""
    user_conf(hutch_env, '[engine]\ndetach_keys = "ctrl-a,d"\n')
    code, out = run_in_pty(
        hutch,
        ["run", "-it", "--name", "confkeys", base_image, "sh"],
        # the built-in sequence is only input now; the file's detaches
        steps=((b"# ", b"\x10\x11echo still-$((1+1))\n"), (b"still-2", b"\x01d")),
    )
    assert code == 0, out
    status = hutch("inspect", "--format", "{{.State.Status}}", "confkeys").stdout
    assert status == "running\n"
    code, out = run_in_pty(hutch, ["attach", "confkeys"], steps=((b"", b"\x01d"),))
    assert code == 0, out
    code, out = run_in_pty(
        hutch,
        ["attach", "--detach-keys", "", "confkeys"],
        steps=((b"", b"\x01d\n"), (b"not found", b"exit 4\n")),
    )
    assert code == 4, out  # the flag's "" turns detaching off
    user_conf(hutch_env, '[engine]\ndetach_keys = "ctrl-1"\n')
    hutch("create", "-it", "--name", "bad", base_image, "sh")
    bad = hutch("start", "-a", "bad", check=False)
    assert bad.returncode == 125 and "[engine] detach_keys" in bad.stderr, bad.stderr


def test_privileged_from_the_file_and_the_flag_off(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    """privileged = true: no seccomp filter; --privileged=false turns it off again.
    podman 4.3.1 has no such key (checked by hand: its container keeps the filter),
    current podman's containers.conf(5) has: checked against that page."""
    user_conf(hutch_env, "[containers]\nprivileged = true\n")
    show = ("grep", "Seccomp:", "/proc/self/status")
    assert hutch("run", "--rm", base_image, *show).stdout.split() == ["Seccomp:", "0"]
    off = hutch("run", "--rm", "--privileged=false", base_image, *show).stdout.split()
    assert off == ["Seccomp:", "2"]
    cid = hutch("create", base_image, "true").stdout.strip()
    assert hutch("inspect", "--format", "{{.HostConfig.Privileged}}", cid).stdout == "true\n"


@pytest.mark.parametrize("value", ["false", "true"])
def test_engine_healthcheck_events_switches_the_health_status_events(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, value: str
) -> None:
    """[engine] healthcheck_events (current podman's key; 4.3.1 has none): false, the
    checks run and their status shows, but no health_status event is logged."""
    user_conf(hutch_env, f"[engine]\nhealthcheck_events = {value}\n")
    hutch("run", "-d", "--name", "hce", "--health-cmd", "true", "--health-interval", "1h",
          base_image, "sleep", "100")  # fmt: skip
    assert hutch("healthcheck", "run", "hce").returncode == 0
    status = hutch("inspect", "--format", "{{.State.Health.Status}}", "hce").stdout
    assert status == "healthy\n"
    shown = hutch("events", "--stream=false", "--filter", "container=hce", "--format",
                  "{{.Status}}").stdout.split()  # fmt: skip
    assert "start" in shown, shown
    assert ("health_status" in shown) == (value == "true"), shown
    hutch("rm", "-f", "-t", "0", "hce")
