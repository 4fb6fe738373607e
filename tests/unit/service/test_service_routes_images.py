"""The image, build and commit handlers over a fake engine: what they ask the engine,
and what they answer (status, Docker's JSON, streamed lines)."""

from __future__ import annotations

import base64
import json
import os
import tarfile
from typing import Any

import pytest

from hutch.api.errors import NoSuchObject, UnsafeArchive
from hutch.api.images import (
    ImageGraphDriver,
    ImageInspect,
    ImageRootFS,
    ImageSummary,
    ImportReport,
    RemoveReport,
)
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.errors import ApiError
from hutch.service.reply import Reply, Stream
from hutch.service.request import Request
from hutch.service.routes_build import build, commit, commit_changes, libpod_build
from hutch.service.routes_images import (
    create_image,
    delete,
    inspect_image,
    list_images,
    load,
    prune,
    push,
    search,
    tag,
)
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine
from unit.service.tarfixtures import context_tar

DIGEST = "sha256:" + "d" * 64


def _inspect(name: str = "docker.io/library/busybox:latest") -> ImageInspect:
    return ImageInspect(
        id="a" * 64, digest=DIGEST, repo_tags=(name,), repo_digests=(), parent="", comment="",
        created="2023-11-14T22:13:20Z", config={}, version="", author="", architecture="amd64",
        os="linux", size=1, virtual_size=1, graph_driver=ImageGraphDriver("overlay", {}),
        root_fs=ImageRootFS("layers", ()), labels=None, annotations={}, manifest_type="",
        user="", history=(), names_history=(),
    )  # fmt: skip


def _ctx(engine: FakeEngine) -> ServiceContext:
    return ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]


