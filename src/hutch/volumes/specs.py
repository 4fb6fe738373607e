"""Parsing the mount flags of run/create: ``-v``, ``--mount``, ``--tmpfs``, ``--volumes-from``.

Pure functions from the user's text to ``MountRequest`` values, with
podman's syntax and defaults; every refusal is one ``InvalidArgument`` line
naming the flag and the cause. Nothing here looks at the file system.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field, replace

from hutch.api.errors import InvalidArgument

VOLUME_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*\Z")
PROPAGATIONS = (
    "private",
    "rprivate",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "unbindable",
    "runbindable",
)
_FLAG_PAIRS = {"exec": "noexec", "suid": "nosuid", "dev": "nodev"}
_TMPFS_SIZE = re.compile(r"[0-9]+[kKmMgG%]?\Z")
_OCTAL = re.compile(r"[0-7]{1,4}\Z")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


@dataclass(frozen=True)
class MountRequest:
    """One mount the user asked for, before volumes are looked up or created.

    ``kind`` is bind, volume, tmpfs, devpts or image. ``source`` is the host path
    of a bind mount, the name of a volume ("" for an anonymous volume) or of an
    image.
    ``options`` are mount options as the runtime takes them (``nosuid``,
    ``noexec``, ``bind``/``rbind``, a propagation, ``size=``, ``mode=``...), and
    the words that are no mount option but podman keeps in them for ``inspect``
    (``U``, ``copy``, ``nocopy``: ``runtime_options`` leaves them out).
    """

    kind: str
    destination: str
    source: str = ""
    readonly: bool = False
    options: tuple[str, ...] = ()
    chown: bool = False  # U: chown the source to the container's user
    # fill a new volume from the image (nocopy turns it off); a tmpfs: start it with
    # the image's content there (podman's default tmpcopyup; notmpcopyup turns it off)
    copy_up: bool = True
    volume_options: tuple[str, ...] = ()  # volume-opt: for a volume created here
    # type=image and type=volume: the part of the image or volume mounted, relative to
    # its root ("" for all of it)
    subpath: str = ""
    # the option words as given, in -v's spelling (--mount's keys turned into them),
    # z and Z too: inspect's .HostConfig.Binds shows them first, as podman does
    given: tuple[str, ...] = ()


def valid_volume_name(name: str) -> bool:
    return bool(VOLUME_NAME.match(name))


def check_volume_name(name: str) -> None:
    if not valid_volume_name(name):
        raise InvalidArgument(
            f"invalid volume name {name!r}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
        )


def container_path(path: str) -> str:
    if not path.startswith("/"):  # podman's words (-v, --mount, --tmpfs alike)
        raise InvalidArgument(f'invalid container path "{path}", must be an absolute path')
    return posixpath.normpath(path).replace("//", "/")


def is_host_path(source: str) -> bool:
    """podman's rule: a source starting with / or . is a host path, else a volume name."""
    return source.startswith(("/", "."))


# -- -v / --volume ----------------------------------------------------------------


def parse_volume(text: str) -> MountRequest:
    """``[SOURCE:]DEST[:OPTIONS]``; SOURCE is a host path or a volume name."""
    flag = f"-v {text}"
    parts = text.split(":")
    if len(parts) > 3:  # podman's words
        raise InvalidArgument(
            f"{text}: incorrect volume format, should be [host-dir:]ctr-dir[:option]"
        )
    if len(parts) > 1 and not parts[0]:
        raise InvalidArgument("host directory cannot be empty")  # podman's words
    if not text:
        raise InvalidArgument("container directory cannot be empty")
    if not all(parts[:2]) or text.endswith(":"):
        raise InvalidArgument(
            f"{flag}: incorrect volume format, should be [host-dir:]ctr-dir[:option]"
        )
    if len(parts) == 1:
        return _request("volume", container_path(parts[0]), "", _Words(flags={}))
    source, dest = parts[0], container_path(parts[1])
    words = _volume_words(parts[2].split(",")) if len(parts) == 3 else []
    parsed = _parse_words(flag, words)
    kind = "bind" if is_host_path(source) else "volume"
    if kind == "volume":
        check_volume_name(source)
    return replace(_request(kind, dest, source, parsed), given=tuple(words))


