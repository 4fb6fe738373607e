"""The /etc/passwd and /etc/group lines the init adds, as podman 4.3.1 writes them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import PasswdOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.engine.specbuild import host_user, passwd_spec
from hutch.runtime import passwd
from hutch.runtime.spec import Mount, PasswdSpec, Process, Rootfs, Spec, User

IMAGE_PASSWD = [["root", "x", "0", "0", "root", "/root", "/bin/sh"]]
IMAGE_GROUP = [["root", "x", "0", ""]]


def spec(user: str, rules: PasswdSpec | None = None, **process: object) -> Spec:
    return Spec(
        id="c" * 64,
        hostname="h",
        process=Process(args=("sh",), env=(), user=User(user), **process),  # type: ignore[arg-type]
        rootfs=Rootfs(kind="bind", target="/x"),
        passwd=rules or PasswdSpec(),
    )


def test_an_unknown_uid_gets_podmans_line_and_its_group() -> None:
    users, groups = passwd.entries(spec("1234:555"), IMAGE_PASSWD, IMAGE_GROUP)
    assert users == ["1234:*:1234:555:container user:/:/bin/sh"]
    assert groups == ["555:x:555:1234"]
    users, groups = passwd.entries(spec("1234"), IMAGE_PASSWD, IMAGE_GROUP)
    assert (users, groups) == (["1234:*:1234:0:container user:/:/bin/sh"], [])


def test_known_users_names_and_passwd_false_add_nothing() -> None:
    assert passwd.entries(spec("0"), IMAGE_PASSWD, IMAGE_GROUP) == ([], [])
    assert passwd.entries(spec("root"), IMAGE_PASSWD, IMAGE_GROUP) == ([], [])
    off = spec("1234", PasswdSpec(add=False))
    assert passwd.entries(off, IMAGE_PASSWD, IMAGE_GROUP) == ([], [])


def test_templates_and_the_working_directory_as_home() -> None:
    rules = PasswdSpec(
        entry="$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/ash",
        group_entry="g$GROUPNAME:x:$GID:$USERLIST",
    )
    users, groups = passwd.entries(spec("7:8", rules, cwd="/srv"), IMAGE_PASSWD, IMAGE_GROUP)
    assert users == ["7:x:7:8:container user:/srv:/bin/ash"]
    assert groups == ["g8:x:8:7"]


def test_host_users_keep_their_home_only_when_it_is_mounted() -> None:
    line = "alice:x:1000:1000:Alice:/home/alice:/bin/bash"
    rules = PasswdSpec(host_users=(line,))
    users, _ = passwd.entries(spec("", rules), IMAGE_PASSWD, IMAGE_GROUP)
    assert users == ["alice:*:1000:1000:Alice:/:/bin/sh"]
    mounted = replace(spec("", rules), mounts=(Mount("bind", "/home/alice", "/h"),))
    assert passwd.entries(mounted, IMAGE_PASSWD, IMAGE_GROUP)[0] == [
        "alice:*:1000:1000:Alice:/home/alice:/bin/sh"
    ]
    root = PasswdSpec(host_users=("root:x:0:0:root:/root:/bin/bash",))
    assert passwd.entries(spec("", root), IMAGE_PASSWD, IMAGE_GROUP) == ([], [])  # never twice


def test_add_entries_appends_to_the_rootfs_files(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh")  # no final newline
    passwd.add_entries(str(tmp_path), spec("42:43"), IMAGE_PASSWD, IMAGE_GROUP)
    assert (tmp_path / "etc" / "passwd").read_text().splitlines()[1] == (
        "42:*:42:43:container user:/:/bin/sh"
    )
    assert (tmp_path / "etc" / "group").read_text() == "43:x:43:42\n"


def test_the_flags_reach_the_spec_and_hostuser_must_exist() -> None:
    options = RunOptions("i", passwd=PasswdOptions(add=False, entry="e", hostuser=("0",)))
    rules = passwd_spec(options)
    assert (rules.add, rules.entry, rules.group_entry) == (False, "e", "")
    assert rules.host_users[0].startswith("root:x:0:0:")
    with pytest.raises(InvalidArgument) as exc:
        host_user("no-such-user-h15")
    assert str(exc.value) == "--hostuser: user: unknown user no-such-user-h15"
