from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.oci.reference import parse_reference
from hutch.registry import registries_conf as rc


def _conf(tmp_path: Path, text: str, dropin: str | None = None) -> rc.RegistriesConf:
    cfg = tmp_path / "containers"
    cfg.mkdir(exist_ok=True)
    (cfg / "registries.conf").write_text(text)
    if dropin is not None:
        (cfg / "registries.conf.d").mkdir(exist_ok=True)
        (cfg / "registries.conf.d" / "50-x.conf").write_text(dropin)
    return rc.load({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})


def test_search_registries_and_default(tmp_path: Path) -> None:
    conf = _conf(tmp_path, 'unqualified-search-registries = ["quay.io", "docker.io"]\n')
    assert conf.search_registries == ("quay.io", "docker.io")
    assert rc.RegistriesConf().search_registries == ("docker.io",)
    names = [str(r) for r in rc.resolve_short_name("app:1", conf)]
    assert names == ["quay.io/app:1", "docker.io/library/app:1"]


def test_alias_wins_and_keeps_tag(tmp_path: Path) -> None:
    conf = _conf(tmp_path, '[aliases]\n"tool" = "quay.io/team/tool"\n')
    assert [str(r) for r in rc.resolve_short_name("tool:2", conf)] == ["quay.io/team/tool:2"]
    assert [str(r) for r in rc.resolve_short_name("tool", conf)] == ["quay.io/team/tool:latest"]


def test_qualified_names_mean_themselves(tmp_path: Path) -> None:
    conf = _conf(tmp_path, 'unqualified-search-registries = ["quay.io"]\n')
    assert [str(r) for r in rc.resolve_short_name("ghcr.io/a/b", conf)] == ["ghcr.io/a/b:latest"]


def test_empty_search_list_refuses_short_names(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "unqualified-search-registries = []\n")
    with pytest.raises(InvalidArgument) as caught:
        rc.resolve_short_name("app:1", conf)
    # podman's words, with the registries.conf it names
    assert str(caught.value) == (
        'short-name "app:1" did not resolve to an alias and no unqualified-search '
        f'registries are defined in "{conf.main_file}"'
    )


def test_short_names_are_docker_hubs_only_where_no_registries_conf_exists(
    tmp_path: Path,
) -> None:
    # no file at all: Docker's rule
    bare = rc.load({"CONTAINERS_REGISTRIES_CONF": str(tmp_path / "missing.conf")})
    assert bare.files == () and bare.search_registries == ("docker.io",)
    assert [str(r) for r in rc.resolve_short_name("app", bare)] == ["docker.io/library/app:latest"]
    # podman's files without a search list (Debian's containers-common): podman's rule
    path = tmp_path / "registries.conf"
    path.write_text('[aliases]\n"tool" = "quay.io/team/tool"\n')
    conf = rc.load({"CONTAINERS_REGISTRIES_CONF": str(path)})
    assert conf.files == (str(path),) and conf.search_registries == ()
    assert conf.main_file == str(path)
    with pytest.raises(InvalidArgument, match=f'are defined in "{path}"'):
        rc.resolve_short_name("app", conf)
    aliased = rc.alias_of("tool:2", conf)
    assert aliased is not None and str(aliased[0]) == "quay.io/team/tool:2"
    assert aliased[1] == str(path)  # the file pull's "Resolved ... as an alias" names


def test_registry_entries_mirrors_and_insecure(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        """
[[registry]]
prefix = "example.com/foo"
location = "internal:5000/bar"
insecure = true
[[registry.mirror]]
location = "mirror.local/cache"

[[registry]]
location = "blocked.io"
blocked = true
""",
    )
    ref = parse_reference("example.com/foo/app:1")
    sources = rc.pull_sources(ref, conf)
    assert [(str(s.reference), s.mirror, s.insecure) for s in sources] == [
        ("mirror.local/cache/app:1", True, False),
        ("internal:5000/bar/app:1", False, True),
    ]
    assert rc.is_insecure("example.com/foo", conf)
    assert not rc.is_insecure("example.com", conf)
    with pytest.raises(InvalidArgument, match="blocked"):
        rc.pull_sources(parse_reference("blocked.io/x"), conf)
    plain = parse_reference("other.io/x:1")
    assert [str(s.reference) for s in rc.pull_sources(plain, conf)] == ["other.io/x:1"]


def test_mirror_by_digest_only(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        '[[registry]]\nlocation = "r.io"\nmirror-by-digest-only = true\n'
        '[[registry.mirror]]\nlocation = "m.io"\n',
    )
    assert len(rc.pull_sources(parse_reference("r.io/a:1"), conf)) == 1
    by_digest = parse_reference("r.io/a@sha256:" + "a" * 64)
    assert str(rc.pull_sources(by_digest, conf)[0].reference).startswith("m.io/a@")


def test_dropins_override_and_add(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        'unqualified-search-registries = ["a.io"]\n[aliases]\n"x" = "a.io/x"\n',
        dropin='unqualified-search-registries = ["b.io"]\n[aliases]\n"x" = "b.io/x"\n',
    )
    assert conf.search_registries == ("b.io",)
    assert conf.alias("x") == "b.io/x"


def test_wildcard_prefix(tmp_path: Path) -> None:
    conf = _conf(tmp_path, '[[registry]]\nprefix = "*.corp.io"\ninsecure = true\n')
    assert rc.is_insecure("reg.corp.io", conf)
    assert not rc.is_insecure("corp.io", conf)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        _conf(tmp_path, "unqualified-search-registries = 3\n")
    with pytest.raises(InvalidArgument, match="version 1"):
        _conf(tmp_path, "[registries.search]\nregistries = []\n")
    with pytest.raises(InvalidArgument):
        _conf(tmp_path, "this is = = not toml")


def test_env_override(tmp_path: Path) -> None:
    path = tmp_path / "only.conf"
    path.write_text('unqualified-search-registries = ["z.io"]\n')
    assert rc.load({"CONTAINERS_REGISTRIES_CONF": str(path)}).search_registries == ("z.io",)
