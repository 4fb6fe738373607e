"""``POST /build`` (the classic builder: a tar context in the body) and ``POST /commit``.

The context is written to a private temporary file and handed to the
engine's build as an archive (``hutch build CONTEXT.tar``): the engine
extracts it and refuses an entry that would land outside it (400). With
``remote=`` the engine fetches the context itself (``hutch build URL``). The
build's steps and RUN output go to a log file (``--logfile``) that the
answer follows line by line as Docker's ``{"stream": ...}`` lines, ending
with ``Successfully built ID`` and ``Successfully tagged NAME``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hutch.api.build import BuildOptions, parse_output
from hutch.api.container_config import ResourceOptions
from hutch.api.containers import CommitOptions
from hutch.api.errors import InvalidArgument
from hutch.service.background import background, json_line, streamed
from hutch.service.docker.context_tar import check_context
from hutch.service.docker.jsonread import Body
from hutch.service.docker.names import familiar, split_tag
from hutch.service.errors import bad_request
from hutch.service.reply import Reply, Stream, json_reply
from hutch.service.request import Request
from hutch.service.uploads import discard, save_upload

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext

_ZERO = ("", "0", "[]", "{}", "null")


def _json_map(req: Request, name: str) -> dict[str, str]:
    """A query parameter holding a JSON object of strings (``buildargs``, ``labels``);
    null values (an argument declared but not set) are left out."""
    text = req.arg(name)
    if not text:
        return {}
    try:
        value: Any = json.loads(text)
    except ValueError as exc:
        raise bad_request(f"invalid {name}: {exc}") from None
    if not isinstance(value, dict):
        raise bad_request(f"invalid {name}: expected a JSON object")
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _extra_hosts(req: Request) -> tuple[str, ...]:
    """``extrahosts``: ``HOST:IP`` items, one per parameter (docker CLI, docker-py)
    or several in one, comma-separated."""
    return tuple(
        item.strip() for text in req.args("extrahosts") for item in text.split(",") if item.strip()
    )


def _outputs(req: Request) -> str | None:
    """``outputs``: the docker CLI's JSON list of ``{"Type", "Attrs"}`` (or one
    ``type=...,dest=...`` string) as ``build -o``; ``image`` and ``moby`` are
    the image itself. The files are written on this host, by the service."""
    text = req.arg("outputs") or ""
    if text in _ZERO:
        return None
    if not text.lstrip().startswith(("[", "{")):
        return text
    try:
        value: Any = json.loads(text)
    except ValueError as exc:
        raise bad_request(f"invalid outputs: {exc}") from None
    entries = value if isinstance(value, list) else [value]
    found: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise bad_request("invalid outputs: expected a list of objects")
        kind = str(entry.get("Type") or entry.get("type") or "")
        attrs = entry.get("Attrs") or entry.get("attrs") or {}
        if kind in ("image", "moby"):
            continue
        dest = attrs.get("dest") if isinstance(attrs, dict) else None
        if kind not in ("local", "tar") or not dest:
            raise bad_request(
                f"outputs: type {kind!r}: only local and tar with a dest on this host are supported"
            )
        found.append(f"type={kind},dest={dest}")
    if len(found) > 1:
        raise bad_request("outputs: only one export is supported")
    return found[0] if found else None


def _network(req: Request) -> str | None:
    """``networkmode``: RUN's network; default (and bridge) is hutch's own default."""
    mode = req.arg("networkmode") or "default"
    if mode in ("default", "bridge"):
        return None
    if mode not in ("host", "none"):
        raise bad_request(f"networkmode {mode!r}: a build's RUN steps use host or none")
    return mode


def _shm_size(req: Request) -> str | None:
    """``shmsize``: RUN's /dev/shm in bytes (Docker's int64; 0 or absent: the default)."""
    text = req.arg("shmsize") or ""
    if text in _ZERO:
        return None
    if not text.isdigit():
        raise bad_request(f"invalid shmsize {text!r}: a number of bytes")
    return text


def _count(req: Request, name: str, *, negative_one: bool = False) -> int | None:
    """One of Docker's int64 limits; 0 or absent: not set (``negative_one``: -1 is a
    value, memswap's unlimited swap)."""
    text = req.arg(name) or ""
    if text in _ZERO:
        return None
    if not (text.isdigit() or (negative_one and text == "-1")):
        raise bad_request(f"invalid {name} {text!r}: a whole number")
    return int(text)