# -v's words that go together, and the one podman lets a -v give (its words, from
# containers/common's ValidateVolumeOpts)
_ONE_OF = (
    (("noexec", "exec"), "'noexec' or 'exec'"),
    (("nodev", "dev"), "'nodev' or 'dev'"),
    (("nosuid", "suid"), "'nosuid' or 'suid'"),
    (("rw", "ro"), "'rw' or 'ro'"),
    (("z", "Z", "O"), "'z', 'Z', or 'O'"),
    (("U",), "'U'"),
    (PROPAGATIONS, "'[r]shared', '[r]private', '[r]slave' or '[r]unbindable'"),
    (("bind", "rbind"), "'[r]bind'"),
    (("copy", "nocopy"), "'copy' or 'nocopy'"),
)


def _volume_words(words: list[str]) -> list[str]:
    """A -v's words, each group at most once (podman's words for a second), without
    Docker's macOS words ``cached`` and ``delegated`` (podman drops them too)."""
    counts = [0] * len(_ONE_OF)
    for word in words:
        for i, (group, named) in enumerate(_ONE_OF):
            if word in group:
                counts[i] += 1
                if counts[i] > 1:
                    shown = ", ".join(words)
                    raise InvalidArgument(
                        f'invalid options "{shown}", can only specify 1 {named} option'
                    )
    return [w for w in words if w not in ("cached", "delegated")]


@dataclass
class _Words:
    readonly: bool | None = None
    chown: bool = False
    copy_up: bool = True
    recursive: bool | None = None
    propagation: str = ""
    flags: dict[str, bool] | None = None  # noexec/nosuid/nodev -> on?
    # the flag and bind/rbind words in the order given (the mount's options keep it)
    order: list[str] = field(default_factory=list)


# the words of -v and --mount that podman keeps in a mount's options (inspect shows
# them) but that are no mount option: U chowns, copy/nocopy say whether the volume's
# first start copies the image's files into it (engine/volume_firstmount.py)
RECORD_ONLY = ("U", "copy", "nocopy")


def runtime_options(options: tuple[str, ...]) -> tuple[str, ...]:
    """A mount's options without the words that only ``inspect`` shows."""
    return tuple(o for o in options if o not in RECORD_ONLY)


def _parse_words(flag: str, words: list[str]) -> _Words:
    out = _Words(flags={})
    assert out.flags is not None
    seen: set[str] = set()
    for word in words:
        if word in seen and word not in ("z", "Z"):
            raise InvalidArgument(f"{flag}: option {word!r} is given more than once")
        seen.add(word)
        if word in ("ro", "rw"):
            if out.readonly is not None:
                raise InvalidArgument(f"{flag}: ro and rw are mutually exclusive")
            out.readonly = word == "ro"
        elif word in ("z", "Z"):
            continue  # SELinux relabelling: there is no SELinux here
        elif word == "U":
            out.chown = True
            out.order.append(word)
        elif word in ("nocopy", "copy"):
            out.copy_up = word == "copy"
            out.order.append(word)
        elif word in ("bind", "rbind"):
            if out.recursive is not None:
                raise InvalidArgument(f"{flag}: bind and rbind are mutually exclusive")
            out.recursive = word == "rbind"
            out.order.append(word)
        elif word in PROPAGATIONS:
            if out.propagation:
                raise InvalidArgument(f"{flag}: only one propagation mode may be given")
            out.propagation = word
        elif word in _FLAG_PAIRS or word in _FLAG_PAIRS.values():
            negative = word if word.startswith("no") else _FLAG_PAIRS[word]
            if negative in out.flags:
                raise InvalidArgument(f"{flag}: {word} conflicts with an earlier option")
            out.flags[negative] = word.startswith("no")
            out.order.append(word)
        else:
            raise InvalidArgument(f'invalid option type "{word}"')  # podman's words
    return out