def _req(
    query: dict[str, list[str]] | None = None,
    params: dict[str, str] | None = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Request:
    pieces = [body]

    def read() -> bytes:
        return pieces.pop() if pieces else b""

    return Request("POST", "/x", query or {}, headers or {}, params=params or {}, read_body=read)


def _lines(answer: Any) -> list[dict[str, Any]]:
    assert isinstance(answer, Stream)
    data = b"".join(answer.chunks)
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def _json(answer: Any) -> Any:
    assert isinstance(answer, Reply)
    return json.loads(answer.body)


def test_list_drops_intermediates_unless_all_and_applies_filters() -> None:
    engine = FakeEngine(
        image_list=[
            ImageSummary("a" * 64, ("docker.io/library/busybox:latest",), DIGEST, 2.0, 1),
            ImageSummary("b" * 64, (), "", 1.0, 1, intermediate=True),
            ImageSummary("c" * 64, (), "", 1.0, 1),
        ]
    )
    assert [i["Id"][7] for i in _json(list_images(_ctx(engine), _req()))] == ["a", "c"]
    everything = _json(list_images(_ctx(engine), _req({"all": ["1"]})))
    assert len(everything) == 3
    dangling = _req({"filters": ['{"dangling": ["true"]}'], "all": ["true"]})
    assert [i["Id"][7] for i in _json(list_images(_ctx(engine), dangling))] == ["b", "c"]
    with pytest.raises(Exception, match="invalid filter 'bogus'"):
        list_images(_ctx(engine), _req({"filters": ['{"bogus": ["x"]}']}))


def test_pull_streams_dockers_progress_and_asks_for_the_loopback_registry_without_tls() -> None:
    engine = FakeEngine(image_inspects=[_inspect("127.0.0.1:5000/app:1")])
    auth = base64.urlsafe_b64encode(json.dumps({"username": "u", "password": "p"}).encode())
    answer = create_image(
        _ctx(engine),
        _req({"fromImage": ["127.0.0.1:5000/app"], "tag": ["1"]},
             headers={"x-registry-auth": auth.decode().rstrip("=")}),
    )  # fmt: skip
    lines = _lines(answer)
    assert lines[0] == {"status": "Pulling from 127.0.0.1:5000/app", "id": "1"}
    assert lines[-2:] == [
        {"status": f"Digest: {DIGEST}"},
        {"status": "Status: Downloaded newer image for 127.0.0.1:5000/app:1"},
    ]
    options = dict(engine.calls)["images.pull"]
    assert options.reference == "127.0.0.1:5000/app:1" and options.quiet
    assert (options.access.tls_verify, options.access.creds) == (False, "u:p")


def test_pull_and_push_stop_when_their_client_has_gone() -> None:
    """The routes hand the engine the request's ``gone``: a transfer whose client left
    stops at its next piece (tests/integration/test_service_transfer_cancel.py)."""
    engine = FakeEngine(image_inspects=[_inspect("127.0.0.1:5000/app:1")])
    req = _req({"fromImage": ["127.0.0.1:5000/app"], "tag": ["1"]})
    _lines(create_image(_ctx(engine), req))
    pushing = _req({"tag": ["1"]}, {"name": "127.0.0.1:5000/app"})
    _lines(push(_ctx(engine), pushing))
    calls = dict(engine.calls)
    for request, options in ((req, calls["images.pull"]), (pushing, calls["images.push"])):
        assert options.cancelled is not None and not options.cancelled()
        request.gone.set()  # what the connection does once it sees the client leave
        assert options.cancelled()


def test_load_and_import_stop_when_their_client_has_gone() -> None:
    """As pull and push: the engine gets the request's ``gone``, so a load or an
    import whose client left records nothing (test_service_load_cancel.py)."""
    engine = FakeEngine(import_report=ImportReport("c" * 64, ("localhost/app:1",)))
    importing = _req({"fromSrc": ["-"], "repo": ["app"], "tag": ["1"]}, body=b"tar")
    _lines(create_image(_ctx(engine), importing))
    loading = _req(body=b"tar")
    _lines(load(_ctx(engine), loading))
    calls = dict(engine.calls)
    _source, load_cancelled, _progress = calls["images.load"]
    for request, cancelled in (
        (importing, calls["images.import_"].cancelled),
        (loading, load_cancelled),
    ):
        assert cancelled is not None and not cancelled()
        request.gone.set()
        assert cancelled()


def test_a_failed_pull_ends_the_stream_with_dockers_error_line() -> None:
    engine = FakeEngine(error=NoSuchObject("manifest unknown"))
    lines = _lines(create_image(_ctx(engine), _req({"fromImage": ["busybox"], "tag": ["latest"]})))
    assert lines[-1] == {
        "errorDetail": {"message": "manifest unknown"},
        "error": "manifest unknown",
    }


def test_inspect_tag_delete_and_prune() -> None:
    engine = FakeEngine(image_inspects=[_inspect()])
    out = _json(inspect_image(_ctx(engine), _req(params={"name": "busybox"})))
    assert out["RepoTags"] == ["busybox:latest"]
    answer = tag(_ctx(engine), _req({"repo": ["me/app"], "tag": ["2"]}, {"name": "busybox"}))
    assert isinstance(answer, Reply) and answer.status == 201
    assert dict(engine.calls)["images.tag"] == ("busybox", ("me/app:2",))
    engine.remove_reports = [RemoveReport("busybox", error="image is in use", exit_code=2)]
    with pytest.raises(ApiError) as exc:
        delete(_ctx(engine), _req(params={"name": "busybox"}))
    assert exc.value.status == 409
    assert _json(prune(_ctx(engine), _req({"filters": ['{"dangling": ["false"]}']}))) == {
        "ImagesDeleted": [{"Deleted": "sha256:" + "3" * 64}],
        "SpaceReclaimed": 10,
    }
    assert dict(engine.calls)["images.prune"].all is True


def test_search_asks_the_engine_and_checks_its_query() -> None:
    engine = FakeEngine()
    req = _req({"term": ["127.0.0.1:5000/app"], "limit": ["5"]})
    assert _json(search(_ctx(engine), req)) == []
    options = dict(engine.calls)["images.search"]
    assert (options.term, options.limit, options.access.tls_verify) == (
        "127.0.0.1:5000/app", 5, False,
    )  # fmt: skip
    for query, message in (({}, "term is required"), (
        {"term": ["a"], "filters": ['{"bogus": ["1"]}']}, "invalid filter 'bogus'"
    )):  # fmt: skip
        with pytest.raises(ApiError, match=message):
            search(_ctx(engine), _req(query))


def test_a_missing_image_is_404_before_any_stream() -> None:
    engine = FakeEngine(error=NoSuchObject("image not known"))
    with pytest.raises(ApiError) as exc:
        inspect_image(_ctx(engine), _req(params={"name": "nothere"}))
    assert (exc.value.status, exc.value.message) == (404, "No such image: nothere")
    with pytest.raises(ApiError):
        push(_ctx(engine), _req(params={"name": "nothere"}))


def test_a_remote_build_reads_no_body_and_checks_no_tar() -> None:
    engine = FakeEngine()
    answer = build(_ctx(engine), _req({"remote": ["https://h/ctx.tar.gz"]}, body=b"not a tar"))
    assert _lines(answer)[-1] == {"stream": f"Successfully built {'b' * 12}\n"}
    assert dict(engine.calls)["images.build"].context == "https://h/ctx.tar.gz"


def test_build_streams_the_log_and_dockers_final_lines() -> None:
    engine = FakeEngine()
    tar = context_tar(("Dockerfile", "file"))
    answer = build(_ctx(engine), _req({"t": ["app"]}, body=tar))
    lines = _lines(answer)
    assert lines[-3:] == [
        {"aux": {"ID": "sha256:" + "b" * 64}},
        {"stream": f"Successfully built {'b' * 12}\n"},
        {"stream": "Successfully tagged app:latest\n"},
    ]
    options = dict(engine.calls)["images.build"]
    assert options.context.endswith("context.tar") and options.tags == ("app",)


def test_a_context_entry_outside_the_context_is_400_before_any_build() -> None:
    engine = FakeEngine()
    tar = context_tar(("Dockerfile", "file"), ("../../evil", "file"))
    with pytest.raises(UnsafeArchive):  # the errors table answers it 400
        build(_ctx(engine), _req({"t": ["app"]}, body=tar))
    assert engine.calls == []


def test_commit_maps_the_query_and_the_config_body() -> None:
    engine = FakeEngine()
    body = json.dumps({"Cmd": ["sh"], "Env": ["A=1"], "Labels": {"k": "v"}, "WorkingDir": "/w"})
    answer = commit(
        _ctx(engine),
        _req({"container": ["web"], "repo": ["snap"], "comment": ["c"], "pause": ["0"]},
             body=body.encode()),
    )  # fmt: skip
    assert isinstance(answer, Reply) and answer.status == 201
    assert _json(answer) == {"Id": "sha256:" + "c" * 64}
    options = dict(engine.calls)["containers.commit"]
    assert (options.container, options.image, options.message, options.pause) == (
        "web", "snap:latest", "c", False,
    )  # fmt: skip
    assert options.changes == ('CMD ["sh"]', "ENV A=1", 'LABEL "k"="v"', "WORKDIR /w")
    assert commit_changes(None) == ()


def test_libpod_build_ends_with_the_id_alone_and_cachefrom_is_named() -> None:
    engine = FakeEngine()
    tar = context_tar(("Containerfile", "file"))
    cachefrom = '["old:1", "reg.io/cache", "type=local,src=/x"]'
    answer = libpod_build(_ctx(engine), _req({"t": ["app"], "cachefrom": [cachefrom]}, body=tar))
    lines = _lines(answer)
    # what the registry cache cannot use is named with the reason, first; the rest is used
    assert lines[0]["stream"].startswith("WARN: cachefrom old:1: ignored: old:1 names one image")
    assert lines[1]["stream"].startswith("WARN: cachefrom type=local,src=/x: ignored: type=local")
    assert lines[-1] == {"stream": "b" * 64 + "\n"}
    options = dict(engine.calls)["images.build"]
    assert options.format == "oci" and options.cache_from == ("reg.io/cache",)


def test_x_registry_config_becomes_the_builds_authfile() -> None:
    engine = FakeEngine()
    config = {
        "registry.example:5000": {"username": "u", "password": "p"},
        "https://index.docker.io/v1/": {"auth": base64.b64encode(b"d:q").decode()},
        "empty.example": {},
    }
    header = base64.urlsafe_b64encode(json.dumps(config).encode()).decode().rstrip("=")
    tar = context_tar(("Dockerfile", "file"))
    answer = build(_ctx(engine), _req({}, body=tar, headers={"x-registry-config": header}))
    seen: dict[str, Any] = {}
    chunks = iter(answer.chunks) if isinstance(answer, Stream) else iter(())
    first = next(chunks)  # the build ran: its authfile is there until the stream ends
    authfile = dict(engine.calls)["images.build"].authfile
    with open(authfile) as f:
        seen = json.load(f)["auths"]
    assert os.stat(authfile).st_mode & 0o777 == 0o600
    assert first is not None and set(seen) == {"registry.example:5000", "index.docker.io/v1/"}
    assert base64.b64decode(seen["registry.example:5000"]["auth"]) == b"u:p"
    list(chunks)
    # none named: the service's own logins are used
    _lines(build(_ctx(engine), _req({}, body=tar, headers={"x-registry-config": "e30"})))
    assert dict(engine.calls)["images.build"].authfile is None
    with pytest.raises(ApiError, match="invalid X-Registry-Config"):
        build(_ctx(engine), _req({}, body=tar, headers={"x-registry-config": "!!"}))


def test_libpod_build_takes_podmans_secret_files_out_of_the_context() -> None:
    engine = FakeEngine()
    tar = context_tar(
        ("Containerfile", "file"), ("podman-build-secret7", "file"), ("/h/out/Build", "file")
    )
    query = {
        "secrets": ['["id=tok,src=podman-build-secret7"]'],
        "dockerfile": ['["/h/out/Build"]'],  # a Containerfile from outside the context
    }
    answer = libpod_build(_ctx(engine), _req(query, body=tar))
    chunks = iter(answer.chunks) if isinstance(answer, Stream) else iter(())
    next(chunks)  # the build ran; its files are there until the stream ends
    options = dict(engine.calls)["images.build"]
    secret_id, source = options.secrets[0].split(",")
    assert secret_id == "id=tok" and source.startswith("src=/")
    with open(source[4:], "rb") as secret:
        assert secret.read() == b"FROM base\n"
    with tarfile.open(options.context) as rest:
        assert rest.getnames() == ["Containerfile", "h/out/Build"]
    assert options.containerfile == "h/out/Build"
    list(chunks)
