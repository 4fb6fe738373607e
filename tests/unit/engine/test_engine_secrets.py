"""Secrets: podman's rules for names, ids, lookups and --secret, on a real store in tmp_path."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.api.secrets import SecretCreateOptions
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext
from hutch.engine.secret_refs import SecretRef, parse_secret, parse_secrets
from hutch.engine.secrets import SecretService, apply_secrets
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec import Mount, Process, Rootfs, Spec
from hutch.runtime.spec_userns import UsernsSpec
from hutch.store.secrets import SecretRecord, SecretStore


def _ctx(tmp_path: Path) -> EngineContext:
    return EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())


def _create(service: SecretService, name: str, data: bytes = b"pw", **kw: object) -> str:
    return service.create(SecretCreateOptions(name, data, **kw))  # type: ignore[arg-type]


def test_a_secret_is_a_record_and_a_data_file_of_mode_0600(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    service = SecretService(ctx)
    secret_id = _create(service, "db", b"hunter2", labels=("env=prod", "team"))
    assert len(secret_id) == 25 and int(secret_id, 16) >= 0
    root = ctx.paths.secrets
    data = root / "filedriver" / secret_id
    record = root / "records" / f"{secret_id}.json"
    assert data.read_bytes() == b"hunter2"
    for path in (data, record):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    info = service.inspect("db", show_secret=True)
    assert (info.id, info.name, info.driver, info.data) == (secret_id, "db", "file", b"hunter2")
    assert info.labels == (("env", "prod"), ("team", ""))
    assert info.driver_options == (("path", str(root / "filedriver")),)
    assert info.created == info.updated
    assert service.inspect("db", show_secret=False).data is None


def test_names_ids_and_prefixes_find_a_secret(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    secret_id = _create(service, "db")
    for name in ("db", secret_id, secret_id[:5]):
        assert service.exists(name)
        assert service.inspect(name, False).id == secret_id
    assert not service.exists("nope")
    with pytest.raises(NoSuchObject, match=r'^no secret with name or id "nope": no such secret$'):
        service.inspect("nope", False)


def test_an_id_prefix_two_secrets_share_is_ambiguous(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    with store.locked():
        for secret_id in ("abc" + "0" * 22, "abc" + "1" * 22):
            store.put(SecretRecord(secret_id, f"s{secret_id[-1]}", "file", 1.0, 1.0), b"x")
    with pytest.raises(Conflict, match="secret is ambiguous"):
        store.find("abc")
    assert store.find("abc0").name == "s0"


@pytest.mark.parametrize("name", ["", "a/b", "a=b", "a,b", "x" * 254])
def test_podmans_name_rule(tmp_path: Path, name: str) -> None:
    with pytest.raises(
        InvalidArgument, match=r"can not include '=', '/', ','.*invalid secret name"
    ):
        _create(SecretService(_ctx(tmp_path)), name)


def test_podmans_size_rule(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    for data in (b"", b"x" * 512000):
        with pytest.raises(InvalidArgument, match="larger than 0 and less than 512000 bytes"):
            _create(service, "big", data)
    _create(service, "ok", b"x" * 511999)


def test_a_name_in_use_replace_and_ignore(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    first = _create(service, "db", b"one")
    with pytest.raises(InvalidArgument, match=r"^db: secret name in use$"):
        _create(service, "db", b"two")
    assert _create(service, "db", b"two", ignore=True) == first
    assert service.inspect("db", True).data == b"one"
    with pytest.raises(InvalidArgument, match="ignoreIfExists and replace cannot be used"):
        _create(service, "db", b"two", ignore=True, replace=True)
    second = _create(service, "db", b"two", replace=True)
    assert second != first and not service.exists(first)
    info = service.inspect("db", True)
    assert info.data == b"two" and info.updated >= info.created
    assert [s.name for s in service.ls(())] == ["db"]


def test_drivers_and_their_options(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    with pytest.raises(InvalidArgument, match=r"^invalid driver$"):
        _create(service, "a", driver="vault")
    with pytest.raises(InvalidArgument, match="not available in hutch"):
        _create(service, "a", driver="pass")
    with pytest.raises(InvalidArgument, match="must be formatted as key=value"):
        _create(service, "a", driver_options=("path",))
    elsewhere = tmp_path / "elsewhere"
    secret_id = _create(service, "a", b"data", driver_options=(f"path={elsewhere}",))
    assert (elsewhere / secret_id).read_bytes() == b"data"
    assert service.inspect("a", True).data == b"data"


def test_ls_filters_as_podman(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    db = _create(service, "db-pass")
    _create(service, "tls-key")
    assert [s.name for s in service.ls(("name=pass",))] == ["db-pass"]
    assert [s.name for s in service.ls(("name=^tls", "name=^db"))] == ["db-pass", "tls-key"]
    assert [s.name for s in service.ls((f"id={db[:6]}",))] == ["db-pass"]
    assert service.ls(("name=db", "id=zzz")) == []
    with pytest.raises(InvalidArgument, match=r'^invalid filter "label"$'):
        service.ls(("label=a",))
    with pytest.raises(InvalidArgument, match="filter=value"):
        service.ls(("name",))


def test_rm_reports_each_name(tmp_path: Path) -> None:
    service = SecretService(_ctx(tmp_path))
    db = _create(service, "db")
    _create(service, "tls")
    reports = service.remove(["db", "nope"], all=False, ignore=False)
    assert [(r.name, r.error) for r in reports] == [
        (db, None),
        ("nope", 'no secret with name or id "nope": no such secret'),
    ]
    assert service.remove(["nope"], all=False, ignore=True) == []
    assert [r.error for r in service.remove([], all=True, ignore=False)] == [None]
    assert service.ls(()) == []


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("db", SecretRef("db", "mount", "/run/secrets/db")),
        ("db,target=pw", SecretRef("db", "mount", "/run/secrets/pw")),
        (
            "db,target=/etc/pw,uid=7,gid=8,mode=0400",
            SecretRef("db", "mount", "/etc/pw", 7, 8, 0o400),
        ),
        ("db,type=env", SecretRef("db", "env", "db")),
        ("db,type=env,target=PGPASSWORD", SecretRef("db", "env", "PGPASSWORD")),
        ("source=db,type=mount", SecretRef("db", "mount", "/run/secrets/db")),
    ],
)
def test_secret_flag(text: str, ref: SecretRef) -> None:
    assert parse_secret(text) == ref


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("db,type=file", "type file is invalid: parsing secret"),
        ("db,type=env,type=env", "cannot set more than one secret type: parsing secret"),
        ("db,mode=9", "mode 9 invalid: parsing secret"),
        ("db,uid=x", "UID x invalid: parsing secret"),
        ("db,ro", "option ro must be in form option=value: parsing secret"),
        ("db,size=1", "option size=1 invalid: parsing secret"),
        ("type=env", "no source found type=env: parsing secret"),
        ("db,type=env,uid=1", "UID, GID, Mode options cannot be set with secret type env"),
    ],
)
def test_secret_flag_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=rf"^{re.escape(message)}"):
        parse_secret(text)


def test_two_secrets_at_one_target_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="given twice"):
        parse_secrets(("a,target=x", "b,target=/run/secrets/x"))


def _spec(env: tuple[str, ...] = ("PATH=/bin",), userns: UsernsSpec | None = None) -> Spec:
    return Spec(
        id="c",
        hostname="h",
        process=Process(args=("sh",), env=env),
        rootfs=Rootfs("bind", "/x"),
        userns=userns or UsernsSpec(),
    )


def test_a_container_gets_copies_of_its_secrets(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    service = SecretService(ctx)
    db = _create(service, "db", b"hunter2")
    userdata = tmp_path / "userdata"
    userdata.mkdir()
    refs = parse_secrets(("db", "db,type=env,target=PGPASSWORD", "db,target=x/pw,mode=0400"))
    spec, ids = apply_secrets(ctx, refs, _spec(("PATH=/bin", "PGPASSWORD=old")), userdata)
    assert ids == (db, db, db)
    assert spec.process.env == ("PATH=/bin", "PGPASSWORD=hunter2")
    copies = [userdata / "secrets" / "0-db", userdata / "secrets" / "1-pw"]
    assert spec.mounts == (
        Mount("bind", "/run/secrets/db", str(copies[0]), ("bind", "ro")),
        Mount("bind", "/run/secrets/x/pw", str(copies[1]), ("bind", "ro")),
    )
    assert [stat.S_IMODE(c.stat().st_mode) for c in copies] == [0o444, 0o400]
    assert copies[0].read_bytes() == b"hunter2"
    service.remove(["db"], all=False, ignore=False)  # the container keeps its copy
    assert copies[0].read_bytes() == b"hunter2"
    with pytest.raises(NoSuchObject, match='no secret with name or id "db"'):
        apply_secrets(ctx, refs, _spec(), userdata)


def test_the_owner_of_a_copy_goes_through_the_containers_maps(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    _create(SecretService(ctx), "db")
    userdata = tmp_path / "u"
    userdata.mkdir()
    me = os.getuid()
    maps = (IdMapEntry(0, me, 1),)  # the container's root is the caller
    userns = UsernsSpec(mode="map", uid_map=maps, gid_map=(IdMapEntry(0, os.getgid(), 1),))
    apply_secrets(ctx, parse_secrets(("db",)), _spec(userns=userns), userdata)
    assert (userdata / "secrets" / "0-db").stat().st_uid == me
    with pytest.raises(InvalidArgument, match="not mapped"):
        apply_secrets(ctx, parse_secrets(("db,uid=5",)), _spec(userns=userns), userdata)


def test_containers_conf_secrets_are_the_defaults_of_create(tmp_path: Path) -> None:
    """podman's --driver and --driver-opts default to containers.conf's [secrets]
    driver and opts: the file driver keeps the data in the path the file names,
    and options given replace the file's."""
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg")
    conf = Settings(secret_driver="file", secret_options=(f"path={tmp_path / 'vault'}",))
    service = SecretService(EngineContext(paths, conf))
    secret_id = _create(service, "db", b"from-conf")
    assert (tmp_path / "vault" / secret_id).read_bytes() == b"from-conf"
    assert service.inspect("db", False).driver_options == (("path", str(tmp_path / "vault")),)
    other = _create(service, "api", driver_options=(f"path={tmp_path / 'mine'}",))
    assert (tmp_path / "mine" / other).is_file()
    passing = SecretService(EngineContext(paths, Settings(secret_driver="pass")))
    with pytest.raises(InvalidArgument, match="secret driver 'pass' is not available in hutch"):
        _create(passing, "x")
    # the flag's driver wins over the file's
    assert _create(passing, "y", driver="file")
