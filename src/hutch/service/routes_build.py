"""``POST /build`` (the classic builder: a tar context in the body) and ``POST /commit``.

The context is written to a private temporary file and handed to the
engine's build as an archive (``hutch build CONTEXT.tar``): the engine
extracts it and refuses an entry that would land outside it (400). With
``remote=`` the engine fetches the context itself (``hutch build URL``). The
build's steps and RUN output go to a log file (``--logfile``) that the
answer follows line by line as Docker's ``{"stream": ...}`` lines, ending
with ``Successfully built ID`` and ``Successfully tagged NAME`` (podman's
``/libpod/build``: the id alone). build_query.py reads either query.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutch.api.build import BuildOptions
from hutch.api.containers import CommitOptions
from hutch.service.background import background, json_line, streamed
from hutch.service.build_query import (
    cache_sources,
    docker_options,
    libpod_options,
    secret_source,
    with_source,
)
from hutch.service.docker.context_tar import check_context, put_in, take_out
from hutch.service.docker.jsonread import Body
from hutch.service.docker.names import familiar, split_tag
from hutch.service.errors import bad_request
from hutch.service.reply import Reply, Stream, json_reply
from hutch.service.request import Request
from hutch.service.uploads import discard, save_upload

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext


def registry_config(header: str | None, directory: Path) -> str | None:
    """``X-Registry-Config`` (base64url JSON: registry to ``username``/``password``,
    or ``auth``, every login the client knows) as an auth file beside the context
    (containers-auth.json's form), for the pulls of FROM images, as ``build
    --authfile``; None when it names none (the service's own logins are used)."""
    if not header:
        return None
    try:
        padded = header + "=" * (-len(header) % 4)
        value: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise bad_request(f"invalid X-Registry-Config header: {exc}") from None
    auths: dict[str, dict[str, str]] = {}
    for registry, entry in value.items() if isinstance(value, dict) else ():
        if not isinstance(entry, dict):
            continue
        found = {}
        if entry.get("username"):
            login = f"{entry['username']}:{entry.get('password') or ''}"
            found["auth"] = base64.b64encode(login.encode()).decode()
        elif entry.get("auth"):
            found["auth"] = str(entry["auth"])  # already base64 of USER:PASSWORD
        if entry.get("identitytoken"):
            found["identitytoken"] = str(entry["identitytoken"])
        if found:
            auths[str(registry).removeprefix("https://").removeprefix("http://")] = found
    if not auths:
        return None
    path = directory / "auth.json"
    # credentials: 0600 in the upload's 0700 directory, removed with the context
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        json.dump({"auths": auths}, out)
    return str(path)


class _Follow:
    """The lines the build appended to its log since the last look."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self._partial = b""

    def lines(self, final: bool = False) -> bytes:
        data = self._partial + self._file.read()
        if final:
            complete, self._partial = data, b""
        else:
            cut = data.rfind(b"\n") + 1
            complete, self._partial = data[:cut], data[cut:]
        if not complete:
            return b""
        text = complete.decode(errors="replace")
        return b"".join(json_line({"stream": line}) for line in text.splitlines(keepends=True))

    def close(self) -> None:
        self._file.close()


def build(ctx: ServiceContext, req: Request) -> Stream:
    """Docker's ``POST /build``: the log as ``{"stream"}`` lines, the id in ``aux``,
    ``Successfully built`` and ``Successfully tagged``."""
    return _build(ctx, req, docker_options, _docker_end)


def libpod_build(ctx: ServiceContext, req: Request) -> Stream:
    """podman's ``POST /libpod/build``: the log as ``{"stream"}`` lines ending with
    the image id alone, the line podman --remote takes the id from."""
    return _build(ctx, req, libpod_options, _libpod_end)


def _files_out(options: BuildOptions, context: Path) -> BuildOptions:
    """podman --remote's secret files, taken out of the uploaded context (no COPY sees
    them) to files of their own that the build's --secret reads; and its Containerfile
    from outside the context, which the client puts in the tar under its absolute
    path, moved to that path inside the context (where podman's service unpacks it:
    the build reads no file outside an uploaded context)."""
    outside = options.containerfile if (options.containerfile or "").startswith("/") else None
    if not options.secrets and outside is None:
        return options
    sources = {secret_source(s) for s in options.secrets} | ({outside} if outside else set())
    found = take_out(context, sources, context.parent)
    secrets = tuple(with_source(s, str(found[secret_source(s)])) for s in options.secrets)
    containerfile = options.containerfile
    if outside:
        containerfile = outside.lstrip("/")
        put_in(context, found[outside], containerfile)
    return replace(options, secrets=secrets, containerfile=containerfile)


def _docker_end(options: BuildOptions, image_id: str) -> Iterator[bytes]:
    yield json_line({"aux": {"ID": f"sha256:{image_id}"}})
    if options.quiet:
        yield json_line({"stream": f"sha256:{image_id}\n"})
        return
    yield json_line({"stream": f"Successfully built {image_id[:12]}\n"})
    for tag in options.tags:
        repo, version = split_tag(familiar(tag))
        yield json_line({"stream": f"Successfully tagged {repo}:{version or 'latest'}\n"})


def _libpod_end(options: BuildOptions, image_id: str) -> Iterator[bytes]:
    yield json_line({"stream": f"{image_id}\n"})


def _build(
    ctx: ServiceContext,
    req: Request,
    read: Callable[[Request, str, str, str | None], BuildOptions],
    end: Callable[[BuildOptions, str], Iterator[bytes]],
) -> Stream:
    context = save_upload(req, ctx.config.max_upload, "context.tar")
    log = context.with_name("build.log")
    try:
        authfile = registry_config(req.headers.get("x-registry-config"), context.parent)
        options = read(req, str(context), str(log), authfile)
        if options.context == str(context):
            options = _files_out(options, context)
            check_context(context)  # an entry outside the context: 400 before anything runs
        with log.open("w") as notes:  # hutch build's warning, first in the stream
            for source in cache_sources(req):
                if source.repository is None:
                    notes.write(f"WARN: cachefrom {source.text}: ignored: {source.ignored}\n")
    except BaseException:
        discard(context)
        raise

    def chunks() -> Iterator[bytes]:
        follow = _Follow(log)
        try:
            report = yield from background(
                ctx, lambda e: e.images.build(options), poll=follow.lines, stops_when_gone=True
            )
            yield follow.lines(final=True)
            yield from end(options, report.id)
        finally:
            follow.close()
            discard(context)

    return Stream(streamed(chunks()))


# -- commit ---------------------------------------------------------------------------------


def commit_changes(body: object) -> tuple[str, ...]:
    """The container config of a commit body as ``--change`` instructions."""
    config = Body(body, "")
    changes = []
    for key, instruction in (("Cmd", "CMD"), ("Entrypoint", "ENTRYPOINT")):
        words = config.optional_texts(key)
        if words is not None:
            changes.append(f"{instruction} {json.dumps(list(words))}")
    changes += [f"ENV {item}" for item in config.texts("Env") if "=" in item]
    changes += [
        f"LABEL {json.dumps(k)}={json.dumps(v)}" for k, v in config.text_map("Labels").items()
    ]
    changes += [f"EXPOSE {port}" for port in config.keys_of("ExposedPorts")]
    changes += [f"VOLUME {json.dumps(path)}" for path in config.keys_of("Volumes")]
    for key, instruction in (
        ("WorkingDir", "WORKDIR"),
        ("User", "USER"),
        ("StopSignal", "STOPSIGNAL"),
    ):
        if config.text(key):
            changes.append(f"{instruction} {config.text(key)}")
    return tuple(changes)


def commit(ctx: ServiceContext, req: Request) -> Reply:
    container = req.arg("container")
    if not container:
        raise bad_request("container is required")
    repo = req.arg("repo")
    image = None
    if repo:
        image = f"{repo}:{req.arg('tag') or 'latest'}"
    options = CommitOptions(
        container=container,
        image=image,
        changes=tuple(req.args("changes")) + commit_changes(req.json() or None),
        message=req.arg("comment") or None,
        author=req.arg("author") or None,
        pause=req.flag("pause", True),
        format="docker",
    )
    report = ctx.engine().containers.commit(options)
    return json_reply({"Id": f"sha256:{report.id}"}, status=201)
