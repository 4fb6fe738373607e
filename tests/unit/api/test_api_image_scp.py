"""image scp's sides and transfer, parsed from podman's forms and refused in its words."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.image_scp import ScpHost, ScpSide, ScpTransfer, parse_side, plan


@pytest.mark.parametrize(
    ("arg", "side"),
    [
        ("alpine", ScpSide("alpine")),
        ("host::", ScpSide("", ScpHost("host"))),
        ("me@host:2222::app:1.2", ScpSide("app:1.2", ScpHost("host", "me", 2222))),
        ("[::1]::x", ScpSide("x", ScpHost("::1"))),
        ("me@[fe80::1]:22::x", ScpSide("x", ScpHost("fe80::1", "me", 22))),
        # podman's socket path of a connection: accepted, not used
        ("me@host:22/run/user/1000/podman/podman.sock::x", ScpSide("x", ScpHost("host", "me", 22))),
        ("alice@localhost::", ScpSide("", ScpHost("localhost", "alice"))),
        (
            "h::reg.io:5000/a/b@sha256:" + "a" * 64,
            ScpSide("reg.io:5000/a/b@sha256:" + "a" * 64, ScpHost("h")),
        ),
    ],
)
def test_sides_as_podman_writes_them(arg: str, side: ScpSide) -> None:
    assert parse_side(arg) == side


@pytest.mark.parametrize(
    ("arg", "words"),
    [
        ("::x", "no host before '::'"),
        ("@h::", "no user name before '@'"),
        ("h:x::", "invalid port 'x'"),
        ("h:0::", "invalid port '0'"),
        ("h:65536::", "invalid port '65536'"),
        ("h:::i", "invalid port ''"),
        ("[::1::", "[IPV6-ADDRESS]"),
        ("[::1]x::", "[IPV6-ADDRESS]"),
        ("-oProxyCommand=x::", "cannot begin with '-'"),
    ],
)
def test_bad_sides_are_refused(arg: str, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words.replace("[", r"\[")):
        parse_side(arg)


def test_label_is_the_destination_as_written() -> None:
    assert ScpHost("fe80::1", "me", 22).label() == "me@[fe80::1]:22"
    assert ScpHost("h").label() == "h"


def test_one_remote_argument_loads_locally() -> None:
    assert plan(("h::app",)) == ScpTransfer(ScpSide("app", ScpHost("h")), ScpSide())


def test_a_destination_image_is_a_new_name() -> None:
    assert plan(("app", "h::copy")) == ScpTransfer(
        ScpSide("app"), ScpSide("", ScpHost("h")), "copy"
    )
    assert plan(("h::app", "copy")) == ScpTransfer(ScpSide("app", ScpHost("h")), ScpSide(), "copy")
    assert plan(("a::app", "b::")).destination == ScpSide("", ScpHost("b"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "accepts between 1 and 2 arg(s), received 0"),
        (("a", "b::", "c"), "accepts between 1 and 2 arg(s), received 3"),
        (("alpine",), "must specify a destination: invalid argument"),
        (("h::",), "no source image specified: invalid argument"),
        (("h::", "x::"), "a source image must be specified: invalid argument"),
        (("h::", "x"), "a source image must be specified: invalid argument"),
        (("a", "b"), "both sides are in the local store"),
    ],
)
def test_transfers_podman_refuses(args: tuple[str, ...], words: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        plan(args)
    assert words in str(info.value)
