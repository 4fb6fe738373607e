"""The query of a build request as ``hutch build``'s options (pure; unit-tested).

Both dialects land on the one ``BuildOptions`` the command line fills, through
the rules it uses (``api.build``: the pull policy, the isolation, squash and
layers): Docker's ``POST /build`` (docker CLI, docker-py) and podman's
``POST /libpod/build`` (podman --remote), which takes Docker's parameters and
more. A value hutch cannot take is a 400 with Docker's ``{"message"}`` before
anything runs; what only the engine can judge (a network, a limit this host
cannot enforce) ends the stream with Docker's ``errorDetail`` line, as
Docker's daemon does.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import replace
from typing import Any

from hutch.api.build import (
    BuildNamespaces,
    BuildOptions,
    BuildUserns,
    check_isolation,
    keeps_layers,
    parse_output,
    pull_policy,
)
from hutch.api.build_cache import CacheSource, cache_source
from hutch.api.container_config import ResourceOptions
from hutch.api.errors import InvalidArgument
from hutch.service.errors import bad_request
from hutch.service.request import Request

_ZERO = ("", "0", "[]", "{}", "null")
# The manifest types podman --remote sends as outputformat
_FORMATS = {
    "application/vnd.oci.image.manifest.v1+json": "oci",
    "application/vnd.docker.distribution.manifest.v2+json": "docker",
    "oci": "oci",
    "docker": "docker",
}
# the profile podman's containers.conf names by default (/usr/share/..., /etc/...)
_DEFAULT_SECCOMP = "/containers/seccomp.json"
# buildah's pull policies by their String() (podman --remote's pullpolicy)
_PULL_POLICIES = {"ifnewer": "newer", "ifmissing": "missing"}


def _json(req: Request, name: str) -> Any:
    text = req.arg(name)
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise bad_request(f"invalid {name}: {exc}") from None


def _json_map(req: Request, name: str) -> dict[str, str]:
    """A query parameter holding a JSON object of strings (``buildargs``, ``labels``);
    null values (an argument declared but not set) are left out."""
    value = _json(req, name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"invalid {name}: expected a JSON object")
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _json_list(req: Request, name: str) -> tuple[str, ...]:
    """A query parameter holding a JSON list of strings (podman's addcaps, devices, ...)."""
    value = _json(req, name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f"invalid {name}: expected a JSON list of strings")
    return tuple(value)


def _pairs(req: Request, name: str) -> tuple[str, ...]:
    """``labels``: Docker's JSON object, or podman's JSON list of ``KEY=VALUE``."""
    text = (req.arg(name) or "").lstrip()
    if text.startswith("["):
        return _json_list(req, name)
    return tuple(f"{k}={v}" for k, v in _json_map(req, name).items())


def _extra_hosts(req: Request) -> tuple[str, ...]:
    """``extrahosts``: ``HOST:IP`` items, one per parameter (docker CLI, docker-py),
    several in one comma-separated, or podman's JSON list."""
    if (req.arg("extrahosts") or "").lstrip().startswith("["):
        return _json_list(req, "extrahosts")
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
        found = [text]
    else:
        value = _json(req, "outputs")
        found = []
        for entry in value if isinstance(value, list) else [value]:
            if not isinstance(entry, dict):
                raise bad_request("invalid outputs: expected a list of objects")
            kind = str(entry.get("Type") or entry.get("type") or "")
            attrs = entry.get("Attrs") or entry.get("attrs") or {}
            if kind in ("image", "moby"):
                continue
            dest = attrs.get("dest") if isinstance(attrs, dict) else None
            if kind not in ("local", "tar") or not dest:
                raise bad_request(
                    f"outputs: type {kind!r}: only local and tar with a dest on this host "
                    "are supported"
                )
            found.append(f"type={kind},dest={dest}")
    if len(found) > 1:
        raise bad_request("outputs: only one export is supported")
    if not found:
        return None
    try:
        to_stdout = parse_output(found[0]).to_stdout
    except InvalidArgument as exc:
        raise bad_request(str(exc)) from None
    if to_stdout:  # the service's own stdout is nobody's
        raise bad_request("outputs: dest=- is not supported: give a file on this host")
    return found[0]


def _network(req: Request) -> str | None:
    """Docker's ``networkmode``: default and bridge are hutch's own default; the rest
    (host, none, private, slirp4netns, pasta, ns:PATH) is build --network's, judged
    by the engine."""
    mode = req.arg("networkmode") or "default"
    if mode in ("default", "bridge"):
        return None
    if mode.startswith("container:"):
        raise bad_request(f"networkmode {mode!r}: a build's RUN steps cannot join a container")
    return mode


def _bytes(req: Request, name: str) -> str | None:
    """``shmsize``: RUN's /dev/shm in bytes (Docker's int64; 0 or absent: the default)."""
    text = req.arg(name) or ""
    if text in _ZERO:
        return None
    if not text.isdigit():
        raise bad_request(f"invalid {name} {text!r}: a number of bytes")
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
        cpuset_mems=req.arg("cpusetmems") or None,
        cgroup_parent=req.arg("cgroupparent") or None,
    )


