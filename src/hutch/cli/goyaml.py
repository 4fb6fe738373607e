"""YAML as podman prints ``info``: its report marshalled to JSON, then that JSON to
YAML by go-yaml (sigs.k8s.io/yaml). So every mapping's keys come sorted as
go-yaml sorts them, a string that would read back as another type ("12", "true",
"") is double-quoted, a string of several lines is a literal block (``|-``), and
lines are never folded.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any


def _key_less(a: str, b: str) -> bool:
    """go-yaml's order of two keys at their first difference: letters by code point,
    a non-letter before a letter, then runs of digits by their number (no digits
    counting as 0), the shorter run, and the code point."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x == y:
            continue
        if x.isalpha() and y.isalpha():
            return x < y
        if x.isalpha() or y.isalpha():
            return y.isalpha()
        na, nb = _digits(a, i), _digits(b, i)
        if int(na or 0) != int(nb or 0):
            return int(na or 0) < int(nb or 0)
        if len(na) != len(nb):
            return len(na) < len(nb)
        return x < y
    return len(a) < len(b)


def _digits(text: str, start: int) -> str:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[start:end]


def _compare(a: str, b: str) -> int:
    return -1 if _key_less(a, b) else (1 if _key_less(b, a) else 0)


def sorted_keys(value: Any) -> Any:
    """``value`` (JSON data) with every mapping's keys in go-yaml's order."""
    if isinstance(value, Mapping):
        keys = sorted(value, key=functools.cmp_to_key(_compare))
        return {k: sorted_keys(value[k]) for k in keys}
    if isinstance(value, list | tuple):
        return [sorted_keys(v) for v in value]
    return value


def dumps(value: Any, *, sort: bool = True) -> str:
    """JSON data ``value`` as go-yaml writes it (``sort=False``: keys as given, for
    hutch's own sections)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def string(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
        if "\n" in text:
            return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
        # the tag a plain scalar would read back as (YAML 1.1, as go-yaml v2 reads)
        implicit = dumper.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        style = '"' if implicit != "tag:yaml.org,2002:str" else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, string)
    text: str = yaml.dump(
        sorted_keys(value) if sort else value,
        Dumper=Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 30,
    )
    return text
