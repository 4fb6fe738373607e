"""``build --cache-to`` pushes each step's image to a registry repository, tagged
with the step's cache key; ``--cache-from`` pulls one on a local cache miss and
uses it as the step's result (the step does not run again)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import build, cache_hits, drop_all_but_base, write_context
from harness import Hutch
from registry_helpers import Registry, repository_tags, running_registry

# the RUN's side effect differs at each run: equal stamps mean it did not run again
FILE = """\
FROM base
RUN cat /proc/sys/kernel/random/uuid > /stamp
COPY data /data
"""


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def _stamp(hutch: Hutch, image: str) -> str:
    return hutch("run", "--rm", image, "cat", "/stamp").stdout


def test_steps_pushed_then_pulled_instead_of_run(
    hutch: Hutch, base_image: str, tmp_path: Path, registry: Registry
) -> None:
    context = write_context(tmp_path / "ctx", {"data": "d\n"}, containerfile=FILE)
    cache = registry.ref("test/cache")
    first = build(hutch, context, "--tls-verify=false", "--cache-to", cache, "-t", "one")
    assert cache_hits(first) == 0
    stamp = _stamp(hutch, "one")
    tags = repository_tags(registry, "test/cache")
    assert len(tags) == 2  # RUN and COPY, each tagged with its key
    assert all(re.fullmatch(r"[0-9a-f]{64}", tag) for tag in tags)

    drop_all_but_base(hutch)
    # an empty repository first: a miss there, then the hit in the second
    empty = registry.ref("test/empty")
    again = build(
        hutch, context, "--tls-verify=false", "--cache-from", empty,
        "--cache-from", cache, "-t", "two",
    )  # fmt: skip
    assert cache_hits(again) == 2, again.stdout
    assert "WARN" not in again.stderr  # a miss is no warning
    assert _stamp(hutch, "two") == stamp  # the RUN did not run: its result came back
    assert hutch("run", "--rm", "two", "cat", "/data").stdout == "d\n"
    # the pulled step images stay unnamed, as the local ones are
    assert f"{cache}:" not in hutch("images", "-a", "--format", "{{.Repository}}:{{.Tag}}").stdout
    # and a third build hits the local cache they were recorded in (no registry given)
    third = build(hutch, context, "-t", "three")
    assert cache_hits(third) == 2

    # after a reset, with a registry that cannot be reached, the steps run anew
    drop_all_but_base(hutch)
    down = "127.0.0.1:1/down"  # nothing listens on port 1
    fresh = build(hutch, context, "--tls-verify=false", "--cache-from", down, "-t", "four")
    assert cache_hits(fresh) == 0
    assert f"WARN: pulling cache {down}:" in fresh.stderr
    assert _stamp(hutch, "four") != stamp


def test_cache_repository_with_a_tag_refused(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(tmp_path / "ctx", {"data": "d\n"}, containerfile=FILE)
    bad = build(hutch, context, "--cache-to", "127.0.0.1:1/c:v1", check=False)
    assert bad.returncode == 125
    assert "--cache-to 127.0.0.1:1/c:v1: give a repository without a tag or digest" in bad.stderr
