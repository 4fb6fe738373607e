"""The pure parts of save/load: podman's progress lines and save -m's entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.engine.image_archive import _Item, _one_per_image, copy_lines
from hutch.store.images import ImageRecord


def _image(ident: str) -> ImageRecord:
    return ImageRecord(ident * 64, b"{}", b"{}", "d", 0.0, 1, (), ())


def test_copy_lines_as_podman_prints_them() -> None:
    image = _image("a")
    assert copy_lines(image, ["sha256:l1", "sha256:l2"]) == [
        "Copying blob sha256:l1",
        "Copying blob sha256:l2",
        f"Copying config sha256:{'a' * 64}",
        "Writing manifest to image destination",
        "Storing signatures",
    ]


def test_save_m_of_one_image_twice_is_one_entry_with_both_names() -> None:
    a, b = _image("a"), _image("b")
    items = [_Item(a, "localhost/a:1"), _Item(b, "localhost/b:1"), _Item(a, "localhost/a:2")]
    merged = _one_per_image(items)
    assert [(i.image.id[0], i.name, i.extra_tags, i.merged) for i in merged] == [
        ("a", "localhost/a:1", ("localhost/a:2",), True),
        ("b", "localhost/b:1", (), False),
    ]
    assert _one_per_image([_Item(a, "localhost/a:1"), _Item(a, "localhost/a:1")]) == [
        _Item(a, "localhost/a:1", (), True)
    ]


def test_load_of_a_file_that_is_no_archive_in_podmans_words(tmp_path: Path) -> None:
    from hutch.api.errors import InvalidArgument
    from hutch.engine.image_archive import _Source

    cases = {b"hello\n": "unexpected EOF", b"x" * 3000: "archive/tar: invalid tar header"}
    for data, reason in cases.items():
        path = tmp_path / "f"
        path.write_bytes(data)
        with pytest.raises(InvalidArgument) as err:
            _Source(path)
        assert err.value.message.splitlines() == [
            "payload does not match any of the supported image formats:",
            f" * oci: initializing source oci:{path}:: open {path}/index.json: not a directory",
            f' * oci-archive: creating temp directory: untarring file "{path}": {reason}',
            f" * docker-archive: loading tar component manifest.json: {reason}",
            f" * dir: open {path}/manifest.json: not a directory",
        ]
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(InvalidArgument) as err:
        _Source(tmp_path / "empty")
    assert " * docker-archive: loading tar component manifest.json: file does not exist" in (
        err.value.message.splitlines()
    )


def test_compress_is_for_a_docker_dir_only_in_podmans_words() -> None:
    from typing import Any

    from hutch.api.errors import InvalidArgument
    from hutch.engine.image_archive import save

    no_store: Any = None  # refused before the store is read
    for fmt in ("docker-archive", "oci-archive", "oci-dir"):
        with pytest.raises(InvalidArgument) as err:
            save(no_store, ["base"], "out", fmt, compress=True)
        assert err.value.message == "--compress can only be set when --format is 'docker-dir'"
