"""Entries podman adds to the image's /etc/passwd and /etc/group at start.

``--user UID[:GID]`` with a uid the image does not list gets a line (unless
``--passwd=false``): ``UID:*:UID:GID:container user:HOME:/bin/sh``, or the
``--passwd-entry`` template with ``$USERNAME $UID $GID $NAME $HOME``; a numeric
group the image lacks gets ``GID:x:GID:USER`` or the ``--group-entry`` template
with ``$GROUPNAME $GID $USERLIST``. ``--hostuser`` copies the host's entries
(made at create). HOME is the working directory unless the user's own home is
a mount of the container (podman's rule). Lines whose name or id the file
already has are left out: podman never overwrites the image's entries.
"""

from __future__ import annotations

import contextlib
import os

from hutch.runtime.spec import Spec


def entries(
    spec: Spec, passwd: list[list[str]], group: list[list[str]]
) -> tuple[list[str], list[str]]:
    """(passwd lines, group lines) to add, given the image's parsed files."""
    rules = spec.passwd
    home = spec.process.cwd or "/"
    mounted = {m.destination.rstrip("/") for m in spec.mounts}
    users: list[str] = []
    groups: list[str] = []
    for line in rules.host_users:
        name, _, uid, gid, gecos, own_home = line.split(":")[:6]
        where = own_home if own_home.rstrip("/") in mounted else home
        users.append(_passwd_line(rules.entry, name, uid, gid, gecos, where))
    user, _, group_part = spec.process.user.spec.partition(":")
    if rules.add and user.isdigit() and not any(e[2:3] == [user] for e in passwd):
        gid = group_part if group_part.isdigit() else "0"
        users.append(_passwd_line(rules.entry, user, user, gid, "container user", home))
        if group_part.isdigit() and not any(e[2:3] == [group_part] for e in group):
            groups.append(_group_line(rules.group_entry, group_part, group_part, user))
    names = {e[0] for e in passwd}
    uids = {e[2] for e in passwd if len(e) > 2}
    users = [
        u
        for u in users
        if u.split(":")[0] not in names and u.split(":")[2:3] != [] and u.split(":")[2] not in uids
    ]
    return users, groups


def _passwd_line(template: str, name: str, uid: str, gid: str, gecos: str, home: str) -> str:
    if not template:
        return f"{name}:*:{uid}:{gid}:{gecos}:{home}:/bin/sh"
    for key, value in (("$USERNAME", name), ("$UID", uid), ("$GID", gid), ("$NAME", gecos)):
        template = template.replace(key, value)
    return template.replace("$HOME", home)


def _group_line(template: str, name: str, gid: str, users: str) -> str:
    if not template:
        return f"{name}:x:{gid}:{users}"
    return template.replace("$GROUPNAME", name).replace("$GID", gid).replace("$USERLIST", users)


def add_entries(root: str, spec: Spec, passwd: list[list[str]], group: list[list[str]]) -> None:
    """Append the lines ``entries`` gives to the rootfs's files (never through a link)."""
    users, groups = entries(spec, passwd, group)
    for name, lines in (("passwd", users), ("group", groups)):
        if not lines:
            continue
        path = os.path.join(root, "etc", name)
        if os.path.islink(path):
            continue
        text = ""
        with contextlib.suppress(FileNotFoundError), open(path) as f:
            text = f.read()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as f:
            f.write(("" if not text or text.endswith("\n") else "\n") + "\n".join(lines) + "\n")