def _ulimits(req: Request) -> tuple[str, ...]:
    """``ulimits``: Docker's JSON list of ``{"Name", "Soft", "Hard"}`` or podman's of
    ``NAME=SOFT[:HARD]`` strings, as --ulimit's values."""
    value = _json(req, "ulimits")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise bad_request("invalid ulimits: expected a JSON list")
    found = []
    for item in value:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict) and item.get("Name"):
            found.append(f"{item['Name']}={item.get('Soft', -1)}:{item.get('Hard', -1)}")
        else:
            raise bad_request(f"invalid ulimits: {item!r}")
    return tuple(found)


def _docker_isolation(req: Request) -> None:
    # Docker's other isolations (process, hyperv) are Windows'; Linux takes the default
    isolation = req.arg("isolation") or ""
    if isolation not in ("", "default"):
        raise bad_request(f'unsupported isolation: "{isolation}"')


def _builder_version(req: Request) -> None:
    # /_ping says Builder-Version 1: a client asking for BuildKit anyway is told so
    version = req.arg("version") or "1"
    if version == "2":
        raise bad_request("buildkit not supported by daemon: build with DOCKER_BUILDKIT=0")
    if version != "1":
        raise bad_request(f'invalid version "{version}"')


def _context(req: Request, uploaded: str) -> str:
    """``remote`` (a git repository, or the URL of a tar or a Dockerfile) is the
    context then, and the body is not read."""
    remote = req.arg("remote") or ""
    if not remote:
        return uploaded
    if not remote.startswith(("http://", "https://", "git://", "github.com/")):
        raise bad_request(f"remote {remote!r}: expected a git repository or an http(s) URL")
    return remote


def cache_sources(req: Request) -> tuple[CacheSource, ...]:
    """``cachefrom`` (a JSON list, or one name), each entry read as a compose file's
    ``build.cache_from``: a registry repository is what ``build --cache-from``
    takes; the rest is warned about at the top of the stream (routes_build.py)."""
    text = (req.arg("cachefrom") or "").lstrip()
    texts = _json_list(req, "cachefrom") if text.startswith("[") else (text,) if text else ()
    try:
        return tuple(cache_source(entry) for entry in texts)
    except ValueError as exc:
        raise bad_request(f"cachefrom: {exc}") from None


