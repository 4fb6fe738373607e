"""inspect's .Config.Env as podman 4.3.1 showed it for the same containers: the
create's environment, then HOME and HOSTNAME once started."""

from __future__ import annotations

from pathlib import Path

from hutch.engine.inspect_env import config_env, home_in, passwd_home

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


def _root(tmp_path: Path, name: str, *lines: str) -> str:
    root = tmp_path / name
    (root / "etc").mkdir(parents=True)
    if lines:
        (root / "etc" / "passwd").write_text("".join(f"{line}\n" for line in lines))
    return str(root)


def test_home_in_the_containers_own_passwd_first(tmp_path: Path) -> None:
    image = _root(tmp_path, "layer", "root:x:0:0:root:/root:/bin/sh")
    untouched = _root(tmp_path, "upper")
    assert home_in((untouched, image), "", ()) == "/root"
    # the container edited its file (podman reads it at the next start)
    edited = _root(tmp_path, "edited", "root:x:0:0:root:/edited:/bin/sh")
    assert home_in((edited, image), "", ()) == "/edited"


def test_the_entries_a_start_appended_do_not_count(tmp_path: Path) -> None:
    added = "1234:*:1234:0:container user:/tmp:/bin/sh"
    upper = _root(tmp_path, "upper", "root:x:0:0:root:/root:/bin/sh", added)
    assert home_in((upper,), "1234", {added}) is None  # podman looked before adding
    assert home_in((upper,), "1234", ()) == "/tmp"
    assert home_in((upper,), "root", {added}) == "/root"