def _request(kind: str, dest: str, source: str, w: _Words) -> MountRequest:
    assert w.flags is not None
    # Volumes are the user's storage: nosuid and nodev unless asked otherwise,
    # as in podman; bind mounts keep the host's flags. In podman's order (what
    # inspect shows): the words given, then the defaults not overridden, rbind last;
    # exec, suid and dev (clearing a flag) are no mount option to keep.
    kept = ("bind", "rbind", *RECORD_ONLY)
    given = [word for word in w.order if word in kept or w.flags.get(word)]
    defaults = [name for name in ("nosuid", "nodev") if kind == "volume" and name not in w.flags]
    options = [*given, *defaults, *(["rbind"] if w.recursive is None else [])]
    if w.propagation:
        options.append(w.propagation)
    return MountRequest(
        kind,
        dest,
        source,
        readonly=bool(w.readonly),
        options=tuple(options),
        chown=w.chown,
        copy_up=w.copy_up,
    )


# -- --mount -------------------------------------------------------------------------


def parse_mount(text: str) -> MountRequest:
    """``type=bind|volume|tmpfs|devpts|image,src=...,dst=...,...`` (Docker's comma syntax)."""
    import csv  # (1 ms) only for a --mount

    flag = f"--mount {text}"
    try:
        fields = next(csv.reader([text]))
    except (csv.Error, StopIteration) as exc:
        raise InvalidArgument(f"{flag}: cannot parse: {exc}") from exc
    kind, pairs = _mount_type(fields)
    if kind == "image":
        return _image_mount(flag, pairs)
    if kind not in ("bind", "volume", "tmpfs", "devpts"):
        raise InvalidArgument(f'invalid filesystem type "{kind}"')  # podman's words
    if kind == "tmpfs" and any(key in ("src", "source") for key, _ in pairs):
        raise InvalidArgument("source is not supported with tmpfs mounts")  # podman 4.3.1's
    source, dest = "", ""
    copy_up = True  # a tmpfs's tmpcopyup (podman's default)
    words: list[str] = []
    data: list[str] = []
    volume_opts: list[str] = []
    subpath = ""
    for key, value in pairs:
        if key in ("src", "source") and kind != "devpts":
            if value == "":
                raise InvalidArgument(f"host directory cannot be empty: {_NO_ARGUMENT}")
            source = _value(key, value)
        elif key in ("dst", "destination", "target"):
            dest = _value(key, value)
        elif key in ("ro", "readonly"):
            words.append("ro" if _bool(flag, key, value) else "rw")
        elif key == "rw":
            words.append("rw" if _bool(flag, key, value) else "ro")
        elif key in ("U", "chown"):
            if _bool(flag, key, value):
                words.append("U")
        elif key in ("tmpcopyup", "notmpcopyup") and kind == "tmpfs" and value is None:
            copy_up = key == "tmpcopyup"
        elif key in ("z", "Z") and value is None and kind in ("bind", "volume"):
            words.append(key)  # no SELinux here: only inspect shows it
        elif key == "relabel" and value in ("shared", "private") and kind in ("bind", "volume"):
            words.append("z" if value == "shared" else "Z")
        elif key == "relabel" and kind in ("bind", "volume"):
            raise InvalidArgument(
                f"relabel mount option must be 'private' or 'shared': {BAD_MOUNT_OPTION}"
            )
        elif key in ("z", "Z", "relabel", "consistency", "tmpcopyup", "notmpcopyup"):
            continue  # accepted: no SELinux here
        elif key == "bind-propagation" and kind == "bind":
            words.append(_value(key, value))
        elif key == "bind-nonrecursive" and kind == "bind":
            if _bool(flag, key, value):
                words.append("bind")
        elif key in ("exec", "noexec", "suid", "nosuid", "dev", "nodev") and value is None:
            words.append(key)
        elif key == "volume-opt" and kind == "volume":
            volume_opts.append(_value(key, value))
        elif key == "subpath" and kind == "volume":
            subpath = parse_subpath(flag, _value(key, value), "volume")
        elif key in ("volume-nocopy", "nocopy") and kind == "volume":
            if _bool(flag, key, value):
                words.append("nocopy")
        elif key == "tmpfs-size" and kind == "tmpfs":
            data.append(f"size={parse_size(flag, _value(key, value))}")
        elif key == "tmpfs-mode" and kind == "tmpfs":
            data.append(f"mode={_octal(flag, _value(key, value))}")
        elif kind == "devpts" and key in ("uid", "gid", "mode", "max", "ptmxmode"):
            number = _value(key, value)
            valid = _OCTAL.match(number) if "mode" in key else number.isdigit()
            if not valid:
                raise InvalidArgument(f"{flag}: invalid {key} {number!r}")
            data.append(f"{key}={number}")
        else:
            raise InvalidArgument(f"{key}: {BAD_MOUNT_OPTION}")
    if not dest:
        raise InvalidArgument("must set volume destination")  # podman's words
    dest = container_path(dest)
    if kind in ("tmpfs", "devpts"):
        special = _special_mount(flag, kind, dest, words, data)
        return replace(special, copy_up=copy_up and kind == "tmpfs")
    if kind == "bind" and not source:
        raise InvalidArgument(f"{flag}: a bind mount needs a source (src=)")
    if kind == "bind" and not source.startswith("/"):
        raise InvalidArgument(f"{flag}: the source of a bind mount must be an absolute path")
    if kind == "volume" and source:
        check_volume_name(source)
    request = _request(kind, dest, source, _parse_words(flag, words))
    return replace(request, volume_options=tuple(volume_opts), subpath=subpath, given=tuple(words))


