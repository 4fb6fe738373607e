"""Fixtures of the integration tests: the real ``hutch`` binary, rootless, isolated.

    def test_run(hutch: Hutch, base_image: str) -> None:
        assert hutch("run", "--rm", base_image, "echo", "hi").stdout == "hi\\n"

Every test under tests/integration gets the ``integration`` marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import (
    Hutch,
    HutchEnv,
    build_rootfs,
    copy_store,
    kill_all,
    leftover_pids,
    rootless_problems,
    teardown,
)

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # this hook sees every collected item, not only those below this directory
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def require_rootless() -> None:
    """Skip (a failure under HUTCH_REQUIRE_ALL=1) unless hutch can run rootless here."""
    problems = rootless_problems()
    if problems:
        pytest.skip("cannot run hutch rootless: " + "; ".join(problems))


@pytest.fixture(scope="session")
def cache_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's warm hutch caches that each test's home starts with
    (harness.seed_caches): filled by the tests as they end."""
    return tmp_path_factory.mktemp("cache-seed")


@pytest.fixture
def hutch_env(require_rootless: None, tmp_path: Path, cache_seed: Path) -> Iterator[HutchEnv]:
    """Isolated data, config, runtime and home directories; all removed afterwards.
    The home's cache starts with the session's content-keyed caches (``cache_seed``).

    Teardown runs ``hutch system reset --force`` and fails the test (as an error)
    when the reset fails or leaves a process of this test's session running.
    """
    env = HutchEnv.create(tmp_path / "hutch", cache_seed)
    yield env
    problems = teardown(env, Hutch(env))
    if problems:
        pytest.fail("teardown of hutch_env:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def hutch(hutch_env: HutchEnv) -> Hutch:
    """``hutch(*args, input=None, check=True, timeout=60, env=None)`` -> CompletedProcess."""
    return Hutch(hutch_env)


@pytest.fixture(scope="session")
def rootfs_tar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A busybox rootfs tarball (contrib/make-rootfs.sh), built once per session."""
    return build_rootfs(tmp_path_factory.mktemp("rootfs") / "busybox.tar")


@pytest.fixture(scope="session")
def base_store(
    require_rootless: None,
    rootfs_tar: Path,
    cache_seed: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[HutchEnv]:
    """An environment whose store holds the busybox rootfs imported as ``base``, once
    per session: each test's ``base_image`` is a copy of it (~0.3 s of import each,
    on some 1,000 tests, against a copy's 0.05 s)."""
    env = HutchEnv.create(tmp_path_factory.mktemp("base-store"), cache_seed)
    hutch = Hutch(env)
    hutch("import", str(rootfs_tar), "base")
    # the store is copied while no process of its session holds it
    kill_all(leftover_pids(env))
    yield env
    problems = teardown(env, hutch)
    if problems:
        pytest.fail("teardown of base_store:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def base_image(hutch: Hutch, base_store: HutchEnv) -> str:
    """The busybox rootfs imported as image ``base``: the store and the event log
    (with its import event) that ``hutch import`` leaves, copied from ``base_store``."""
    copy_store(base_store, hutch.env)
    return "base"
