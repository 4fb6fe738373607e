"""Files -> one merged model: read, interpolate, validate, normalise, include, extends.

Each file goes through the same steps on its own (so an error names the file
and line it comes from); then the files given together are merged in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hutch.compose.dotenv import read_env_file
from hutch.compose.errors import ComposeError, KeyPath
from hutch.compose.interpolate import InterpolationError, interpolate
from hutch.compose.merge import merge, strip
from hutch.compose.normalise import Context, normalise_file
from hutch.compose.schema import validate
from hutch.compose.yamlload import Document, Override, load_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hutch.compose.modelcache import Probes

STDIN = "-"
_RESOURCES = ("services", "networks", "volumes", "secrets", "configs")


@dataclass(frozen=True)
class Loaded:
    data: dict[str, Any]
    docs: tuple[Document, ...]  # every file that contributed, for error lines


@dataclass(frozen=True)
class Loader:
    environ: Mapping[str, str]  # what ``${VAR}`` sees (shell over .env)
    shell: Mapping[str, str]  # the process environment (HOME, bare env_file keys)
    interpolation: bool = True
    read_stdin: Callable[[], str] | None = None
    schema_cache: Path | None = None  # schema.validate's markers (None: none kept)
    probes: Probes | None = None  # where the paths read and looked for are noted

    def load_files(self, paths: list[str], base_dir: str, stack: tuple[str, ...] = ()) -> Loaded:
        merged: dict[str, Any] = {}
        docs: list[Document] = []
        for path in paths:
            one = self.load_one(path, base_dir, stack)
            merged = merge(merged, one.data)
            docs += one.docs
        return Loaded(strip(merged), tuple(docs))

    def load_one(self, path: str, base_dir: str, stack: tuple[str, ...]) -> Loaded:
        if path in stack:
            chain = " -> ".join((*stack, path))
            raise ComposeError(f"circular include or extends: {chain}", file=path)
        doc = load_text(self._read(path), "<stdin>" if path == STDIN else path)
        data = self._interpolate(doc.data, doc, ()) if self.interpolation else doc.data
        validate(doc, strip(data), self.schema_cache)
        data = normalise_file(data, Context(doc, base_dir, self.shell.get("HOME")))
        docs = [doc]
        for index, entry in enumerate(data.pop("include", None) or []):
            included = self._include(entry, doc, base_dir, (*stack, path), ("include", index))
            _add_resources(data, included.data, doc, ("include", index))
            docs += included.docs
        services = data.get("services")
        if isinstance(services, dict):
            data["services"] = _Extends(self, doc, services, base_dir, (*stack, path)).all()
        return Loaded(data, tuple(docs))

    def _read(self, path: str) -> str:
        if path == STDIN:
            if self.read_stdin is None:
                raise ComposeError("no standard input to read the compose file from")
            return self.read_stdin()
        self._note(path)
        try:
            return Path(path).read_text()
        except FileNotFoundError:
            raise ComposeError(f"open {path}: no such file or directory") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ComposeError(f"cannot read {path}: {exc}") from None

    def _note(self, path: str) -> None:
        if self.probes is not None:
            self.probes.note(path)

    def _interpolate(self, value: Any, doc: Document, path: KeyPath) -> Any:
        if isinstance(value, str):
            try:
                return interpolate(value, self.environ.get)
            except InterpolationError as exc:
                raise doc.error(str(exc), path) from None
        if isinstance(value, dict):
            return {k: self._interpolate(v, doc, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._interpolate(v, doc, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, Override):
            return Override(self._interpolate(value.value, doc, path))
        return value

    def _include(
        self, entry: Any, doc: Document, base_dir: str, stack: tuple[str, ...], where: KeyPath
    ) -> Loaded:
        spec = {"path": entry} if isinstance(entry, str) else dict(entry)
        paths = spec["path"] if isinstance(spec["path"], list) else [spec["path"]]
        files = [os.path.normpath(os.path.join(base_dir, p)) for p in paths]
        project_dir = os.path.normpath(
            os.path.join(base_dir, spec.get("project_directory") or os.path.dirname(files[0]))
        )
        env_files = spec.get("env_file")
        if env_files is None:
            candidates = [os.path.join(project_dir, ".env")]
            for candidate in candidates:
                self._note(candidate)
            env_files = [f for f in candidates if os.path.isfile(f)]
        elif isinstance(env_files, str):
            env_files = [env_files]
        environ: dict[str, str] = {}
        for env_file in env_files:
            full = os.path.normpath(os.path.join(base_dir, env_file))
            self._note(full)
            environ.update(read_env_file(full, self.shell) or {})
        environ.update(self.shell)
        sub = replace(self, environ=environ)
        return sub.load_files(files, project_dir, stack)


def _add_resources(
    data: dict[str, Any], extra: dict[str, Any], doc: Document, where: KeyPath
) -> None:
    for kind in _RESOURCES:
        for name, body in (extra.get(kind) or {}).items():
            section = data.setdefault(kind, {})
            if name in section and kind == "services":
                raise doc.error(
                    f"services.{name} conflicts with the service of that name it includes", where
                )
            section.setdefault(name, body)


class _Extends:
    """Resolves ``extends`` of one file's services (same file or another)."""

    def __init__(
        self,
        loader: Loader,
        doc: Document,
        services: dict[str, Any],
        base_dir: str,
        stack: tuple[str, ...],
    ) -> None:
        self.loader = loader
        self.doc = doc
        self.services = services
        self.base_dir = base_dir
        self.stack = stack
        self.done: dict[str, Any] = {}

    def all(self) -> dict[str, Any]:
        return {name: self.resolve(name, ()) for name in self.services}

    def resolve(self, name: str, chain: tuple[str, ...]) -> Any:
        if name in self.done:
            return self.done[name]
        service = self.services[name]
        extends = service.get("extends") if isinstance(service, dict) else None
        if extends is None:
            return service
        where: KeyPath = ("services", name, "extends")
        target = extends["service"]
        if "file" in extends:
            other = self.loader.load_one(
                extends["file"], os.path.dirname(extends["file"]), self.stack
            )
            base = (other.data.get("services") or {}).get(target)
            if base is None:
                raise self.doc.error(
                    f"cannot extend service {target!r}: {extends['file']} has no such service",
                    where,
                )
        else:
            if name in chain or target == name:
                raise self.doc.error(
                    "circular extends: " + " -> ".join((*chain, name, target)), where
                )
            if target not in self.services:
                raise self.doc.error(f"cannot extend service {target!r}: no such service", where)
            base = self.resolve(target, (*chain, name))
        own = {k: v for k, v in service.items() if k != "extends"}
        resolved = merge({k: v for k, v in base.items() if k != "extends"}, own)
        self.done[name] = resolved
        return resolved
