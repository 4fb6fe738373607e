"""podman's words on the registry paths: the registry's error codes, a platform that
differs from the one asked for, login's and logout's default registry and --all."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.images import LoginOptions, LogoutOptions, RegistryAccess
from hutch.engine.distribution import Distribution, platform_mismatch
from hutch.oci.image import ImageConfig
from hutch.oci.platform import Platform
from hutch.registry import authfile
from hutch.registry.client import errcode_text
from hutch.registry.registries_conf import RegistriesConf


@pytest.mark.parametrize(
    ("body", "want"),
    [
        (
            b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}',
            "manifest unknown: manifest unknown",
        ),
        (
            b'{"errors":[{"code":"NAME_UNKNOWN",'
            b'"message":"repository name not known to registry"}]}',
            "name unknown: repository name not known to registry",
        ),
        (b"<html>not found</html>", ""),
        (b"", ""),
        (b'{"errors":[]}', ""),
    ],
)
def test_errcode_text_words_codes_as_go(body: bytes, want: str) -> None:
    assert errcode_text(body) == want


def _config(os: str, arch: str, variant: str | None = None) -> ImageConfig:
    doc: dict[str, Any] = {"os": os, "architecture": arch, "rootfs": {"type": "layers"}}
    if variant:
        doc["variant"] = variant
    return ImageConfig.from_bytes(json.dumps(doc).encode())


def test_platform_mismatch_names_both_as_os_arch() -> None:
    wanted = Platform("linux", "arm64", "v8")  # hutch fills arm64's variant in
    assert platform_mismatch(_config("linux", "amd64"), wanted) == (
        "image platform (linux/amd64) does not match the expected platform (linux/arm64)"
    )
    assert platform_mismatch(_config("linux", "arm64"), wanted) is None
    assert platform_mismatch(_config("linux", "arm64", "v8"), wanted) is None
    assert platform_mismatch(_config("windows", "amd64"), Platform("linux", "amd64")) == (
        "image platform (windows/amd64) does not match the expected platform (linux/amd64)"
    )


def _dist(search: tuple[str, ...]) -> Distribution:
    dist = Distribution(cast(Any, None), env={})
    dist._conf = RegistriesConf(search=search)
    return dist


def test_logout_all_takes_no_registry(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match=r"^--all takes no arguments$"):
        _dist(()).logout(LogoutOptions("reg", True, str(tmp_path / "a.json")))


def test_logout_without_a_registry_uses_the_first_search_registry(tmp_path: Path) -> None:
    auth = tmp_path / "auth.json"
    authfile.store(auth, "one.io", authfile.Credentials("u", "p"))
    authfile.store(auth, "two.io", authfile.Credentials("u", "p"))
    lines = _dist(("one.io", "two.io")).logout(LogoutOptions(None, False, str(auth)))
    assert lines == ["Removed login credentials for one.io"]
    assert set(json.loads(auth.read_text())["auths"]) == {"two.io"}


def test_no_registry_and_no_search_list_is_refused_in_podmans_words(tmp_path: Path) -> None:
    words = r"^no registries found in registries.conf, a registry must be provided$"
    auth = str(tmp_path / "auth.json")
    with pytest.raises(InvalidArgument, match=words):
        _dist(()).logout(LogoutOptions(None, False, auth))
    login = LoginOptions("", "u", "p", access=RegistryAccess(authfile=auth))
    with pytest.raises(InvalidArgument, match=words):
        _dist(()).login(login)


def test_get_login_without_a_registry_asks_the_first_search_registry(tmp_path: Path) -> None:
    auth = tmp_path / "auth.json"
    authfile.store(auth, "one.io", authfile.Credentials("alice", "p"))
    options = LoginOptions("", get_login=True, access=RegistryAccess(authfile=str(auth)))
    assert _dist(("one.io",)).login(options) == "alice"


def _accept_logins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry client that takes every login, for the checks around it."""
    from hutch.registry import client as registry_client

    class Accepting:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def check_login(self) -> None:
            pass

    monkeypatch.setattr(registry_client, "RegistryClient", Accepting)


def test_login_names_an_authfile_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.api.errors import HutchError

    _accept_logins(monkeypatch)
    blocker = tmp_path / "file"  # a file where the auth file's directory should be
    blocker.write_text("")
    target = str(blocker / "a.json")
    options = LoginOptions("reg.example:5000", "u", "p", access=RegistryAccess(authfile=target))
    with pytest.raises(HutchError, match=r": not a directory$") as caught:
        _dist(()).login(options)
    assert str(caught.value) == f"cannot read credentials from {target}: not a directory"
    # one it can read but not write: the path and the reason, no Python repr
    missing_dir = tmp_path / "gone" / "a.json"

    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied", "/gone")

    monkeypatch.setattr("hutch.registry.authfile.store", refused)
    options = replace(options, access=RegistryAccess(authfile=str(missing_dir)))
    with pytest.raises(HutchError, match=r"^/gone: permission denied$"):
        _dist(()).login(options)


@pytest.mark.parametrize("verbose", [False, True])
def test_login_verbose_names_the_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verbose: bool
) -> None:
    # podman's --verbose: "Used:  PATH" (Go's Println of "Used: " and the path)
    _accept_logins(monkeypatch)
    target = tmp_path / "a.json"
    access = RegistryAccess(authfile=str(target))
    options = LoginOptions("reg.example:5000", "u", "p", access=access, verbose=verbose)
    said = _dist(()).login(options)
    assert said == (f"Used:  {target}\n" if verbose else "") + "Login Succeeded!"
    assert "reg.example:5000" in json.loads(target.read_text())["auths"]
