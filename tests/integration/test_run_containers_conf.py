"""podman's containers.conf changes what hutch runs (issue 15): the user's file, the
flags above it, CONTAINERS_CONF, CONTAINERS_CONF_OVERRIDE, --module and hutch.toml's
place, and podman 4.3.1 seeing the same file the same way."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, user_conf
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

CONF = """\
[containers]
env = ["FOO=conf"]
tz = "Asia/Tokyo"
umask = "0077"
default_capabilities = ["CHOWN", "NET_RAW"]
default_sysctls = ["kernel.msgmax=4096"]
default_ulimits = ["nofile=512:512"]
shm_size = "32m"
annotations = ["org.example.from=conf"]
"""
# what the container shows: $FOO, its zone, umask, bounding set, a sysctl, a ulimit,
# /dev/shm's size in kB
SCRIPT = (
    'echo "$FOO"; date +%Z; umask; grep CapBnd /proc/self/status;'
    " cat /proc/sys/kernel/msgmax; ulimit -n; df -k /dev/shm | tail -1 | awk '{print $2}'"
)
# shm_size = "32m" is decimal in containers.conf, as podman reads it: 32000000 bytes
FROM_CONF = ["conf", "JST", "0077", "CapBnd:\t0000000000002001", "4096", "512", "31252"]
# podman's built-in values (and hutch's): the file had no effect
BUILT_IN_CAPS = "CapBnd:\t00000000800405fb"


def lines(hutch: Hutch, *args: str, env: dict[str, str] | None = None) -> list[str]:
    return hutch(*args, env=env).stdout.splitlines()


def test_the_users_containers_conf_changes_run(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    before = lines(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT)
    assert before[0] == "" and before[3] == BUILT_IN_CAPS
    user_conf(hutch_env, CONF + "pids_limit = 100\n[engine]\nstop_timeout = 3\n")
    assert lines(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT) == FROM_CONF
    # recorded with the container: inspect shows them
    cid = hutch("create", base_image, "true").stdout.strip()
    config = json.loads(hutch("inspect", "--format", "{{json .Config}}", cid).stdout)
    assert config["StopTimeout"] == 3
    assert config["Annotations"]["org.example.from"] == "conf"
    assert "FOO=conf" in config["Env"]
    # no pids controller is delegated on this host: the default limit stays silent
    # (as podman's 2048 does) rather than refusing the container
    host = json.loads(hutch("inspect", "--format", "{{json .HostConfig}}", cid).stdout)
    assert host["PidsLimit"] == 0


def test_flags_win_over_the_file(hutch: Hutch, hutch_env: HutchEnv, base_image: str) -> None:
    user_conf(hutch_env, CONF)
    flags = (
        *("-e", "FOO=flag", "--tz", "UTC", "--umask", "0022", "--cap-add", "KILL"),
        *("--sysctl", "kernel.msgmax=8192", "--ulimit", "nofile=256:256", "--shm-size", "16m"),
    )
    out = lines(hutch, "run", "--rm", *flags, base_image, "sh", "-c", SCRIPT)
    # KILL (5) joins the file's set: --cap-add works on containers.conf's defaults
    assert out == ["flag", "UTC", "0022", "CapBnd:\t0000000000002021", "8192", "256", "16384"]


def test_containers_conf_and_the_override(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    user_conf(hutch_env, CONF)
    only = tmp_path / "only.conf"
    only.write_text('[containers]\nenv = ["FOO=only"]\n')
    env = {"CONTAINERS_CONF": str(only)}
    # the user's file is not read: its tz and umask are gone too
    out = lines(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT, env=env)
    assert out[:3] == ["only", "UTC", "0022"]
    over = tmp_path / "over.conf"
    over.write_text('[containers]\numask = "0027"\n')
    env["CONTAINERS_CONF_OVERRIDE"] = str(over)
    assert lines(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT, env=env)[:3] == [
        "only",
        "UTC",
        "0027",
    ]
    missing = hutch(
        "run", "--rm", base_image, "true", env={"CONTAINERS_CONF": "/nonexistent.conf"}, check=False
    )
    assert missing.returncode == 125 and "CONTAINERS_CONF" in missing.stderr


def test_modules_and_hutch_toml(hutch: Hutch, hutch_env: HutchEnv, base_image: str) -> None:
    user_conf(hutch_env, CONF)
    # hutch.toml is above containers.conf
    toml = hutch_env.config_home / "hutch" / "hutch.toml"
    toml.parent.mkdir(parents=True, exist_ok=True)
    toml.write_text('[containers]\nenv = ["FOO=toml"]\n')
    assert lines(hutch, "run", "--rm", base_image, "sh", "-c", SCRIPT)[:2] == ["toml", "JST"]
    # a module by name, from the user's modules dir, is above hutch.toml
    modules = hutch_env.config_home / "containers" / "containers.conf.modules"
    modules.mkdir()
    (modules / "m.conf").write_text('[containers]\nenv = ["FOO=module"]\ntz = "UTC"\n')
    got = lines(hutch, "--module", "m.conf", "run", "--rm", base_image, "sh", "-c", SCRIPT)
    assert got[:3] == ["module", "UTC", "0077"]
    refused = hutch("--module", "nope.conf", "run", "--rm", base_image, "true", check=False)
    assert refused.returncode == 125
    assert 'could not resolve module "nope.conf"' in refused.stderr
    assert hutch("ps", "-aq").stdout == ""


def _module(env: HutchEnv, name: str, text: str) -> None:
    modules = env.config_home / "containers" / "containers.conf.modules"
    modules.mkdir(parents=True, exist_ok=True)
    (modules / name).write_text(text)


def _wait_for(path: Path) -> None:
    for _ in range(200):
        if path.exists():
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never came")


def test_a_restart_of_the_policys_reads_the_module_too(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    """The /etc refresh before the restart policy's run is given the module the run
    was (podman gives its later commands its global flags): the second run's
    /etc/hosts is written anew (the first run's line gone) from the module's base."""
    base = tmp_path / "hosts"
    base.write_text("10.9.9.9 frommodule\n")
    _module(hutch_env, "hosts.conf", f'[containers]\nbase_hosts_file = "{base}"\n')
    sig = tmp_path / "sig"
    sig.mkdir()
    script = (
        "echo 192.0.2.1 added >> /etc/hosts; [ -e /again ] && { touch /sig/second; exec sleep"
        " 600; }; touch /again; until [ -e /sig/go ]; do sleep 0.05; done; exit 1"
    )
    policy = ("--restart", "on-failure:2", "-v", f"{sig}:/sig")
    hutch("--module", "hosts.conf", "run", "-d", "--name", "mod", "--network", "host", *policy,
          base_image, "sh", "-c", script)  # fmt: skip
    (sig / "go").touch()
    _wait_for(sig / "second")
    hosts = hutch("exec", "mod", "cat", "/etc/hosts").stdout
    hutch("rm", "-f", "-t", "0", "mod")
    assert hosts.startswith("10.9.9.9\tfrommodule\n"), hosts
    assert hosts.count("added") == 1, hosts  # the second run's only: written anew


def test_the_cleanup_of_an_rm_container_reads_the_module_too(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    """An --rm container's monitor runs its cleanup with the module: one that turns
    events off leaves none of the container's in the log, its removal's neither."""
    _module(hutch_env, "quiet.conf", '[engine]\nevents_logger = "none"\n')
    hutch("--module", "quiet.conf", "run", "-d", "--rm", "--name", "quiet", base_image, "true")
    for _ in range(200):  # the cleanup has removed it
        if hutch("container", "exists", "quiet", check=False).returncode == 1:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the --rm container was never removed")
    hutch("run", "--rm", "--name", "loud", base_image, "true")  # the log is there
    events = hutch("events", "--stream=false", "--format", "{{.Name}} {{.Status}}").stdout
    assert "loud remove" in events
    assert "quiet" not in events, events


# The lines each file changes; the rest differs between podman 4.3.1's built-in values
# and hutch's without any file (podman's older default capabilities and nofile,
# slirp4netns's tap0, df's view of /dev/shm), which CONTAINERS_CONF brings back.
DIFFERENTIAL = {
    "containers": (
        CONF,
        'echo "$FOO"; date +%Z; umask; grep CapBnd /proc/self/status;'
        " cat /proc/sys/kernel/msgmax; ulimit -n;"
        " grep ' /dev/shm ' /proc/mounts | grep -o 'size=[^,]*'",
    ),
    "netns": ('[containers]\nnetns = "none"\n', "ls /sys/class/net"),
}


@pytest.mark.parametrize("case", sorted(DIFFERENTIAL))
def test_podman_sees_the_same_file_the_same_way(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    keys, script = DIFFERENTIAL[case]
    conf = tmp_path / "containers.conf"
    conf.write_text(keys)
    ours = hutch("run", "--rm", base_image, "sh", "-c", script, env={"CONTAINERS_CONF": str(conf)})
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    theirs = podman("run", "--rm", "base", "sh", "-c", script)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout
    assert ours.stdout.split("\n")[0] == ("conf" if case == "containers" else "lo")


def test_builds_run_steps_take_the_files_defaults(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str, tmp_path: Path
) -> None:
    user_conf(hutch_env, CONF)
    (tmp_path / "Containerfile").write_text(
        f"FROM {base_image}\n"
        "RUN grep CapBnd /proc/self/status > /tmp/seen && ulimit -n >> /tmp/seen"
        " && grep ' /dev/shm ' /proc/mounts | grep -o 'size=[^,]*' >> /tmp/seen\n"
    )
    hutch("build", "-q", "-t", "confbuilt", str(tmp_path))
    seen = lines(hutch, "run", "--rm", "confbuilt", "cat", "/tmp/seen")
    assert seen == ["CapBnd:\t0000000000002001", "512", "size=31252k"]
