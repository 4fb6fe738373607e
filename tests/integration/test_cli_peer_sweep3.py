"""Differential sweep 3 (issue 15): the words and order of refusals of network and
volume create, their filters, labels without a key, tag and commit names, exec's
environment, cp's missing source, create without a command; commit's exposed ports,
top's security descriptors and secret events, through hutch
and Debian's podman 4.3.1 on the same rootfs, by exit code, stdout and stderr."""

from __future__ import annotations

import time
from pathlib import Path

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


def test_refusals_in_podmans_words(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    refused = {
        # network create: gateways and ranges against their subnets, options
        ("network", "create", "--gateway", "10.1.2.3", "n"): (
            "cannot set gateway or range without subnet"
        ),
        ("network", "create", "--subnet", "10.89.61.0/24", "--gateway", "10.89.62.1", "n"): (
            "gateway 10.89.62.1 not in subnet 10.89.61.0/24"
        ),
        ("network", "create", "--subnet", "10.89.63.0/24", "--ip-range", "10.89.64.0/25",
         "n"): "lease range start ip 10.89.64.1 not in subnet 10.89.63.0/24",
        ("network", "create", "-o", "bogus=1", "n"): "unsupported bridge network option bogus",
        ("network", "create", "-o", "mtu=abc", "n"): 'strconv.Atoi: parsing "abc": invalid syntax',
        ("network", "create", "--label", "=x", "n"): (
            'failed to parse labels: invalid label format: "=x"'
        ),
        # a label without a key, the same words elsewhere
        ("volume", "create", "--label", "=x", "v"): (
            'unable to process labels: invalid label format: "=x"'
        ),
        ("pod", "create", "--label", "=x"): 'unable to process labels: invalid label format: "=x"',
        # filters
        ("volume", "ls", "--filter", "label"): (
            "filter input must be in the form of filter=value: label is invalid"
        ),
        ("volume", "prune", "-f", "--filter", "until=bogus"): (
            'failed to parse value as time or duration: "bogus"'
        ),
        ("network", "prune", "-f", "--filter", "bogus=1"): 'invalid filter "bogus"',
        # tag: libimage names the name twice
        ("tag", base_image, "Bad"): (
            'normalizing name "Bad": normalizing name "Bad": repository name must be lowercase'
        ),
        ("tag", base_image, "x@sha256:abc"): (
            'normalizing name "x@sha256:abc": normalizing name "x@sha256:abc": '
            "invalid reference format"
        ),
    }  # fmt: skip
    for args, words in refused.items():
        assert both(hutch, podman, *args) == (125, "", f"Error: {words}\n"), args


def test_commit_and_copy_of_a_created_container(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    for tool in (hutch, podman):
        made = tool(
            "create", "--name", "c3", "-p", "127.0.0.1::80", "-p", "127.0.0.1::53/udp",
            "--expose", "7000", base_image, "true",
        )  # fmt: skip
        assert made.returncode == 0, made
    try:
        # commit: the container's published and exposed ports are the image's; a bad name
        # is the parser's reason alone. (podman 4.3.1 agrees where its commit runs, but
        # it needs a storage.conf, not --root/--runroot: "runroot must be set", see
        # test_cli_peer_image_transfer.py; these are its words from the sweep.)
        hutch("commit", "-q", "c3", "c3img")
        exposed = hutch("image", "inspect", "--format", "{{.Config.ExposedPorts}}", "c3img")
        assert exposed.stdout == "map[53/udp:{} 7000/tcp:{} 80/tcp:{}]\n"
        bad = hutch("commit", "-q", "c3", "Bad:Name", check=False)
        assert (bad.returncode, bad.stderr) == (125, "Error: repository name must be lowercase\n")
        # cp names a missing source as typed
        assert both(hutch, podman, "cp", "c3:relative", str(tmp_path)) == (
            125,
            "",
            'Error: "relative" could not be found on container c3: no such file or directory\n',
        )
        # logs --details: Docker's flag, taken and ignored (podman hides it)
        assert both(hutch, podman, "logs", "--details", "c3") == (0, "", "")
        # rename: the container is looked up before the new name is checked; renaming to
        # its own name changes nothing, but is recorded
        assert both(hutch, podman, "rename", "nosuch", "bad name") == (
            125,
            "",
            'Error: no container with name or ID "nosuch" found: no such container\n',
        )
        # (podman's event log is the user's, shared with other runs: from now on only)
        since = str(int(time.time()) - 1)
        assert both(hutch, podman, "rename", "c3", "c3") == (0, "", "")
        assert both(
            hutch, podman, "events", "--stream=false", "--since", since, "--filter",
            "event=rename", "--filter", "container=c3", "--format", "{{.Status}} {{.Name}}",
        ) == (0, "rename c3\n", "")  # fmt: skip
        # no command is found wrong before the name (which c3 has)
        assert both(hutch, podman, "create", "--name", "c3", base_image) == (
            125,
            "",
            "Error: no command or entrypoint provided, and no CMD or ENTRYPOINT from image\n",
        )
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "c3")
        hutch("rmi", "c3img", check=False)


def test_top_security_descriptors_and_exec_environment(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    for tool in (hutch, podman):
        ran = tool("run", "-d", "--name", "t3", base_image, "sleep", "1000")
        assert ran.returncode == 0, ran
    try:
        caps = (
            "CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,"
            "SETUID,SYS_CHROOT"
        )
        for descriptor, value in (
            ("capeff", caps),
            ("capprm", caps),
            ("capbnd", caps),
            ("capinh", "none"),
            ("capamb", "none"),
            ("seccomp", "filter"),
        ):
            code, out, _ = both(hutch, podman, "top", "t3", descriptor)
            assert (code, out.splitlines()[1]) == (0, value), descriptor
        both(hutch, podman, "top", "t3", "label")  # "?" where no LSM labels it
        # exec: a bad -e and a bad env file line, in podman's words
        assert both(hutch, podman, "exec", "-e", "=x", "t3", "true") == (
            125,
            "",
            'Error: parsing environment variables: invalid environment variable: "=x"\n',
        )
        env_file = tmp_path / "bad.env"
        env_file.write_text("=y\n")
        env_file.chmod(0o644)
        assert both(hutch, podman, "exec", "--env-file", str(env_file), "t3", "true") == (
            125,
            "",
            f'Error: parsing env file "{env_file}": invalid environment variable: "=y"\n',
        )
        # connect: an address that does not parse is refused before anything else
        ours = hutch("network", "connect", "--ip", "bogus", "podman", "t3", check=False)
        theirs = podman("network", "connect", "--ip", "bogus", "podman", "t3")
        assert ours.returncode == theirs.returncode == 125
        assert (
            ours.stderr
            == theirs.stderr.splitlines(True)[0]
            == ('Error: invalid argument "bogus" for "--ip" flag: failed to parse IP: "bogus"\n')
        )
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "-t", "0", "t3")


def test_secret_inspect_and_events(hutch: Hutch, podman: Run, tmp_path: Path) -> None:
    """A template's field error names podman's Go type; type=secret is current podman's
    event type (4.3.1 takes the filter, but records no secret events)."""
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    for tool in (hutch, podman):
        assert tool("secret", "create", "s3", str(secret)).returncode == 0
    assert both(hutch, podman, "secret", "inspect", "--format", "{{.Nope}}", "s3") == (
        125,
        "",
        'Error: template: inspect:1:13: executing "inspect" at <.Nope>: can\'t evaluate '
        "field Nope in type *entities.SecretInfoReport\n",
    )
    for tool in (hutch, podman):
        tool("secret", "rm", "s3")
    args = (
        "events",
        "--stream=false",
        "--filter",
        "type=secret",
        "--format",
        "{{.Type}} {{.Status}}",
    )
    assert hutch(*args).stdout == "secret create\nsecret remove\n"
    assert podman(*args).returncode == 0
