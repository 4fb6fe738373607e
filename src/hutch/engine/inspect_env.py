"""inspect's ``.Config.Env`` as podman shows it: the environment the container was
created with, and once it has started, what its runtime added to the process's: HOME
(where nothing set it, the user's home from the container's /etc/passwd) and HOSTNAME
(where nothing set it). podman reads the spec its runtime was given once there is one
(its ``specFromState``), the create's before."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence


def config_env(
    env: Sequence[str],
    own_env: Sequence[str],
    *,
    started: bool,
    home: Callable[[], str | None],
) -> tuple[str, ...]:
    """``env``: the process's as hutch's spec keeps it, with the runtime's HOSTNAME
    among them when ``own_env`` names it (exec sessions go without it); ``home``: the
    user's home in the container, None for a user without a passwd entry (podman's
    runtime adds no HOME then, and the process gets ``/``)."""
    runtime = "HOSTNAME" in own_env
    created = [item for item in env if not (runtime and item.startswith("HOSTNAME="))]
    if not started:
        return tuple(created)
    names = {item.partition("=")[0] for item in created}
    out = list(created)
    if "HOME" not in names:
        found = home()
        if found is not None:
            out.append(f"HOME={found}")
    if runtime:
        out += [item for item in env if item.startswith("HOSTNAME=")][-1:]
    return tuple(out)


def passwd_home(passwd: Sequence[Sequence[str]], user: str) -> str | None:
    """The home of ``user`` (``NAME|UID[:GROUP]``, "" for root) in /etc/passwd's
    entries, None without one."""
    name = user.partition(":")[0] or "0"
    for entry in passwd:
        if len(entry) >= 7 and (entry[0] == name or (name.isdigit() and entry[2] == name)):
            return entry[5] or "/"
    return None


def home_in(roots: Sequence[str], user: str, added: Collection[str]) -> str | None:
    """The home of ``user`` in the /etc/passwd of the first of ``roots`` that has one
    (a container's own copy before its image's layers), its lines in ``added`` (those
    a start appended) left out; None without an entry."""
    from hutch.runtime.users import read_db

    for root in roots:
        passwd = read_db(root, "/etc/passwd")
        if passwd:
            return passwd_home([e for e in passwd if ":".join(e) not in added], user)
    return None
