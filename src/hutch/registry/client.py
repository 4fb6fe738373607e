"""Registry API v2 over urllib3: ping, authentication, manifests, blobs, uploads.

One ``RegistryClient`` talks to one registry host for one command. It finds
the scheme once (HTTPS; plain HTTP only when TLS verification is off for the
host), answers 401 challenges (Bearer tokens per scope set, or Basic), and
turns transport failures into one-line ``RegistryError`` messages.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlencode, urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    HTTPError,
    InsecureRequestWarning,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    SSLError,
)

from hutch import __version__
from hutch.api.errors import InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, parse_digest
from hutch.registry.authfile import Credentials
from hutch.registry.certs import host_cert_dirs, ssl_context
from hutch.registry.challenge import Challenge, parse_challenges, repository_scope
from hutch.registry.errors import (
    AuthError,
    ManifestUnknown,
    RegistryError,
    StreamRefused,
    TLSFailure,
)
from hutch.registry.interrupt import Pools

USER_AGENT = f"hutch/{__version__}"
MANIFEST_LIMIT = 4 << 20  # a manifest or config larger than this is not an image
CHUNK = 1 << 20
_RETRY_STATUS = (408, 429, 500, 502, 503, 504)
# A streamed PATCH's answers that say "not this way" (405 Method Not Allowed, 411
# Length Required, 400/415/416 for a body without Content-Range, 501 for chunked
# transfer encoding), not "not allowed" (401, 403) or "no such session" (404).
_STREAM_REFUSALS = frozenset({400, 405, 411, 413, 415, 416, 501})


@dataclass(frozen=True)
class Endpoint:
    host: str  # host[:port] as in references
    insecure: bool = False  # TLS unverified, plain HTTP allowed
    cert_dir: str | None = None


@dataclass(frozen=True)
class Fetched:
    data: bytes
    media_type: str | None
    digest_header: str | None


def _host_url(host: str) -> str:
    # Docker Hub's API lives on a different name than its references use.
    return "registry-1.docker.io" if host == "docker.io" else host


def errcode_text(body: bytes, go: bool = False) -> str:
    """The registry's errors as podman's Go client words them: the code in lower case
    with spaces, then the message (``manifest unknown: manifest unknown``); empty when
    the body holds no error document. Several are joined by "; ", or with ``go`` as
    Go's errcode.Errors prints them ("errors:" and one line each, each ending one)."""
    try:
        doc = json.loads(body)
        errors = doc.get("errors") or []
        parts = []
        for e in errors:
            code = str(e.get("code", "")).lower().replace("_", " ")
            parts.append(f"{code}: {e.get('message', '')}".strip(": "))
    except (ValueError, AttributeError):
        return ""
    parts = [p for p in parts if p]
    if go and len(parts) > 1:
        return "errors:\n" + "".join(f"{p}\n" for p in parts)
    return "; ".join(parts)


# What podman's Go client says of a 401 whose answer holds no error document (a HEAD)
UNAUTHORIZED = "unauthorized: authentication required"


def _error_text(body: bytes) -> str:
    try:
        doc = json.loads(body)
        errors = doc.get("errors") or []
        parts = [f"{e.get('code', '')}: {e.get('message', '')}".strip(": ") for e in errors]
        if parts:
            return "; ".join(parts)
        if isinstance(doc.get("details"), str):
            return str(doc["details"])
    except (ValueError, AttributeError):
        pass
    text = body.decode(errors="replace").strip().splitlines()
    return text[0][:200] if text else ""


def _proxy(endpoint: Endpoint, env: Mapping[str, str]) -> str | None:
    """The registry's proxy: HTTPS's (every registry speaks it first), or HTTP's for an
    insecure one without an HTTPS proxy, which hutch may reach in plain HTTP."""
    from hutch.registry.proxy import proxy_url

    host = _host_url(endpoint.host)
    found = proxy_url(host, "https", env)
    if found is None and endpoint.insecure:
        found = proxy_url(host, "http", env)
    return found


