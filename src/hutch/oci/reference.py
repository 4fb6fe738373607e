"""Image references (``registry/repository[:tag][@digest]``).

The grammar and the normalisation are Docker's (distribution/reference):
``alpine`` is ``docker.io/library/alpine:latest``. A first path component is
a registry only when it contains ``.`` or ``:`` or is ``localhost``; like
podman (and unlike recent Docker) an upper-case first component is not taken
as a registry, so ``Foo/bar`` is refused for its upper case instead of being
looked up on a host called ``Foo``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hutch.api.errors import InvalidArgument
from hutch.oci.digest import Digest, parse_digest

DOCKER_HUB = "docker.io"
_LEGACY_DOCKER_HUB = "index.docker.io"
_OFFICIAL_PREFIX = "library/"
NAME_TOTAL_LENGTH_MAX = 255

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|-+)"
_PATH_COMPONENT_RE = re.compile(rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*")
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[[a-fA-F0-9:]+\]"
_DOMAIN_RE = re.compile(rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|{_IPV6})(?::[0-9]+)?")
# Go's \w is ASCII-only; so is ours.
_TAG_RE = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_IMAGE_ID_RE = re.compile(r"(?:sha256:)?[0-9a-f]{64}")
_IMAGE_ID_PREFIX_RE = re.compile(r"(?:sha256:)?[0-9a-f]{3,64}")


@dataclass(frozen=True)
class Reference:
    registry: str
    repository: str
    tag: str | None = None
    digest: Digest | None = None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def __str__(self) -> str:
        return self.name + self._suffix()

    def _suffix(self) -> str:
        out = f":{self.tag}" if self.tag is not None else ""
        return out + (f"@{self.digest}" if self.digest is not None else "")

    @property
    def familiar_name(self) -> str:
        """The name as Docker shows it: ``alpine``, ``user/app``, ``quay.io/x/y``."""
        if self.registry != DOCKER_HUB:
            return self.name
        short = self.repository.removeprefix(_OFFICIAL_PREFIX)
        # Only official images lose "library/": "library/a/b" keeps it.
        return short if "/" not in short else self.repository

    def familiar(self) -> str:
        """Docker's short display form, e.g. ``alpine:latest``."""
        return self.familiar_name + self._suffix()

    def with_tag(self, tag: str) -> Reference:
        _check_tag(f"{self.name}:{tag}", tag)
        return replace(self, tag=tag)

    def with_digest(self, digest: Digest) -> Reference:
        return replace(self, digest=digest)


def _invalid(text: str, reason: str) -> InvalidArgument:
    return InvalidArgument(f"invalid reference {text!r}: {reason}")


def _check_tag(text: str, tag: str) -> None:
    if not _TAG_RE.fullmatch(tag):
        raise _invalid(
            text,
            f"invalid tag {tag!r} (letters, digits, '_', '.', '-'; "
            "not starting with '.' or '-'; at most 128 characters)",
        )


def _split_registry(name: str, default_registry: str) -> tuple[str, str]:
    slash = name.find("/")
    first = name[:slash]
    if slash == -1 or not _names_registry(first):
        return default_registry, name
    return first, name[slash + 1 :]


def _names_registry(first: str) -> bool:
    return "." in first or ":" in first or first == "localhost"


def _check_repository(text: str, repository: str) -> None:
    if repository != repository.lower():
        raise _invalid(text, "repository name must be lowercase")
    for component in repository.split("/"):
        if not component:
            raise _invalid(text, "empty path component in repository name")
        if not _PATH_COMPONENT_RE.fullmatch(component):
            raise _invalid(
                text,
                f"invalid repository component {component!r} (lowercase letters and "
                "digits, separated by '.', '_', '__' or dashes)",
            )


def parse_reference(
    text: str, *, default_registry: str = DOCKER_HUB, default_tag: str | None = "latest"
) -> Reference:
    """Parse and normalise ``text`` as Docker does.

    ``default_registry`` is used when the text names none; ``default_tag``
    only when the text has neither a tag nor a digest.
    """
    if not text:
        raise InvalidArgument("invalid reference '': empty")
    if _IMAGE_ID_RE.fullmatch(text):
        raise _invalid(text, "a 64-digit hexadecimal string is an image id, not a repository name")
    name, at, digest_text = text.partition("@")
    digest: Digest | None = None
    if at:
        try:
            digest = parse_digest(digest_text)
        except InvalidArgument as exc:
            raise _invalid(text, str(exc)) from None
    tag: str | None = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
        _check_tag(text, tag)
    if not name:
        raise _invalid(text, "empty repository name")
    registry, repository = _split_registry(name, default_registry)
    if not _DOMAIN_RE.fullmatch(registry):
        raise _invalid(text, f"invalid registry {registry!r}")
    if registry == _LEGACY_DOCKER_HUB:
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        repository = _OFFICIAL_PREFIX + repository
    _check_repository(text, repository)
    if len(registry) + 1 + len(repository) > NAME_TOTAL_LENGTH_MAX:
        raise _invalid(text, f"name longer than {NAME_TOTAL_LENGTH_MAX} characters")
    if tag is None and digest is None:
        tag = default_tag
    return Reference(registry=registry, repository=repository, tag=tag, digest=digest)


def docker_reason(text: str) -> str:
    """Why Docker's reference parser (which podman's messages quote) refuses ``text``,
    which ``parse_reference`` refused: its three words, not hutch's detail."""
    if len(text.partition("@")[0].rpartition(":")[0] or text) > NAME_TOTAL_LENGTH_MAX:
        return f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
    if text != text.lower():
        try:
            parse_reference(text.lower())
        except InvalidArgument:
            return "invalid reference format"
        return "repository name must be lowercase"
    return "invalid reference format"


def has_registry(text: str) -> bool:
    """Whether ``text`` names its registry explicitly (``quay.io/x``, ``localhost/x``)."""
    slash = text.find("/")
    return slash != -1 and _names_registry(text[:slash])


def is_image_id_prefix(text: str) -> bool:
    """Whether ``text`` could be (a prefix of) an image id: 3 to 64 hex digits."""
    return _IMAGE_ID_PREFIX_RE.fullmatch(text) is not None


def short_name_candidates(text: str, search_registries: Sequence[str]) -> list[Reference]:
    """The references an unqualified name may mean, in the order to try them.

    ``localhost/<name>`` comes first (where local builds land), then each
    search registry; a qualified name means only itself.
    """
    if has_registry(text):
        return [parse_reference(text)]
    out: list[Reference] = []
    for registry in ("localhost", *search_registries):
        ref = parse_reference(text, default_registry=registry)
        if ref not in out:
            out.append(ref)
    return out