def docker_options(req: Request, context: str, logfile: str, authfile: str | None) -> BuildOptions:
    """``POST /build``'s query (Docker Engine API 1.41, ImageBuild): every parameter
    reaches ``hutch build``'s option of the same meaning. rm, forcerm (step
    containers are always removed), session and buildid (BuildKit's) are taken
    as given."""
    _builder_version(req)
    _docker_isolation(req)
    for name in ("rm", "forcerm"):
        req.flag(name)  # checked as booleans, nothing more
    squash = req.flag("squash")
    return BuildOptions(
        context=_context(req, context),
        containerfile=req.arg("dockerfile") or None,
        tags=tuple(t for t in req.args("t") if t),
        build_args=tuple(f"{k}={v}" for k, v in _json_map(req, "buildargs").items()),
        target=req.arg("target") or None,
        no_cache=req.flag("nocache"),
        cache_from=tuple(s.repository for s in cache_sources(req) if s.repository),
        pull="always" if req.flag("pull") else "missing",
        labels=_pairs(req, "labels"),
        layers=keeps_layers(None, squash, False),
        squash=squash,
        platform=req.arg("platform") or None,
        quiet=req.flag("q"),
        logfile=logfile,
        format="docker",  # Docker's images keep HEALTHCHECK, SHELL, ...
        add_hosts=_extra_hosts(req),
        network=_network(req),
        output=_outputs(req),
        shm_size=_bytes(req, "shmsize"),
        resources=_limits(req),
        ulimits=_ulimits(req),
        authfile=authfile,
        # the client's disconnection cancels the build, as Docker's (background.py)
        cancelled=req.gone.is_set,
    )


# -- libpod ---------------------------------------------------------------------------------


def _containerfile(req: Request) -> str | None:
    """podman's ``dockerfile``: a JSON list of names in the context (or one name)."""
    text = (req.arg("dockerfile") or "").lstrip()
    if not text.startswith("["):
        return text or None
    files = _json_list(req, "dockerfile")
    if len(files) > 1:
        raise bad_request("dockerfile: hutch builds from one Containerfile")
    return files[0] if files else None


def _libpod_pull(req: Request) -> str:
    policy = req.arg("pullpolicy")
    if policy:
        lowered = policy.lower()
        return _PULL_POLICIES.get(lowered, pull_policy(lowered))
    return "always" if req.flag("pull") else "missing"


def _namespaces(req: Request) -> dict[str, str]:
    """podman's ``nsoptions``: a JSON list of ``{"Name", "Host", "Path"}`` as a mode
    per namespace: host, a path to join, or "" (one per RUN step)."""
    value = _json(req, "nsoptions")
    if value is None:
        return {}
    if not isinstance(value, list):
        raise bad_request("invalid nsoptions: expected a JSON list")
    modes = {}
    for item in value:
        if not isinstance(item, dict) or not item.get("Name"):
            raise bad_request(f"invalid nsoptions: {item!r}")
        path = str(item.get("Path") or "")
        modes[str(item["Name"])] = "host" if item.get("Host") else path
    return modes


def _libpod_network(req: Request, modes: dict[str, str]) -> str | None:
    """podman's ``networkmode`` is buildah's policy (0 default, 1 disabled, 2 enabled,
    or their names); an enabled network is nsoptions' network namespace."""
    policy = req.arg("networkmode") or "0"
    if policy in ("0", "NetworkDefault"):
        return None
    if policy in ("1", "NetworkDisabled"):
        return "none"
    if policy not in ("2", "NetworkEnabled"):
        raise bad_request(f"invalid networkmode {policy!r}")
    mode = modes.get("network")
    if mode is None or mode == "host":
        return mode
    return f"ns:{mode}" if mode.startswith("/") else "private"


def _platform(req: Request) -> str | None:
    # podman --remote sends "/" (no OS, no arch) when --platform is not given
    platforms = [p for p in req.args("platform") if p.strip("/")]
    if len(platforms) > 1:
        raise bad_request("platform: hutch builds one platform at a time (the host's)")
    return platforms[0] if platforms else None


def _security(req: Request) -> tuple[str, ...]:
    """podman's seccomp, apparmor and labelopts as --security-opt's values (the engine
    says which it takes). podman --remote always sends its containers.conf's seccomp
    profile: that one, podman's own default, is no choice of the user's and is not
    passed on (hutch build's default applies, as with no --security-opt)."""
    opts = [f"label={opt}" for opt in _json_list(req, "labelopts")]
    for name in ("seccomp", "apparmor"):
        value = req.arg(name) or ""
        if value and not (name == "seccomp" and value.endswith(_DEFAULT_SECCOMP)):
            opts.append(f"{name}={value}")
    return (*opts, *_json_list(req, "securityopt"))


