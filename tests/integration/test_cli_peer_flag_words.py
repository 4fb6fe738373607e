"""Differential: podman's words and exit codes for bad values of run's and create's flags
(health check, log, security, publish, network, device, mount, namespace flags), the
lines podman users grep for; through hutch and Debian's podman 4.3.1 on the same
rootfs, compared by exit code, stdout and stderr (issue 15).

Cases where podman 4.3.1 on this host says nothing (a cgroup v1 host drops the resource
limits before checking them) or fails only in the runtime are left to the unit tests."""

from __future__ import annotations

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

_PORT_RANGE = "port numbers must be between 1 and 65535 (inclusive), got 99999"
_BPS = (
    "The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. "
    "Unit is optional and can be kb, mb, or gb"
)
_IOPS = "The correct format is <device-path>:<number>. Number must be a positive integer"
_MOUNT_FORMAT = (
    "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
    "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]"
)

CASES = [
    # --health-*: Go's duration words inside podman's
    (
        ("--health-cmd", "true", "--health-interval", "bogus"),
        'invalid healthcheck-interval: time: invalid duration "bogus"',
    ),
    (
        ("--health-cmd", "true", "--health-interval", "1"),
        'invalid healthcheck-interval: time: missing unit in duration "1"',
    ),
    (
        ("--health-cmd", "true", "--health-timeout", "0s"),
        "healthcheck-timeout must be at least 1 second",
    ),
    (
        ("--health-cmd", "true", "--health-start-period", "-1s"),
        "healthcheck-start-period must be 0 seconds or greater",
    ),
    (
        ("--health-cmd", "true", "--health-retries", "0"),
        "healthcheck-retries must be greater than 0",
    ),
    (
        ("--health-cmd", "true", "--health-on-failure", "bogus"),
        'invalid on-failure action "bogus" for health check: supported actions are '
        "none,kill,restart,stop",
    ),
    # --log-driver, --log-opt
    (
        ("--log-driver", "bogus"),
        "running container create option: invalid log driver: invalid argument",
    ),
    (("--log-opt", "max-size=bogus"), "invalid size: 'bogus'"),
    (("--log-opt", "bogus"), 'invalid log option "bogus"'),
    # --security-opt
    (("--security-opt", "bogus"), 'invalid --security-opt 1: "bogus"'),
    (("--security-opt", "bogus=1"), 'invalid --security-opt 2: "bogus=1"'),
    (("--security-opt", "mask"), 'invalid --security-opt 1: "mask"'),
    (
        ("--security-opt", "no-new-privileges:bad"),
        'invalid --security-opt 2: "no-new-privileges:bad"',
    ),
    (
        ("--security-opt", "seccomp=/nonexistent"),
        "opening seccomp profile failed: open /nonexistent: no such file or directory",
    ),
    # -p
    (("-p", "80-81:90"), "host and container port ranges have different lengths: 2 vs 1"),
    (("-p", "99999:80"), f"parsing host port: {_PORT_RANGE}"),
    (("-p", "80:99999"), f"parsing container port: {_PORT_RANGE}"),
    (
        ("-p", "a:80"),
        'parsing host port: invalid port number: strconv.Atoi: parsing "a": invalid syntax',
    ),
    (("-p", "1.2.3.4:80:80/xyz"), 'unrecognized protocol "xyz" in port mapping'),
    (("-p", "1.2.3.4.5:80:80"), 'cannot parse "1.2.3.4.5" as an IP address'),
    (
        ("-p", "80-79:80-79"),
        "parsing container port: the end port of a range must be higher than the start port "
        "- 79 is not higher than 80",
    ),
    (("-p", ":::80"), "invalid port format - format is [[hostIP:]hostPort:]containerPort"),
    # --ip, --ip6, --mac-address, --dns, --add-host, --network
    (("--ip", "bogus"), '"bogus" is not an ip address'),
    (("--ip6", "bogus"), '"bogus" is not an ip address'),
    (
        ("--ip", "10.0.0.1"),
        "invalid config provided: networks and static ip/mac address can only be used with "
        "Bridge mode networking",
    ),
    (("--mac-address", "bogus"), "address bogus: invalid MAC address"),
    (("--dns", "bogus"), "bogus is not an ip address"),
    (("--add-host", "bogus"), 'bad format for add-host: "bogus"'),
    (("--add-host", "x:bogus"), 'invalid IP address in add-host: "bogus"'),
    (
        ("--network", "bogus:x"),
        "invalid option for network bogus: unknown bridge network option: x",
    ),
    (
        ("--network", "container:"),
        "invalid config provided: namespace mode container requires a value",
    ),
    # --stop-signal, --device, --tmpfs, -v
    (("--stop-signal", "99"), "valid signals are 1 through 64"),
    (("--device", "/nonexistent"), "stat /nonexistent: no such file or directory"),
    (("--device", "relative"), "stat relative: no such file or directory"),
    (("--device", "/dev/null:rel"), "invalid device mode: rel"),
    (("--device", "/dev/null:/dev/n:xyz"), "invalid device mode: xyz"),
    (("--tmpfs", "/t:bogus"), 'unknown mount option "bogus": invalid mount option'),
    (("--tmpfs", "rel"), 'invalid container path "rel", must be an absolute path'),
    (("-v", "/tmp:rel"), 'invalid container path "rel", must be an absolute path'),
    # --sysctl, --ulimit, --mount, -v, --cgroups, --init-path
    (("--sysctl", "bogus"), "bogus is invalid, sysctl values must be in the form of KEY=VALUE"),
    (("--sysctl", "kernel.bogus=1"), "sysctl 'kernel.bogus' is not allowed"),
    (
        ("--ulimit", "nofile=x"),
        'ulimit option "nofile=x" requires name=SOFT:HARD, failed to be parsed: '
        'strconv.ParseInt: parsing "x": invalid syntax',
    ),
    (("--mount", "type=bogus"), 'invalid filesystem type "bogus"'),
    (("-v", ":/x"), "host directory cannot be empty"),
    (("-v", "/nonexistent:/x"), "statfs /nonexistent: no such file or directory"),
    (
        ("--cgroups", "bogus"),
        'running container create option: invalid cgroup mode "bogus": invalid argument',
    ),
    (
        ("--init", "--init-path", "/nonexistent"),
        "container-init binary not found on the host: stat /nonexistent: no such file or directory",
    ),
    # --device-read-bps and its kin, --blkio-weight-device (the form only: podman 4.3.1
    # warns about cgroup v1 here before it looks at the device node)
    (("--device-read-bps", "bogus"), "bad format: bogus"),
    (
        ("--device-write-bps", "/dev/null:bogus"),
        f"invalid rate for device: /dev/null:bogus. {_BPS}",
    ),
    (("--device-read-bps", "/dev/null:-1"), f"invalid rate for device: /dev/null:-1. {_BPS}"),
    (("--device-read-iops", "/dev/null:1.5"), f"invalid rate for device: /dev/null:1.5. {_IOPS}"),
    (("--device-write-iops", ":10"), "bad format for device path: :10"),
    (("--device-write-iops", "/nonexistent:10"), "bad format for device path: /nonexistent:10"),
    (("--blkio-weight-device", "/dev/null:bogus"), "invalid weight for device: /dev/null:bogus"),
    (("--blkio-weight-device", "/tmp:500"), "bad format for device path: /tmp:500"),
    # --mount: no type, no destination, an unknown key, a key without its value
    (("--mount", "bogus"), _MOUNT_FORMAT),
    (("--mount", "src=/tmp,dst=/x"), _MOUNT_FORMAT),
    (("--mount", "type=bind"), "must set volume destination"),
    (("--mount", "type=tmpfs"), "must set volume destination"),
    (("--mount", "type=bind,src=/tmp,dst=/x,bogus=1"), "bogus: invalid mount option"),
    (("--mount", "type=volume,bogus,dst=/x"), "bogus: invalid mount option"),
    (("--mount", "type=devpts,dst=/x,bogus"), "bogus: invalid mount option"),
    (("--mount", "type=bind,type=volume,src=/tmp,dst=/x"), "type: invalid mount option"),
    (("--mount", "type=bind,src=/tmp,dst"), "dst: must provide an argument for option"),
    (
        ("--mount", "type=bind,src=,dst=/x"),
        "host directory cannot be empty: must provide an argument for option",
    ),
    (("--mount", "type=tmpfs,src=x,dst=/x"), "source is not supported with tmpfs mounts"),
    # container:NAME of no container, container: and ns: without a value
    *(
        (
            (f"--{flag}", "container:nosuch"),
            f"looking up container to share {name} namespace with: no container with name or "
            'ID "nosuch" found: no such container',
        )
        for flag, name in (
            ("pid", "pid"),
            ("ipc", "ipc"),
            ("uts", "uts"),
            ("cgroupns", "cgroup"),
            ("network", "net"),
        )
    ),
    (("--pid", "container:"), "invalid config provided: namespace mode container requires a value"),
    (("--ipc", "ns:"), "invalid config provided: namespace mode path requires a value"),
    # --userns, --cidfile
    (("--userns", "bogus"), "unrecognized namespace mode bogus passed"),
    (("--userns", "keep-id:bogus=1"), 'unknown option specified: "bogus"'),
    (
        ("--cidfile", "/etc/passwd"),
        "container id file exists. Ensure another container is not using it or delete /etc/passwd",
    ),
]


