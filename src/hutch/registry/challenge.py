"""``WWW-Authenticate`` parsing (RFC 7235) and token scopes.

A registry answers 401 with challenges such as
``Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"``;
the client then asks ``realm`` for a token with the scopes it needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_SCHEME_RE = re.compile(rf"\s*({_TOKEN})(?:\s+|$)")
_PARAM_RE = re.compile(rf"\s*({_TOKEN})\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|({_TOKEN}))\s*")
_TOKEN68_RE = re.compile(r"\s*[A-Za-z0-9._~+/-]+=*\s*(?=,|$)")


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "bearer", "basic"
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return None


def parse_challenges(header: str) -> list[Challenge]:
    """All challenges of one header value; unparseable tails are ignored."""
    out: list[Challenge] = []
    pos = 0
    text = header
    while pos < len(text):
        while pos < len(text) and text[pos] in " ,":
            pos += 1
        scheme = _SCHEME_RE.match(text, pos)
        if not scheme:
            break
        pos = scheme.end()
        params: list[tuple[str, str]] = []
        token68 = _TOKEN68_RE.match(text, pos)
        if token68 and "=" not in text[pos : token68.end()].rstrip("= "):
            pos = token68.end()
        while pos < len(text):
            param = _PARAM_RE.match(text, pos)
            if not param:
                break
            quoted, bare = param.group(2), param.group(3)
            value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
            params.append((param.group(1).lower(), value or ""))
            pos = param.end()
            if pos < len(text) and text[pos] == ",":
                # Either the next param or the next challenge follows the comma.
                nxt = pos + 1
                if _PARAM_RE.match(text, nxt):
                    pos = nxt
                    continue
                pos = nxt
            break
        out.append(Challenge(scheme.group(1).lower(), tuple(params)))
    return out


def repository_scope(repository: str, actions: Sequence[str]) -> str:
    """``repository:NAME:pull,push`` as the token server expects it."""
    return f"repository:{repository}:{','.join(actions)}"