def _refuse_libpod(req: Request) -> None:
    # named contexts would have to be paths on the service's host: not taken, by name
    if req.arg("additionalbuildcontexts") not in (None, *_ZERO):
        raise bad_request(
            "additionalbuildcontexts: not supported over the API: use hutch build on this host"
        )


def _secrets(req: Request) -> tuple[str, ...]:
    """podman's ``secrets``: ``id=ID,src=NAME`` where NAME is a file podman --remote
    put in the context (routes_build takes it out before the build)."""
    secrets = _json_list(req, "secrets")
    for secret in secrets:
        if not secret_source(secret):
            raise bad_request(f"secrets {secret!r}: only src=FILE secrets travel in the context")
    return secrets


def secret_source(secret: str) -> str:
    """The ``src=`` of one secret, normalised as an archive's name ("" when none)."""
    for part in secret.split(","):
        key, _, value = part.partition("=")
        if key == "src" and value:
            return posixpath.normpath(value.lstrip("/"))
    return ""


def with_source(secret: str, path: str) -> str:
    """The secret with its ``src=`` replaced by ``path``."""
    parts = [f"src={path}" if p.startswith("src=") else p for p in secret.split(",")]
    return ",".join(parts)


def libpod_options(req: Request, context: str, logfile: str, authfile: str | None) -> BuildOptions:
    """``POST /libpod/build``'s query (podman's API, podman --remote build): Docker's
    parameters and podman's own, onto the same options."""
    _refuse_libpod(req)
    check_iso = req.arg("isolation")
    try:
        check_isolation(None if (check_iso or "").isdigit() else check_iso)
    except InvalidArgument as exc:
        raise bad_request(str(exc)) from None
    jobs = req.int_arg("jobs")
    if jobs is not None and jobs < 0:
        raise bad_request(f"invalid jobs {jobs}: must be 0 or more")
    fmt = req.arg("outputformat")
    if fmt and fmt not in _FORMATS:
        raise bad_request(f"invalid outputformat {fmt!r}")
    modes = _namespaces(req)
    squash = req.flag("squash")
    layers = req.flag("layers", True) if req.arg("layers") is not None else None
    base = docker_options(_docker_only(req), context, logfile, authfile)
    userns = modes.get("user")
    return replace(
        base,
        containerfile=_containerfile(req),
        pull=_libpod_pull(req),
        layers=keeps_layers(layers, squash, False),
        format=_FORMATS[fmt] if fmt else "oci",
        platform=_platform(req),
        network=_libpod_network(req, modes),
        namespaces=BuildNamespaces(
            modes.get("pid"), modes.get("ipc"), modes.get("uts"), modes.get("cgroup")
        ),
        userns=BuildUserns(None if userns in (None, "host") else userns),
        all_platforms=req.flag("allplatforms"),
        annotations=_json_list(req, "annotations"),
        cap_add=_json_list(req, "addcaps"),
        cap_drop=_json_list(req, "dropcaps"),
        devices=_json_list(req, "devices"),
        dns=_json_list(req, "dnsservers"),
        dns_search=_json_list(req, "dnssearch"),
        dns_options=_json_list(req, "dnsoptions"),
        env=tuple(req.args("setenv")),
        unsetenv=tuple(req.args("unsetenv")),
        from_image=req.arg("from") or None,
        http_proxy=req.flag("httpproxy", True),
        identity_label=req.flag("identitylabel", True),
        manifest=req.arg("manifest") or None,
        os_version=req.arg("osversion") or None,
        os_features=tuple(req.args("osfeature")),
        security_opts=_security(req),
        timestamp=req.int_arg("timestamp"),
        tls_verify=req.flag("tlsVerify") if req.arg("tlsVerify") is not None else None,
        cache_ttl=req.arg("cachettl") or None,
        secrets=_secrets(req),
    )


def _docker_only(req: Request) -> Request:
    """The request without podman's meanings of shared names (networkmode is a policy,
    dockerfile a list, platform repeated): Docker's reading of the rest."""
    podmans = ("networkmode", "dockerfile", "platform", "isolation", "version")
    return replace(req, query={k: v for k, v in req.query.items() if k not in podmans})