@pytest.mark.parametrize(("flags", "message"), CASES, ids=[" ".join(flags) for flags, _ in CASES])
def test_a_bad_flag_value(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...], message: str
) -> None:
    argv = ("run", "--rm", *flags, base_image, "true")
    assert both(hutch, podman, *argv) == (125, "", f"Error: {message}\n")


# pflag's refusal of a sign on an unsigned flag; cobra adds a "See 'podman run --help'"
# line that hutch leaves out (cli/usage.py): the first line is compared
@pytest.mark.parametrize(
    ("flag", "label"),
    [("--health-retries", "--health-retries"), ("--cpu-shares", "-c, --cpu-shares")],
)
def test_a_sign_on_an_unsigned_flag(
    hutch: Hutch, base_image: str, podman: Run, flag: str, label: str
) -> None:
    argv = ("run", "--rm", "--health-cmd", "true", flag, "-1", base_image, "true")
    ours, theirs = hutch(*argv, check=False), podman(*argv)
    want = (
        f'Error: invalid argument "-1" for "{label}" flag: strconv.ParseUint: parsing "-1": '
        "invalid syntax"
    )
    assert (ours.returncode, ours.stderr.splitlines()) == (125, [want])
    assert (theirs.returncode, theirs.stderr.splitlines()[0]) == (125, want)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-p", "99999:80"), f"parsing host port: {_PORT_RANGE}"),
        (("--ip", "bogus"), '"bogus" is not an ip address'),
        (("--dns", "bogus"), "bogus is not an ip address"),
        (("--userns", "bogus"), "unrecognized namespace mode bogus passed"),
        (("--security-opt", "bogus"), 'invalid --security-opt 1: "bogus"'),
        (
            ("--share", "bogus"),
            "invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts "
            "or none",
        ),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else "",
)
def test_pod_create_shares_the_words(
    hutch: Hutch, podman: Run, args: tuple[str, ...], message: str
) -> None:
    assert both(hutch, podman, "pod", "create", *args) == (125, "", f"Error: {message}\n")