def tmpfs_mount_words(text: str) -> tuple[str, list[str]] | None:
    """A ``--mount type=tmpfs``'s destination and words in ``--tmpfs``'s spelling, as
    podman keeps them (``tmpfs-size=1m``: ``size=1m``, as given); None: another type."""
    import csv

    kind, pairs = _mount_type(next(csv.reader([text])))
    if kind != "tmpfs":
        return None
    dest, words = "", []
    for key, value in pairs:
        if key in ("dst", "destination", "target"):
            dest = value or ""
        elif key in ("tmpfs-size", "tmpfs-mode"):
            words.append(f"{key[6:]}={value}")
        elif key in ("ro", "readonly", "rw"):
            writable = (key == "rw") == _bool(f"--mount {text}", key, value)
            words.append("rw" if writable else "ro")
        elif value is None and key not in ("z", "Z", "relabel", "consistency"):
            words.append(key)  # exec, noexec, suid, ..., tmpcopyup, notmpcopyup
    return dest, words


# podman's words: an unknown key (its ErrBadMntOption), a key without its value
BAD_MOUNT_OPTION = "invalid mount option"
_NO_ARGUMENT = "must provide an argument for option"


def _mount_type(fields: list[str]) -> tuple[str, list[tuple[str, str | None]]]:
    """The type and the other keys, as podman finds them: the first ``type=X`` field is
    the type (a second is an unknown key); no type at all is refused, as podman does
    (Docker would default to volume)."""
    kind: str | None = None
    pairs: list[tuple[str, str | None]] = []
    for item in fields:
        key, sep, value = item.partition("=")
        key = key.strip()
        if kind is None and key == "type" and "=" not in value:
            kind = value
            continue
        pairs.append((key, value if sep else None))
    if kind is None:
        raise InvalidArgument(
            "incorrect mount format: should be --mount type=<bind|tmpfs|volume>,"
            "[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]"
        )
    return kind, pairs


def _image_mount(flag: str, pairs: list[tuple[str, str | None]]) -> MountRequest:
    """``type=image,src=IMAGE,dst=DIR[,rw=true]``: the image's root filesystem,
    read-only unless ``rw`` (podman's options and words)."""
    given: dict[str, tuple[str, str | None]] = {}
    for key, value in pairs:
        if key not in _IMAGE_MOUNT_KEYS:
            raise InvalidArgument(f"{key}: {BAD_MOUNT_OPTION}")
        given[_IMAGE_MOUNT_KEYS[key]] = (key, value)
    if "source" not in given or "destination" not in given:
        raise InvalidArgument(f"{flag}: must set source and destination for image volume")
    source, dest = (_value(*given[k]) for k in ("source", "destination"))
    writable = "rw" in given and _bool(flag, *given["rw"])
    subpath = parse_subpath(flag, _value(*given["subpath"]), "image") if "subpath" in given else ""
    return MountRequest(
        "image", container_path(dest), source, readonly=not writable, subpath=subpath
    )


