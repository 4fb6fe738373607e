"""The image, build and commit handlers over a fake engine: what they ask the engine,
and what they answer (status, Docker's JSON, streamed lines)."""

from __future__ import annotations

import base64
import json
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
from hutch.service.routes_build import build, build_options, commit, commit_changes
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


def test_build_query_becomes_build_options_and_refuses_what_it_cannot_do() -> None:
    req = _req({
        "t": ["app:1", "app:latest"], "dockerfile": ["sub/Dockerfile"], "q": ["0"],
        "buildargs": ['{"A": "1", "UNSET": null}'], "labels": ['{"l": "v"}'],
        "nocache": ["1"], "pull": ["1"], "rm": ["1"], "target": ["final"], "memory": ["0"],
    })  # fmt: skip
    options = build_options(req, "/ctx.tar", "/log")
    assert (options.context, options.containerfile, options.tags) == (
        "/ctx.tar", "sub/Dockerfile", ("app:1", "app:latest"),
    )  # fmt: skip
    assert options.build_args == ("A=1",) and options.labels == ("l=v",)
    assert (options.no_cache, options.pull, options.target) == (True, "always", "final")
    assert options.logfile == "/log" and options.format == "docker"
    hosts = _req({"extrahosts": ["db:10.0.0.5", "gw:host-gateway,x:1.2.3.4"]})
    assert build_options(hosts, "/c", "/l").add_hosts == (
        "db:10.0.0.5",
        "gw:host-gateway",
        "x:1.2.3.4",
    )
    for query, message in (
        ({"remote": ["/etc"]}, "remote '/etc': expected a git repository"),
        ({"memory": ["1g"]}, "invalid memory '1g': a whole number"),
        ({"memswap": ["-2"]}, "invalid memswap '-2'"),
        ({"networkmode": ["container:x"]}, "networkmode 'container:x'"),
        ({"buildargs": ["[1]"]}, "invalid buildargs"),
        ({"outputs": ['[{"Type": "registry", "Attrs": {}}]']}, "outputs: type 'registry'"),
        ({"outputs": ['[{"Type": "local", "Attrs": {}}]']}, "outputs: type 'local'"),
        ({"outputs": ["type=oci,dest=/x"]}, 'invalid type "oci"'),
        ({"outputs": ["[1]"]}, "invalid outputs"),
        ({"outputs": ["-"]}, "outputs: dest=- is not supported"),
    ):
        with pytest.raises(ApiError, match=message):
            build_options(_req(query), "/c", "/l")


def test_build_maps_remote_outputs_and_networkmode() -> None:
    remote = build_options(_req({"remote": ["https://h/r.git#main:sub"]}), "/c.tar", "/l")
    assert remote.context == "https://h/r.git#main:sub"
    assert build_options(_req({"remote": ["github.com/o/r"]}), "/c", "/l").context == (
        "github.com/o/r"
    )
    local = '[{"Type": "local", "Attrs": {"dest": "/out"}}]'
    assert build_options(_req({"outputs": [local]}), "/c", "/l").output == "type=local,dest=/out"
    tar = '[{"Type": "moby", "Attrs": {}}, {"Type": "tar", "Attrs": {"dest": "/o.tar"}}]'
    assert build_options(_req({"outputs": [tar]}), "/c", "/l").output == "type=tar,dest=/o.tar"
    assert build_options(_req({"outputs": ["[]"]}), "/c", "/l").output is None
    assert build_options(_req({"outputs": ["type=local,dest=/d"]}), "/c", "/l").output == (
        "type=local,dest=/d"
    )
    for mode, network in (("host", "host"), ("none", "none"), ("bridge", None), ("", None)):
        options = build_options(_req({"networkmode": [mode]}), "/c", "/l")
        assert options.network == network


def test_a_remote_build_reads_no_body_and_checks_no_tar() -> None:
    engine = FakeEngine()
    answer = build(_ctx(engine), _req({"remote": ["https://h/ctx.tar.gz"]}, body=b"not a tar"))
    assert _lines(answer)[-1] == {"stream": f"Successfully built {'b' * 12}\n"}
    assert dict(engine.calls)["images.build"].context == "https://h/ctx.tar.gz"


def test_build_shmsize_and_the_limits_reach_run_as_hutch_builds_flags() -> None:
    from hutch.api.container_config import ResourceOptions

    # docker CLI 20.10 sends every limit, as 0 when not given: no limit is asked then
    zeros = {k: ["0"] for k in ("memory", "memswap", "cpushares", "cpuperiod", "cpuquota")}
    options = build_options(_req({**zeros, "cpusetcpus": [""], "shmsize": ["0"]}), "/c", "/l")
    assert options.shm_size is None and options.resources == ResourceOptions()
    assert options.resources.given_limits() == ()
    # unlimited swap and no memory limit: nothing asked either
    assert build_options(_req({"memswap": ["-1"]}), "/c", "/l").resources == ResourceOptions()
    assert build_options(_req({"shmsize": ["134217728"]}), "/c", "/l").shm_size == "134217728"
    with pytest.raises(ApiError, match="invalid shmsize '1g'") as exc:
        build_options(_req({"shmsize": ["1g"]}), "/c", "/l")
    assert exc.value.status == 400
    query = {
        "memory": ["67108864"], "memswap": ["-1"], "cpushares": ["512"],
        "cpusetcpus": ["0"], "cpuperiod": ["100000"], "cpuquota": ["50000"],
    }  # fmt: skip
    limits = build_options(_req(query), "/c", "/l").resources
    assert limits == ResourceOptions(
        memory="67108864", memory_swap="-1", cpu_shares=512, cpu_quota=50000,
        cpu_period=100000, cpuset_cpus="0",
    )  # fmt: skip
    assert limits.given_limits() == (
        "--memory", "--memory-swap", "--cpu-shares", "--cpu-quota", "--cpu-period",
        "--cpuset-cpus",
    )  # fmt: skip
    swap = build_options(_req({"memory": ["1"], "memswap": ["2"]}), "/c", "/l").resources
    assert (swap.memory, swap.memory_swap) == ("1", "2")


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
