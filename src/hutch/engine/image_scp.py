"""``image scp``: an image between the local store and hosts reached with ssh.

hutch has no remote mode (no API client, no ``system connection``), so a remote
side is the real ssh client running hutch on that host: ``hutch save IMAGE``
there into a local archive, or ``hutch load`` there fed from one. The archive
passes through a temporary file, as podman's does: each step (save, ssh,
load) ends before the next begins, so a failure names the step that failed,
and a copy between two remote hosts needs no stream between two ssh clients.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.api.image_scp import ScpHost, ScpOptions, ScpReport
from hutch.api.images import SaveOptions
from hutch.oci.reference import parse_reference

if TYPE_CHECKING:
    from hutch.api.images import Images

# An id or id prefix names an image as well as a reference does (save, tag).
_ID_RE = re.compile(r"(sha256:)?[0-9a-f]{1,64}")
# ssh's own failures (connection, authentication) exit 255; anything else is the
# remote command's status
_SSH_FAILED = 255
_REMOTE_NOT_FOUND = 127  # the remote shell found no such command


def copy(images: Images, options: ScpOptions) -> ScpReport:
    """Copy the image of ``options.transfer``; the names a local load gave."""
    transfer = options.transfer
    _check_image(transfer.source.image)
    if transfer.new_name:
        parse_reference(transfer.new_name)  # a name, never an id: tag's rule
    with tempfile.TemporaryDirectory(prefix="hutch-scp-") as tmp:
        archive = Path(tmp) / "image.tar"
        _fetch(images, options, archive)
        image_id = archive_image_id(archive)
        return _deliver(images, options, archive, image_id)


def _check_image(image: str) -> None:
    if not _ID_RE.fullmatch(image):
        parse_reference(image)


def _fetch(images: Images, options: ScpOptions, archive: Path) -> None:
    source = options.transfer.source
    if source.host is None:
        if not images.exists(source.image):
            raise NoSuchObject(f"{source.image}: image not known")
        images.save(SaveOptions((source.image,), str(archive), quiet=True))
        return
    with archive.open("wb") as out:
        run_ssh(options, source.host, ("save", source.image), stdout=out)


def _deliver(images: Images, options: ScpOptions, archive: Path, image_id: str) -> ScpReport:
    transfer = options.transfer
    host = transfer.destination.host
    if host is None:
        loaded = images.load(str(archive))
        if transfer.new_name:
            images.tag(image_id, [transfer.new_name])
        return ScpReport(tuple(loaded))
    with archive.open("rb") as data:
        said = run_ssh(options, host, ("load", "-q") if options.quiet else ("load",), stdin=data)
    if transfer.new_name:
        run_ssh(options, host, ("tag", image_id, transfer.new_name))
    return ScpReport(loaded_names(said.decode(errors="replace")))


def loaded_names(output: str) -> tuple[str, ...]:
    """The names in a remote load's output (``Loaded image: NAME``; podman 3's
    ``Loaded image(s): A,B``), printed here as a local load's are: hutch's own
    output, which --out and --noout redirect, not the remote's bytes on fd 1."""
    names: list[str] = []
    for line in output.splitlines():
        head, colon, rest = line.partition(": ")
        if colon and head in ("Loaded image", "Loaded image(s)"):
            names += [name.strip() for name in rest.split(",") if name.strip()]
    return tuple(names)


def archive_image_id(archive: Path) -> str:
    """The id (config digest) of the first image of a docker-archive.

    A rename after the load tags this id: the id survives save and load, a name
    may not be in the archive at all (an image saved by its id)."""
    try:
        with tarfile.open(archive) as tar:
            manifest = json.loads(_member(tar, "manifest.json"))
            config = _member(tar, str(manifest[0]["Config"]))
    except (tarfile.TarError, OSError, ValueError, LookupError, TypeError) as exc:
        raise InvalidArgument(f"the saved image is no docker-archive: {exc}") from None
    return hashlib.sha256(config).hexdigest()


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    stream = tar.extractfile(name)
    if stream is None:
        raise ValueError(f"{name} is no file")
    with stream:
        return stream.read()


def ssh_argv(options: ScpOptions, host: ScpHost, verb: tuple[str, ...]) -> list[str]:
    """The ssh command line running ``REMOTE VERB...`` on ``host``.

    ssh hands the remote side one string for its shell: the remote command is
    the user's shell text (it may set variables, ``env X=Y hutch``), the
    arguments are quoted. ``--`` ends ssh's options, so nothing after it is
    read as one."""
    argv = list(options.ssh)
    if host.port is not None:
        argv += ["-p", str(host.port)]
    if host.user:
        argv += ["-l", host.user]
    remote = " ".join([options.remote, *(shlex.quote(word) for word in verb)])
    return [*argv, "--", host.host, remote]


def run_ssh(
    options: ScpOptions,
    host: ScpHost,
    verb: tuple[str, ...],
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
) -> bytes:
    """Run ``REMOTE VERB...`` on ``host``; its standard output unless ``stdout`` takes it."""
    argv = ssh_argv(options, host, verb)
    try:
        result = subprocess.run(
            argv,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=False,
        )
    except FileNotFoundError:
        raise HutchError(
            f"{argv[0]}: command not found: image scp reaches other hosts with OpenSSH's "
            "client (install openssh-client, or name the client in HUTCH_SCP_SSH)"
        ) from None
    problem = result.stderr.decode(errors="replace").strip()
    if result.returncode == 0:
        if problem:  # ssh's warnings and the remote's: the user's to read
            print(problem, file=sys.stderr)
        return result.stdout or b""
    raise HutchError(_failure(host, verb[0], result.returncode, problem))


def _failure(host: ScpHost, verb: str, status: int, problem: str) -> str:
    lines = [line.removeprefix("Error: ") for line in problem.splitlines() if line.strip()]
    said = "; ".join(lines[-3:])
    if status == _SSH_FAILED:
        return f"ssh {host.label()}: {said or 'exit status 255'}"
    message = f"{verb} on {host.label()} failed (exit status {status})"
    if said:
        message += f": {said}"
    if status == _REMOTE_NOT_FOUND:
        message += " (the remote needs hutch on its PATH, or set HUTCH_SCP_REMOTE_COMMAND)"
    return message
