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
# With no search registry configured, short names mean Docker Hub (Docker's
# rule; podman would refuse them): the least surprising default for a CLI
# that users type docker commands into.
DEFAULT_SEARCH = ("docker.io",)


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

    @property
    def search_registries(self) -> tuple[str, ...]:
        return DEFAULT_SEARCH if self.search is None else self.search

    def alias(self, name: str) -> str | None:
        for key, value in reversed(self.aliases):
            if key == name:
                return value
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
    aliases = list(conf.aliases)
    raw_aliases = data.get("aliases") or {}
    if not isinstance(raw_aliases, dict):
        raise InvalidArgument(f"{where}: [aliases] must be a table")
    for key, value in raw_aliases.items():
        if not isinstance(value, str):
            raise InvalidArgument(f"{where}: alias {key!r} must be a string")
        aliases.append((key, value))
    return replace(conf, registries=tuple(entries.values()), aliases=tuple(aliases))


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


def load(env: Mapping[str, str] | None = None) -> RegistriesConf:
    conf = RegistriesConf()
    for path in config_files(os.environ if env is None else env):
        try:
            with open(path, "rb") as f:
                data = toml.load(f)
        except FileNotFoundError:
            continue
        except (OSError, toml.TOMLDecodeError) as exc:
            raise InvalidArgument(f"{path}: {exc}") from None
        conf = merge(conf, data, str(path))
    return conf


def resolve_short_name(text: str, conf: RegistriesConf) -> list[Reference]:
    """The remote references a name may mean, in the order to try them.

    A qualified name means itself; an alias of the name (without tag or
    digest) wins next; otherwise each search registry in turn.
    """
    if has_registry(text):
        return [parse_reference(text)]
    ref = parse_reference(text, default_registry="localhost")
    bare = ref.repository
    for key in (text.split("@", 1)[0].rsplit(":", 1)[0], bare):
        target = conf.alias(key)
        if target is not None:
            aliased = parse_reference(target)
            return [Reference(aliased.registry, aliased.repository, ref.tag, ref.digest)]
    out: list[Reference] = []
    for registry in conf.search_registries:
        candidate = parse_reference(text, default_registry=registry)
        if candidate not in out:
            out.append(candidate)
    if not out:
        raise InvalidArgument(
            f"short-name {text!r} did not resolve to an alias and no "
            "unqualified-search-registries are defined"
        )
    return out


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