def parse_subpath(flag: str, text: str, within: str) -> str:
    """``subpath=`` of an image or a volume (``within``): a path inside it, relative to
    its root (a leading / is its root too), normalised; one that climbs out of it is
    refused here. Symbolic links are resolved inside it when it is mounted, where a
    missing path is refused (runtime/mounts.py)."""
    if "\0" in text:
        raise InvalidArgument(f"{flag}: invalid subpath {text!r}")
    relative = posixpath.normpath(text.lstrip("/"))
    if relative == ".." or relative.startswith("../"):
        raise InvalidArgument(f"{flag}: subpath {text!r} is outside of the {within}")
    return "" if relative == "." else relative


# the keys of --mount type=image, and what each stands for
_IMAGE_MOUNT_KEYS = {
    "src": "source",
    "source": "source",
    "dst": "destination",
    "destination": "destination",
    "target": "destination",
    "rw": "rw",
    "readwrite": "rw",
    "subpath": "subpath",
}


def _special_mount(
    flag: str, kind: str, dest: str, words: list[str], data: list[str]
) -> MountRequest:
    w = _parse_words(flag, words)
    assert w.flags is not None
    if w.chown or w.propagation or w.recursive is not None or not w.copy_up:
        raise InvalidArgument(f"{flag}: option not valid for a {kind} mount")
    if kind == "tmpfs":
        on = {"nosuid", "nodev"}
    else:
        on = {"nosuid", "noexec"}
        data = ["newinstance", "ptmxmode=0666", *data]
    for name, value in w.flags.items():
        if value:
            on.add(name)
        else:
            on.discard(name)
    return MountRequest(kind, dest, readonly=bool(w.readonly), options=(*sorted(on), *data))


def _value(key: str, value: str | None) -> str:
    if not value:
        raise InvalidArgument(f"{key}: {_NO_ARGUMENT}")  # podman's words
    return value


def _bool(flag: str, key: str, value: str | None) -> bool:
    if value is None or value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise InvalidArgument(f"{flag}: invalid value {value!r} for {key}: use true or false")


def _octal(flag: str, text: str) -> str:
    if not _OCTAL.match(text):
        raise InvalidArgument(f"{flag}: invalid mode {text!r}: give an octal number")
    return text


def parse_size(flag: str, text: str) -> int:
    """A size in bytes, or with a k/m/g/t suffix (powers of 1024), as podman's tmpfs-size."""
    m = re.fullmatch(r"([0-9]+)\s*([bkmgt]?)b?", text.strip().lower())
    if not m:
        raise InvalidArgument(f"{flag}: invalid size {text!r}")
    return int(m.group(1)) * _UNITS[m.group(2)]


# -- --tmpfs ---------------------------------------------------------------------------


def parse_tmpfs(text: str) -> MountRequest:
    """``DEST[:OPTIONS]``; defaults rw, noexec, nosuid, nodev (podman's)."""
    flag = f"--tmpfs {text}"
    dest, _, opts = text.partition(":")
    dest = container_path(dest)
    flags = {"noexec": True, "nosuid": True, "nodev": True}
    data: list[str] = []
    readonly, copy_up = False, True
    propagation: list[str] = []
    for word in [w for w in opts.split(",") if w] if opts else []:
        key, sep, value = word.partition("=")
        if word in ("ro", "rw"):
            readonly = word == "ro"
        elif word in PROPAGATIONS:  # podman takes one (the tmpfs's own propagation)
            if propagation:
                raise InvalidArgument(f"{flag}: only one propagation mode may be given")
            propagation.append(word)
        elif word in _FLAG_PAIRS or word in _FLAG_PAIRS.values():
            negative = word if word.startswith("no") else _FLAG_PAIRS[word]
            flags[negative] = word.startswith("no")
        elif word in ("tmpcopyup", "notmpcopyup"):
            copy_up = word == "tmpcopyup"
        elif word in ("z", "Z"):
            continue
        elif sep and _valid_tmpfs_value(key, value):
            data.append(word)
        elif sep and key in _TMPFS_KEYS:  # podman leaves it to the mount (exit 126)
            raise InvalidArgument(f"{flag}: invalid tmpfs option {word!r}")
        else:
            # podman's words (its mount option check, ErrBadMntOption)
            raise InvalidArgument(f'unknown mount option "{word}": {BAD_MOUNT_OPTION}')
    on = sorted(name for name, value in flags.items() if value)
    options = (*on, *data, *propagation)
    return MountRequest("tmpfs", dest, readonly=readonly, options=options, copy_up=copy_up)


