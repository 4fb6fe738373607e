"""Turning run options and an image's config into a runtime spec."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import netconfig, security
from hutch.engine.specbuild_lifecycle import lifecycle_spec
from hutch.linux.caps import DEFAULT_CAPABILITIES
from hutch.oci.image import ImageConfig
from hutch.runtime.spec import (
    NAMESPACES,
    Process,
    Rootfs,
    Spec,
    User,
)
from hutch.runtime.spec_network import NetworkSpec
from hutch.store.containers import ContainerDirs

NETWORK_MODES = ("none", "host", "private")


def command_line(options: RunOptions, image: ImageConfig) -> tuple[str, ...]:
    """Entrypoint + command, with Docker's override rules."""
    entrypoint = image.config.entrypoint or ()
    cmd = image.config.cmd or ()
    if options.entrypoint is not None:
        entrypoint = _parse_entrypoint(options.entrypoint)
        cmd = ()  # a new entrypoint drops the image's Cmd, as in Docker
    if options.command:
        cmd = options.command
    return tuple(entrypoint) + tuple(cmd)


def _parse_entrypoint(text: str) -> tuple[str, ...]:
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidArgument(f"--entrypoint: invalid JSON array: {exc.msg}") from exc
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidArgument("--entrypoint: the JSON form must be an array of strings")
        return tuple(value)
    return (text,) if text else ()


def environment(options: RunOptions, image: ImageConfig, hostname: str) -> tuple[str, ...]:
    """Image env < env files < -e flags; ``-e NAME`` copies the host's value."""
    env: dict[str, str] = {}
    for item in image.config.env:
        key, _, value = item.partition("=")
        env[key] = value
    env["container"] = "hutch"
    env["HOSTNAME"] = hostname
    if options.tty:
        env.setdefault("TERM", "xterm")
    for path in options.env_files:
        for item in _read_env_file(path):
            _apply_env(env, item)
    for item in options.env:
        _apply_env(env, item)
    return tuple(f"{k}={v}" for k, v in env.items())


def _apply_env(env: dict[str, str], item: str) -> None:
    key, sep, value = item.partition("=")
    if not key:
        raise InvalidArgument(f"invalid environment variable {item!r}: empty name")
    if sep:
        env[key] = value
    elif key in os.environ:
        env[key] = os.environ[key]


def _read_env_file(path: str) -> list[str]:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InvalidArgument(f"--env-file {path}: {exc.strerror}") from exc
    items = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            items.append(line)
    return items


def validate_network(mode: str) -> None:
    # container:NAME, ns:PATH and user networks: their form here, the rest in the engine
    netconfig.check_mode(mode)
    if mode not in NETWORK_MODES and netconfig.kind(mode) not in ("join", "bridge"):
        raise InvalidArgument(
            f"invalid --network {mode!r}: this version supports {', '.join(NETWORK_MODES)}"
        )


def write_etc_files(
    dirs: ContainerDirs,
    hostname: str,
    name: str,
    network: str,
    options: RunOptions | None = None,
    net: NetworkSpec | None = None,
) -> tuple[tuple[str, str], ...]:
    """hostname, hosts and resolv.conf for the container, as bind-mount sources."""
    if options is not None and net is not None:
        return netconfig.write_etc_files(dirs.userdata, options, net, hostname, name)
    dirs.userdata.mkdir(parents=True, exist_ok=True)
    (dirs.userdata / "hostname").write_text(hostname + "\n")
    hosts = (
        "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n"
        "::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n"
    )
    if network == "host":
        with contextlib.suppress(OSError):
            hosts = Path("/etc/hosts").read_text()
        hosts += f"127.0.1.1\t{socket.gethostname()}\n"
    else:
        hosts += f"127.0.1.1\t{hostname} {name}\n"
    (dirs.userdata / "hosts").write_text(hosts)
    try:
        resolv = Path("/etc/resolv.conf").read_text()
    except OSError:
        resolv = ""
    (dirs.userdata / "resolv.conf").write_text(resolv)
    return tuple(
        (f"/etc/{f}", str(dirs.userdata / f)) for f in ("hostname", "hosts", "resolv.conf")
    )


def build_spec(
    *,
    container_id: str,
    name: str,
    options: RunOptions,
    image: ImageConfig,
    rootfs: Rootfs,
    dirs: ContainerDirs,
    network: NetworkSpec | None = None,
) -> Spec:
    validate_network(options.network or "private")
    net = network or NetworkSpec(mode=options.network or "private")
    hostname = options.hostname or container_id[:12]
    args = command_line(options, image)
    if not args:
        raise InvalidArgument(
            "no command specified: the image has neither Entrypoint nor Cmd; "
            "give a command after the image name"
        )
    shared_net = options.network == "host" or net.mode == "join"  # no new net namespace
    namespaces = tuple(ns for ns in NAMESPACES if not (ns == "net" and shared_net))
    secure = security.build(options.security, namespaces)
    process = Process(
        args=args,
        env=environment(options, image, hostname),
        cwd=options.workdir or image.config.working_dir or "/",
        user=User(options.user if options.user is not None else image.config.user),
        terminal=options.tty,
        stdin=options.interactive,
        capabilities=DEFAULT_CAPABILITIES,
    )
    if not process.cwd.startswith("/"):
        raise InvalidArgument(f"invalid --workdir {process.cwd!r}: it must be an absolute path")
    return Spec(
        id=container_id,
        hostname=hostname,
        process=process,
        rootfs=security.rootfs_for(rootfs, secure),
        namespaces=namespaces,
        masked_paths=secure.masked_paths,
        readonly_paths=secure.readonly_paths,
        security=secure.spec,
        etc_files=write_etc_files(dirs, hostname, name, options.network, options, net),
        network=net,
        lifecycle=lifecycle_spec(options.lifecycle, image.config.healthcheck),
    )