class RegistryClient:
    def __init__(
        self,
        endpoint: Endpoint,
        creds: Credentials | None,
        env: Mapping[str, str],
        *,
        retries: int = 3,
    ) -> None:
        self.endpoint = endpoint
        self._creds = creds
        self._retries = retries
        dirs = host_cert_dirs(endpoint.host, env, endpoint.cert_dir)
        self._ssl = ssl_context(dirs, verify=not endpoint.insecure)
        if endpoint.insecure:
            # The user chose an unverified registry (--tls-verify=false or
            # registries.conf): urllib3's warning on each request would only repeat
            # that choice on stderr, as a Python traceback line podman never prints.
            warnings.filterwarnings("ignore", category=InsecureRequestWarning)
        retry = urllib3.Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.2,
            status_forcelist=_RETRY_STATUS,
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            redirect=5,
        )
        self._http = Pools.through(
            _proxy(endpoint, env),
            num_pools=4,
            maxsize=8,
            retries=retry,
            timeout=urllib3.Timeout(connect=10, read=120),
            ssl_context=self._ssl,
            headers={"User-Agent": USER_AGENT},
        )
        self._base: str | None = None
        self._challenge: Challenge | None = None
        self._tokens: dict[tuple[str, ...], str] = {}
        self._lock = threading.Lock()

    def cut(self) -> None:
        """Shut down this client's connections, from any thread: a read or a send
        blocked in one fails at once (a transfer whose caller went away)."""
        self._http.cut()

    # ------------------------------------------------------------ transport

    def _raw(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | BinaryIO | None = None,
        stream: bool = False,
        retries: Any = None,
    ) -> urllib3.BaseHTTPResponse:
        try:
            kwargs: dict[str, Any] = {}
            if retries is not None:
                kwargs["retries"] = retries
            return self._http.request(
                method,
                url,
                headers={"User-Agent": USER_AGENT, **(headers or {})},
                body=body,
                preload_content=not stream,
                **kwargs,
            )
        except MaxRetryError as exc:
            raise self._transport_error(exc.reason, method, url) from None
        except (HTTPError, OSError) as exc:
            raise self._transport_error(exc, method, url) from None

    def _transport_error(self, exc: BaseException | None, method: str, url: str) -> RegistryError:
        """The failure in Go's net/http words, as podman prints them: ``Get "URL": ...``."""
        host = self.endpoint.host
        message = f'{method.capitalize()} "{url}": {_go_reason(exc, url)}'
        if isinstance(exc, SSLError):
            return TLSFailure(
                message,
                # registries.conf reaches what has no --tls-verify: a build's FROM,
                # compose, kube play, auto-update
                hint=(
                    "add its CA to certs.d/<host:port>/, use --tls-verify=false (pull, "
                    "push, run, create, build, login, search), or mark it insecure for "
                    f'every command in registries.conf: [[registry]] location = "{host}" '
                    "insecure = true"
                ),
            )
        return RegistryError(message)

    def base(self) -> str:
        """``https://host`` or (insecure registries only) ``http://host``; pings once."""
        if self._base is not None:
            return self._base
        host = _host_url(self.endpoint.host)
        schemes = ["https", "http"] if self.endpoint.insecure else ["https"]
        last: RegistryError | None = None
        no_retry = urllib3.Retry(total=1, backoff_factor=0.1, redirect=3, raise_on_status=False)
        for scheme in schemes:
            try:
                resp = self._raw("GET", f"{scheme}://{host}/v2/", retries=no_retry)
            except RegistryError as exc:
                last = exc.under(f"pinging container registry {self.endpoint.host}")
                continue
            if resp.status in (200, 401):
                self._base = f"{scheme}://{host}"
                if resp.status == 401:
                    self._remember_challenge(resp)
                return self._base
            last = RegistryError(
                f"registry {self.endpoint.host} does not speak the Registry API v2 "
                f"(GET /v2/ answered {resp.status})"
            )
        assert last is not None
        raise last

    def ping(self) -> None:
        self.base()

    # ------------------------------------------------------------ authentication

    def _remember_challenge(self, resp: urllib3.BaseHTTPResponse) -> None:
        header = resp.headers.get("WWW-Authenticate", "")
        for challenge in parse_challenges(header):
            if challenge.scheme in ("bearer", "basic"):
                self._challenge = challenge
                return

    def _auth_header(self, scopes: Sequence[str]) -> dict[str, str]:
        challenge = self._challenge
        if challenge is None:
            return {}
        if challenge.scheme == "basic":
            if self._creds is None or not self._creds.username:
                return {}
            pair = f"{self._creds.username}:{self._creds.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        key = tuple(sorted(scopes))
        with self._lock:
            token = self._tokens.get(key)
        if token is None:
            token = self._fetch_token(challenge, scopes)
            with self._lock:
                self._tokens[key] = token
        return {"Authorization": f"Bearer {token}"}

    def _fetch_token(self, challenge: Challenge, scopes: Sequence[str]) -> str:
        realm = challenge.param("realm")
        if not realm:
            raise AuthError(f"registry {self.endpoint.host} asked for a token without a realm")
        query: list[tuple[str, str]] = []
        service = challenge.param("service")
        if service:
            query.append(("service", service))
        query += [("scope", s) for s in scopes]
        headers: dict[str, str] = {}
        creds = self._creds
        if creds is not None and creds.identity_token:
            return self._oauth_token(realm, service, scopes, creds.identity_token)
        if creds is not None and creds.username:
            query.append(("account", creds.username))
            pair = f"{creds.username}:{creds.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        sep = "&" if "?" in realm else "?"
        resp = self._raw("GET", realm + (sep + urlencode(query) if query else ""), headers=headers)
        return self._token_from(resp, realm)

    def _oauth_token(
        self, realm: str, service: str | None, scopes: Sequence[str], refresh: str
    ) -> str:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "service": service or "",
            "scope": " ".join(scopes),
            "client_id": "hutch",
        }
        resp = self._raw(
            "POST",
            realm,
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return self._token_from(resp, realm)

    def _token_from(self, resp: urllib3.BaseHTTPResponse, realm: str) -> str:
        if resp.status in (401, 403):
            raise AuthError(
                f"authentication to registry {self.endpoint.host} failed: "
                f"the token server refused the credentials ({resp.status})"
            )
        if resp.status != 200:
            raise AuthError(f"token server {realm} answered {resp.status}")
        try:
            doc = json.loads(resp.data)
            token = doc.get("token") or doc.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise AuthError(f"token server {realm} sent no token")
        return token

    # ------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        scopes: Sequence[str],
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | Callable[[], BinaryIO] | None = None,
        stream: bool = False,
    ) -> urllib3.BaseHTTPResponse:
        """One authenticated request; ``path`` is relative to the base or absolute.

        ``body`` may be a factory of a fresh stream, so that the request can be
        sent again after an authentication challenge.
        """
        url = path if path.startswith(("http://", "https://")) else self.base() + path
        for attempt in range(2):
            all_headers = {**self._auth_header(scopes), **(headers or {})}
            payload = body() if callable(body) else body
            resp = self._raw(method, url, headers=all_headers, body=payload, stream=stream)
            if resp.status != 401 or attempt == 1:
                break
            # The challenge names the realm (and the scope) to ask: learn it, retry once.
            _drain(resp)
            self._remember_challenge(resp)
            with self._lock:
                self._tokens.clear()
            if self._challenge is None:
                break
        if resp.status == 401:
            said = errcode_text(_error_body(resp) if stream else _preloaded(resp), go=True)
            _drain(resp)
            what = "credentials were refused" if self._creds else "authentication required"
            refused = AuthError(f"registry {self.endpoint.host}: {what} (401 Unauthorized)")
            refused.registry_says = said
            refused.unauthorized = True
            raise refused
        return resp

    def _fail(self, resp: urllib3.BaseHTTPResponse, what: str) -> RegistryError:
        # A preloaded response is "closed" yet keeps its body: ask for it either way.
        detail = _error_text(_preloaded(resp))
        message = f"{what}: registry {self.endpoint.host} answered {resp.status}"
        if detail:
            message += f" ({detail})"
        if resp.status == 403:
            return AuthError(message)
        return RegistryError(message)

    def check_login(self) -> None:
        """Prove the credentials: a token without scope, or an authorised ``GET /v2/``."""
        self.base()
        challenge = self._challenge
        if challenge is not None and challenge.scheme == "bearer":
            self._fetch_token(challenge, [])
            return
        resp = self.request("GET", "/v2/", [])
        if resp.status != 200:
            raise self._fail(resp, "login")

    # ------------------------------------------------------------ manifests

    def get_manifest(self, repository: str, reference: str) -> Fetched:
        """A manifest or index, raw; ``reference`` is a tag or a digest."""
        scopes = [repository_scope(repository, ["pull"])]
        where = f"reading manifest {reference} in {self.endpoint.host}/{repository}"
        try:
            resp = self.request(
                "GET",
                f"/v2/{repository}/manifests/{reference}",
                scopes,
                headers={"Accept": ", ".join((*mt.MANIFEST_ACCEPT, *mt.SCHEMA1_TYPES))},
                stream=True,
            )
        except AuthError as exc:
            if self._creds or not exc.registry_says:
                raise
            # podman's words for a pull without credentials: the registry's own
            # ("unauthorized: authentication required")
            raise AuthError(f"{where}: {exc.registry_says}") from None
        if resp.status == 404:
            # podman's words (scripts look for "manifest unknown"); the reference as
            # given, a tag or a digest, and the registry's own error code and message
            detail = errcode_text(_error_body(resp)) or "manifest unknown"
            raise ManifestUnknown(f"{where}: {detail}")
        if resp.status != 200:
            resp.read()
            raise self._fail(resp, f"fetching manifest {repository}:{reference}")
        data = _read_limited(resp, MANIFEST_LIMIT, f"manifest {repository}:{reference}")
        return Fetched(
            data, resp.headers.get("Content-Type"), resp.headers.get("Docker-Content-Digest")
        )

    def put_manifest(
        self, repository: str, reference: str, data: bytes, media_type: str
    ) -> str | None:
        scopes = [repository_scope(repository, ["pull", "push"])]
        resp = self.request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            scopes,
            headers={"Content-Type": media_type},
            body=data,
        )
        if resp.status not in (200, 201, 202):
            raise self._fail(resp, f"writing manifest {repository}:{reference}")
        return resp.headers.get("Docker-Content-Digest")

    def list_tags(self, repository: str) -> list[str]:
        scopes = [repository_scope(repository, ["pull"])]
        tags: list[str] = []
        path: str | None = f"/v2/{repository}/tags/list"
        while path:
            resp = self.request("GET", path, scopes)
            if resp.status == 404:
                # podman's (containers/image's) words for it
                raise ManifestUnknown(
                    "fetching tags list: invalid status code from registry 404 (Not Found)"
                )
            if resp.status != 200:
                raise self._fail(resp, f"listing tags of {repository}")
            try:
                tags += [str(t) for t in json.loads(resp.data).get("tags") or ()]
            except (ValueError, AttributeError):
                raise RegistryError(f"registry {self.endpoint.host}: bad tag list") from None
            path = _next_link(resp.headers.get("Link"))
        return tags

    def catalog(self, limit: int = 0) -> list[str]:
        """The repositories of the registry (``GET /v2/_catalog``, page by page; at most
        ``limit`` when it is above 0)."""
        names: list[str] = []
        path: str | None = "/v2/_catalog" + (f"?n={limit}" if limit > 0 else "")
        while path and (limit <= 0 or len(names) < limit):
            resp = self.request("GET", path, ["registry:catalog:*"])
            if resp.status != 200:
                raise self._fail(resp, "listing repositories")
            try:
                names += [str(r) for r in json.loads(resp.data).get("repositories") or ()]
            except (ValueError, AttributeError):
                raise RegistryError(f"registry {self.endpoint.host}: bad catalog") from None
            path = _next_link(resp.headers.get("Link"))
        return names[:limit] if limit > 0 else names

    # ------------------------------------------------------------ blobs

    def blob_exists(self, repository: str, digest: Digest, scopes: Sequence[str]) -> bool:
        where = f"checking whether a blob {digest} exists in {self.endpoint.host}/{repository}"
        try:
            resp = self.request("HEAD", f"/v2/{repository}/blobs/{digest}", scopes)
        except AuthError as exc:  # podman's words (a HEAD's answer has no body)
            raise AuthError(f"{where}: {exc.registry_says or UNAUTHORIZED}") from None
        if resp.status == 200:
            return True
        if resp.status == 404:
            return False
        raise self._fail(resp, where)

    def get_blob(self, repository: str, digest: Digest) -> urllib3.BaseHTTPResponse:
        """A streaming response of the blob; the caller reads and verifies it."""
        scopes = [repository_scope(repository, ["pull"])]
        resp = self.request("GET", f"/v2/{repository}/blobs/{digest}", scopes, stream=True)
        if resp.status == 404:
            _drain(resp)
            raise RegistryError(f"{repository}: blob {digest} unknown to the registry")
        if resp.status != 200:
            resp.read()
            raise self._fail(resp, f"fetching blob {digest.short}")
        return resp

    def get_small_blob(self, repository: str, digest: Digest) -> bytes:
        resp = self.get_blob(repository, digest)
        return _read_limited(resp, MANIFEST_LIMIT, f"blob {digest}")

    def mount_blob(self, repository: str, digest: Digest, source_repository: str) -> str | None:
        """Cross-repository mount; None when done, else the upload location to use."""
        scopes = [
            repository_scope(repository, ["pull", "push"]),
            repository_scope(source_repository, ["pull"]),
        ]
        query = urlencode({"mount": str(digest), "from": source_repository})
        resp = self.request("POST", f"/v2/{repository}/blobs/uploads/?{query}", scopes)
        if resp.status == 201:
            return None
        if resp.status == 202:
            return self._location(resp)
        raise self._fail(resp, f"mounting blob {digest.short}")

    def start_upload(self, repository: str) -> str:
        scopes = [repository_scope(repository, ["pull", "push"])]
        path = f"/v2/{repository}/blobs/uploads/"
        try:
            resp = self.request("POST", path, scopes)
        except AuthError as exc:  # podman's words, the registry's own after them
            where = f"initiating layer upload to {path} in {self.endpoint.host}"
            raise AuthError(f"{where}: {exc.registry_says or UNAUTHORIZED}") from None
        if resp.status != 202:
            raise self._fail(resp, f"starting an upload to {repository}")
        return self._location(resp)

    def upload_blob(
        self,
        repository: str,
        location: str,
        digest: Digest,
        size: int,
        opener: Callable[[], BinaryIO],
        *,
        chunk_size: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Send a blob: one PUT (monolithic), or PATCH chunks then PUT when chunk_size.

        The registry accepts the blob only at the final PUT, after checking
        it against ``digest``; an upload that fails before is cancelled
        (DELETE of its location), so nothing half-sent is ever a blob.
        """
        scopes = [repository_scope(repository, ["pull", "push"])]
        # Each answer names the session's next location (its state moves with the offset).
        where = [location]
        try:
            if chunk_size and size > chunk_size:
                location = self._send_chunks(
                    where, scopes, digest, size, opener, chunk_size, progress
                )
                body: bytes | Callable[[], BinaryIO] = b""
                length = 0
            else:
                body = _window_factory(opener, 0, size, progress)
                length = size
            sep = "&" if "?" in location else "?"
            resp = self.request(
                "PUT",
                f"{location}{sep}{urlencode({'digest': str(digest)})}",
                scopes,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(length),
                },
                body=body,
            )
            if resp.status not in (201, 204):
                raise self._fail(resp, f"uploading blob {digest.short}")
        except BaseException:
            self._cancel_upload(where[-1], scopes)
            raise

    def _send_chunks(
        self,
        where: list[str],
        scopes: Sequence[str],
        digest: Digest,
        size: int,
        opener: Callable[[], BinaryIO],
        chunk_size: int,
        progress: Callable[[int], None] | None,
    ) -> str:
        """PATCH ``Content-Range: start-end`` windows of the file; the next location."""
        location = where[-1]
        offset = 0
        while offset < size:
            length = min(chunk_size, size - offset)
            resp = self.request(
                "PATCH",
                location,
                scopes,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Range": f"{offset}-{offset + length - 1}",
                    "Content-Length": str(length),
                },
                body=_window_factory(opener, offset, length, progress),
            )
            if resp.status != 202:
                raise self._fail(resp, f"uploading blob {digest.short}")
            location = self._location(resp)
            where.append(location)
            offset += length
        return location

    def upload_stream(
        self,
        repository: str,
        location: str,
        stream: BinaryIO,
        digest: Callable[[], Digest],
        *,
        chunk_size: int = 0,
    ) -> None:
        """Send a blob whose digest is known only once it is all sent: ``stream`` as
        streamed ``PATCH`` requests (chunked transfer encoding, no Content-Range:
        each appends to the session, the distribution spec's streamed upload), at
        most ``chunk_size`` bytes each when it is set, as a sized push cuts a blob
        above it; then ``PUT ?digest=`` with ``digest()``, asked after the stream's end.

        A registry that refuses the PATCH itself (405, 411, 416 and the like:
        ``_STREAM_REFUSALS``) raises ``StreamRefused``: the caller sends the blob
        another way. Every failure cancels the session (DELETE at its latest
        location), so nothing half-sent is ever a blob.
        """
        scopes = [repository_scope(repository, ["pull", "push"])]
        where = [location]
        try:
            window = _StreamWindow(stream, chunk_size)
            while window.more():
                resp = self.request(
                    "PATCH",
                    where[-1],
                    scopes,
                    headers={"Content-Type": "application/octet-stream"},
                    body=window.once(self.endpoint.host),
                )
                if resp.status != 202:
                    error = self._fail(resp, "streaming a blob")
                    if resp.status in _STREAM_REFUSALS and window.first:
                        raise StreamRefused(str(error))
                    raise error
                where.append(self._location(resp))
                window.first = False
            final = digest()
            sep = "&" if "?" in where[-1] else "?"
            resp = self.request(
                "PUT",
                f"{where[-1]}{sep}{urlencode({'digest': str(final)})}",
                scopes,
                headers={"Content-Type": "application/octet-stream", "Content-Length": "0"},
                body=b"",
            )
            if resp.status not in (201, 204):
                raise self._fail(resp, f"uploading blob {final.short}")
        except BaseException as exc:
            # a registry that refused the streamed PATCH may have closed the connection
            # without reading the body: the pooled connection the DELETE takes first can
            # be that dead one, so a refusal gets a second try on a fresh one
            self._cancel_upload(where[-1], scopes, tries=2 if isinstance(exc, StreamRefused) else 1)
            raise

    def cancel_upload(self, repository: str, location: str) -> None:
        """Give up an upload session (a mount the registry answered with one)."""
        self._cancel_upload(location, [repository_scope(repository, ["pull", "push"])])

    def _cancel_upload(self, location: str, scopes: Sequence[str], tries: int = 1) -> None:
        # Best effort: the registry would expire the upload session anyway.
        for _ in range(tries):
            try:
                _drain(self.request("DELETE", location, scopes))
            except RegistryError:
                continue
            return

    def _location(self, resp: urllib3.BaseHTTPResponse) -> str:
        location = resp.headers.get("Location")
        if not location:
            raise RegistryError(f"registry {self.endpoint.host} gave no upload location")
        return urljoin(self.base() + "/", location)


class _StreamWindow:
    """A stream cut into PATCH bodies of at most ``limit`` bytes (0: one body).

    ``more()`` looks ahead one piece, so no empty PATCH is sent after a stream
    whose length is a multiple of ``limit``; each body is handed out once (a 401
    answered mid-way would have it sent again from where the stream is)."""

    def __init__(self, src: BinaryIO, limit: int) -> None:
        self._src = src
        self._limit = limit
        self._head = b""
        self._left = 0
        self._ended = False
        self.first = True

    def more(self) -> bool:
        if not self._head and not self._ended:
            self._head = self._src.read(CHUNK)
            self._ended = not self._head
        self._left = self._limit or -1
        return bool(self._head)

    def once(self, host: str) -> Callable[[], BinaryIO]:
        given = [False]

        def body() -> BinaryIO:
            if given[0]:
                raise RegistryError(
                    f"registry {host} asked for authentication again during a streamed upload"
                )
            given[0] = True
            return self  # type: ignore[return-value]

        return body

    def read(self, n: int = -1) -> bytes:
        if self._left == 0:
            return b""
        n = CHUNK if n is None or n < 0 else n
        if self._left > 0:
            n = min(n, self._left)
        if self._head:
            data, self._head = self._head[:n], self._head[n:]
        else:
            data = self._src.read(n) if not self._ended else b""
            self._ended = self._ended or not data
        if self._left > 0:
            self._left -= len(data)
        return data

    def readable(self) -> bool:
        return True


class _Window:
    """``length`` bytes of a stream from ``offset``, counted as they are sent."""

    def __init__(self, src: BinaryIO, length: int, progress: Callable[[int], None] | None) -> None:
        self._src = src
        self._left = length
        self._progress = progress

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            self._src.close()
            return b""
        n = self._left if n is None or n < 0 else min(n, self._left)
        data = self._src.read(n)
        self._left -= len(data)
        if not data:
            self._left = 0
        if data and self._progress:
            self._progress(len(data))
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._src.close()


def _window_factory(
    opener: Callable[[], BinaryIO],
    offset: int,
    length: int,
    progress: Callable[[int], None] | None,
) -> Callable[[], BinaryIO]:
    def make() -> BinaryIO:
        src = opener()
        if offset:
            src.seek(offset)
        return _Window(src, length, progress)  # type: ignore[return-value]

    return make


def _go_reason(exc: BaseException | None, url: str) -> str:
    """Why a request failed, as Go's net/http says it (podman's words) where hutch
    knows the case, else in short."""
    text = str(exc)
    if isinstance(exc, SSLError) and "WRONG_VERSION_NUMBER" in text:
        return "http: server gave HTTP response to HTTPS client"
    if isinstance(exc, SSLError) and ("local issuer" in text or "self-signed" in text):
        return "x509: certificate signed by unknown authority"
    if isinstance(exc, NewConnectionError):
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        name = parts.hostname or ""
        if "Connection refused" in text:
            address = f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
            return f"dial tcp {address}: connect: connection refused"
        if "Name or service not known" in text or "No address associated" in text:
            return f"dial tcp: lookup {name}: no such host"
    return _short(exc)


def _short(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out"):
        if marker in text:
            return marker.lower()
    if isinstance(exc, SSLError) and "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate verify failed (unknown authority)"
    if isinstance(exc, SSLError) and "WRONG_VERSION_NUMBER" in text:
        return "the server does not speak TLS"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _drain(resp: urllib3.BaseHTTPResponse) -> None:
    with contextlib.suppress(HTTPError, OSError):
        resp.read()
    resp.release_conn()


def _preloaded(resp: urllib3.BaseHTTPResponse) -> bytes:
    """The body of an answer read whole with its headers (not streamed), or nothing."""
    try:
        return resp.data or b""
    except (HTTPError, OSError):
        return b""


def _error_body(resp: urllib3.BaseHTTPResponse) -> bytes:
    """The body of an error answer, small, or nothing when it cannot be read."""
    try:
        return _read_limited(resp, 64 << 10, "error answer")
    except RegistryError:
        return b""


def _read_limited(resp: urllib3.BaseHTTPResponse, limit: int, what: str) -> bytes:
    parts: list[bytes] = []
    total = 0
    try:
        for chunk in _chunks(resp):
            total += len(chunk)
            if total > limit:
                resp.close()
                raise RegistryError(f"{what} is larger than {limit} bytes: refused")
            parts.append(chunk)
    except (ProtocolError, OSError) as exc:
        raise RegistryError(f"reading {what} failed: {_short(exc)}") from None
    finally:
        resp.release_conn()
    return b"".join(parts)


def _chunks(resp: urllib3.BaseHTTPResponse) -> Iterator[bytes]:
    while True:
        chunk = resp.read(CHUNK)
        if not chunk:
            return
        yield chunk


def _next_link(header: str | None) -> str | None:
    # RFC 5988: </v2/x/tags/list?last=a&n=100>; rel="next"
    if not header or 'rel="next"' not in header:
        return None
    start, end = header.find("<"), header.find(">")
    return header[start + 1 : end] if 0 <= start < end else None


def verify(data: bytes, expected: Digest, what: str) -> None:
    """Refuse ``data`` unless it hashes to ``expected``."""
    import hashlib

    from hutch.registry.errors import DigestMismatch

    try:
        actual = hashlib.new(expected.algorithm, data).hexdigest()
    except ValueError:
        raise DigestMismatch(f"{what}: unsupported digest algorithm {expected.algorithm}") from None
    if actual != expected.hex:
        raise DigestMismatch(
            f"{what}: digest mismatch: expected {expected}, got {expected.algorithm}:{actual}"
        )


def digest_of_header(value: str | None) -> Digest | None:
    if not value:
        return None
    try:
        return parse_digest(value.strip())
    except InvalidArgument:  # a bad header is as good as none
        return None