def _limits(req: Request) -> ResourceOptions:
    """Docker's build limits (docker-py's ``container_limits``; docker build's
    ``--memory``, ``--cpu-shares``, ...) as ``hutch build``'s flags of the same
    names: each RUN step's cgroup, or the engine's refusal where none can be made."""
    memory, swap = _count(req, "memory"), _count(req, "memswap", negative_one=True)
    if memory is None and swap == -1:
        swap = None  # unlimited swap beside no memory limit asks for nothing
    return ResourceOptions(
        memory=None if memory is None else str(memory),
        memory_swap=None if swap is None else str(swap),
        cpu_shares=_count(req, "cpushares"),
        cpu_period=_count(req, "cpuperiod"),
        cpu_quota=_count(req, "cpuquota"),
        cpuset_cpus=req.arg("cpusetcpus") or None,
    )


def build_options(req: Request, context: str, logfile: str) -> BuildOptions:
    """The query of ``POST /build`` as hutch's build options (pure; unit-tested).

    ``remote`` (a git repository, or the URL of a tar or a Dockerfile) is
    the context then, and the body is not read."""
    resources = _limits(req)
    remote = req.arg("remote") or ""
    if remote and not _is_remote(remote):
        raise bad_request(f"remote {remote!r}: expected a git repository or an http(s) URL")
    output = _outputs(req)
    if output is not None:
        try:
            to_stdout = parse_output(output).to_stdout
        except InvalidArgument as exc:
            raise bad_request(str(exc)) from None
        if to_stdout:  # the service's own stdout is nobody's
            raise bad_request("outputs: dest=- is not supported: give a file on this host")
    return BuildOptions(
        context=remote or context,
        containerfile=req.arg("dockerfile") or None,
        tags=tuple(t for t in req.args("t") if t),
        build_args=tuple(f"{k}={v}" for k, v in _json_map(req, "buildargs").items()),
        target=req.arg("target") or None,
        no_cache=req.flag("nocache"),
        pull="always" if req.flag("pull") else "missing",
        labels=tuple(f"{k}={v}" for k, v in _json_map(req, "labels").items()),
        squash=req.flag("squash"),
        platform=req.arg("platform") or None,
        quiet=req.flag("q"),
        logfile=logfile,
        format="docker",  # Docker's images keep HEALTHCHECK, SHELL, ...
        add_hosts=_extra_hosts(req),
        network=_network(req),
        output=output,
        shm_size=_shm_size(req),
        resources=resources,
        # the client's disconnection cancels the build, as Docker's (background.py)
        cancelled=req.gone.is_set,
    )


def _is_remote(text: str) -> bool:
    return text.startswith(("http://", "https://", "git://", "github.com/"))


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
    context = save_upload(req, ctx.config.max_upload, "context.tar")
    log = context.with_name("build.log")
    try:
        options = build_options(req, str(context), str(log))
        if options.context == str(context):
            check_context(context)  # an entry outside the context: 400 before anything runs
        log.touch()
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
            yield json_line({"aux": {"ID": f"sha256:{report.id}"}})
            if options.quiet:
                yield json_line({"stream": f"sha256:{report.id}\n"})
                return
            yield json_line({"stream": f"Successfully built {report.id[:12]}\n"})
            for tag in options.tags:
                repo, version = split_tag(familiar(tag))
                yield json_line({"stream": f"Successfully tagged {repo}:{version or 'latest'}\n"})
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
