"""Security options of ``run``/``create``: capabilities, seccomp, user mapping, limits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecurityOptions:
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool = False
    security_opt: tuple[str, ...] = ()  # seccomp=, no-new-privileges, mask=, unmask=, label=
    read_only: bool = False
    read_only_tmpfs: bool = True
    sysctl: tuple[str, ...] = ()
    ulimit: tuple[str, ...] = ()
    device: tuple[str, ...] = ()
    group_add: tuple[str, ...] = ()
    userns: str | None = None
    uidmap: tuple[str, ...] = ()
    gidmap: tuple[str, ...] = ()
    subuidname: str | None = None
    subgidname: str | None = None
