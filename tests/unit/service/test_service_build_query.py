"""A build request's query as ``hutch build``'s options: Docker's ``POST /build``
and podman's ``POST /libpod/build`` (build_query.py), and what each refuses with a 400."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from hutch.api.build import BuildNamespaces, BuildOptions
from hutch.api.container_config import ResourceOptions
from hutch.service.build_query import docker_options, libpod_options
from hutch.service.errors import ApiError
from hutch.service.request import Request


def _req(query: dict[str, list[str]]) -> Request:
    return Request("POST", "/build", query, {})


def _docker(req: Request, context: str, logfile: str) -> BuildOptions:
    return docker_options(req, context, logfile, None)


def _docker_query(query: dict[str, list[str]]) -> BuildOptions:
    return _docker(_req(query), "/c", "/l")


def _refused(
    read: Callable[[dict[str, list[str]]], object], query: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(ApiError, match=message) as exc:
        read(query)
    assert exc.value.status == 400


def _libpod(query: dict[str, list[str]]) -> BuildOptions:
    return libpod_options(_req(query), "/c.tar", "/l", None)


def test_build_query_becomes_build_options_and_refuses_what_it_cannot_do() -> None:
    req = _req({
        "t": ["app:1", "app:latest"], "dockerfile": ["sub/Dockerfile"], "q": ["0"],
        "buildargs": ['{"A": "1", "UNSET": null}'], "labels": ['{"l": "v"}'],
        "nocache": ["1"], "pull": ["1"], "rm": ["1"], "target": ["final"], "memory": ["0"],
    })  # fmt: skip
    options = _docker(req, "/ctx.tar", "/log")
    assert (options.context, options.containerfile, options.tags) == (
        "/ctx.tar", "sub/Dockerfile", ("app:1", "app:latest"),
    )  # fmt: skip
    assert options.build_args == ("A=1",) and options.labels == ("l=v",)
    assert (options.no_cache, options.pull, options.target) == (True, "always", "final")
    assert options.logfile == "/log" and options.format == "docker"
    hosts = _req({"extrahosts": ["db:10.0.0.5", "gw:host-gateway,x:1.2.3.4"]})
    assert _docker(hosts, "/c", "/l").add_hosts == (
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
        _refused(_docker_query, query, message)


def test_build_maps_remote_outputs_and_networkmode() -> None:
    remote = _docker(_req({"remote": ["https://h/r.git#main:sub"]}), "/c.tar", "/l")
    assert remote.context == "https://h/r.git#main:sub"
    assert _docker(_req({"remote": ["github.com/o/r"]}), "/c", "/l").context == ("github.com/o/r")
    local = '[{"Type": "local", "Attrs": {"dest": "/out"}}]'
    assert _docker(_req({"outputs": [local]}), "/c", "/l").output == "type=local,dest=/out"
    tar = '[{"Type": "moby", "Attrs": {}}, {"Type": "tar", "Attrs": {"dest": "/o.tar"}}]'
    assert _docker(_req({"outputs": [tar]}), "/c", "/l").output == "type=tar,dest=/o.tar"
    assert _docker(_req({"outputs": ["[]"]}), "/c", "/l").output is None
    assert _docker(_req({"outputs": ["type=local,dest=/d"]}), "/c", "/l").output == (
        "type=local,dest=/d"
    )
    for mode, network in (("host", "host"), ("none", "none"), ("bridge", None), ("", None)):
        options = _docker(_req({"networkmode": [mode]}), "/c", "/l")
        assert options.network == network


def test_build_shmsize_and_the_limits_reach_run_as_hutch_builds_flags() -> None:
    # docker CLI 20.10 sends every limit, as 0 when not given: no limit is asked then
    zeros = {k: ["0"] for k in ("memory", "memswap", "cpushares", "cpuperiod", "cpuquota")}
    options = _docker(_req({**zeros, "cpusetcpus": [""], "shmsize": ["0"]}), "/c", "/l")
    assert options.shm_size is None and options.resources == ResourceOptions()
    assert options.resources.given_limits() == ()
    # unlimited swap and no memory limit: nothing asked either
    assert _docker(_req({"memswap": ["-1"]}), "/c", "/l").resources == ResourceOptions()
    assert _docker(_req({"shmsize": ["134217728"]}), "/c", "/l").shm_size == "134217728"
    with pytest.raises(ApiError, match="invalid shmsize '1g'") as exc:
        _docker(_req({"shmsize": ["1g"]}), "/c", "/l")
    assert exc.value.status == 400
    query = {
        "memory": ["67108864"], "memswap": ["-1"], "cpushares": ["512"],
        "cpusetcpus": ["0"], "cpuperiod": ["100000"], "cpuquota": ["50000"],
    }  # fmt: skip
    limits = _docker(_req(query), "/c", "/l").resources
    assert limits == ResourceOptions(
        memory="67108864", memory_swap="-1", cpu_shares=512, cpu_quota=50000,
        cpu_period=100000, cpuset_cpus="0",
    )  # fmt: skip
    assert limits.given_limits() == (
        "--memory", "--memory-swap", "--cpu-shares", "--cpu-quota", "--cpu-period",
        "--cpuset-cpus",
    )  # fmt: skip
    swap = _docker(_req({"memory": ["1"], "memswap": ["2"]}), "/c", "/l").resources
    assert (swap.memory, swap.memory_swap) == ("1", "2")


def test_the_rest_of_dockers_parameters_reach_hutch_builds_options() -> None:
    query = {
        "squash": ["1"], "cgroupparent": ["/mine"], "cpusetmems": ["0"],
        "ulimits": ['[{"Name": "nofile", "Soft": 1024, "Hard": 2048}]'],
        "rm": ["0"], "forcerm": ["1"], "isolation": ["default"], "version": ["1"],
        "networkmode": ["private"], "labels": ['{"a": "1", "b": "2"}'],
    }  # fmt: skip
    options = _docker(_req(query), "/c", "/l")
    # --squash's rule, the command line's: the new layers as one, no step layers kept
    assert (options.squash, options.layers) == (True, False)
    assert options.resources == ResourceOptions(cpuset_mems="0", cgroup_parent="/mine")
    assert options.ulimits == ("nofile=1024:2048",)
    assert options.network == "private" and options.labels == ("a=1", "b=2")
    assert _docker(_req({}), "/c", "/l").layers is True
    for query, message in (
        ({"isolation": ["hyperv"]}, 'unsupported isolation: "hyperv"'),
        ({"version": ["2"]}, "buildkit not supported by daemon"),
        ({"version": ["3"]}, 'invalid version "3"'),
        ({"ulimits": ['[{"Soft": 1}]']}, "invalid ulimits"),
        ({"rm": ["maybe"]}, "invalid boolean value 'maybe'"),
    ):
        _refused(_docker_query, query, message)


def test_cachefrom_repositories_are_the_registry_cache_and_bad_entries_refused() -> None:
    """Docker's ``cachefrom`` (a JSON list; podman's may be one name): a repository is
    what build --cache-from reads; a tagged image or another backend is left to the
    stream's warning (routes_build.py); a malformed entry is a 400."""
    listed = ['["reg.io/team/cache", "old:1", "type=registry,ref=reg.io/b", "type=gha"]']
    assert _docker_query({"cachefrom": listed}).cache_from == ("reg.io/team/cache", "reg.io/b")
    assert _libpod({"cachefrom": ["reg.io/one"]}).cache_from == ("reg.io/one",)
    assert _docker_query({"cachefrom": ["[]"]}).cache_from == ()
    assert _docker_query({}).cache_from == ()
    for query, message in (
        ({"cachefrom": ['["type=registry"]']}, "cachefrom: 'type=registry': type=registry needs"),
        ({"cachefrom": ['[""]']}, "cachefrom: an empty cache entry"),
        ({"cachefrom": ["[1"]}, "invalid cachefrom"),
    ):
        _refused(_docker_query, query, message)


