"""Parsing -v, --mount, --tmpfs, --volumes-from and volume create --opt (podman's syntax)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hutch.api.errors import InvalidArgument
from hutch.volumes import specs
from hutch.volumes.specs import (
    MountRequest,
    parse_mount,
    parse_size,
    parse_tmpfs,
    parse_volume,
    parse_volume_create_options,
    parse_volumes_from,
    runtime_options,
    valid_volume_name,
    volume_owner,
)


def test_named_volume_gets_nosuid_nodev_and_rbind() -> None:
    # in podman 4.3.1's order (its inspect's Options)
    assert parse_volume("data:/srv/data") == MountRequest(
        "volume", "/srv/data", "data", options=("nosuid", "nodev", "rbind")
    )


def test_options_keep_the_order_given_then_the_defaults_as_podmans() -> None:
    # podman 4.3.1's inspect Options of the same -v flags (it also lists exec, suid
    # and dev, which hutch keeps as no mount option)
    assert parse_volume("v:/x:noexec,ro").options == ("noexec", "nosuid", "nodev", "rbind")
    assert parse_volume("v:/w:rshared,nodev").options == ("nodev", "nosuid", "rbind", "rshared")
    assert parse_volume("v:/z:dev,bind").options == ("bind", "nosuid")
    assert parse_volume("/srv:/b:nosuid,noexec").options == ("nosuid", "noexec", "rbind")
    assert parse_volume("/srv:/c:nodev,suid,rslave").options == ("nodev", "rbind", "rslave")


def test_anonymous_volume() -> None:
    request = parse_volume("/cache/")
    assert (request.kind, request.source, request.destination) == ("volume", "", "/cache")


def test_bind_keeps_host_flags_and_reads_options() -> None:
    request = parse_volume("/srv:/mnt:ro,U,z,noexec,rshared,bind")
    assert request.kind == "bind"
    assert request.source == "/srv"
    assert request.readonly and request.chown
    # U is no mount option, but podman keeps it where given (inspect shows it)
    assert request.options == ("U", "noexec", "bind", "rshared")
    assert runtime_options(request.options) == ("noexec", "bind", "rshared")


def test_docker_macos_words_are_dropped() -> None:
    assert parse_volume("v:/x:cached,ro").readonly
    assert parse_volume("/h:/x:delegated").given == ()


def test_relative_host_path_is_a_bind() -> None:
    assert parse_volume("./here:/x").kind == "bind"


def test_exec_suid_dev_lift_the_volume_defaults() -> None:
    assert parse_volume("v:/x:exec,suid,dev").options == ("rbind",)
    assert parse_volume("v:/x:nocopy").copy_up is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("v:rel", "must be an absolute path"),
        ("v:/x:bogus", 'invalid option type "bogus"'),
        # podman's words (containers/common's ValidateVolumeOpts)
        ("v:/x:ro,rw", "^invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option$"),
        ("v:/x:ro,ro", "can only specify 1 'rw' or 'ro' option$"),
        ("v:/x:z,Z", "can only specify 1 'z', 'Z', or 'O' option$"),
        ("v:/x:shared,private", "can only specify 1 '\\[r\\]shared'"),
        ("v:/x:exec,noexec", "can only specify 1 'noexec' or 'exec' option$"),
        ("v:/x:bind,rbind", "can only specify 1 '\\[r\\]bind' option$"),
        ("v:/x:copy,nocopy", "can only specify 1 'copy' or 'nocopy' option$"),
        ("", "^container directory cannot be empty$"),
        ("bad!name:/x", "invalid volume name"),
        ("a:/b:ro:extra", "incorrect volume format"),
        (":/x", "^host directory cannot be empty$"),  # podman's words
        ("a:/b:ro:extra", "^a:/b:ro:extra: incorrect volume format"),
        ("v:/x:", "incorrect volume format"),
    ],
)
def test_bad_volume_specs(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_volume(text)


def test_mount_bind() -> None:
    request = parse_mount("type=bind,src=/srv,dst=/mnt,readonly,bind-propagation=rslave,U=true")
    assert request.kind == "bind"
    assert (request.source, request.destination) == ("/srv", "/mnt")
    assert request.readonly and request.chown
    assert request.options == ("U", "rbind", "rslave")  # podman 4.3.1's inspect


def test_mount_bind_nonrecursive_and_ro_false() -> None:
    request = parse_mount("type=bind,source=/srv,target=/mnt,ro=false,bind-nonrecursive")
    assert not request.readonly
    assert request.options[0] == "bind"


def test_mount_volume_keeps_volume_opts() -> None:
    # volume-opt=type=... is an option, not the mount's type
    request = parse_mount(
        'dst=/d,type=volume,src=vol,volume-opt=type=tmpfs,"volume-opt=o=size=1m",volume-nocopy'
    )
    assert (request.kind, request.source) == ("volume", "vol")
    assert request.volume_options == ("type=tmpfs", "o=size=1m")
    assert request.copy_up is False


def test_mount_anonymous_volume() -> None:
    assert parse_mount("type=volume,destination=/d").source == ""


def test_mount_tmpfs_size_and_mode() -> None:
    request = parse_mount("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770")
    assert request.kind == "tmpfs"
    assert request.options == ("nodev", "nosuid", f"size={64 * 1024 * 1024}", "mode=1770")


def test_mount_devpts() -> None:
    request = parse_mount("type=devpts,destination=/dev/pts2,gid=5,mode=620")
    assert request.kind == "devpts"
    assert "newinstance" in request.options and "gid=5" in request.options


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type=nfs,dst=/x", 'invalid filesystem type "nfs"'),
        ("type=image,destination=/img", "must set source and destination for image volume"),
        ("type=image,source=a", "must set source and destination for image volume"),
        ("type=image,source=a,destination=/img,ro", "ro: invalid mount option"),
        ("type=image,src=a,dst=/img,volume-opt=x", "volume-opt: invalid mount option"),
        ("type=image,source=a,destination=img", "img"),
        ("type=image,source=,destination=/img", "source: must provide an argument for option"),
        ("type=bind,dst=/x", "needs a source"),
        ("type=bind,src=rel,dst=/x", "absolute path"),
        ("type=bind,src=/a", "must set volume destination"),
        ("type=tmpfs,src=/a,dst=/x", "source is not supported with tmpfs mounts"),
        ("type=tmpfs,dst=/x,tmpfs-size=lots", "invalid size"),
        ("type=tmpfs,dst=/x,tmpfs-mode=999", "invalid mode"),
        ("type=bind,src=/a,dst=/x,tmpfs-size=1m", "tmpfs-size: invalid mount option"),
        ("type=volume,dst=/x,color=blue", "color: invalid mount option"),
        ("type=bind,src=/a,dst=/x,ro=maybe", "use true or false"),
        ("type=tmpfs,dst=/x,U", "not valid for a tmpfs"),
    ],
)
def test_bad_mounts(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_mount(text)


_FORMAT = (
    "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
    "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [  # podman 4.3.1's words, whole
        ("bogus", _FORMAT),
        ("", _FORMAT),
        ("src=/tmp,dst=/x", _FORMAT),
        ("type=bind", "must set volume destination"),
        ("type=volume", "must set volume destination"),
        ("type=tmpfs", "must set volume destination"),
        ("type=devpts", "must set volume destination"),
        ("type=bind,src=/tmp,dst=/x,bogus", "bogus: invalid mount option"),
        ("type=bind,src=/tmp,dst=/x,bogus=1", "bogus: invalid mount option"),
        ("type=bind,,src=/tmp,dst=/x", ": invalid mount option"),
        ("type=tmpfs,dst=/x,bind-propagation=shared", "bind-propagation: invalid mount option"),
        ("type=devpts,dst=/x,bogus", "bogus: invalid mount option"),
        ("type=bind,type=volume,src=/tmp,dst=/x", "type: invalid mount option"),
        (
            "type=bind,src=/tmp,dst=/x,relabel=bogus",
            "relabel mount option must be 'private' or 'shared': invalid mount option",
        ),
        ("type=bind,src=/tmp,dst", "dst: must provide an argument for option"),
        ("type=bind,src,dst=/x", "src: must provide an argument for option"),
        (
            "type=bind,src=,dst=/x",
            "host directory cannot be empty: must provide an argument for option",
        ),
    ],
)
def test_bad_mounts_in_podmans_words(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_mount(text)
    assert str(caught.value) == message


def test_tmpfs_defaults_and_options() -> None:
    assert parse_tmpfs("/t").options == ("nodev", "noexec", "nosuid")
    request = parse_tmpfs("/t:rw,size=10m,mode=1777,exec")
    assert request.options == ("nodev", "nosuid", "size=10m", "mode=1777")
    assert parse_tmpfs("/t:ro").readonly
    # a propagation, as podman takes it (inspect's Tmpfs shows it in place of rprivate)
    assert parse_tmpfs("/t:suid,dev,rshared").options == ("noexec", "rshared")
    with pytest.raises(InvalidArgument, match="only one propagation"):
        parse_tmpfs("/t:rshared,private")


def test_tmpfs_starts_with_the_image_content_unless_notmpcopyup() -> None:
    # podman's default: the image's directory is copied into the new tmpfs
    assert parse_tmpfs("/t").copy_up and parse_tmpfs("/t:tmpcopyup").copy_up
    assert not parse_tmpfs("/t:notmpcopyup,size=1m").copy_up
    assert "notmpcopyup" not in parse_tmpfs("/t:notmpcopyup").options
    assert parse_mount("type=tmpfs,dst=/t").copy_up
    assert not parse_mount("type=tmpfs,dst=/t,notmpcopyup").copy_up


@pytest.mark.parametrize("text", ["t", "/t:size=big", "/t:mode=9", "/t:color=red"])
def test_bad_tmpfs(text: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_tmpfs(text)


def test_volumes_from() -> None:
    assert parse_volumes_from("web") == ("web", None)
    assert parse_volumes_from("web:ro") == ("web", True)
    assert parse_volumes_from("web:rw,z") == ("web", False)
    with pytest.raises(InvalidArgument):
        parse_volumes_from("web:rx")
    with pytest.raises(InvalidArgument):
        parse_volumes_from(":ro")


def test_sizes() -> None:
    assert parse_size("f", "100") == 100
    assert parse_size("f", "2k") == 2048
    assert parse_size("f", "1g") == 1024**3
    with pytest.raises(InvalidArgument):
        parse_size("f", "1x")


def test_volume_names() -> None:
    assert valid_volume_name("a.b_c-1")
    assert not valid_volume_name("-a")
    assert not valid_volume_name("a/b")


def test_volume_create_options() -> None:
    assert parse_volume_create_options(("type=tmpfs", "o=size=1m")) == (
        ("o", "size=1m"),
        ("type", "tmpfs"),
    )
    assert dict(parse_volume_create_options(("o=bind", "device=/srv")))["device"] == "/srv"


def test_volume_create_copy_and_owner() -> None:
    # podman's inspect: {"nocopy": ""}; o=uid=,gid= adds UID and GID beside o
    assert parse_volume_create_options(("copy", "nocopy")) == (("nocopy", ""),)
    assert parse_volume_create_options(("nocopy", "copy")) == (("copy", ""),)
    parsed = parse_volume_create_options(("o=uid=1000,gid=100",))
    assert parsed == (("GID", "100"), ("UID", "1000"), ("o", "uid=1000,gid=100"))
    assert volume_owner(parsed) == (1000, 100)
    assert volume_owner(parse_volume_create_options(("o=gid=5",))) == (0, 5)
    assert volume_owner(parse_volume_create_options(("type=tmpfs", "o=uid=1"))) is None
    assert volume_owner(()) is None


def test_uid_and_gid_on_their_own_and_mount_words_beside_them_as_podman() -> None:
    # -o uid=N: a key of podman's local driver, kept as given, no owner (podman's UID is
    # only o=uid=); mount words beside o=uid= are kept in o and not applied
    given = parse_volume_create_options(("uid=1000", "gid=5"))
    assert given == (("gid", "5"), ("uid", "1000"))
    assert volume_owner(given) is None
    mixed = parse_volume_create_options(("o=nodev,uid=7,noexec",))
    assert mixed == (("UID", "7"), ("o", "nodev,uid=7,noexec"))
    assert volume_owner(mixed) == (7, 0)
    both = parse_volume_create_options(("gid=5", "o=uid=3"))
    assert both == (("UID", "3"), ("gid", "5"), ("o", "uid=3"))
    with pytest.raises(InvalidArgument, match="size and inodes not supported"):
        parse_volume_create_options(("o=uid=1,size=1m",))
    with pytest.raises(InvalidArgument, match="invalid mount option UID for driver 'local'"):
        parse_volume_create_options(("UID=1",))


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (("o=uid=x",), "cannot convert UID x to integer: invalid syntax"),
        (("o=size=10m",), "volume options size and inodes not supported. Filesystem does not"),
    ],
)
def test_plain_volume_mount_options_as_podman_refuses_them(
    items: tuple[str, ...], message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_volume_create_options(items)


@pytest.mark.parametrize(
    "items",
    [("o=bind", "device=rel"), ("colour=x",)],
)
def test_bad_volume_create_options(items: tuple[str, ...]) -> None:
    with pytest.raises(InvalidArgument):
        parse_volume_create_options(items)


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        # podman's words, which -v, --mount and --tmpfs share
        (specs.parse_tmpfs, "/t:bogus", 'unknown mount option "bogus": invalid mount option'),
        (specs.parse_tmpfs, "rel", 'invalid container path "rel", must be an absolute path'),
        (specs.parse_volume, "/tmp:rel", 'invalid container path "rel", must be an absolute path'),
        # a known key with a bad value: podman leaves it to the mount; hutch's words
        (specs.parse_tmpfs, "/t:size=x", "--tmpfs /t:size=x: invalid tmpfs option 'size=x'"),
    ],
)
def test_bad_mount_flags_in_podmans_words(
    parse: Callable[[str], object], text: str, words: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse(text)
    assert str(caught.value) == words


def test_mount_words_without_an_owner_are_taken_and_fail_at_start() -> None:
    """podman 4.3.1 takes o=nodev at create and runs mount(8) at start, which fails
    rootless: "permission denied" for mount flags, the file system's refusal else."""
    from hutch.volumes.specs import mount_refusal

    taken = parse_volume_create_options(("o=nodev",))
    assert taken == (("o", "nodev"),)
    tail = ".\n       dmesg(1) may have more information after failed mount system call.\n"
    assert mount_refusal(taken, "/v/_data") == "mount: /v/_data: permission denied" + tail
    bogus = mount_refusal((("o", "nodev,bogus"),), "/v/_data")
    assert bogus is not None and bogus.startswith("mount: /v/_data: wrong fs type, bad option")
    # a bind of a device that is gone (type=none or none given): mount(8)'s words
    for gone in (
        (("device", "/gone-h23"), ("o", "bind")),
        (("type", "none"), ("device", "/gone-h23"), ("o", "rbind")),
    ):
        assert mount_refusal(gone, "/v/_data") == (
            "mount: /v/_data: special device /gone-h23 does not exist" + tail
        ), gone
    # a device without a bind, a file system type: podman 4.3.1 makes them and mount(8)
    # refuses them at start, before it looks at the device
    for unbound in (("type=ext4", "device=/dev/sda"), ("device=/srv",), ("device=rel",)):
        taken = parse_volume_create_options(unbound)
        assert mount_refusal(taken, "/v/_data") == "mount: /v/_data: permission denied" + tail
    # a plain directory: no words, an owner beside them, a tmpfs, a bound device
    for options in (
        (),
        (("UID", "7"), ("o", "nodev,uid=7")),
        (("o", "nodev"), ("type", "tmpfs")),
        (("device", "/srv"), ("o", "bind")),
        (("o", "nodev,noquota"),),
    ):
        assert mount_refusal(options, "/v/_data") is None, options


def test_noquota_in_o_is_podmans_noquota_key() -> None:
    """podman 4.3.1: o=noquota gives NOQUOTA:true and leaves o= without it."""
    assert parse_volume_create_options(("o=noquota",)) == (("NOQUOTA", "true"),)
    assert parse_volume_create_options(("o=NoQuota,uid=3",)) == (
        ("NOQUOTA", "true"),
        ("UID", "3"),
        ("o", "uid=3"),
    )
    assert parse_volume_create_options(("o=nodev,noquota",)) == (
        ("NOQUOTA", "true"),
        ("o", "nodev"),
    )


def test_uid_and_gid_flags_over_the_options_owner() -> None:
    # volume create --uid/--gid: applied after the options as podman does (the flag
    # wins), 0 for the one neither gives
    owned = parse_volume_create_options(("o=uid=3,gid=4",))
    assert volume_owner(owned, (7, None)) == (7, 4)
    assert volume_owner((), (None, 5)) == (0, 5)
    assert volume_owner((), (1000, 100)) == (1000, 100)
    assert volume_owner((), (None, None)) is None
