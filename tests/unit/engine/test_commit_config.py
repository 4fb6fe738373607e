from __future__ import annotations

from hutch.engine.commit_config import history_entry, image_comment, with_volumes, without_onbuild
from hutch.engine.container_record import MountRecord
from hutch.oci.image import ContainerConfig, HistoryEntry, ImageConfig

BASE = ImageConfig(
    "amd64", "linux", ("sha256:a",), history=(HistoryEntry(comment="imported from tarball"),)
)


def test_history_entry_as_buildah_writes_it() -> None:
    entry = history_entry(BASE, ("localhost/base:latest",), created="t", author="Ann")
    assert entry == HistoryEntry(
        created="t", created_by="/bin/sh", comment="FROM localhost/base:latest", author="Ann"
    )
    shelled = ImageConfig("amd64", "linux", (), config=ContainerConfig(shell=("/bin/ash", "-c")))
    nameless = history_entry(shelled, (), created="t", author=None)
    assert (nameless.created_by, nameless.comment) == ("/bin/ash -c", None)


def test_image_comment_is_the_message_else_the_images() -> None:
    assert image_comment(BASE, "msg") == "msg"
    assert image_comment(BASE, None) == "imported from tarball"
    own = ImageConfig("amd64", "linux", (), comment="mine", history=BASE.history)
    assert image_comment(own, None) == "mine"
    assert image_comment(ImageConfig("amd64", "linux", ()), None) is None


def test_volumes_anonymous_always_the_rest_with_include_volumes() -> None:
    mounts = (
        MountRecord("volume", "/anon", "", name="a1"),
        MountRecord("volume", "/named", "", name="data"),
        MountRecord("bind", "/b", "/host"),
        MountRecord("tmpfs", "/t", ""),
    )
    config = ContainerConfig(volumes=("/image",))
    anon = "a1".__eq__
    assert with_volumes(config, mounts, include_all=False, anonymous=anon).volumes == (
        "/anon",
        "/image",
    )
    assert with_volumes(config, mounts, include_all=True, anonymous=anon).volumes == (
        "/anon",
        "/b",
        "/image",
        "/named",
    )


def test_onbuild_dropped_with_buildahs_warning() -> None:
    config, warnings = without_onbuild(ContainerConfig(on_build=("RUN x",)))
    assert config.on_build == ()
    assert warnings == (
        "ONBUILD is not supported for OCI image format, RUN x will be ignored. "
        "Must use `docker` format",
    )
    assert without_onbuild(ContainerConfig()) == (ContainerConfig(), ())
