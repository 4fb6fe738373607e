"""What the cases need besides the tools: images, a registry, a host iperf3 server."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from benchtools import BenchError, free_port, wait_listening

REPO_ROOT = Path(__file__).resolve().parent.parent
MAKE_ROOTFS = REPO_ROOT / "contrib" / "make-rootfs.sh"
EPOCH = 1700000000


def make_base_tar(out: Path) -> None:
    """The busybox rootfs of contrib/make-rootfs.sh (both tools import it)."""
    subprocess.run(["bash", str(MAKE_ROOTFS), str(out)], check=True, capture_output=True)


def shared_libraries(binary: str) -> list[str]:
    """The paths ``ldd`` names for ``binary`` (the loader included)."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    paths = []
    for line in out.splitlines():
        words = line.split()
        if "=>" in words:
            target = words[words.index("=>") + 1]
            if target.startswith("/"):
                paths.append(target)
        elif words and words[0].startswith("/"):
            paths.append(words[0])
    return paths


def make_tool_tar(base: Path, out: Path, binary: str) -> None:
    """The busybox rootfs plus ``binary`` and its libraries, copied from the host.

    Each library is stored as a regular file at the path ldd names (symlinks
    resolved), so the image needs none of the host's /usr merge.
    """
    binary_path = shutil.which(binary)
    if binary_path is None:
        raise BenchError(f"{binary} not found on the host (Debian package {binary})")
    files = [binary_path, *shared_libraries(binary_path)]
    with tarfile.open(base) as src, tarfile.open(out, "w") as dst:
        names = set()
        for member in src.getmembers():
            names.add(member.name.strip("/"))
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        for path in files:
            rel = path.strip("/")
            parts = rel.split("/")
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                if d not in names:
                    info = tarfile.TarInfo(d)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
                    dst.addfile(info)
                    names.add(d)
            if rel in names:
                continue
            data = Path(path).read_bytes()  # follows symlinks
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = len(data), 0o755, EPOCH
            dst.addfile(info, io.BytesIO(data))
            names.add(rel)


def _blob(layout: Path, data: bytes) -> tuple[str, int]:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest[7:]).write_bytes(data)
    return digest, len(data)


def make_random_layout(layout: Path, layers: int = 5, layer_mb: int = 20, tag: str = "1") -> int:
    """An OCI image layout of ``layers`` gzip layers of random (incompressible) bytes.

    Returns the total size of the layer blobs in bytes.
    """
    (layout / "blobs" / "sha256").mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    descriptors, diff_ids, total = [], [], 0
    for n in range(layers):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as tar:
            payload = os.urandom(layer_mb * 1024 * 1024)
            info = tarfile.TarInfo(f"data/layer{n}.bin")
            info.size, info.mode, info.mtime = len(payload), 0o644, EPOCH
            tar.addfile(info, io.BytesIO(payload))
        diff_ids.append("sha256:" + hashlib.sha256(raw.getvalue()).hexdigest())
        digest, size = _blob(layout, gzip.compress(raw.getvalue(), compresslevel=1, mtime=0))
        total += size
        descriptors.append(
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
             "digest": digest, "size": size}
        )  # fmt: skip
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": f"bench layer {n}"} for n in range(layers)],
    }
    config_digest, config_size = _blob(layout, json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": descriptors,
    }  # fmt: skip
    manifest_digest, manifest_size = _blob(layout, json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": manifest_digest, "size": manifest_size,
             "annotations": {"org.opencontainers.image.ref.name": tag}}
        ],
    }  # fmt: skip
    (layout / "index.json").write_text(json.dumps(index))
    return total


class Registry:
    """Debian's docker-registry on loopback, plain HTTP, storage under ``base``."""

    def __init__(self, base: Path) -> None:
        binary = shutil.which("docker-registry")
        if binary is None:
            raise BenchError("docker-registry not found (Debian package docker-registry)")
        self.binary = binary
        self.base = base
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.storage = base / "storage"
        self.process: subprocess.Popen[bytes] | None = None
        base.mkdir(parents=True)
        (base / "config.yml").write_text(
            "\n".join([
                "version: 0.1",
                "log:",
                "  level: error",
                "storage:",
                "  filesystem:",
                f"    rootdirectory: {self.storage}",
                "  delete:",
                "    enabled: true",
                "http:",
                f"  addr: {self.host}",
                "  secret: hutch-bench",
            ]) + "\n"
        )  # fmt: skip

    def start(self) -> None:
        with open(self.base / "registry.log", "ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "serve", str(self.base / "config.yml")],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            wait_listening(self.port)
        except BenchError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart_empty(self) -> None:
        """Stop, forget every blob and manifest, start again (a push then uploads everything)."""
        self.stop()
        shutil.rmtree(self.storage, ignore_errors=True)
        self.start()


class HostIperf:
    """An ``iperf3 -s`` on the host, for containers to send to."""

    def __init__(self, log: Path) -> None:
        binary = shutil.which("iperf3")
        if binary is None:
            raise BenchError("iperf3 not found (Debian package iperf3)")
        self.port = free_port()
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [binary, "-s", "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_listening(self.port)
        time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