def test_an_entrypoint_that_is_no_json_array_is_one_program(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    # podman runs "[" (busybox's test, which wants its "]"), it does not refuse the flag
    argv = ("run", "--rm", "--entrypoint", "[", base_image, "true")
    assert both(hutch, podman, *argv) == (2, "", "[: missing ]\n")


def test_noheading_with_a_table_format(hutch: Hutch, podman: Run) -> None:
    # the header row is left out before the columns are aligned: as wide as the data
    hutch("secret", "create", "s1", "/etc/hostname")
    podman("secret", "create", "s1", "/etc/hostname")
    hutch("pod", "create", "--infra=false", "--name", "p1")
    podman("pod", "create", "--infra=false", "--name", "p1")
    try:
        fmt = "table {{.Name}}{{.Driver}}{{.Name}} {{.Driver}}"
        assert both(hutch, podman, "secret", "ls", "--noheading", "--format", fmt) == (
            0,
            "s1files1    file\n",
            "",
        )
        fmt = "table {{.NumberOfContainers}} {{.Name}}"
        argv = ("pod", "ps", "--filter", "name=p1", "--noheading", "--format", fmt)
        assert both(hutch, podman, *argv) == (0, "0           p1\n", "")
    finally:
        hutch("secret", "rm", "s1", check=False)
        hutch("pod", "rm", "-f", "p1", check=False)
        podman("secret", "rm", "s1")
        podman("pod", "rm", "-f", "p1")
