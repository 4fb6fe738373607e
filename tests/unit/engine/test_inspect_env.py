"""inspect's .Config.Env as podman 4.3.1 showed it for the same containers: the
create's environment, then HOME and HOSTNAME once started."""

from __future__ import annotations

from hutch.engine.inspect_env import config_env, passwd_home

BASE = ("PATH=/bin", "TERM=xterm", "container=hutch")
PASSWD = [
    ["root", "x", "0", "0", "root", "/root", "/bin/sh"],
    ["user", "x", "1000", "1000", "user", "/home/user", "/bin/sh"],
]


def home_of(user: str) -> str | None:
    return passwd_home(PASSWD, user)


def test_created_without_the_runtimes_hostname() -> None:
    env = (*BASE, "HOSTNAME=0123456789ab", "A=1")
    assert config_env(env, ("HOSTNAME",), started=False, home=lambda: "/root") == (*BASE, "A=1")
    # --hostname, -e HOSTNAME=: the configuration's own (podman has it at create)
    given = (*BASE, "HOSTNAME=foo")
    assert config_env(given, (), started=False, home=lambda: None) == given


def test_started_home_then_hostname_where_nothing_set_them() -> None:
    env = (*BASE, "HOSTNAME=0123456789ab", "A=1")
    assert config_env(env, ("HOSTNAME",), started=True, home=lambda: home_of("")) == (
        *BASE,
        "A=1",
        "HOME=/root",
        "HOSTNAME=0123456789ab",
    )
    own = (*BASE, "HOSTNAME=bar", "HOME=/x")
    assert config_env(own, (), started=True, home=lambda: "/root") == own
    # a uid the image's passwd lacks: no HOME (the process gets "/" all the same)
    assert config_env(BASE, (), started=True, home=lambda: home_of("4242")) == BASE


def test_passwd_home_by_name_or_uid() -> None:
    assert [home_of(u) for u in ("", "root", "0:0", "1000", "user:wheel", "4242", "nobody")] == [
        "/root",
        "/root",
        "/root",
        "/home/user",
        "/home/user",
        None,
        None,
    ]
