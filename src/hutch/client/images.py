"""``client.images``: the local store, registries and builds."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence

from hutch.api.build import BuildOptions, BuildReport
from hutch.api.common import PruneReport
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.image_filters import apply_filters
from hutch.api.images import (
    HistoryLine,
    ImageInspect,
    ImagePruneOptions,
    Images,
    ImageSummary,
    ImportOptions,
    ImportReport,
    ProgressCallback,
    PullOptions,
    PullReport,
    PushOptions,
    PushReport,
    RegistryAccess,
    RemoveImageOptions,
    RemoveReport,
    SaveOptions,
    SearchOptions,
    SearchResult,
)
from hutch.client.reports import checked_removals
from hutch.util.durations import parse_time


class ImageClient:
    """Images: list, pull, push, build, tag, remove, save and load."""

    def __init__(self, engine: Images) -> None:
        self._engine = engine

    def list(self, all: bool = False, filters: Sequence[str] = ()) -> builtins.list[ImageSummary]:
        """``hutch images`` (``all``: untagged build steps too; ``filters`` as ``--filter``:
        reference, label, label!, dangling, before, since, until, containers, readonly,
        manifest, id)."""
        images = self._engine.ls()
        if not all:
            images = [i for i in images if not i.intermediate]
        return apply_filters(images, filters, parse_time=parse_time)

    def inspect(self, name: str) -> ImageInspect:
        found = self._engine.inspect([name])
        if not found:
            raise NoSuchObject(f"{name}: image not known")
        return found[0]

    def exists(self, name: str) -> bool:
        return self._engine.exists(name)

    def history(self, name: str) -> builtins.list[HistoryLine]:
        return self._engine.history(name)

    def pull(
        self,
        reference: str,
        *,
        platform: str | None = None,
        creds: str | None = None,
        tls_verify: bool | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> PullReport:
        """Pull ``reference`` (``creds``: ``USER:PASSWORD``; ``tls_verify=False`` for a
        registry without TLS); the ids and names pulled. ``on_progress`` is called
        with each step of each layer's transfer (a ``TransferEvent``), from the
        transfer's threads."""
        access = RegistryAccess(tls_verify=tls_verify, creds=creds)
        options = PullOptions(
            reference, platform=platform, quiet=True, access=access, on_progress=on_progress
        )
        return self._engine.pull(options)

    def search(
        self,
        term: str,
        limit: int = 25,
        *,
        creds: str | None = None,
        tls_verify: bool | None = None,
    ) -> builtins.list[SearchResult]:
        """Repositories whose name holds ``term`` (``REGISTRY/TERM`` searches that registry,
        else the search registries), from each registry's catalog."""
        access = RegistryAccess(tls_verify=tls_verify, creds=creds)
        return self._engine.search(SearchOptions(term, limit=limit, access=access))

    def push(
        self,
        source: str,
        destination: str | None = None,
        *,
        creds: str | None = None,
        tls_verify: bool | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> PushReport:
        """Push ``source`` (to ``destination``); ``on_progress`` as ``pull``'s."""
        access = RegistryAccess(tls_verify=tls_verify, creds=creds)
        options = PushOptions(
            source, destination, quiet=True, access=access, on_progress=on_progress
        )
        return self._engine.push(options)

    def tag(self, source: str, *targets: str) -> None:
        self._engine.tag(source, targets)

    def untag(self, source: str, *targets: str) -> None:
        self._engine.untag(source, targets)

    def remove(
        self, *names: str, force: bool = False, all: bool = False, ignore: bool = False
    ) -> builtins.list[RemoveReport]:
        """``hutch rmi``: untag and delete; what each name untagged and deleted
        (``force``: with the containers that use them; ``all``: every image, as
        ``rmi -a``; ``ignore``: a missing name is no error). Every name is tried
        before the first failure is raised."""
        if all and names:
            raise InvalidArgument("names and all cannot be used together")
        options = RemoveImageOptions(force=force, all=all, ignore=ignore)
        return checked_removals(self._engine.remove(names, options))

    def prune(self, all: bool = False) -> builtins.list[PruneReport]:
        """Remove dangling images (``all``: every image no container uses)."""
        return self._engine.prune(ImagePruneOptions(all=all))

    def build(
        self,
        context: str,
        tags: Sequence[str] = (),
        *,
        containerfile: str | None = None,
        build_args: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        target: str | None = None,
        no_cache: bool = False,
        pull: str = "missing",
        logfile: str | None = None,
        add_hosts: Sequence[str] = (),
    ) -> BuildReport:
        """``hutch build CONTEXT`` (a directory or a tar archive of one); the steps are
        written to ``logfile`` when given, else to standard output; ``add_hosts``:
        ``HOST:IP`` lines of RUN's /etc/hosts."""
        options = BuildOptions(
            context=context,
            containerfile=containerfile,
            tags=tuple(tags),
            build_args=tuple(f"{k}={v}" for k, v in (build_args or {}).items()),
            labels=tuple(f"{k}={v}" for k, v in (labels or {}).items()),
            target=target,
            no_cache=no_cache,
            pull=pull,
            logfile=logfile,
            add_hosts=tuple(add_hosts),
        )
        return self._engine.build(options)

    def save(self, names: Sequence[str], output: str, format: str = "docker-archive") -> None:
        """Write the images to ``output`` (docker-archive, oci-archive, oci-dir, docker-dir)."""
        self._engine.save(SaveOptions(tuple(names), output, format=format, quiet=True))

    def load(self, path: str) -> builtins.list[str]:
        """Load every image of an archive; their names (or ids)."""
        return self._engine.load(path)

    def import_(self, path: str, reference: str | None = None) -> ImportReport:
        """Make an image of a root file system tarball (``hutch import``)."""
        return self._engine.import_(ImportOptions(path, reference=reference))
