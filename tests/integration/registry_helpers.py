"""A real registry (Debian's ``docker-registry``) on loopback, in the shapes the tests need.

``start_registry(tmp, shape)`` writes a config of its own (filesystem storage
under ``tmp``, ``http.addr: 127.0.0.1:PORT``, deletes enabled) and, by shape,
TLS with a CA made here with ``openssl``, htpasswd Basic auth (bcrypt through
``htpasswd -B``), or token auth backed by ``TokenIssuer``: a small HTTP server
that checks Basic credentials and signs RS256 JWTs (with ``openssl dgst``)
under a certificate the registry trusts through ``rootcertbundle``.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ports import free_port

USER = "alice"
PASSWORD = "s3cret-pw"
SERVICE = "hutch-test-registry"
ISSUER = "hutch-test-issuer"


def _run(*argv: str, cwd: Path | None = None) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, cwd=cwd).stdout


def make_ca(directory: Path) -> tuple[Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it; (ca.crt, dir)."""
    directory.mkdir(parents=True, exist_ok=True)
    d = directory
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=hutch test CA", "-keyout", str(d / "ca.key"),
         "-out", str(d / "ca.crt"))  # fmt: skip
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"))  # fmt: skip
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _run("openssl", "x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.crt"),
         "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-days", "2",
         "-extfile", str(d / "ext.cnf"), "-out", str(d / "server.crt"))  # fmt: skip
    return d / "ca.crt", d


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenIssuer:
    """Token server for the registry's ``auth.token``: Basic creds in, signed JWT out."""

    directory: Path
    port: int = 0
    requests: list[str] = field(default_factory=list)
    _server: http.server.ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=hutch token issuer", "-keyout", str(d / "token.key"),
             "-out", str(d / "token.crt"))  # fmt: skip
        self._x5c = base64.b64encode(
            subprocess.run(
                ["openssl", "x509", "-in", str(d / "token.crt"), "-outform", "DER"],
                check=True,
                capture_output=True,
            ).stdout
        ).decode()

    @property
    def cert(self) -> Path:
        return self.directory / "token.crt"

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def sign(self, claims: dict[str, object]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "x5c": [self._x5c]}
        signing_input = (
            _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
        )
        sig = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", str(self.directory / "token.key")],
            input=signing_input.encode(),
            check=True,
            capture_output=True,
        ).stdout
        return signing_input + "." + _b64url(sig)

    def token_for(self, query: dict[str, list[str]], authorization: str | None) -> str | None:
        account = None
        if authorization and authorization.startswith("Basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            if (user, password) != (USER, PASSWORD):
                return None
            account = user
        access = []
        for scope in query.get("scope", []):
            kind, name, actions = scope.split(":", 2) if scope.count(":") >= 2 else ("", "", "")
            if kind != "repository":
                continue
            # Anonymous users may pull, never push.
            granted = actions.split(",") if account else ["pull"]
            access.append({"type": "repository", "name": name, "actions": granted})
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": account or "",
            "aud": SERVICE,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": hashlib.sha256(str(time.time_ns()).encode()).hexdigest()[:16],
            "access": access,
        }
        return self.sign(claims)

    def start(self) -> None:
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlparse(self.path)
                issuer.requests.append(self.path)
                token = issuer.token_for(
                    urllib.parse.parse_qs(url.query), self.headers.get("Authorization")
                )
                if token is None:
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps({"token": token, "access_token": token}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class Registry:
    host: str  # 127.0.0.1:PORT
    storage: Path
    shape: str
    process: subprocess.Popen[bytes]
    ca: Path | None = None
    issuer: TokenIssuer | None = None
    log: Path | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.ca else "http"

    def ref(self, name: str) -> str:
        return f"{self.host}/{name}"

    def blob_data(self, digest: str) -> Path:
        hexpart = digest.split(":", 1)[1]
        return self.storage / "docker/registry/v2/blobs/sha256" / hexpart[:2] / hexpart / "data"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.issuer:
            self.issuer.stop()


def start_registry(base: Path, shape: str = "plain") -> Registry:
    """Start ``docker-registry`` in ``shape``: plain, tls, htpasswd (with TLS), token."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry not found (Debian package docker-registry)")
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    storage = base / "storage"
    lines = [
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {storage}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: 127.0.0.1:{port}",
        "  secret: hutch-tests",
    ]
    ca: Path | None = None
    issuer: TokenIssuer | None = None
    if shape in ("tls", "htpasswd"):
        ca, certs = make_ca(base / "pki")
        lines += [
            "  tls:",
            f"    certificate: {certs / 'server.crt'}",
            f"    key: {certs / 'server.key'}",
        ]
    if shape == "htpasswd":
        htpasswd = base / "htpasswd"
        htpasswd.write_text(_run("htpasswd", "-Bbn", USER, PASSWORD))
        lines += ["auth:", "  htpasswd:", "    realm: hutch-test", f"    path: {htpasswd}"]
    if shape == "token":
        issuer = TokenIssuer(base / "issuer")
        issuer.start()
        lines += [
            "auth:",
            "  token:",
            f"    realm: {issuer.realm}",
            f"    service: {SERVICE}",
            f"    issuer: {ISSUER}",
            f"    rootcertbundle: {issuer.cert}",
        ]
    config = base / "config.yml"
    config.write_text("\n".join(lines) + "\n")
    log = base / "registry.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "serve", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    registry = Registry(f"127.0.0.1:{port}", storage, shape, process, ca, issuer, log)
    _wait_listening(port, process, log)
    return registry


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {log.read_text()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"docker-registry did not listen on {port}: {log.read_text()}")


@contextmanager
def running_registry(base: Path, shape: str = "plain") -> Iterator[Registry]:
    registry = start_registry(base, shape)
    try:
        yield registry
    finally:
        registry.stop()


def install_ca(config_home: Path, registry: Registry) -> Path:
    """Put the registry's CA where hutch (and podman) look: certs.d/<host:port>/ca.crt."""
    assert registry.ca is not None
    target = config_home / "containers" / "certs.d" / registry.host
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(registry.ca, target / "ca.crt")
    return target


def allow_plain_http(config_home: Path, registry: Registry) -> None:
    """registries.conf: ``registry`` (plain HTTP, no CA) is insecure, so hutch talks to it."""
    conf = config_home / "containers" / "registries.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = true\n')


# ---- talking to the plain-HTTP registry directly (building test fixtures) -------


def http_request(
    registry: Registry,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    url = path if path.startswith("http") else f"http://{registry.host}{path}"
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def repository_tags(registry: Registry, repository: str) -> list[str]:
    status, _, body = http_request(registry, "GET", f"/v2/{repository}/tags/list")
    assert status == 200, body
    return list(json.loads(body)["tags"] or [])


def put_blob(registry: Registry, repository: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    status, headers, _ = http_request(registry, "POST", f"/v2/{repository}/blobs/uploads/")
    assert status == 202, status
    location = headers["Location"]
    if not location.startswith("http"):
        location = f"http://{registry.host}{location}"
    sep = "&" if "?" in location else "?"
    status, _, body = http_request(
        registry,
        "PUT",
        f"{location}{sep}digest={digest}",
        data,
        {"Content-Type": "application/octet-stream"},
    )
    assert status == 201, (status, body)
    return digest


def put_manifest(
    registry: Registry, repository: str, reference: str, data: bytes, media_type: str
) -> str:
    status, _, body = http_request(
        registry,
        "PUT",
        f"/v2/{repository}/manifests/{reference}",
        data,
        {"Content-Type": media_type},
    )
    assert status == 201, (status, body)
    return "sha256:" + hashlib.sha256(data).hexdigest()


# Every manifest type: without it the registry answers 404 for an OCI manifest it has.
MANIFEST_ACCEPT = {
    "Accept": "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json"
}


def get_manifest(registry: Registry, repository: str, reference: str) -> bytes:
    status, _, body = http_request(
        registry, "GET", f"/v2/{repository}/manifests/{reference}", headers=MANIFEST_ACCEPT
    )
    assert status == 200, (status, body)
    return body


def manifest_status(registry: Registry, repository: str, reference: str) -> int:
    """The status of a GET of the manifest (404: the registry has no such image)."""
    status, _, _ = http_request(
        registry, "GET", f"/v2/{repository}/manifests/{reference}", headers=MANIFEST_ACCEPT
    )
    return status


def get_blob(registry: Registry, repository: str, digest: str) -> bytes:
    status, _, body = http_request(registry, "GET", f"/v2/{repository}/blobs/{digest}")
    assert status == 200, status
    return body


def incompressible_layer(path: Path) -> Path:
    """A layer tar of 1 MB that does not compress: its transfer takes several reads."""
    data = os.urandom(1 << 20)
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("noise")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path