def test_libpods_query_as_podman_remote_sends_it() -> None:
    ns = [{"Name": "pid", "Host": True}, {"Name": "uts", "Path": ""}, {"Name": "network"}]
    options = _libpod({
        "dockerfile": ['["sub/Containerfile"]'], "t": ["app"], "layers": ["true"],
        "pullpolicy": ["ifnewer"], "outputformat": ["application/vnd.oci.image.manifest.v1+json"],
        "extrahosts": ['["db:10.0.0.5"]'], "labels": ['["a=1"]'], "addcaps": ['["CAP_NET_RAW"]'],
        "dropcaps": ['["CAP_CHOWN"]'], "devices": ['["/dev/null"]'], "dnsservers": ['["9.9.9.9"]'],
        "dnssearch": ['["example.org"]'], "dnsoptions": ['["ndots:1"]'],
        "annotations": ['["k=v"]'], "setenv": ["E=1"], "unsetenv": ["PATH"],
        "nsoptions": [json.dumps(ns)], "networkmode": ["2"], "isolation": ["0"],
        "timestamp": ["1700000000"], "from": ["base"], "manifest": ["list"],
        "ulimits": ['["nofile=10:20"]'], "seccomp": ["unconfined"], "tlsVerify": ["false"],
        "platform": ["linux/amd64"], "osfeature": ["f1"], "osversion": ["1"],
    })  # fmt: skip
    assert (options.containerfile, options.tags, options.pull) == (
        "sub/Containerfile", ("app",), "newer",
    )  # fmt: skip
    assert (options.format, options.layers, options.network) == ("oci", True, "private")
    assert options.namespaces == BuildNamespaces(pid="host", uts="")
    assert options.add_hosts == ("db:10.0.0.5",) and options.labels == ("a=1",)
    assert (options.cap_add, options.cap_drop, options.devices) == (
        ("CAP_NET_RAW",), ("CAP_CHOWN",), ("/dev/null",),
    )  # fmt: skip
    assert (options.dns, options.dns_search, options.dns_options) == (
        ("9.9.9.9",), ("example.org",), ("ndots:1",),
    )  # fmt: skip
    assert (options.env, options.unsetenv, options.annotations) == (("E=1",), ("PATH",), ("k=v",))
    assert (options.timestamp, options.from_image, options.manifest) == (1700000000, "base", "list")
    assert options.ulimits == ("nofile=10:20",) and options.security_opts == ("seccomp=unconfined",)
    assert (options.tls_verify, options.platform) == (False, "linux/amd64")
    assert (options.os_features, options.os_version) == (("f1",), "1")
    # buildah's network policies: disabled is none, enabled with the host's namespace is host
    assert _libpod({"networkmode": ["1"]}).network == "none"
    host = json.dumps([{"Name": "network", "Host": True}])
    assert _libpod({"networkmode": ["2"], "nsoptions": [host]}).network == "host"
    assert _libpod({"networkmode": ["0"], "nsoptions": [host]}).network is None
    default = {"seccomp": ["/usr/share/containers/seccomp.json"]}
    assert _libpod(default).security_opts == ()
    assert _libpod({"platform": ["/"]}).platform is None
    assert _libpod({"dockerfile": ["Dockerfile.x"]}).containerfile == "Dockerfile.x"
    assert _libpod({"pull": ["1"]}).pull == "always" and _libpod({}).format == "oci"
    assert _libpod({"squash": ["1"], "layers": ["true"]}).layers is False
    for query, message in (
        ({"dockerfile": ['["a", "b"]']}, "one Containerfile"),
        ({"platform": ["linux/amd64", "linux/arm64"]}, "one platform at a time"),
        ({"isolation": ["vm"]}, 'unrecognized isolation type "vm"'),
        ({"secrets": ['["id=a,env=X"]']}, "only src=FILE secrets travel"),
        ({"networkmode": ["7"]}, "invalid networkmode"),
        ({"outputformat": ["zip"]}, "invalid outputformat"),
        ({"jobs": ["-1"]}, "invalid jobs -1"),
        ({"nsoptions": ["[1]"]}, "invalid nsoptions"),
        ({"addcaps": ['"x"']}, "invalid addcaps"),
    ):
        _refused(_libpod, query, message)
