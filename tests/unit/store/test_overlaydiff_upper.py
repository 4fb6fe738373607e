"""Changes of an upper dir over lower layers, with whiteout files and opaque markers."""

from __future__ import annotations

from pathlib import Path

from hutch.store.overlaydiff import LowerView, PathChange, placeholders, upper_changes


def _layers(tmp_path: Path) -> tuple[Path, Path, Path]:
    lower, top, upper = tmp_path / "lower", tmp_path / "top", tmp_path / "upper"
    for d in (lower / "etc", lower / "bin", lower / "gone", top, upper):
        d.mkdir(parents=True, exist_ok=True)
    (lower / "etc" / "passwd").write_text("root")
    (lower / "etc" / "group").write_text("root")
    (lower / "bin" / "sh").write_text("")
    (lower / "gone" / "x").write_text("")
    (top / ".wh.gone").write_text("")  # the top layer deleted /gone
    return lower, top, upper


def test_lower_view_honours_whiteouts(tmp_path: Path) -> None:
    lower, top, _ = _layers(tmp_path)
    view = LowerView([str(top), str(lower)])
    assert view.exists("etc/passwd")
    assert not view.exists("gone")
    assert not view.exists("gone/x")
    assert not view.exists("nothing")
    assert view.listing("etc") == {"passwd", "group"}


def test_added_changed_deleted(tmp_path: Path) -> None:
    lower, top, upper = _layers(tmp_path)
    (upper / "etc").mkdir()
    (upper / "etc" / "passwd").write_text("changed")
    (upper / "etc" / "new").write_text("")
    (upper / "bin").mkdir()
    (upper / "bin" / ".wh.sh").write_text("")
    (upper / "gone").mkdir()  # recreated after the top layer deleted it: new
    changes = upper_changes(str(upper), [str(top), str(lower)])
    assert changes == [
        PathChange("C", "/bin"),
        PathChange("D", "/bin/sh"),
        PathChange("C", "/etc"),
        PathChange("A", "/etc/new"),
        PathChange("C", "/etc/passwd"),
        PathChange("A", "/gone"),
    ]


def test_opaque_directory_deletes_what_it_hides(tmp_path: Path) -> None:
    lower, top, upper = _layers(tmp_path)
    (upper / "etc").mkdir()
    (upper / "etc" / ".wh..wh..opq").write_text("")
    (upper / "etc" / "passwd").write_text("fresh")
    changes = upper_changes(str(upper), [str(top), str(lower)])
    assert PathChange("D", "/etc/group") in changes
    assert PathChange("A", "/etc/passwd") in changes  # below an opaque dir: nothing shows
    assert PathChange("C", "/etc") in changes


def test_placeholders_are_empty_and_new_only(tmp_path: Path) -> None:
    lower, top, upper = _layers(tmp_path)
    (upper / "etc").mkdir()
    (upper / "etc" / "hosts").write_text("")
    (upper / "etc" / "resolv.conf").write_text("nameserver 1.1.1.1")
    (upper / "etc" / "passwd").write_text("")
    (upper / "proc").mkdir()
    points = ["/etc/hosts", "/etc/resolv.conf", "/etc/passwd", "/proc", "/sys"]
    assert placeholders(str(upper), [str(top), str(lower)], points) == {"etc/hosts", "proc"}
    changes = upper_changes(str(upper), [str(top), str(lower)], {"etc/hosts", "proc"})
    assert [c.path for c in changes] == ["/etc", "/etc/passwd", "/etc/resolv.conf"]


def test_a_directory_made_only_for_placeholders_is_one(tmp_path: Path) -> None:
    """/run made for /run/.containerenv in an image without /run goes with it; a
    directory that also holds a file the container wrote, or one the image has, stays."""
    lower, top, upper = _layers(tmp_path)
    (upper / "run" / "deep").mkdir(parents=True)
    (upper / "run" / ".containerenv").write_text("")
    (upper / "run" / "deep" / "point").write_text("")
    (upper / "etc").mkdir()
    (upper / "etc" / "hosts").write_text("")
    (upper / "var").mkdir()
    (upper / "var" / "point").write_text("")
    (upper / "var" / "written").write_text("data")
    points = ["/run/.containerenv", "/run/deep/point", "/etc/hosts", "/var/point"]
    found = placeholders(str(upper), [str(top), str(lower)], points)
    assert found == {
        "run",
        "run/.containerenv",
        "run/deep",
        "run/deep/point",
        "etc/hosts",
        "var/point",
    }
    changes = upper_changes(str(upper), [str(top), str(lower)], found)
    assert [c.path for c in changes] == ["/etc", "/var", "/var/written"]  # C /etc: podman too


def test_placeholder_links_are_the_runtimes_own_only(tmp_path: Path) -> None:
    """/etc/mtab -> /proc/mounts, made where the image had none, is no change; a link
    elsewhere, or one the image had below, is."""
    lower, top, upper = _layers(tmp_path)
    (upper / "etc").mkdir()
    (upper / "etc" / "mtab").symlink_to("/proc/mounts")
    (upper / "etc" / "other").symlink_to("/proc/mounts")
    lowers = [str(top), str(lower)]
    links = {"/etc/mtab": "/proc/mounts", "/etc/other": "/proc/self/mounts"}
    assert placeholders(str(upper), lowers, [], links) == {"etc/mtab"}
    (lower / "etc").mkdir(exist_ok=True)
    (lower / "etc" / "mtab").write_text("the image's")
    assert placeholders(str(upper), lowers, [], links) == set()
