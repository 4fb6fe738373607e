"""Errors of the registry client, each a one-line message naming the cause."""

from __future__ import annotations

from hutch.api.errors import HutchError, NoSuchObject


class RegistryError(HutchError):
    """The registry answered something hutch cannot use, or could not be reached."""

    def under(self, context: str) -> RegistryError:
        """The same failure (its class decides a retry) inside ``context``, as podman
        wraps its errors: ``context: cause``."""
        return type(self)(f"{context}: {self.message}", hint=self.hint)


class AuthError(RegistryError):
    """The registry refused the credentials (or asked for some and none were given)."""

    # the registry's own error words of the 401, when it sent some (podman quotes them)
    registry_says = ""
    unauthorized = False  # the registry answered 401 (not a token server, not a 403)


class TLSFailure(RegistryError):
    """The TLS handshake failed (an unknown CA, a name the certificate does not
    hold): another try meets the same certificate (--retry does not try again)."""


class ManifestUnknown(NoSuchObject):
    """The repository or tag does not exist on the registry."""


class DigestMismatch(RegistryError):
    """Content did not hash to the digest that named it."""


class StreamRefused(RegistryError):
    """The registry refused a streamed (chunked, unsized) upload: send the blob sized."""
