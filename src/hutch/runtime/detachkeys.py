"""Detach keys: podman's ``--detach-keys`` format, and matching them in input.

The format is a comma-separated list of keys, each ``ctrl-<value>`` (a-z,
@, [, \\, ], ^, _) or a single character; ``""`` disables detaching. The
default, ``ctrl-p,ctrl-q``, is the bytes 0x10 0x11.
"""

from __future__ import annotations

DEFAULT = "ctrl-p,ctrl-q"
_CTRL_SPECIAL = {"@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, "_": 31}


def parse_detach_keys(text: str | None) -> bytes:
    """The byte sequence; ValueError naming the bad key."""
    if text is None:
        text = DEFAULT
    if text == "":
        return b""
    out = bytearray()
    for key in text.split(","):
        lowered = key.lower()
        if lowered.startswith("ctrl-") and len(key) == 6:
            value = lowered[5]
            if "a" <= value <= "z":
                out.append(ord(value) - ord("a") + 1)
                continue
            if value in _CTRL_SPECIAL:
                out.append(_CTRL_SPECIAL[value])
                continue
        elif len(key) == 1 and key.isascii() and key.isprintable():
            out.append(ord(key))
            continue
        raise ValueError(
            f"invalid detach key {key!r}: use ctrl-<a-z, @, [, \\, ], ^, _> or one character"
        )
    return bytes(out)


class DetachMatcher:
    """Feeds input through; holds back a possible start of the sequence.

    ``feed`` returns the bytes to pass on and whether the whole sequence was
    typed (the bytes typed before it still pass on; the sequence does not).
    """

    def __init__(self, keys: bytes) -> None:
        self.keys = keys
        self.held = b""

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        if not self.keys:
            return data, False
        out = bytearray()
        for byte in data:
            candidate = self.held + bytes([byte])
            if self.keys.startswith(candidate):
                self.held = candidate
                if candidate == self.keys:
                    self.held = b""
                    return bytes(out), True
                continue
            # Not the sequence after all: what was held goes through, and the
            # byte may start a new attempt.
            out += self.held
            self.held = b""
            if self.keys.startswith(bytes([byte])):
                self.held = bytes([byte])
            else:
                out.append(byte)
        return bytes(out), False
