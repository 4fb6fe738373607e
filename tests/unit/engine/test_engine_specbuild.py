"""Run options + image config -> runtime spec: Docker's rules for command and env."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import HealthOptions, NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import hostsfile, netconfig, specbuild
from hutch.engine.hostsfile import HostsConf
from hutch.engine.specbuild_lifecycle import health_check
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.etcfiles import host_file
from hutch.runtime.spec import NAMESPACES, Process, Rootfs, Spec
from hutch.runtime.spec_network import NetworkSpec
from hutch.store.containers import ContainerDirs

CID = "0123456789ab" + "c" * 52


def image(
    *,
    entrypoint: tuple[str, ...] | None = None,
    cmd: tuple[str, ...] | None = None,
    env: tuple[str, ...] = (),
    workdir: str = "",
    user: str = "",
) -> ImageConfig:
    return ImageConfig(
        architecture="amd64",
        os="linux",
        diff_ids=(),
        config=ContainerConfig(
            entrypoint=entrypoint, cmd=cmd, env=env, working_dir=workdir, user=user
        ),
    )


# --- command line ---------------------------------------------------------------

EP_CMD = image(entrypoint=("/entry", "-x"), cmd=("serve", "--port=1"))


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (RunOptions("i"), ("/entry", "-x", "serve", "--port=1")),
        (RunOptions("i", command=("sh",)), ("/entry", "-x", "sh")),
        (RunOptions("i", entrypoint="/other"), ("/other",)),  # new entrypoint drops Cmd
        (RunOptions("i", entrypoint="/other", command=("a", "b")), ("/other", "a", "b")),
        (RunOptions("i", entrypoint='["/bin/sh", "-c"]', command=("id",)), ("/bin/sh", "-c", "id")),
        (RunOptions("i", entrypoint="", command=("ls",)), ("ls",)),  # "" clears it
        (RunOptions("i", entrypoint=""), ()),
        (RunOptions("i", entrypoint="/bin/echo hi"), ("/bin/echo hi",)),  # not split
    ],
)
def test_command_line_override_rules(options: RunOptions, expected: tuple[str, ...]) -> None:
    assert specbuild.command_line(options, EP_CMD) == expected


def test_command_line_cmd_only_image() -> None:
    only_cmd = image(cmd=("sh",))
    assert specbuild.command_line(RunOptions("i"), only_cmd) == ("sh",)
    assert specbuild.command_line(RunOptions("i", command=("ls", "-la")), only_cmd) == (
        "ls",
        "-la",
    )
    assert specbuild.command_line(RunOptions("i"), image()) == ()


@pytest.mark.parametrize("text", ["[not json", '["a", 1]', '[{"a": 1}]', "["])
def test_an_entrypoint_that_is_no_json_array_of_strings_is_one_program(text: str) -> None:
    # podman's reading: what does not parse as a JSON array of strings is one word
    assert specbuild.command_line(RunOptions("i", entrypoint=text), EP_CMD) == (text,)


# --- environment ----------------------------------------------------------------


def env_of(options: RunOptions, img: ImageConfig | None = None) -> dict[str, str]:
    items = specbuild.environment(options, img or image(), "host1")
    out = dict(item.split("=", 1) for item in items)
    assert len(out) == len(items), f"duplicate names in {items}"
    return out


def test_environment_precedence_image_then_env_file_then_flags(tmp_path: Path) -> None:
    env_file = tmp_path / "a.env"
    env_file.write_text("A=from-file\nB=from-file\n")
    img = image(env=("A=from-image", "B=from-image", "C=from-image", "PATH=/img/bin"))
    env = env_of(RunOptions("i", env=("B=from-flag",), env_files=(str(env_file),)), img)
    assert env["A"] == "from-file"
    assert env["B"] == "from-flag"
    assert env["C"] == "from-image"
    assert env["PATH"] == "/img/bin"
    assert env["container"] == "hutch"
    assert env["HOSTNAME"] == "host1"


def test_later_env_files_and_flags_win(tmp_path: Path) -> None:
    (tmp_path / "1.env").write_text("X=1\n")
    (tmp_path / "2.env").write_text("X=2\n")
    files = (str(tmp_path / "1.env"), str(tmp_path / "2.env"))
    assert env_of(RunOptions("i", env_files=files))["X"] == "2"
    assert env_of(RunOptions("i", env=("Y=1", "Y=2")))["Y"] == "2"


def test_env_values_keep_equals_signs_and_may_be_empty() -> None:
    env = env_of(RunOptions("i", env=("Q=a=b=c", "EMPTY=")))
    assert (env["Q"], env["EMPTY"]) == ("a=b=c", "")


def test_env_name_alone_copies_the_host_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUTCH_TEST_COPIED", "host value")
    monkeypatch.delenv("HUTCH_TEST_ABSENT", raising=False)
    env = env_of(
        RunOptions("i", env=("HUTCH_TEST_COPIED", "HUTCH_TEST_ABSENT")),
        image(env=("HUTCH_TEST_ABSENT=image",)),
    )
    assert env["HUTCH_TEST_COPIED"] == "host value"
    # A name the host does not have leaves the container's value alone (Docker).
    assert env["HUTCH_TEST_ABSENT"] == "image"


def test_env_file_name_alone_copies_the_host_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUTCH_TEST_FROM_HOST", "yes")
    (tmp_path / "e").write_text("HUTCH_TEST_FROM_HOST\n")
    assert (
        env_of(RunOptions("i", env_files=(str(tmp_path / "e"),)))["HUTCH_TEST_FROM_HOST"] == "yes"
    )


def test_env_file_comments_and_blank_lines(tmp_path: Path) -> None:
    (tmp_path / "e").write_text("# a comment\n\n   \n  # indented comment\nA=1\n  B=2  \nC=x#y\n")
    env = env_of(RunOptions("i", env_files=(str(tmp_path / "e"),)))
    # podman trims a line's front only: B keeps its trailing blanks
    assert (env["A"], env["B"], env["C"]) == ("1", "2  ", "x#y")
    assert not any(k.startswith("#") for k in env)


def test_missing_env_file_is_an_invalid_argument(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match=r"parsing env file .*nope"):
        env_of(RunOptions("i", env_files=(str(tmp_path / "nope"),)))


def test_empty_env_name_is_refused() -> None:
    with pytest.raises(InvalidArgument, match='invalid environment variable: "=value"'):
        env_of(RunOptions("i", env=("=value",)))


def test_term_xterm_with_a_tty_or_not_as_podman() -> None:
    """podman's containers.conf default env has TERM=xterm: every container gets it."""
    assert env_of(RunOptions("i"))["TERM"] == "xterm"
    assert env_of(RunOptions("i", tty=True))["TERM"] == "xterm"
    assert "TERM" not in env_of(RunOptions("i", unsetenv=("TERM",)))
    assert "TERM" not in env_of(RunOptions("i", unsetenv_all=True))
    # a containers.conf env replaces the built-in list (TERM only with a terminal then)
    assert "TERM" not in env_of(RunOptions("i", env_defaults=("A=1",)))
    assert env_of(RunOptions("i", tty=True, env_defaults=("A=1",)))["TERM"] == "xterm"
    # The image's TERM and then -e TERM win over the default.
    assert env_of(RunOptions("i", tty=True), image(env=("TERM=vt100",)))["TERM"] == "vt100"
    assert env_of(RunOptions("i", tty=True, env=("TERM=dumb",)))["TERM"] == "dumb"


