"""``.env`` and ``env_file`` files, read the way compose reads them.

``KEY=value`` lines, ``export KEY=value``, ``#`` comments (also after an
unquoted value, when a blank precedes the ``#``), single quotes (literal),
double quotes (escapes ``\\n \\t \\r \\\\ \\" \\$``, may span lines),
``${VAR}`` expanded in unquoted and double-quoted values (from the file's
earlier keys, then the given environment), and a bare ``KEY`` taking its
value from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hutch.compose.errors import ComposeError
from hutch.compose.interpolate import InterpolationError, interpolate

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-\[\]]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
# A placeholder for ``\$`` so that the escaped dollar survives expansion.
_DOLLAR = "\x00"


def parse_env(text: str, file: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of one env file, in order."""
    result: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[len("export") :].lstrip()
        match = _KEY.match(line)
        if match is None:
            raise ComposeError(f"invalid variable name in {line!r}", file=file, line=number)
        key, rest = match.group(), line[match.end() :].lstrip()
        if not rest or rest.startswith("#"):
            if key in environ:  # a bare KEY takes the environment's value
                result[key] = environ[key]
            continue
        if rest[0] != "=":
            raise ComposeError(
                f"unexpected character {rest[0]!r} after variable name {key!r}",
                file=file,
                line=number,
            )
        raw = rest[1:].lstrip()
        if raw[:1] in ("'", '"'):
            raw, index = _quoted(raw, lines, index, file, number)
        else:
            raw = re.split(r"\s#", raw, maxsplit=1)[0].rstrip()
        if raw.startswith("'"):
            result[key] = raw[1:]
            continue
        text_value = raw[1:] if raw.startswith('"') else raw

        def lookup(name: str) -> str | None:
            return result[name] if name in result else environ.get(name)

        try:
            expanded = interpolate(text_value, lookup, strict=False)
        except InterpolationError as exc:
            raise ComposeError(str(exc), file=file, line=number) from None
        result[key] = expanded.replace(_DOLLAR, "$")
    return result


def _quoted(raw: str, lines: list[str], index: int, file: str, number: int) -> tuple[str, int]:
    """The quoted value starting ``raw`` (marked by its quote char) and the next line index."""
    quote = raw[0]
    body: list[str] = []
    text = raw[1:]
    while True:
        pos = 0
        while pos < len(text):
            char = text[pos]
            if quote == '"' and char == "\\" and pos + 1 < len(text):
                nxt = text[pos + 1]
                body.append(_DOLLAR if nxt == "$" else _ESCAPES.get(nxt, "\\" + nxt))
                pos += 2
                continue
            if char == quote:
                tail = text[pos + 1 :].strip()
                if tail and not tail.startswith("#"):
                    raise ComposeError(
                        f"unexpected text after the closing quote: {tail!r}",
                        file=file,
                        line=index,
                    )
                return quote + "".join(body), index
            body.append(char)
            pos += 1
        if index >= len(lines):
            raise ComposeError("unterminated quoted value", file=file, line=number)
        body.append("\n")
        text = lines[index]
        index += 1


def read_env_file(
    path: str, environ: Mapping[str, str], *, missing_ok: bool = False
) -> dict[str, str] | None:
    """The variables of the env file at ``path`` (None if it is missing and that is ok)."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise ComposeError(f"env file {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ComposeError(f"cannot read env file {path}: {exc}") from None
    return parse_env(text, path, environ)