def _valid_tmpfs_value(key: str, value: str) -> bool:
    if key == "size":
        return bool(_TMPFS_SIZE.match(value))
    if key == "mode":
        return bool(_OCTAL.match(value))
    return key in _TMPFS_KEYS and value.isdigit()


_TMPFS_KEYS = ("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks")


# -- --volumes-from ----------------------------------------------------------------------


def parse_volumes_from(text: str) -> tuple[str, bool | None]:
    """``CONTAINER[:ro|rw]``: the container and the forced mode (None: keep each mount's)."""
    name, _, opts = text.partition(":")
    if not name:
        raise InvalidArgument(f"--volumes-from {text}: a container name is required")
    readonly: bool | None = None
    for word in opts.split(",") if opts else []:
        if word in ("ro", "rw"):
            if readonly is not None:
                raise InvalidArgument(f"--volumes-from {text}: ro and rw are mutually exclusive")
            readonly = word == "ro"
        elif word not in ("z", "Z"):
            raise InvalidArgument(f"--volumes-from {text}: invalid option {word!r}")
    return name, readonly


# -- volume create --opt -----------------------------------------------------------------


def parse_volume_create_options(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``--opt type=tmpfs``, ``--opt o=size=10m``, ``--opt device=/path``, ``--opt copy``
    and ``--opt nocopy`` (local driver), as podman stores them: a plain volume's
    ``o=uid=N,gid=N`` (its directory's owner in the container's ids) adds ``UID``
    and ``GID`` keys, as podman's inspect shows them."""
    out: dict[str, str] = {}
    for item in items:
        if item in ("copy", "nocopy"):
            # the image's files copied into the new volume at its first mount (podman's
            # default), or not; the later word wins
            out.pop("nocopy" if item == "copy" else "copy", None)
            out[item] = ""
            continue
        key, sep, value = item.partition("=")
        if not sep or key not in _LOCAL_KEYS:
            # podman's words (the local driver takes these keys, copy and nocopy)
            raise InvalidArgument(
                f"invalid mount option {key} for driver 'local': invalid argument"
            )
        out[key] = value
    kind = out.get("type", "")
    mount_opts = [o for o in out.get("o", "").split(",") if o]
    if kind == "tmpfs":
        if "device" in out and out["device"] not in ("tmpfs", ""):
            raise InvalidArgument("a tmpfs volume takes no device")
    elif kind in ("", "none", "bind") and "device" in out:
        binds = "bind" in mount_opts or "rbind" in mount_opts or kind == "bind"
        if binds and not out["device"].startswith("/"):
            raise InvalidArgument(f"invalid device {out['device']!r}: must be an absolute path")
        # without a bind, podman makes it and mount(8) fails at start (mount_refusal)
    elif kind not in ("", "none"):
        pass  # ext4, nfs...: as podman, made here and refused at start (mount_refusal)
    elif mount_opts:
        # noquota (any case) leaves o= for podman's NOQUOTA key, which makes the volume
        # a plain directory whatever else o= holds (its needsMount)
        kept = [o for o in mount_opts if o.partition("=")[0].lower() != "noquota"]
        if len(kept) < len(mount_opts):
            out["NOQUOTA"] = "true"
            out.pop("o")
            if kept:
                out["o"] = ",".join(kept)
        out.update(_plain_volume_owner(kept))
    return tuple(sorted(out.items()))


# the keys podman's local driver takes: uid=, gid=, size=, inodes= and noquota= on their
# own (not inside o=) are kept in .Options as given and change nothing, as podman's
_LOCAL_KEYS = ("type", "o", "device", "uid", "gid", "size", "inodes", "noquota")


def _plain_volume_owner(mount_opts: list[str]) -> dict[str, str]:
    """A plain volume's ``o=``: podman takes uid= and gid= (the owner of its directory)
    and, on a file system with project quotas only, size= and inodes=. Beside uid= or
    gid= other words are kept in ``o`` and not applied: podman does not mount such a
    volume (its needsMount), it stays a plain directory."""
    owner: dict[str, str] = {}
    for opt in mount_opts:
        key, _, value = opt.partition("=")
        if key in ("uid", "gid"):
            try:
                number = int(value)
            except ValueError:
                raise InvalidArgument(
                    f"cannot convert {key.upper()} {value} to integer: invalid syntax"
                ) from None
            if number < 0:
                raise InvalidArgument(f"invalid {key} {value}: must not be negative")
            owner[key.upper()] = str(number)
        elif key in ("size", "inodes"):
            raise InvalidArgument(
                "volume options size and inodes not supported. Filesystem does not support "
                "Project Quota"
            )
    # other words are taken as podman takes them at create; without uid= or gid= they
    # make podman mount the volume at start, which fails rootless (mount_refusal)
    return owner


# mount(8)'s words that are mount flags; any other word goes to the file system as its
# data, which a mount without a type refuses otherwise
_MOUNT_FLAGS = frozenset(
    ("defaults", "ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev", "sync",
     "async", "dirsync", "mand", "nomand", "atime", "noatime", "diratime", "nodiratime",
     "relatime", "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime",
     "symfollow", "nosymfollow", "auto", "noauto", "nofail", "silent", "loud")
)  # fmt: skip


def mount_refusal(options: tuple[tuple[str, str], ...], path: str) -> str | None:
    """What a plain local volume with mount words in ``o=`` (and no uid=/gid= beside
    them) fails with at start: podman mounts it with mount(8), no type, no device,
    which fails rootless; mount(8)'s words, with the volume's path. Also a bind of a
    device that is gone (``type=none,o=bind,device=PATH``: podman makes it, mount(8)
    fails at start). None: a volume that is not mounted so."""
    given = dict(options)
    device = given.get("device", "")
    kind = given.get("type", "none") or "none"
    binds = {"bind", "rbind"} & set(given.get("o", "").split(","))
    if device and binds and kind == "none" and not os.path.exists(device):
        return f"mount: {path}: special device {device} does not exist.\n{_DMESG}"
    if (device and not binds and kind == "none") or kind not in ("none", "tmpfs", "bind"):
        # a device without a bind, or a file system type (ext4, nfs): mount(8) run by
        # an unprivileged user refuses any mount fstab does not list, before it looks
        # at the device (podman 4.3.1's words for each)
        return f"mount: {path}: permission denied.\n{_DMESG}"
    if "type" in given or "device" in given or "UID" in given or "GID" in given:
        return None
    words = [w for w in given.get("o", "").split(",") if w]
    if not words or "noquota" in words:  # podman's NOQUOTA: a plain directory again
        return None
    reason = (
        "permission denied"
        if all(w in _MOUNT_FLAGS for w in words)
        else "wrong fs type, bad option, bad superblock on , missing codepage or helper "
        "program, or other error"
    )
    return f"mount: {path}: {reason}.\n{_DMESG}"


# mount(8)'s second line after a failed mount
_DMESG = "       dmesg(1) may have more information after failed mount system call.\n"


def volume_owner(
    options: tuple[tuple[str, str], ...], given: tuple[int | None, int | None] = (None, None)
) -> tuple[int, int] | None:
    """The owner a plain volume's directory gets: ``o=uid=N,gid=N`` among its options,
    and ``volume create --uid/--gid`` (``given``) over them, as podman applies the flags
    after the options; 0 for the one not given. None: neither, as made."""
    found = dict(options)
    uid, gid = given
    if "UID" not in found and "GID" not in found and uid is None and gid is None:
        return None
    return (
        int(found.get("UID", "0")) if uid is None else uid,
        int(found.get("GID", "0")) if gid is None else gid,
    )
