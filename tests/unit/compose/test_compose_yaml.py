"""YAML loading: lines for every key path, merge keys, tags, YAML 1.2 scalars."""

from __future__ import annotations

import pytest

from hutch.compose.errors import ComposeError
from hutch.compose.yamlload import Override, Reset, load_text

TEXT = """\
x-base: &base
  image: busybox
  restart: always
services:
  web:
    <<: *base
    restart: "no"
    ports:
      - 80:80
      - 0o17
    environment:
      ON: yes
      OFF: off
      T: true
"""


def test_lines_and_merge_keys() -> None:
    doc = load_text(TEXT, "c.yaml")
    web = doc.data["services"]["web"]
    assert web["image"] == "busybox"
    assert web["restart"] == "no"  # the explicit key wins over the merged one
    assert doc.lines[("services", "web")] == 5
    assert doc.lines[("services", "web", "ports", 1)] == 10
    assert doc.line_of(("services", "web", "ports", 1, "deeper")) == 10
    assert doc.line_of(("services", "nothing")) == 4


def test_scalars_follow_yaml_1_2() -> None:
    web = load_text(TEXT, "c.yaml").data["services"]["web"]
    assert web["ports"] == ["80:80", 15]  # no base-60 integer, 0o is octal
    assert web["environment"] == {"ON": "yes", "OFF": "off", "T": True}


def test_merge_key_list_earlier_wins() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n"
    assert load_text(text, "f").data["c"] == {"x": 1, "y": 1, "z": 2}


def test_reset_and_override_tags() -> None:
    data = load_text("a: !reset null\nb: !override [1]\n", "f").data
    assert data == {"a": Reset(), "b": Override([1])}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("services:\n  web:\n    image: [unclosed\n", 4, "invalid YAML"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
        ("a: !custom x\n", 1, "unknown YAML tag !custom"),
        ("- a\n- b\n", 1, "top-level object must be a mapping"),
        ("a:\n  <<: 3\n", 2, "merge key"),
    ],
)
def test_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ComposeError, match=message) as info:
        load_text(text, "c.yaml")
    assert info.value.line == line
    assert str(info.value).startswith(f"c.yaml:{line}: ")


def test_empty_file() -> None:
    with pytest.raises(ComposeError, match=r"c\.yaml: empty compose file"):
        load_text("", "c.yaml")
