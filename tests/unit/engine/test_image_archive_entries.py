"""The pure parts of save/load: podman's progress lines and save -m's entries."""

from __future__ import annotations

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
