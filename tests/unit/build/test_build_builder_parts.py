"""Pure parts of the builder: cache keys, COPY sources and destinations, metadata, stages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build import metadata, stages
from hutch.build.builder import FROM_PATH, _final_env, with_path
from hutch.build.cache import CacheIndex, step_key
from hutch.build.copying import container_dest, parse_chmod, parse_chown, plan_targets
from hutch.build.fssteps import SCRIPT_PATH, run_command
from hutch.build.ignore import IgnoreMatcher
from hutch.build.instructions import Instruction, Run
from hutch.build.parser import parse
from hutch.build.sources import clean_source, digest_sources, resolve_sources
from hutch.oci.image import ContainerConfig, ImageConfig

# -- cache keys ---------------------------------------------------------------------


def test_step_key_is_stable_and_sensitive_to_each_input() -> None:
    base = step_key("p", "RUN x", {"A": "1"}, "d")
    assert base == step_key("p", "RUN x", {"A": "1"}, "d")
    assert len(base) == 64
    assert base != step_key("q", "RUN x", {"A": "1"}, "d")
    assert base != step_key("p", "RUN y", {"A": "1"}, "d")
    assert base != step_key("p", "RUN x", {"A": "2"}, "d")
    assert base != step_key("p", "RUN x", {"A": "1"}, "e")
    assert base != step_key("p", "RUN x", None, "d")


def test_step_key_ignores_argument_order() -> None:
    assert step_key("p", "t", {"A": "1", "B": "2"}) == step_key("p", "t", {"B": "2", "A": "1"})


def test_cache_ttl_skips_older_entries() -> None:
    import sqlite3
    import time

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE build_cache (key TEXT PRIMARY KEY, image_id TEXT, created REAL)")
    conn.execute("INSERT INTO build_cache VALUES ('old', 'i1', ?)", (time.time() - 7200,))
    conn.execute("INSERT INTO build_cache VALUES ('new', 'i2', ?)", (time.time() - 60,))
    assert CacheIndex(conn).lookup("old") == "i1"
    assert CacheIndex(conn, 3600).lookup("old") is None
    assert CacheIndex(conn, 3600).lookup("new") == "i2"


# -- build --env / --unsetenv -------------------------------------------------------


def test_a_base_without_path_gets_the_runtime_s_default() -> None:
    # the builder's copy of the string (it loads no runtime spec for it) is the runtime's
    from hutch.runtime.spec import DEFAULT_PATH

    assert FROM_PATH == DEFAULT_PATH
    bare = ImageConfig("amd64", "linux", (), config=ContainerConfig(env=("A=1",)))
    assert with_path(bare).config.env == ("A=1", f"PATH={DEFAULT_PATH}")
    own = ImageConfig("amd64", "linux", (), config=ContainerConfig(env=("PATH=/x",)))
    assert with_path(own) == own


def test_final_env_sets_then_unsets() -> None:
    env = ("PATH=/bin", "A=old", "KEEP=1")
    config = ImageConfig("amd64", "linux", (), config=ContainerConfig(env=env))
    out = _final_env(config, {"A": "new", "B": "2"}, ("PATH", "MISSING"))
    assert out.config.env == ("A=new", "KEEP=1", "B=2")
    assert _final_env(config, {}, ()) is config


# -- sources ------------------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(".", ""), ("./a/../b", "b"), ("/abs/x", "abs/x"), ("dir/", "dir"), ("", "")],
)
def test_clean_source(pattern: str, expected: str) -> None:
    assert clean_source(pattern) == expected


@pytest.mark.parametrize("pattern", ["..", "../x", "a/../../x"])
def test_clean_source_refuses_leaving_the_root(pattern: str) -> None:
    with pytest.raises(InvalidArgument, match="outside the build context"):
        clean_source(pattern)


def test_glob_matches_within_one_segment(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "", "b.txt": "", "c.md": "", "sub/d.txt": ""})
    found = resolve_sources(str(tmp_path), ["*.txt"])
    assert [s.rel for s in found] == ["a.txt", "b.txt"]
    assert [s.rel for s in resolve_sources(str(tmp_path), ["*/*.txt"])] == ["sub/d.txt"]
    assert [s.rel for s in resolve_sources(str(tmp_path), ["[bc].*"])] == ["b.txt", "c.md"]


def test_missing_and_ignored_sources_are_errors(tmp_path: Path) -> None:
    _tree(tmp_path, {"keep": "", "skip.log": ""})
    ignore = IgnoreMatcher.from_lines(["*.log"])
    with pytest.raises(InvalidArgument, match="no such file"):
        resolve_sources(str(tmp_path), ["nothere"])
    with pytest.raises(InvalidArgument, match="ignore file"):
        resolve_sources(str(tmp_path), ["skip.log"], ignore)
    assert [s.name for s in resolve_sources(str(tmp_path), ["keep"], ignore)] == ["keep"]


def test_symlink_source_stays_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "ctx"
    _tree(root, {"etc/passwd": "inside\n"})
    (tmp_path / "outside").write_text("outside\n")
    os.symlink("/etc/passwd", root / "link")
    (source,) = resolve_sources(str(root), ["link"])
    assert Path(source.path).read_text() == "inside\n"


def test_digest_follows_content_and_mode_not_time_or_ignored_files(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"app/a": "1", "app/b.tmp": "x"})
    ignore = IgnoreMatcher.from_lines(["**/*.tmp"])

    def digest() -> str:
        return digest_sources(resolve_sources(str(root), ["app"], ignore), ignore)

    first = digest()
    os.utime(root / "app" / "a", (1, 1))
    (root / "app" / "b.tmp").write_text("changed")
    assert digest() == first
    (root / "app" / "a").write_text("2")
    second = digest()
    assert second != first
    os.chmod(root / "app" / "a", 0o755)
    assert digest() != second


def test_digest_counts_owners_only_when_asked(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"f": "1"})
    sources = resolve_sources(str(root), ["f"])
    assert digest_sources(sources) != digest_sources(sources, owners=True)


# -- destinations -----------------------------------------------------------------


def test_container_dest_is_relative_to_workdir() -> None:
    assert container_dest("x", "/app") == "/app/x"
    assert container_dest("./x/", "/app") == "/app/x"
    assert container_dest("/abs", "/app") == "/abs"
    assert container_dest(".", "") == "/"


def test_plan_targets_directory_semantics(tmp_path: Path) -> None:
    ctx = _tree(tmp_path / "ctx", {"f.txt": "", "g.txt": "", "dir/x": ""})
    root = tmp_path / "root"
    (root / "existing").mkdir(parents=True)
    one = resolve_sources(str(ctx), ["f.txt"])
    both = resolve_sources(str(ctx), ["f.txt", "g.txt"])
    directory = resolve_sources(str(ctx), ["dir"])
    plan = plan_targets
    assert [d for _, d in plan(str(root), one, "/new", "/", several=False)] == ["/new"]
    assert [d for _, d in plan(str(root), one, "/new/", "/", several=False)] == ["/new/f.txt"]
    assert [d for _, d in plan(str(root), one, "existing", "/", several=False)] == [
        "/existing/f.txt"
    ]
    assert [d for _, d in plan(str(root), directory, "/t", "/", several=False)] == ["/t"]
    assert [d for _, d in plan(str(root), both, "/d/", "/", several=True)] == [
        "/d/f.txt",
        "/d/g.txt",
    ]
    with pytest.raises(InvalidArgument, match="must be a directory"):
        plan(str(root), both, "/d", "/", several=True)


def test_chmod_and_chown_parsing(tmp_path: Path) -> None:
    assert parse_chmod("755") == 0o755
    with pytest.raises(InvalidArgument):
        parse_chmod("u+x")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("app:x:1001:1002::/home/app:/bin/sh\n")
    (tmp_path / "etc" / "group").write_text("staff:x:50:\n")
    root = str(tmp_path)
    assert (parse_chown("app", root).uid, parse_chown("app", root).gid) == (1001, 1001)
    owner = parse_chown("app:staff", root)
    assert (owner.uid, owner.gid) == (1001, 50)
    numeric = parse_chown("7", root)
    assert (numeric.uid, numeric.gid) == (7, 7)


# -- metadata and RUN commands ----------------------------------------------------


def _instruction(line: str) -> Instruction:
    return parse(f"FROM scratch\n{line}\n").stages[0].instructions[0]


def _words(env: dict[str, str] | None = None) -> metadata.Words:
    return metadata.Words(env or {}, "Containerfile", "\\")


def test_env_label_workdir_expose() -> None:
    config = ContainerConfig()
    config, text = metadata.apply(_instruction('ENV A="x y" B=$V'), config, _words({"V": "v"}))
    assert config.env == ("A=x y", "B=v")
    assert text == "/bin/sh -c #(nop) ENV A=x y B=v"
    config, _ = metadata.apply(_instruction("WORKDIR /a"), config, _words())
    config, _ = metadata.apply(_instruction("WORKDIR b/../c"), config, _words())
    assert config.working_dir == "/a/c"
    config, _ = metadata.apply(_instruction("EXPOSE 80 5000-5001/udp"), config, _words())
    assert config.exposed_ports == ("5000/udp", "5001/udp", "80/tcp")
    config, _ = metadata.apply(_instruction('LABEL "k"=v'), config, _words())
    assert config.labels == (("k", "v"),)


def test_shell_form_cmd_uses_the_shell_instruction() -> None:
    config = ContainerConfig()
    config, _ = metadata.apply(_instruction('SHELL ["/bin/bash", "-ec"]'), config, _words())
    config, _ = metadata.apply(_instruction("CMD echo hi"), config, _words())
    assert config.cmd == ("/bin/bash", "-ec", "echo hi")


def test_healthcheck_none_and_cmd() -> None:
    config, _ = metadata.apply(
        _instruction("HEALTHCHECK --interval=5s --retries=2 CMD true"),
        ContainerConfig(),
        _words(),
    )
    assert config.healthcheck is not None
    assert config.healthcheck.test == ("CMD-SHELL", "true")
    assert config.healthcheck.interval_ns == 5_000_000_000
    config, _ = metadata.apply(_instruction("HEALTHCHECK NONE"), config, _words())
    assert config.healthcheck is not None and config.healthcheck.test == ("NONE",)


def _run(text: str) -> Run:
    instruction = parse(f"FROM scratch\n{text}").stages[0].instructions[0]
    assert isinstance(instruction, Run)
    return instruction


def test_run_command_forms() -> None:
    config = ContainerConfig()
    assert run_command(_run("RUN echo hi\n"), config)[0] == ("/bin/sh", "-c", "echo hi")
    assert run_command(_run('RUN ["echo", "hi"]\n'), config)[0] == ("echo", "hi")
    args, text, script = run_command(_run("RUN <<EOF\necho one\nEOF\n"), config)
    assert args == ("/bin/sh", "-c", "echo one\n") and script is None
    assert "echo one" in text
    args, _, script = run_command(_run("RUN <<EOF\n#!/bin/busybox sh\necho x\nEOF\n"), config)
    assert args == (SCRIPT_PATH,) and script is not None and script.startswith("#!")
    args, _, _ = run_command(_run("RUN cat <<EOF > /f\nbody\nEOF\n"), config)
    assert args[2] == "cat <<EOF > /f\nbody\nEOF"


# -- stages -----------------------------------------------------------------------


MULTI = """\
ARG BASE=base
FROM $BASE AS one
FROM scratch AS two
COPY --from=one /a /a
FROM base AS three
FROM two
RUN --mount=type=bind,from=three,target=/t true
"""


def test_needed_stages_follow_references() -> None:
    cf = parse(MULTI)
    env = stages.global_args(cf, {}, {})
    assert env["BASE"] == "base"
    assert stages.needed_stages(cf, stages.target_index(cf, None), env) == [0, 1, 2, 3]
    assert stages.needed_stages(cf, stages.target_index(cf, "two"), env) == [0, 1]
    assert stages.needed_stages(cf, stages.target_index(cf, "one"), env) == [0]
    with pytest.raises(InvalidArgument):
        stages.target_index(cf, "nope")


def test_skip_unused_stages_false_builds_every_stage_up_to_the_target() -> None:
    cf = parse("FROM base AS a\nFROM base AS b\nFROM base AS c\nFROM base AS d\n")
    assert stages.needed_stages(cf, 2, {}) == [2]
    assert stages.needed_stages(cf, 2, {}, skip_unused=False) == [0, 1, 2]
    assert stages.needed_stages(cf, 3, {}, skip_unused=False) == [0, 1, 2, 3]


def test_from_replaces_the_first_stages_base_only() -> None:
    cf = stages.with_first_base(parse(MULTI), "other:1")
    env = stages.global_args(cf, {}, {})
    assert [stages.base_of(cf, s, env) for s in cf.stages] == [
        "other:1",
        "scratch",
        "base",
        "two",
    ]
    assert cf.stages[0].name == "one" and cf.stages[0].from_instruction.image == "other:1"
    # the stage graph still follows the references of the other stages
    assert stages.needed_stages(cf, stages.target_index(cf, "two"), env) == [0, 1]


def test_global_build_args_override_defaults() -> None:
    cf = parse(MULTI)
    assert stages.global_args(cf, {"BASE": "other"}, {})["BASE"] == "other"


def test_reference_to_a_later_stage_is_refused() -> None:
    cf = parse("FROM base AS a\nCOPY --from=b /x /x\nFROM base AS b\n")
    with pytest.raises(InvalidArgument, match="before it is defined"):
        stages.needed_stages(cf, 0, {})


def test_platform_args() -> None:
    args = stages.platform_args("linux", "arm64", "v8")
    assert args["TARGETPLATFORM"] == "linux/arm64/v8"
    assert args["BUILDARCH"] == "arm64"
