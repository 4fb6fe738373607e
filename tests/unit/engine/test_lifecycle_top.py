"""top: descriptors, Go durations, terminal names and row formatting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.api.containers import without_ps_options
from hutch.api.errors import UnknownDescriptor
from hutch.engine.top import (
    DEFAULT_DESCRIPTORS,
    FormatContext,
    ProcInfo,
    go_duration,
    parse_descriptors,
    render,
    tty_name,
)


def test_descriptors() -> None:
    assert parse_descriptors([]) == DEFAULT_DESCRIPTORS
    assert parse_descriptors(["pid,comm", "user"]) == ("pid", "comm", "user")
    assert parse_descriptors(["pid,command,%cpu,elapsed"]) == ("pid", "args", "pcpu", "etime")
    with pytest.raises(UnknownDescriptor, match="bogus"):
        parse_descriptors(["pid,bogus"])
    # ps(1)'s options are not descriptors: the CLI then runs ps in the container
    with pytest.raises(UnknownDescriptor, match="-eo"):
        parse_descriptors(["-eo", "pid"])


def test_docker_ps_args_lose_their_options() -> None:
    # the API's ps_args (-ef by default) and pod top take the rest as descriptors
    assert without_ps_options(["-eo", "pid,comm"]) == ("pid,comm",)
    assert without_ps_options(["aux"]) == ()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1.5, "1.5s"),
        (0.25, "250ms"),
        (61, "1m1s"),
        (3723.5, "1h2m3.5s"),
        (11.394797387, "11.394797387s"),
        (0.000002, "2µs"),
    ],
)
def test_go_duration(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text


def test_tty_names() -> None:
    assert tty_name(0) == "?"
    assert tty_name((136 << 8) | 3) == "pts/3"
    assert tty_name((4 << 8) | 1) == "tty1"


def _proc(hpid: int, pid: int, hppid: int, uid: int = 0) -> ProcInfo:
    return ProcInfo(
        hpid=hpid, pid=pid, hppid=hppid, state="S", pgid=hpid, tty_nr=0, utime=50, stime=50,
        nice=0, start_ticks=1000, vsize=8192 * 1024, rss_pages=256, uid=uid, gid=uid,
        comm="sleep", args=("sleep", "300"),
    )  # fmt: skip


def test_render_maps_pids_users_and_times() -> None:
    procs = [_proc(501, 2, 500, uid=1000), _proc(500, 1, 42)]
    ctx = FormatContext(
        now=1000.0 + 20.0,
        boot_time=1000.0 - 10.0,  # started 10 s after boot: 20 s ago... minus 10
        clk_tck=100,
        users={0: "root"},
        pid_of_host={500: 1, 501: 2},
        host_uid=lambda uid: None,
    )
    report = render(
        procs, ("user", "pid", "ppid", "pcpu", "etime", "time", "args", "rss", "vsz"), ctx
    )
    assert report.headers == (
        "USER",
        "PID",
        "PPID",
        "%CPU",
        "ELAPSED",
        "TIME",
        "COMMAND",
        "RSS",
        "VSZ",
    )
    first, second = report.rows
    assert first == ("root", "1", "0", "5.000", "20s", "1s", "sleep 300", "1024", "8192")
    assert second[:3] == ("1000", "2", "1")


def test_security_descriptors_in_podmans_words() -> None:
    # podman's default set (CHOWN 0 ... SETFCAP 31), none, and every capability
    default = (1 << 0 | 1 << 1 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 10
               | 1 << 18 | 1 << 31)  # fmt: skip
    proc = replace(
        _proc(500, 1, 42),
        caps=(("CapEff", f"{default:016x}"), ("CapAmb", "0"), ("CapBnd", f"{(1 << 41) - 1:x}")),
        seccomp="2",
    )
    ctx = FormatContext(
        now=0.0, boot_time=0.0, host_uid=lambda uid: uid + 100000, host_gid=lambda gid: None
    )
    report = render([proc], ("capeff", "capamb", "capbnd", "capinh", "seccomp", "hgroup"), ctx)
    assert report.headers == (
        "EFFECTIVE CAPS", "AMBIENT CAPS", "BOUNDING CAPS", "INHERITED CAPS", "SECCOMP", "HGROUP",
    )  # fmt: skip
    assert report.rows == (
        (
            "CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,"
            "SETUID,SYS_CHROOT",
            "none",
            "full",
            "none",
            "filter",
            "?",
        ),
    )
    assert parse_descriptors(["pid,hgroup", "label"]) == ("pid", "hgroup", "label")
    real = render([replace(proc, uid=0, ruid=1000, rgid=7)], ("ruser", "rgroup", "user"), ctx)
    assert (real.headers, real.rows) == (("RUSER", "RGROUP", "USER"), (("1000", "7", "0"),))


def test_host_ids_are_looked_up_in_the_containers_files() -> None:
    """podman (psgo) names the host uid/gid from the container's /etc/passwd and
    /etc/group: a number unless the container names it."""
    proc = replace(_proc(500, 1, 42), args=("sleep", "300", ""))
    ctx = FormatContext(
        now=0.0, boot_time=0.0, users={0: "root", 1001: "named"}, groups={0: "root"},
        host_uid=lambda uid: uid + 1001, host_gid=lambda gid: gid + 1001,
    )  # fmt: skip
    report = render([proc], ("huser", "hgroup", "args"), ctx)
    assert report.rows == (("named", "1001", "sleep 300 "),)


def test_top_ps_fallback_drops_its_own_row() -> None:
    from hutch.cli.top import without_pid

    text = "PID   USER     COMMAND\n    1 root     sleep 1000\n    7 root     ps aux\n"
    assert without_pid(text, 7) == "PID   USER     COMMAND\n    1 root     sleep 1000\n"
    assert without_pid(text, None) == text
    # ps gone before its pid was read: its own command line marks its row
    assert without_pid(text, None, "ps aux") == without_pid(text, 7)
    assert without_pid("ps: bad option\n", 7) == "ps: bad option\n"


def test_psgo_codes_and_supplementary_groups() -> None:
    """psgo's codes are case-sensitive (%C is pcpu, %c comm); ``groups`` names the
    supplementary groups from the container's /etc/group, ``hgroups`` and ``huid``
    map them to the host (names only where the container names the host's number);
    ``gid`` is no descriptor of podman's, so it goes to ps(1) in the container."""
    assert parse_descriptors(["%C,%c", "%G", "%g", "%U", "%u"]) == (
        "pcpu", "comm", "group", "rgroup", "user", "ruser",
    )  # fmt: skip
    assert parse_descriptors(["%p,%P,%r,%a,%n,%t,%x,%y,%z"]) == (
        "pid", "ppid", "pgid", "args", "nice", "etime", "time", "tty", "vsz",
    )  # fmt: skip
    for word in ("gid", "%Z"):
        with pytest.raises(UnknownDescriptor):
            parse_descriptors([word])
    proc = replace(_proc(500, 1, 42, uid=1000), groups=(1000, 10, 4242))
    ctx = FormatContext(
        now=0.0, boot_time=0.0, groups={10: "wheel", 1000: "user", 101000: "named"},
        host_uid=lambda uid: uid + 100000, host_gid=lambda gid: gid + 100000,
    )  # fmt: skip
    report = render([proc], parse_descriptors(["uid,huid,groups,hgroups"]), ctx)
    assert report.headers == ("UID", "HUID", "GROUPS", "HGROUPS")
    assert report.rows == (("1000", "101000", "user,wheel,4242", "named,100010,104242"),)
    none = render([replace(proc, groups=())], ("groups", "hgroups"), ctx)
    assert none.rows == (("", ""),)
    unmapped = FormatContext(now=0.0, boot_time=0.0)
    assert render([proc], ("huid", "hgroups"), unmapped).rows == (("?", "?,?,?"),)
