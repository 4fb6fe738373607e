"""image inspect's History: podman marshals each entry back as the image spec's
v1.History struct, so its keys come in that struct's order whatever the config's."""

from __future__ import annotations

from hutch.engine.images import _history_entry


def test_keys_in_the_structs_order_and_empty_ones_left_out() -> None:
    stored = {
        "comment": "imported from tarball",
        "created_by": "/bin/sh -c #(nop) ADD file:x in /",
        "empty_layer": False,
        "author": "",
        "created": "2026-12-05T15:19:41Z",
    }
    assert list(_history_entry(stored).items()) == [
        ("created", "2026-12-05T15:19:41Z"),
        ("created_by", "/bin/sh -c #(nop) ADD file:x in /"),
        ("comment", "imported from tarball"),
    ]


def test_an_empty_layer_and_unknown_keys_are_kept() -> None:
    stored = {"x-extra": 1, "empty_layer": True, "author": "me"}
    assert list(_history_entry(stored)) == ["author", "empty_layer", "x-extra"]
    assert _history_entry("odd") == "odd"  # not an object: as it is
