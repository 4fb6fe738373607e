"""podman's containers.conf chain: order, drop-ins, CONTAINERS_CONF, modules, the
override, the merge, the cache, and its place under hutch.toml (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.config import containers_conf as cc
from hutch.config import settings
from hutch.config.settings import load_settings


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> cc.Sources:
    """/usr/share/containers, /etc/containers and the user's dir, all in tmp_path, for
    a rootless uid 1000; no hutch.toml."""
    for d in ("usr", "etc", "home"):
        (tmp_path / d).mkdir()
    monkeypatch.setattr(settings, "SYSTEM_FILE", tmp_path / "none.toml")
    monkeypatch.delenv("HUTCH_CONFIG", raising=False)
    return cc.Sources(
        config_home=tmp_path / "home",
        uid=1000,
        system_dirs=(tmp_path / "usr", tmp_path / "etc"),
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_chain_is_podmans_order(tree: cc.Sources) -> None:
    usr, etc = tree.system_dirs
    home = tree.config_home
    expected = [
        write(usr / "containers.conf", ""),
        write(usr / "containers.conf.d" / "a.conf", ""),
        write(usr / "containers.rootless.conf.d" / "r.conf", ""),
        write(usr / "containers.rootless.conf.d" / "1000" / "u.conf", ""),
        write(etc / "containers.conf", ""),
        write(etc / "containers.conf.d" / "10.conf", ""),
        write(etc / "containers.conf.d" / "9.conf", ""),  # byte order: "10" < "9"
        write(home / "containers.conf", ""),
        write(home / "containers.conf.d" / "z.conf", ""),
    ]
    write(etc / "containers.conf.d" / "skipped.txt", "")  # only *.conf
    write(etc / "containers.rootful.conf.d" / "root.conf", "")  # root's only
    write(usr / "containers.rootless.conf.d" / "1001" / "other.conf", "")  # another uid's
    files, dirs = cc.chain(tree)
    assert files == expected
    assert str(etc / "containers.conf.d") in dirs


def test_containers_conf_replaces_the_chain(tree: cc.Sources, tmp_path: Path) -> None:
    write(tree.config_home / "containers.conf", '[containers]\ntz = "UTC"\n')
    only = write(tmp_path / "only.conf", '[containers]\numask = "0077"\n')
    from dataclasses import replace

    files, _ = cc.chain(replace(tree, conf=str(only)))
    assert files == [only]
    with pytest.raises(InvalidArgument, match="CONTAINERS_CONF file"):
        cc.chain(replace(tree, conf=str(tmp_path / "missing.conf")))


def test_later_files_win_key_by_key(tree: cc.Sources) -> None:
    usr, etc = tree.system_dirs
    write(usr / "containers.conf", '[containers]\ntz = "UTC"\numask = "0027"\n')
    write(etc / "containers.conf.d" / "a.conf", '[containers]\ntz = "Europe/Paris"\n')
    write(tree.config_home / "containers.conf", "[engine]\nstop_timeout = 3\n")
    defaults = load_settings(Path("/none"), sources=tree).defaults
    assert (defaults.tz, defaults.umask, defaults.stop_timeout) == ("Europe/Paris", "0027", 3)


def test_an_array_replaces_unless_it_appends(tree: cc.Sources) -> None:
    usr, etc = tree.system_dirs
    write(usr / "containers.conf", '[containers]\nenv = ["A=1"]\nannotations = ["x=1"]\n')
    write(
        etc / "containers.conf",
        '[containers]\nenv = ["B=2", {append=true}]\nannotations = ["y=2"]\n',
    )
    defaults = load_settings(Path("/none"), sources=tree).defaults
    assert defaults.env == ("A=1", "B=2")
    assert defaults.annotations == ("y=2",)


def test_a_file_of_comments_is_not_parsed(tree: cc.Sources) -> None:
    path = write(tree.config_home / "containers.conf", "# [containers]\n\n   # tz = 1\n")
    assert not cc.has_keys(path.read_bytes())
    assert cc.parse(path) == {}
    assert cc.has_keys(b"# x\n[containers]\n")


def test_bad_toml_names_the_file(tree: cc.Sources) -> None:
    path = write(tree.config_home / "containers.conf", "[containers\n")
    with pytest.raises(InvalidArgument, match=str(path)):
        load_settings(Path("/none"), sources=tree)


def test_a_wrong_type_is_refused(tree: cc.Sources) -> None:
    write(tree.config_home / "containers.conf", '[containers]\npids_limit = "many"\n')
    with pytest.raises(InvalidArgument, match="pids_limit must be an integer"):
        load_settings(Path("/none"), sources=tree)


def test_unknown_tables_and_keys_are_ignored(tree: cc.Sources) -> None:
    write(
        tree.config_home / "containers.conf",
        '[containers]\napparmor_profile = "x"\n[machine]\ncpus = 2\n'
        '[engine]\nruntime = "crun"\n[network]\nnetwork_backend = "netavark"\n',
    )
    loaded = load_settings(Path("/none"), sources=tree)
    assert loaded.defaults is None  # nothing to apply
    assert (loaded.default_network, loaded.network_backend) == ("private", "")


def test_podmans_names_become_hutchs(tree: cc.Sources) -> None:
    write(
        tree.config_home / "containers.conf",
        '[containers]\nnetns = "host"\ncgroups = "enabled"\n'
        '[network]\ndefault_rootless_network_cmd = "slirp4netns"\n'
        '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n',
    )
    loaded = load_settings(Path("/none"), sources=tree)
    assert loaded.default_network == "host"
    assert loaded.network_backend == "slirp4netns"
    assert loaded.cgroups == ""  # podman's enabled is hutch's default
    assert (loaded.cgroup_manager, loaded.events_logger) == ("cgroupfs", "none")


def test_hutch_toml_is_above_containers_conf(
    tree: cc.Sources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tree.config_home / "containers.conf",
        '[containers]\ntz = "UTC"\numask = "0027"\n[engine]\nevents_logger = "none"\n',
    )
    user = write(tmp_path / "hutch.toml", '[containers]\ntz = "Asia/Tokyo"\n')
    loaded = load_settings(user, sources=tree)
    assert (loaded.defaults.tz, loaded.defaults.umask) == ("Asia/Tokyo", "0027")
    assert loaded.events_logger == "none"
    override = write(tmp_path / "o.toml", '[engine]\nevents_logger = "file"\n')
    monkeypatch.setenv("HUTCH_CONFIG", str(override))
    assert load_settings(user, sources=tree).events_logger == "file"


def test_modules_and_the_override_are_above_hutch_toml(tree: cc.Sources, tmp_path: Path) -> None:
    from dataclasses import replace

    user = write(tmp_path / "hutch.toml", '[containers]\ntz = "Asia/Tokyo"\numask = "0002"\n')
    module = write(tmp_path / "m.conf", '[containers]\ntz = "UTC"\nshm_size = "1g"\n')
    over = write(tmp_path / "over.conf", '[containers]\nshm_size = "2g"\n')
    loaded = load_settings(user, (str(module),), sources=replace(tree, override=str(over)))
    assert loaded.defaults.tz == "UTC"  # the module over hutch.toml
    assert loaded.defaults.umask == "0002"  # hutch.toml's key the module does not set
    assert loaded.defaults.shm_size == "2g"  # the override last


SWITCHES = ("env_host", "init", "no_hosts", "read_only")


def test_a_later_false_turns_a_switch_off(tree: cc.Sources, tmp_path: Path) -> None:
    """Each boolean key, both ways: the system's true under the user's false, and a
    module's true over that again (podman's order, key by key)."""
    on = "[containers]\n" + "".join(f"{k} = true\n" for k in SWITCHES)
    off = on.replace("true", "false")
    write(tree.system_dirs[1] / "containers.conf", on)
    write(tree.config_home / "containers.conf", off)
    loaded = load_settings(tmp_path / "none.toml", sources=tree).defaults
    assert loaded is not None
    assert [getattr(loaded, k) for k in SWITCHES] == [False] * 4
    module = write(tmp_path / "on.conf", on)
    loaded = load_settings(tmp_path / "none.toml", (str(module),), sources=tree).defaults
    assert loaded is not None
    assert [getattr(loaded, k) for k in SWITCHES] == [True] * 4


def test_module_names_are_looked_up_users_first(tree: cc.Sources) -> None:
    usr, etc = tree.system_dirs
    write(usr / cc.MODULES / "a.conf", "")
    in_etc = write(etc / cc.MODULES / "a.conf", "")
    assert cc.resolve_module("a.conf", tree) == in_etc
    mine = write(tree.config_home / cc.MODULES / "a.conf", "")
    assert cc.resolve_module("a.conf", tree) == mine
    nested = write(usr / cc.MODULES / "sub" / "b.conf", "")
    assert cc.resolve_module("sub/b.conf", tree) == nested
    with pytest.raises(InvalidArgument, match=r'could not resolve module "nope\.conf"'):
        cc.resolve_module("nope.conf", tree)
    with pytest.raises(InvalidArgument, match="could not resolve module"):
        cc.resolve_module("/no/such.conf", tree)


def test_roots_modules_skip_the_home_dir(tree: cc.Sources) -> None:
    from dataclasses import replace

    assert tree.config_home / cc.MODULES not in cc.module_dirs(replace(tree, uid=0))


def test_the_cache_is_used_until_a_file_changes(tree: cc.Sources, tmp_path: Path) -> None:
    conf = write(tree.config_home / "containers.conf", '[containers]\ntz = "UTC"\n')
    cache_dir = tmp_path / "run" / "hutch"  # made, as the runtime dir is (0700)
    assert cc.load_chain(tree, cache_dir) == {"containers": {"tz": "UTC"}}
    cache = cache_dir / cc.CACHE_NAME
    assert cache.exists()
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    # the cache answers while the files are as they were (a forged entry proves it)
    import marshal

    key, _ = marshal.loads(cache.read_bytes())
    cache.write_bytes(marshal.dumps((key, {"containers": {"tz": "cached"}})))
    assert cc.load_chain(tree, cache_dir) == {"containers": {"tz": "cached"}}
    # a changed file is parsed again (mtime and size differ)
    conf.write_text('[containers]\ntz = "Europe/Paris"\n')
    os.utime(conf, ns=(1, 1))
    assert cc.load_chain(tree, cache_dir) == {"containers": {"tz": "Europe/Paris"}}
    # so is a new drop-in
    write(tree.config_home / "containers.conf.d" / "x.conf", '[containers]\numask = "0077"\n')
    assert cc.load_chain(tree, cache_dir)["containers"]["umask"] == "0077"
    cache.write_bytes(b"garbage")
    assert cc.load_chain(tree, cache_dir)["containers"]["umask"] == "0077"


def test_no_file_means_no_cache_and_no_parse(tree: cc.Sources, tmp_path: Path) -> None:
    assert cc.load_chain(tree, tmp_path) == {}
    assert not (tmp_path / cc.CACHE_NAME).exists()


def test_from_environ_reads_the_xdg_dir_and_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the suite's isolation (tests/unit/conftest.py) off
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("CONTAINERS_CONF", "/a.conf")
    monkeypatch.setenv("CONTAINERS_CONF_OVERRIDE", "/b.conf")
    sources = cc.Sources.from_environ()
    assert sources.config_home == tmp_path / "containers"
    assert (sources.conf, sources.override) == ("/a.conf", "/b.conf")
    assert sources.system_dirs == cc.SYSTEM_DIRS


def test_secrets_driver_and_opts(tree: cc.Sources) -> None:
    """[secrets] gives secret create's --driver and --driver-opts defaults."""
    assert (load_settings(Path("/none"), sources=tree).secret_driver, "") == ("", "")
    write(
        tree.config_home / "containers.conf",
        '[secrets]\ndriver = "file"\n[secrets.opts]\npath = "/srv/secrets"\n',
    )
    loaded = load_settings(Path("/none"), sources=tree)
    assert (loaded.secret_driver, loaded.secret_options) == ("file", ("path=/srv/secrets",))
    assert loaded.defaults is None  # no container default among them
    write(tree.config_home / "containers.conf", "[secrets]\n[secrets.opts]\npath = 1\n")
    with pytest.raises(InvalidArgument, match=r"\[secrets\] opts must be a table of strings"):
        load_settings(Path("/none"), sources=tree)


def test_engine_healthcheck_events(tree: cc.Sources) -> None:
    """podman's key: true by default; false keeps the health_status events out."""
    assert load_settings(Path("/none"), sources=tree).healthcheck_events is True
    write(tree.config_home / "containers.conf", "[engine]\nhealthcheck_events = false\n")
    assert load_settings(Path("/none"), sources=tree).healthcheck_events is False
    write(tree.config_home / "containers.conf", '[engine]\nhealthcheck_events = "no"\n')
    with pytest.raises(InvalidArgument, match="healthcheck_events must be true or false"):
        load_settings(Path("/none"), sources=tree)


def test_engine_detach_keys(tree: cc.Sources) -> None:
    assert load_settings(Path("/none"), sources=tree).detach_keys is None
    write(tree.config_home / "containers.conf", '[engine]\ndetach_keys = ""\n')
    assert load_settings(Path("/none"), sources=tree).detach_keys == ""  # none at all
    write(tree.config_home / "containers.conf", '[engine]\ndetach_keys = "ctrl-a,d"\n')
    assert load_settings(Path("/none"), sources=tree).detach_keys == "ctrl-a,d"
