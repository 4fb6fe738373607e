"""The legacy part of a docker-archive, as podman (containers/image) writes it beside
``manifest.json``: one directory per layer, named by a v1 image id, holding
``VERSION`` ("1.0"), ``json`` (the layer's v1 config) and ``layer.tar`` (a symlink to
the layer's tar at the top of the archive); and ``repositories``, each tag naming
the id of its image's top layer. Old ``docker load`` versions and tools that read
``repositories`` need them; hutch's own load reads ``manifest.json`` only.

A layer's v1 config names its parent's id; the top one also carries seven keys of
the image's config, their values as the config has them. Its id is the sha256 of
that config with the layer's chain id added (the chain id as Docker computes it:
the first diff id, then sha256 of "CHAIN DIFF_ID" for each further layer), so the
ids of two images sharing their bottom layers are shared too, and saving one image
twice gives the same ids. The JSON is Go's: map keys sorted, compact, ``<``, ``>``
and ``&`` escaped, the config's values kept as their text (Go's RawMessage).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

VERSION = b"1.0"
# the image config keys a top layer's v1 config carries (containers/image's list)
TOP_KEYS = (
    "architecture",
    "config",
    "container",
    "container_config",
    "created",
    "docker_version",
    "os",
)


@dataclass(frozen=True)
class LegacyLayer:
    id: str  # hex, the directory's name
    config: bytes  # the directory's ``json``
    diff_id: str  # the layer its ``layer.tar`` links to


def legacy_layers(diff_ids: Sequence[str], config_raw: bytes) -> list[LegacyLayer]:
    """The v1 layers of an image, bottom first (the last one is ``repositories``')."""
    out: list[LegacyLayer] = []
    chain = ""
    for index, diff_id in enumerate(diff_ids):
        fields: dict[str, str] = {}
        if out:
            fields["parent"] = _go_string(out[-1].id)
        if index == len(diff_ids) - 1:
            raw = _top_level(config_raw)
            for key in TOP_KEYS:
                fields[key] = raw.get(key, "null")
        chain = diff_id if not chain else _sha256(f"{chain} {diff_id}".encode())
        layer_id = _sha256(_object({**fields, "layer_id": _go_string(chain)}))[7:]
        config = _object({**fields, "id": _go_string(layer_id)})
        out.append(LegacyLayer(layer_id, config, diff_id))
    return out


def repositories(tags: Sequence[tuple[str, str]]) -> bytes:
    """``repositories``: repository -> tag -> top layer id, Go's sorted compact map."""
    table: dict[str, dict[str, str]] = {}
    for tag, top in tags:
        repo, _, version = tag.rpartition(":")
        table.setdefault(repo, {})[version] = top
    return json.dumps(table, separators=(",", ":"), sort_keys=True).encode()


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _object(fields: dict[str, str]) -> bytes:
    """A JSON object of already-encoded values, keys sorted as Go sorts a map's."""
    body = ",".join(f"{_go_string(k)}:{fields[k]}" for k in sorted(fields))
    return ("{" + body + "}").encode()


def _go_string(text: str) -> str:
    return _compact(json.dumps(text, ensure_ascii=False))


def _top_level(raw: bytes) -> dict[str, str]:
    """The config's top-level keys and each value's text, compacted as Go compacts a
    RawMessage (nested keys keep their order; nothing is re-encoded)."""
    text = raw.decode("utf-8")
    decoder = json.JSONDecoder()
    out: dict[str, str] = {}
    pos = _skip(text, 0)
    if text[pos : pos + 1] != "{":
        return out
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the colon
        start = pos
        _value, pos = decoder.raw_decode(text, pos)
        out[str(key)] = _compact(text[start:pos])
        pos = _skip(text, pos)
        if text[pos : pos + 1] == ",":
            pos = _skip(text, pos + 1)
    return out


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _compact(text: str) -> str:
    """Go's json.Compact with HTML escaping: whitespace between tokens goes, and
    ``<``, ``>``, ``&`` (and U+2028/9) inside strings become escapes."""
    out: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            out.append(_HTML.get(ch, ch) if not escaped else ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch not in " \t\r\n":
            out.append(ch)
    return "".join(out)