def test_hostname_in_env_can_be_overridden_by_flag() -> None:
    assert env_of(RunOptions("i", env=("HOSTNAME=mine",)))["HOSTNAME"] == "mine"


def test_the_runtimes_hostname_is_the_own_processs_only_unless_configured(
    tmp_path: Path,
) -> None:
    # podman 4.3.1: exec has HOSTNAME only where --hostname, -e, an env file, the image
    # or containers.conf set it; the container's own process always has it
    assert "HOSTNAME" not in dict(
        item.split("=", 1) for item in specbuild.environment(RunOptions("i"), image(), None)
    )
    assert specbuild.own_env(RunOptions("i"), image(), False) == ("HOSTNAME",)
    assert specbuild.own_env(RunOptions("i", hostname="hh"), image(), True) == ()
    assert specbuild.own_env(RunOptions("i", env=("HOSTNAME=x",)), image(), False) == ()
    assert specbuild.own_env(RunOptions("i"), image(env=("HOSTNAME=img",)), False) == ()
    assert specbuild.own_env(RunOptions("i", env_defaults=("HOSTNAME=c",)), image(), False) == ()
    env_file = tmp_path / "env"
    env_file.write_text("HOSTNAME=file\n")
    assert specbuild.own_env(RunOptions("i", env_files=(str(env_file),)), image(), False) == ()
    process = Process(args=("sh",), env=("A=1", "HOSTNAME=abc", "B=2"), own_env=("HOSTNAME",))
    assert process.exec_env == ("A=1", "B=2")
    assert replace(process, own_env=()).exec_env == process.env


