"""sysctl classification, ulimit and device parsing, security-opt parsing."""

from __future__ import annotations

import os
import resource

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine import security
from hutch.runtime import sysctls, ulimits
from hutch.runtime.spec import DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, NAMESPACES


@pytest.mark.parametrize(
    ("name", "ns"),
    [
        ("kernel.msgmax", "ipc"),
        ("kernel.sem", "ipc"),
        ("kernel.shmall", "ipc"),
        ("fs.mqueue.msg_max", "ipc"),
        ("net.ipv4.ip_forward", "net"),
        ("kernel.domainname", "uts"),
        ("kernel.panic", None),
        ("vm.swappiness", None),
        ("fs.file-max", None),
        ("kernel.msg", None),
    ],
)
def test_sysctl_namespaces(name: str, ns: str | None) -> None:
    assert sysctls.namespace_of(name) == ns


def test_sysctl_parse_accepts_slashes_and_refuses_host_ones() -> None:
    assert sysctls.parse(("net/ipv4/ip_forward=1",), NAMESPACES) == (("net.ipv4.ip_forward", "1"),)
    with pytest.raises(InvalidArgument, match="is not allowed"):
        sysctls.parse(("kernel.panic=1",), NAMESPACES)
    with pytest.raises(InvalidArgument, match="shares the host's net namespace"):
        sysctls.parse(("net.ipv4.ip_forward=1",), ("mount", "ipc"))
    with pytest.raises(
        InvalidArgument,
        match=r"^kernel.sem is invalid, sysctl values must be in the form of KEY=VALUE$",
    ):
        sysctls.parse(("kernel.sem",), NAMESPACES)
    assert sysctls.proc_path("net.ipv4.ip_forward") == "/proc/sys/net/ipv4/ip_forward"


def test_ulimit_parse() -> None:
    assert ulimits.parse(("nofile=1024:2048", "core=-1", "RLIMIT_NPROC=10")) == (
        ("nofile", 1024, 2048),
        ("core", -1, -1),
        ("nproc", 10, 10),
    )
    for bad in ("nofile", "bogus=1", "nofile=a:b", "nofile=10:5", "nofile=unlimited:5"):
        with pytest.raises(InvalidArgument):
            ulimits.parse((bad,))


def test_ulimit_bad_type_in_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as raised:
        ulimits.parse(("bogus=1",))
    assert str(raised.value) == (
        'ulimit option "bogus=1" requires name=SOFT:HARD, failed to be parsed: '
        "invalid ulimit type: bogus"
    )


def test_ulimit_host_copies_this_processs_limits_and_later_items_win() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    parsed = {name: (s, h) for name, s, h in ulimits.parse(("host", "core=0"))}
    assert set(parsed) == set(ulimits.RESOURCES)
    assert parsed["nofile"] == (soft, hard)
    assert parsed["core"] == (0, 0)
    # the limits it copies are the user's own: never above them
    assert len(security.parse_ulimits(("host",))) == len(ulimits.RESOURCES)


def test_ulimit_above_the_users_hard_limit_is_refused() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard != resource.RLIM_INFINITY
    with pytest.raises(InvalidArgument, match="cannot exceed"):
        security.parse_ulimits((f"nofile={hard + 1}",))
    assert security.parse_ulimits((f"nofile={hard}",))[0].hard == hard


def test_security_opts() -> None:
    opts = security.parse_security_opts(
        (
            "seccomp=unconfined",
            "no-new-privileges",
            "mask=/a:/b",
            "unmask=/proc/kcore",
            "label=disable",
        )
    )
    assert opts.seccomp == "unconfined" and opts.no_new_privileges
    masked, readonly = security.masked_and_readonly(opts, privileged=False)
    assert "/a" in masked and "/b" in masked and "/proc/kcore" not in masked
    assert readonly == DEFAULT_READONLY_PATHS
    assert security.masked_and_readonly(opts, privileged=True) == ((), ())
    all_opts = security.parse_security_opts(("unmask=ALL",))
    assert security.masked_and_readonly(all_opts, privileged=False) == ((), ())
    assert security.masked_and_readonly(security.SecurityOpts(), False)[0] == DEFAULT_MASKED_PATHS
    assert not security.parse_security_opts(("no-new-privileges=false",)).no_new_privileges
    for bad in ("apparmor", "seccomp", "mask=relative", "no-new-privileges=maybe", "foo=bar"):
        with pytest.raises(InvalidArgument):
            security.parse_security_opts((bad,))
    # Docker's old "key:value" form, and Go's ParseBool spellings
    assert security.parse_security_opts(("no-new-privileges:TRUE",)).no_new_privileges
    assert not security.parse_security_opts(("no-new-privileges=0",)).no_new_privileges
    assert security.parse_security_opts(("seccomp:/p.json",)).seccomp == "/p.json"


@pytest.mark.parametrize(
    ("item", "words"),
    [
        # podman's: 1 when the option has no value, 2 for a value or key it refuses
        ("bogus", 'invalid --security-opt 1: "bogus"'),
        ("mask", 'invalid --security-opt 1: "mask"'),
        ("bogus=1", 'invalid --security-opt 2: "bogus=1"'),
        ("no-new-privileges:bad", 'invalid --security-opt 2: "no-new-privileges:bad"'),
        ("no-new-privileges=bad", 'invalid --security-opt 2: "no-new-privileges=bad"'),
        # podman's keys hutch has nothing behind: its own words
        ("proc-opts=x", "--security-opt proc-opts is not supported by hutch"),
    ],
)
def test_security_opts_refused_in_podmans_words(item: str, words: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        security.parse_security_opts((item,))
    assert str(caught.value) == words


def test_devices(tmp_path: object) -> None:
    dev = security.parse_device("/dev/null:/dev/mynull:r")
    assert (dev.source, dev.destination, dev.permissions) == ("/dev/null", "/dev/mynull", "r")
    assert security.parse_device("/dev/zero:rw").destination == "/dev/zero"
    with pytest.raises(InvalidArgument, match="not a device node"):
        security.parse_device("/etc/hostname")
    # podman's words: its ParseDevice, then Go's error of its stat
    for item, words in (
        ("/dev/does-not-exist", "stat /dev/does-not-exist: no such file or directory"),
        ("relative", "stat relative: no such file or directory"),
        ("/dev/null:/dev/x:rwx", "invalid device mode: rwx"),
        ("/dev/null:rel", "invalid device mode: rel"),
        ("/a:/b:r:w", "invalid device specification: /a:/b:r:w"),
    ):
        with pytest.raises(InvalidArgument) as caught:
            security.parse_device(item)
        assert str(caught.value) == words
    if os.geteuid() != 0:
        with pytest.raises(InvalidArgument, match="permission denied"):
            security.parse_device("/dev/kmsg")


def test_group_add() -> None:
    assert security.parse_group_add(("10,wheel", "20")) == (("10", "wheel", "20"), False)
    assert security.parse_group_add(("keep-groups",)) == ((), True)
    with pytest.raises(InvalidArgument, match="keep-groups"):
        security.parse_group_add(("keep-groups", "10"))
