"""A process's environment: what it starts from, then env files, then ``-e`` flags.

One merge for ``run``/``create`` (from the image's environment) and ``exec``
(from the container's), so that both read env files and ``-e NAME`` alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from hutch.api.errors import InvalidArgument

# The variables of --http-proxy (containers.conf's http_proxy), podman's list
PROXY_VARIABLES = tuple(
    name
    for lower in ("http_proxy", "https_proxy", "ftp_proxy", "no_proxy")
    for name in (lower, lower.upper())
)


def proxy_environment() -> tuple[str, ...]:
    """hutch's own proxy variables set, as KEY=VALUE (run's and build's --http-proxy;
    here, not with run's spec builder, which a build's start does not load)."""
    return tuple(f"{k}={os.environ[k]}" for k in PROXY_VARIABLES if k in os.environ)


def merge_environment(
    base: Iterable[str],
    *,
    tty: bool,
    env_files: Sequence[str],
    env: Sequence[str],
    env_context: str = "",
) -> tuple[str, ...]:
    """``base`` (KEY=VALUE, later wins) < TERM=xterm with a terminal < env files < ``env``.

    ``-e NAME`` without a value copies the caller's own value, and is left
    out when the caller has none (as podman). ``env_context`` goes before the error
    of a bad ``-e`` (podman's exec says "parsing environment variables: ").
    """
    merged: dict[str, str] = {}
    for item in base:
        key, _, value = item.partition("=")
        merged[key] = value
    if tty:
        merged.setdefault("TERM", "xterm")
    for path in env_files:
        for item in _read_env_file(path):  # podman's words
            words = f'parsing env file "{path}": invalid environment variable: "{item}"'
            assign(merged, item, words, prefixes=True)
    for item in env:
        words = f'{env_context}invalid environment variable: "{item}"'
        assign(merged, item, words, prefixes=True)
    return tuple(f"{k}={v}" for k, v in merged.items())


def assign(env: dict[str, str], item: str, empty_name: str, *, prefixes: bool = False) -> None:
    """``KEY=VALUE`` sets; ``KEY`` alone copies the caller's value, if it has one;
    with ``prefixes`` (podman's -e and env files), ``KEY*`` copies each of the
    caller's variables whose name starts with KEY.

    ``empty_name`` is the error for an item without a name (the callers'
    wordings differ: ``-e``, ``--build-arg``).
    """
    key, sep, value = item.partition("=")
    if not key:
        raise InvalidArgument(empty_name)
    key = key.lstrip(" \t")  # podman trims the name's front, and nothing else
    if sep:
        env[key] = value
    elif prefixes and key.endswith("*"):  # NAME*: each of the caller's variables so named
        prefix = key[:-1]
        env.update((k, v) for k, v in os.environ.items() if k.startswith(prefix))
    elif key in os.environ:
        env[key] = os.environ[key]


def _read_env_file(path: str) -> list[str]:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        # podman's words (Go's error text is lower case)
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(f'parsing env file "{path}": open {path}: {reason}') from exc
    items = []
    for line in text.splitlines():
        # podman trims the front of a line only: a value keeps its trailing blanks
        line = line.lstrip(" \t")
        if line and not line.startswith("#"):
            items.append(line)
    return items


def unset_defaults(
    defaults: Iterable[str], names: Sequence[str], *, everything: bool
) -> tuple[str, ...]:
    """``defaults`` (KEY=VALUE) without ``names`` (``--unsetenv``), or none (``--unsetenv-all``)."""
    if everything:
        return ()
    drop = set(names)
    return tuple(item for item in defaults if item.partition("=")[0] not in drop)


def merge_variables(env: tuple[str, ...], items: Sequence[str]) -> tuple[str, ...]:
    """``--env-merge NAME=VALUE``: VALUE's ``$VAR``/``${VAR}`` from ``env``, in order.

    The words are expanded as a Containerfile's (podman runs imagebuilder's
    ProcessWord over them): a variable that is not set is empty.
    """
    if not items:
        return env
    from hutch.build.substitute import substitute

    merged: dict[str, str] = dict(item.partition("=")[::2] for item in env)
    for item in items:
        key, sep, value = item.partition("=")
        if not key or not sep:
            raise InvalidArgument(f"--env-merge {item!r}: expected NAME=VALUE")
        merged[key] = substitute(value, dict(merged), filename="--env-merge")
    return tuple(f"{k}={v}" for k, v in merged.items())