# --- network and spec -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["none", "host", "slirp4netns", "pasta"])
def test_valid_networks(mode: str) -> None:
    specbuild.validate_network(mode)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("bridge", "invalid --network"),
        ("", "invalid --network"),
        ("a b", "invalid --network"),
        ("x,x", "invalid --network"),
        # podman's words for a join with nothing to join
        ("container:", "^invalid config provided: namespace mode container requires a value$"),
        ("ns:", "^invalid config provided: namespace mode path requires a value$"),
    ],
)
def test_invalid_networks(mode: str, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        specbuild.validate_network(mode)


def test_a_named_helper_is_the_private_network_through_it() -> None:
    assert netconfig.kind("slirp4netns") == netconfig.kind("pasta") == "private"
    assert netconfig.helper_of("pasta") == "pasta" and netconfig.helper_of("private") == ""
    assert netconfig.user_networks("slirp4netns") == []
    netconfig.check_mode("pasta:-T,8080")
    with pytest.raises(InvalidArgument, match="unknown port_handler for slirp4netns"):
        netconfig.check_mode("slirp4netns:port_handler=x")


@pytest.mark.parametrize("helper", ["slirp4netns", "pasta"])
def test_a_named_helper_is_the_backend_whatever_the_setting(
    helper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.config.settings import Settings
    from hutch.net import backend

    # both helpers "installed", the tun device usable: the choice is the logic under test
    monkeypatch.setattr(backend, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backend, "tun_problem", lambda: "")
    other = "pasta" if helper == "slirp4netns" else "slirp4netns"
    spec = netconfig.network_spec(
        RunOptions("i", network=helper), image(cmd=("sh",)), Settings(network_backend=other)
    )
    assert (spec.mode, spec.backend) == ("private", helper)


def build(tmp_path: Path, options: RunOptions, img: ImageConfig | None = None) -> Spec:
    return specbuild.build_spec(
        container_id=CID,
        name="web",
        options=options,
        image=img or image(cmd=("sh",)),
        rootfs=Rootfs(kind="bind", target=str(tmp_path / "merged")),
        dirs=ContainerDirs(tmp_path / "c"),
    )


def test_spec_defaults(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("i"))
    assert spec.id == CID
    assert spec.hostname == CID[:12]
    assert spec.process.args == ("sh",)
    assert spec.process.cwd == "/"
    assert spec.process.user.spec == ""
    assert spec.namespaces == NAMESPACES
    assert "net" in spec.namespaces
    assert spec.masked_paths and spec.readonly_paths


def test_spec_takes_options_over_image(tmp_path: Path) -> None:
    img = image(cmd=("sh",), workdir="/img", user="daemon")
    spec = build(tmp_path, RunOptions("i", workdir="/opt", user="0:0", hostname="h", tty=True), img)
    assert (spec.process.cwd, spec.process.user.spec, spec.hostname) == ("/opt", "0:0", "h")
    assert spec.process.terminal
    spec = build(tmp_path, RunOptions("i"), img)
    assert (spec.process.cwd, spec.process.user.spec) == ("/img", "daemon")


def test_empty_user_flag_overrides_the_image_user(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("i", user=""), image(cmd=("sh",), user="daemon"))
    assert spec.process.user.spec == ""


def test_host_network_keeps_the_host_net_namespace(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("i", network="host"))
    assert "net" not in spec.namespaces
    assert set(spec.namespaces) == set(NAMESPACES) - {"net"}


@pytest.mark.parametrize("workdir", ["relative", "./x", "~/x"])
def test_relative_workdir_is_refused(tmp_path: Path, workdir: str) -> None:
    with pytest.raises(InvalidArgument, match="must be an absolute path"):
        build(tmp_path, RunOptions("i", workdir=workdir))


def test_relative_image_workdir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="absolute"):
        build(tmp_path, RunOptions("i"), image(cmd=("sh",), workdir="app"))


def test_no_command_at_all_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="no command or entrypoint provided"):
        build(tmp_path, RunOptions("i"), image())


