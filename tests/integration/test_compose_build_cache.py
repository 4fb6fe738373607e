"""A compose service's ``build.cache_to``/``cache_from`` through hutch's registry cache
(a real registry on loopback): the first project pushes each step's image, a second
project, on a store without them, pulls them instead of running the steps; the
forms hutch cannot use (``type=local``) are warned about and the build goes on."""

from __future__ import annotations

from pathlib import Path

from build_helpers import drop_all_but_base
from harness import Hutch
from registry_helpers import allow_plain_http, repository_tags, running_registry

# the RUN's side effect differs at each run: equal stamps mean it did not run again
COMPOSE = """\
services:
  app:
    build:
      context: .
      dockerfile_inline: |
        FROM base
        RUN cat /proc/sys/kernel/random/uuid > /stamp
        COPY data /data
      cache_from:
        - type=local,src=./buildx-cache
        - ${REG}/ccache/app
      cache_to:
        - type=registry,ref=${REG}/ccache/app,mode=max
"""


def _stamp(hutch: Hutch, image: str) -> str:
    return hutch("run", "--rm", image, "cat", "/stamp").stdout


def test_cache_to_pushes_the_steps_and_cache_from_reuses_them(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    del base_image  # imported as "base", which the inline file builds from
    with running_registry(tmp_path / "registry", "plain") as registry:
        allow_plain_http(hutch.env.config_home, registry)
        (tmp_path / "compose.yaml").write_text(COMPOSE)
        (tmp_path / ".env").write_text(f"REG={registry.host}\n")
        (tmp_path / "data").write_text("d\n")

        def compose(project: str, *args: str) -> str:
            done = hutch("compose", "-p", project, "-f", str(tmp_path / "compose.yaml"),
                         *args, timeout=180)  # fmt: skip
            return done.stderr

        first = compose("ccache1", "build")
        # the form hutch cannot use is named with the reason; the build goes on
        assert (
            "WARN service 'app': build.cache_from 'type=local,src=./buildx-cache' is ignored: "
            "type=local is BuildKit's cache directory format" in first
        )
        assert "Service app  Built" in first
        tags = repository_tags(registry, "ccache/app")
        assert len(tags) == 2  # RUN and COPY, each tagged with its step's key
        stamp = _stamp(hutch, "ccache1-app")

        drop_all_but_base(hutch)  # no local step images, no local cache entries
        second = compose("ccache2", "build")
        assert "Service app  Built" in second
        # the RUN did not run: its result came from the registry
        assert _stamp(hutch, "ccache2-app") == stamp
        assert hutch("run", "--rm", "ccache2-app", "cat", "/data").stdout == "d\n"
        # a hit is not pushed again: the repository holds the same two steps
        assert sorted(repository_tags(registry, "ccache/app")) == sorted(tags)

        # without the registry entries, on a fresh store, the steps run anew
        drop_all_but_base(hutch)
        (tmp_path / "compose.yaml").write_text(COMPOSE.split("      cache_from:")[0])
        third = compose("ccache3", "build")
        assert "WARN" not in third
        assert _stamp(hutch, "ccache3-app") != stamp
        hutch("rmi", "ccache3-app")

    # a malformed entry is refused when the file is read, naming its line
    (tmp_path / "compose.yaml").write_text(COMPOSE.replace(",mode=max", ",size=9"))
    bad = hutch("compose", "-f", str(tmp_path / "compose.yaml"), "config", check=False)
    assert bad.returncode == 125
    assert f"{tmp_path / 'compose.yaml'}:13: services.app.build.cache_to[0]: " in bad.stderr
    assert "hutch takes no registry cache attribute 'size'" in bad.stderr
