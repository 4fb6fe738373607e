"""Image endpoints: list, pull (``/images/create``) and import, inspect, history,
push, tag, delete, prune, save (``get``), load, search.

Shapes come from ``service/docker``; the work is the engine's
(``engine.images``), as the CLI's ``pull``, ``push``, ``save`` and ``load`` do it.
Pull and push answer Docker's JSON progress lines, one ``id`` per layer
(``docker/progress_json.py``; the status is sent first, so a failure is the
last line's ``error``); archives travel through private temporary files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from hutch.api.errors import NoSuchObject
from hutch.api.image_filters import FILTER_KEYS, apply_filters
from hutch.api.images import (
    ImageInspect,
    ImagePruneOptions,
    ImportOptions,
    PullOptions,
    PushOptions,
    RemoveImageOptions,
    SaveOptions,
    SearchOptions,
)
from hutch.service.background import (
    background,
    json_line,
    registry_access,
    registry_of,
    streamed,
)
from hutch.service.docker.filters import filter_texts
from hutch.service.docker.image_json import (
    image_delete,
    image_history,
    image_inspect,
    image_list_item,
    image_prune,
    search_result,
)
from hutch.service.docker.names import familiar, qualified, split_tag
from hutch.service.docker.progress_json import LayerProgress
from hutch.service.errors import ApiError, bad_request
from hutch.service.reply import Reply, Stream, json_reply
from hutch.service.request import Request
from hutch.service.uploads import discard, save_upload, scratch_file
from hutch.util.durations import parse_time

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.service.context import ServiceContext

TAR = "application/x-tar"
CHUNK = 1 << 20


def list_images(ctx: ServiceContext, req: Request) -> Reply:
    images = ctx.engine().images.ls()
    if not req.flag("all"):
        images = [i for i in images if not i.intermediate]
    images = apply_filters(images, filter_texts(req.filters(), FILTER_KEYS), parse_time=parse_time)
    return json_reply([image_list_item(i) for i in images])


def _reference(image: str, tag: str | None) -> str:
    if not tag:
        return image
    return f"{image}@{tag}" if tag.startswith("sha256:") else f"{image}:{tag}"


def create_image(ctx: ServiceContext, req: Request) -> Stream:
    """``fromImage`` (+ ``tag``): pull; ``fromSrc=-`` (+ ``repo``, ``tag``): import the body."""
    source = req.arg("fromSrc")
    if source is not None:
        return _import(ctx, req, source)
    image = req.arg("fromImage")
    if not image:
        raise bad_request("fromImage or fromSrc is required")
    reference = qualified(_reference(image, req.arg("tag")))  # Docker's short names
    access = registry_access(req.headers.get("x-registry-auth"), registry_of(reference))
    progress = LayerProgress(push=False)
    options = PullOptions(reference, platform=req.arg("platform") or None, quiet=True,
                          access=access, on_progress=progress,
                          cancelled=req.gone.is_set)  # fmt: skip
    repo, tag = split_tag(familiar(reference))

    def chunks() -> Iterator[bytes]:
        yield json_line({"status": f"Pulling from {repo}", "id": tag or "latest"})

        def pull(engine: Engine) -> tuple[str, str]:
            report = engine.images.pull(options)
            name = report.names[0] if report.names else reference
            return name, engine.images.inspect([name])[0].digest

        name, digest = yield from background(
            ctx,
            pull,
            lambda: json_line({"status": "Downloading", "id": tag or "latest"}),
            poll=progress.lines,
            stops_when_gone=True,  # a client that left stops the pull (PullOptions)
        )
        if digest:
            yield json_line({"status": f"Digest: {digest}"})
        yield json_line({"status": f"Status: Downloaded newer image for {familiar(name)}"})

    return Stream(streamed(chunks()))


def _import(ctx: ServiceContext, req: Request, source: str) -> Stream:
    if source != "-":
        raise bad_request("fromSrc: only - (the request body) is supported, not a URL")
    repo = req.arg("repo")
    reference = _reference(repo, req.arg("tag")) if repo else None
    path = save_upload(req, ctx.config.max_upload, "import.tar")
    options = ImportOptions(
        str(path),
        reference=reference,
        changes=tuple(req.args("changes")),
        message=req.arg("message") or None,
        cancelled=req.gone.is_set,
    )

    def chunks() -> Iterator[bytes]:
        try:
            # a client that left stops the import; the upload is removed after it stopped
            report = yield from background(
                ctx, lambda e: e.images.import_(options), stops_when_gone=True
            )
            yield json_line({"status": f"sha256:{report.id}"})
        finally:
            discard(path)

    return Stream(streamed(chunks()))


def inspect_image(ctx: ServiceContext, req: Request) -> Reply:
    return json_reply(image_inspect(_one(ctx, req.params["name"])))


def _one(ctx: ServiceContext, name: str) -> ImageInspect:
    try:
        return ctx.engine().images.inspect([name])[0]
    except NoSuchObject:
        raise ApiError(404, f"No such image: {name}") from None


def history(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["name"]
    report = _one(ctx, name)
    lines = ctx.engine().images.history(name)
    return json_reply(image_history(lines, report.repo_tags))


def push(ctx: ServiceContext, req: Request) -> Stream:
    name = req.params["name"]
    reference = _reference(name, req.arg("tag"))
    _one(ctx, reference)  # 404 before the stream starts
    access = registry_access(req.headers.get("x-registry-auth"), registry_of(reference))
    progress = LayerProgress(push=True)
    options = PushOptions(
        reference, quiet=True, access=access, on_progress=progress, cancelled=req.gone.is_set
    )
    repo, tag = split_tag(reference)

    def chunks() -> Iterator[bytes]:
        yield json_line({"status": f"The push refers to repository [{repo}]"})
        report = yield from background(
            ctx,
            lambda e: e.images.push(options),
            lambda: json_line({"status": "Pushing"}),
            poll=progress.lines,
            stops_when_gone=True,  # a client that left stops the push (PushOptions)
        )
        yield json_line({"status": f"{tag}: digest: {report.digest}"})
        yield json_line({"progressDetail": {}, "aux": {"Tag": tag, "Digest": report.digest}})

    return Stream(streamed(chunks()))


def tag(ctx: ServiceContext, req: Request) -> Reply:
    repo = req.arg("repo")
    if not repo:
        raise bad_request("repo is required")
    name = req.params["name"]
    _one(ctx, name)
    ctx.engine().images.tag(name, [_reference(repo, req.arg("tag") or "latest")])
    return Reply(201, b"", content_type="")


def delete(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["name"]
    _one(ctx, name)
    options = RemoveImageOptions(force=req.flag("force"))
    reports = ctx.engine().images.remove([name], options)
    for report in reports:
        if report.error:
            status = 409 if report.exit_code in (2, 125) else 500
            raise ApiError(status, report.error)
    return json_reply(image_delete(reports))


def prune(ctx: ServiceContext, req: Request) -> Reply:
    """``filters``: dangling (false: every unused image), and the engine's prune
    filters until, label, label! (a bad one is a 400, before anything goes)."""
    filters = req.filters()
    dangling = filters.pop("dangling", ["true"])
    everything = any(v.lower() in ("false", "0") for v in dangling)
    texts = tuple(f"{k}={v}" for k, values in filters.items() for v in values)
    options = ImagePruneOptions(all=everything, filters=texts)
    return json_reply(image_prune(ctx.engine().images.prune(options)))


def save_one(ctx: ServiceContext, req: Request) -> Stream:
    return _save(ctx, [req.params["name"]])


def save_many(ctx: ServiceContext, req: Request) -> Stream:
    names = req.args("names")
    if not names:
        raise bad_request("names is required")
    return _save(ctx, names)


def _save(ctx: ServiceContext, names: list[str]) -> Stream:
    for name in names:
        _one(ctx, name)
    path = scratch_file("save.tar")
    try:
        ctx.engine().images.save(SaveOptions(tuple(names), str(path), quiet=True))
    except BaseException:
        discard(path)
        raise

    def chunks() -> Iterator[bytes]:
        try:
            with path.open("rb") as archive:
                while data := archive.read(CHUNK):
                    yield data
        finally:
            discard(path)

    return Stream(chunks(), content_type=TAR)


def load(ctx: ServiceContext, req: Request) -> Stream:
    path = save_upload(req, ctx.config.max_upload, "load.tar")

    def chunks() -> Iterator[bytes]:
        try:
            names = yield from background(
                ctx,
                lambda e: e.images.load(str(path), cancelled=req.gone.is_set),
                stops_when_gone=True,  # as import: it stops, then the upload goes
            )
            for name in names:
                if name.startswith("sha256:"):
                    yield json_line({"stream": f"Loaded image ID: {name}\n"})
                else:
                    yield json_line({"stream": f"Loaded image: {familiar(name)}\n"})
        finally:
            discard(path)

    return Stream(streamed(chunks()))


def search(ctx: ServiceContext, req: Request) -> Reply:
    """Repositories of the registry the term names (or the search registries) whose
    name holds the term; filters: is-official, is-automated, stars."""
    term = req.arg("term")
    if not term:
        raise bad_request("term is required")
    filters = req.filters()
    unknown = set(filters) - {"is-official", "is-automated", "stars"}
    if unknown:
        raise bad_request(f"invalid filter {sorted(unknown)[0]!r}")
    access = registry_access(req.headers.get("x-registry-auth"), registry_of(term))
    options = SearchOptions(term, limit=req.int_arg("limit", 25) or 25, access=access)
    found = [search_result(r) for r in ctx.engine().images.search(options)]
    for key, field in (("is-official", "is_official"), ("is-automated", "is_automated")):
        for value in filters.get(key, []):
            found = [r for r in found if r[field] == (value.lower() in ("1", "true"))]
    for value in filters.get("stars", []):
        if not value.isdigit():
            raise bad_request(f"invalid filter stars={value!r}: a number")
        found = [r for r in found if r["star_count"] >= int(value)]
    return json_reply(found)