def test_bad_network_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        build(tmp_path, RunOptions("i", network="bridge"))
    assert not (tmp_path / "c").exists()


# --- /etc files -----------------------------------------------------------------


def _etc_files(
    dirs: ContainerDirs, mode: str, no_hosts: bool = False, conf: HostsConf | None = None
) -> tuple[tuple[str, str], ...]:
    options = RunOptions("i", network=mode, net=NetworkOptions(no_hosts=no_hosts))
    return netconfig.write_etc_files(
        dirs.userdata, options, NetworkSpec(mode=mode), "box", "web", conf
    )


def test_etc_files_no_network(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    # no base file, no host.containers.internal: podman's lines for --network none
    files = _etc_files(dirs, "none", conf=HostsConf("none", "none"))
    assert files == tuple(
        (f"/etc/{n}", str(dirs.userdata / n)) for n in ("hostname", "hosts", "resolv.conf")
    )
    assert (dirs.userdata / "hostname").read_text() == "box\n"
    hosts = (dirs.userdata / "hosts").read_text()
    assert hosts == "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\tbox web\n"


def test_etc_files_resolv_conf_is_the_hosts(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    _etc_files(dirs, "none")
    try:
        expected = Path("/etc/resolv.conf").read_text()
    except OSError:
        expected = ""
    assert (dirs.userdata / "resolv.conf").read_text() == expected


def test_etc_files_host_network_uses_the_host_names(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    _etc_files(dirs, "host")
    hosts = (dirs.userdata / "hosts").read_text()
    # the host's own file first (the default base), its names kept; podman adds no
    # line for the container's names on the host's network
    base = hostsfile.compose(hostsfile.parse(host_file("/etc/hosts")), [])
    assert hosts.startswith(base)
    assert "box web" not in hosts


def test_etc_files_no_hosts_keeps_the_images(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    files = _etc_files(dirs, "none", no_hosts=True)
    assert [dest for dest, _ in files] == ["/etc/hostname", "/etc/resolv.conf"]
    assert not (dirs.userdata / "hosts").exists()


def test_spec_etc_files_are_written(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("i", hostname="h1"))
    assert [dest for dest, _ in spec.etc_files] == [
        "/etc/hostname",
        "/etc/hosts",
        "/etc/resolv.conf",
    ]
    assert Path(spec.etc_files[0][1]).read_text() == "h1\n"


def test_sdnotify_healthy_needs_a_health_check(tmp_path: Path) -> None:
    from hutch.api.container_config import HealthOptions, LifecycleOptions

    with pytest.raises(InvalidArgument, match="--sdnotify=healthy needs a health check"):
        build(tmp_path, RunOptions("i", sdnotify="healthy"))
    checked = LifecycleOptions(health=HealthOptions(cmd="true"))
    spec = build(tmp_path, RunOptions("i", sdnotify="healthy", lifecycle=checked))
    assert spec.lifecycle.health is not None


def test_health_on_failure_reaches_the_check_and_needs_one() -> None:
    from hutch.api.container_config import HealthOptions, LifecycleOptions
    from hutch.engine.specbuild_lifecycle import lifecycle_spec

    flags = LifecycleOptions(health=HealthOptions(cmd="true", on_failure="restart"))
    spec = lifecycle_spec(flags, None, stop_signal=2, stop_timeout=3.0)
    assert spec.health is not None and spec.health.on_failure == "restart"
    assert (spec.stop_signal, spec.stop_timeout) == (2, 3.0)
    with pytest.raises(InvalidArgument, match="cannot set on-failure action to kill without"):
        lifecycle_spec(LifecycleOptions(health=HealthOptions(on_failure="kill")), None)
    disabled = HealthOptions(cmd="true", disabled=True, on_failure="stop")
    with pytest.raises(InvalidArgument, match="to stop without a health check"):
        lifecycle_spec(LifecycleOptions(health=disabled), None)
    assert lifecycle_spec(LifecycleOptions(), None).health is None  # none needs nothing
    with pytest.raises(InvalidArgument, match="supported actions are none,kill,restart,stop"):
        lifecycle_spec(LifecycleOptions(health=HealthOptions(on_failure="x")), None)


def test_startup_check_flags_need_a_regular_check() -> None:
    from hutch.api.container_config import HealthOptions
    from hutch.engine.specbuild_lifecycle import health_check

    flags = HealthOptions(cmd="true", startup_cmd="test -e /ready", startup_interval="2s",
                          startup_retries=3, startup_success=2)  # fmt: skip
    check = health_check(flags, None)
    assert check is not None and check.startup is not None
    startup = check.startup
    assert startup.command == ("/bin/sh", "-c", "test -e /ready")
    assert (startup.interval, startup.timeout, startup.retries, startup.success) == (
        2.0, 30.0, 3, 2
    )  # fmt: skip
    with pytest.raises(InvalidArgument, match="a startup healthcheck needs a regular"):
        health_check(HealthOptions(startup_cmd="true"), None)
    # podman words the startup flags' errors as the regular check's
    with pytest.raises(InvalidArgument, match=r"^invalid healthcheck-timeout: time: invalid dur"):
        health_check(HealthOptions(cmd="true", startup_timeout="soon"), None)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (HealthOptions(cmd="true", interval="bogus"),
         'invalid healthcheck-interval: time: invalid duration "bogus"'),
        (HealthOptions(cmd="true", interval="1"),
         'invalid healthcheck-interval: time: missing unit in duration "1"'),
        (HealthOptions(cmd="true", timeout="3x"),
         'invalid healthcheck-timeout: time: unknown unit "x" in duration "3x"'),
        (HealthOptions(cmd="true", timeout="0s"), "healthcheck-timeout must be at least 1 second"),
        (HealthOptions(cmd="true", start_period="-1s"),
         "healthcheck-start-period must be 0 seconds or greater"),
        (HealthOptions(cmd="true", retries=0), "healthcheck-retries must be greater than 0"),
        (HealthOptions(cmd="true", startup_cmd="true", startup_interval="."),
         'invalid healthcheck-interval: time: invalid duration "."'),
    ],
)  # fmt: skip
def test_health_flags_are_refused_in_podmans_words(flags: HealthOptions, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        health_check(flags, None)
    assert str(caught.value) == message


def test_health_durations_read_as_go_reads_them() -> None:
    flags = HealthOptions(cmd="true", interval="1m.5s", timeout="+2s", start_period="0")
    check = health_check(flags, None)
    assert check is not None
    assert (check.interval, check.timeout, check.start_period) == (60.5, 2.0, 0.0)
    # "disable": no timer, the default interval (podman reads it as 0)
    check = health_check(HealthOptions(cmd="true", interval="disable"), None)
    assert check is not None and check.interval == 30.0
