"""``registries.conf`` (containers-registries.conf(5), version 2): search
registries, per-prefix locations, mirrors, ``insecure``/``blocked``, short-name aliases.

Files: ``$CONTAINERS_REGISTRIES_CONF`` alone when set; otherwise the user's
``$XDG_CONFIG_HOME/containers/registries.conf`` if it exists, else
``/etc/containers/registries.conf``; then the drop-ins of
``/etc/containers/registries.conf.d`` and the user's ``registries.conf.d``
in name order. A later file replaces the top-level keys it sets, replaces
``[[registry]]`` entries with the same prefix and adds its aliases.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hutch.api.errors import InvalidArgument
from hutch.config import toml
from hutch.oci.reference import Reference, has_registry, parse_reference

SYSTEM_FILE = Path("/etc/containers/registries.conf")
SYSTEM_DROPINS = Path("/etc/containers/registries.conf.d")
# With no registries.conf at all (a host without podman's containers-common),
# short names mean Docker Hub (Docker's rule): the least surprising default for
# a CLI that users type docker commands into. Where the host has podman's
# files, their word holds, as for podman: no unqualified-search-registries
# there means a short name without an alias is refused.
DEFAULT_SEARCH = ("docker.io",)


class ShortNameUnresolved(InvalidArgument):
    """A short name with no alias and no search registry to try (podman's words)."""


@dataclass(frozen=True)
class Endpoint:
    location: str  # host[:port][/path]
    insecure: bool = False


@dataclass(frozen=True)
class RegistryEntry:
    prefix: str
    location: str
    insecure: bool = False
    blocked: bool = False
    mirrors: tuple[Endpoint, ...] = ()
    mirror_by_digest_only: bool = False


@dataclass(frozen=True)
class RegistriesConf:
    search: tuple[str, ...] | None = None  # None: not set by any file
    registries: tuple[RegistryEntry, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    short_name_mode: str = "permissive"
    files: tuple[str, ...] = ()  # the files read, in order ((): no registries.conf here)
    main_file: str = str(SYSTEM_FILE)  # the registries.conf podman's messages name
    alias_files: tuple[str, ...] = ()  # the file of each entry of ``aliases``

    @property
    def search_registries(self) -> tuple[str, ...]:
        if self.search is not None:
            return self.search
        return () if self.files else DEFAULT_SEARCH

    def alias(self, name: str) -> str | None:
        found = self.alias_source(name)
        return found[0] if found else None

    def alias_source(self, name: str) -> tuple[str, str] | None:
        """The target of alias ``name`` and the file that set it (the last one wins)."""
        for index in range(len(self.aliases) - 1, -1, -1):
            key, value = self.aliases[index]
            if key == name:
                where = self.alias_files[index] if index < len(self.alias_files) else ""
                return value, where
        return None

    def entry_for(self, name: str) -> RegistryEntry | None:
        """The entry whose prefix matches ``registry/repository`` longest."""
        best: RegistryEntry | None = None
        for entry in self.registries:
            if _prefix_matches(entry.prefix, name) and (
                best is None or len(entry.prefix) > len(best.prefix)
            ):
                best = entry
        return best


def _prefix_matches(prefix: str, name: str) -> bool:
    if prefix.startswith("*."):
        host = name.split("/", 1)[0]
        return host.endswith(prefix[1:])
    return name == prefix or name.startswith(prefix + "/") or name.startswith(prefix + ":")


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"{where}: expected a list of strings")
    return tuple(value)


def _bool(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InvalidArgument(f"{where}: {key} must be true or false")
    return value


def _entry(table: object, where: str) -> RegistryEntry:
    if not isinstance(table, dict):
        raise InvalidArgument(f"{where}: [[registry]] must be a table")
    location = table.get("location", "")
    prefix = table.get("prefix") or location
    if not isinstance(prefix, str) or not isinstance(location, str) or not prefix:
        raise InvalidArgument(f"{where}: [[registry]] needs a prefix or a location")
    mirrors = []
    for i, mirror in enumerate(table.get("mirror") or ()):
        if not isinstance(mirror, dict) or not isinstance(mirror.get("location"), str):
            raise InvalidArgument(f"{where}: [[registry.mirror]] {i} needs a location")
        mirrors.append(Endpoint(mirror["location"], _bool(mirror, "insecure", where)))
    return RegistryEntry(
        prefix=prefix,
        location=location or prefix,
        insecure=_bool(table, "insecure", where),
        blocked=_bool(table, "blocked", where),
        mirrors=tuple(mirrors),
        mirror_by_digest_only=_bool(table, "mirror-by-digest-only", where),
    )


def merge(conf: RegistriesConf, data: Mapping[str, Any], where: str) -> RegistriesConf:
    """``conf`` with one file's settings applied on top."""
    if "registries" in data and isinstance(data["registries"], dict):
        raise InvalidArgument(f"{where}: version 1 registries.conf is not supported")
    if "unqualified-search-registries" in data:
        search = _str_list(data["unqualified-search-registries"], where)
        conf = replace(conf, search=search)
    if "short-name-mode" in data:
        conf = replace(conf, short_name_mode=str(data["short-name-mode"]))
    entries = {e.prefix: e for e in conf.registries}
    for table in data.get("registry") or ():
        entry = _entry(table, where)
        entries[entry.prefix] = entry
    aliases, alias_files = list(conf.aliases), list(conf.alias_files)
    raw_aliases = data.get("aliases") or {}
    if not isinstance(raw_aliases, dict):
        raise InvalidArgument(f"{where}: [aliases] must be a table")
    for key, value in raw_aliases.items():
        if not isinstance(value, str):
            raise InvalidArgument(f"{where}: alias {key!r} must be a string")
        aliases.append((key, value))
        alias_files.append(where)
    return replace(
        conf,
        registries=tuple(entries.values()),
        aliases=tuple(aliases),
        alias_files=tuple(alias_files),
    )


def config_files(env: Mapping[str, str]) -> list[Path]:
    override = env.get("CONTAINERS_REGISTRIES_CONF")
    if override:
        return [Path(override)]
    home = Path(env.get("HOME") or Path.home())
    user_dir = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "containers"
    main = user_dir / "registries.conf"
    files = [main if main.exists() else SYSTEM_FILE]
    for dropins in (SYSTEM_DROPINS, user_dir / "registries.conf.d"):
        if dropins.is_dir():
            files += sorted(p for p in dropins.iterdir() if p.suffix == ".conf")
    return files


def main_file(env: Mapping[str, str]) -> Path:
    """The registries.conf podman names in its messages: the override, the user's
    file when it exists, else the system's."""
    return config_files(env)[0]


def load(env: Mapping[str, str] | None = None) -> RegistriesConf:
    env = os.environ if env is None else env
    conf = RegistriesConf(main_file=str(main_file(env)))
    for path in config_files(env):
        try:
            with open(path, "rb") as f:
                data = toml.load(f)
        except FileNotFoundError:
            continue
        except (OSError, toml.TOMLDecodeError) as exc:
            raise InvalidArgument(f"{path}: {exc}") from None
        conf = merge(conf, data, str(path))
        conf = replace(conf, files=(*conf.files, str(path)))
    return conf


def resolve_short_name(text: str, conf: RegistriesConf) -> list[Reference]:
    """The remote references a name may mean, in the order to try them.

    A qualified name means itself; an alias of the name (without tag or
    digest) wins next; otherwise each search registry in turn.
    """
    if has_registry(text):
        return [parse_reference(text)]
    found = alias_of(text, conf)
    if found is not None:
        return [found[0]]
    out: list[Reference] = []
    for registry in conf.search_registries:
        candidate = parse_reference(text, default_registry=registry)
        if candidate not in out:
            out.append(candidate)
    if not out:
        # podman's words (containers/image): scripts grep for them
        raise ShortNameUnresolved(
            f'short-name "{text}" did not resolve to an alias and no '
            f'unqualified-search registries are defined in "{conf.main_file}"'
        )
    return out


def alias_of(text: str, conf: RegistriesConf) -> tuple[Reference, str] | None:
    """The reference a short name's alias gives (with the name's own tag or digest)
    and the file the alias is in; None when the name has no alias."""
    if has_registry(text):
        return None
    ref = parse_reference(text, default_registry="localhost")
    for key in (text.split("@", 1)[0].rsplit(":", 1)[0], ref.repository):
        found = conf.alias_source(key)
        if found is not None:
            aliased = parse_reference(found[0])
            return Reference(aliased.registry, aliased.repository, ref.tag, ref.digest), found[1]
    return None


@dataclass(frozen=True)
class PullSource:
    """Where to fetch a reference from: a rewritten reference and its TLS rule."""

    reference: Reference  # registry/repository on the endpoint to contact
    insecure: bool
    mirror: bool


def pull_sources(ref: Reference, conf: RegistriesConf) -> list[PullSource]:
    """Mirrors first (as podman), then the primary location; blocked refused."""
    entry = conf.entry_for(ref.name)
    if entry is None:
        return [PullSource(ref, insecure=False, mirror=False)]
    if entry.blocked:
        raise InvalidArgument(f"registry {ref.registry} is blocked in registries.conf")
    out = []
    if not entry.mirror_by_digest_only or ref.digest is not None:
        out += [
            PullSource(_rewrite(ref, entry.prefix, m.location), m.insecure, mirror=True)
            for m in entry.mirrors
        ]
    out.append(PullSource(_rewrite(ref, entry.prefix, entry.location), entry.insecure, False))
    return out


def _rewrite(ref: Reference, prefix: str, location: str) -> Reference:
    if prefix.startswith("*."):
        return ref
    rest = ref.name[len(prefix) :]
    new = parse_reference(location + rest, default_tag=None)
    return Reference(new.registry, new.repository, ref.tag, ref.digest)


def is_insecure(registry: str, conf: RegistriesConf) -> bool:
    entry = conf.entry_for(registry)
    return entry is not None and entry.insecure


def search_registries(env: Mapping[str, str] | None = None) -> Sequence[str]:
    return load(env).search_registries
