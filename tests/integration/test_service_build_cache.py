"""docker-py's ``images.build(cache_from=[...])`` through ``hutch system service``
(Docker's ``POST /build?cachefrom=``): a repository is read as ``build
--cache-from`` reads it, from a real registry on loopback that ``build --cache-to``
filled; an entry hutch cannot use is named in the stream, and the build goes on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from build_helpers import drop_all_but_base
from registry_helpers import allow_plain_http, repository_tags, running_registry
from service_helpers import Service, running_service

# the RUN's side effect differs at each run: equal stamps mean it did not run again
DOCKERFILE = """\
FROM base
RUN cat /proc/sys/kernel/random/uuid > /stamp
COPY data /data
"""


@pytest.fixture
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-cache"), rootfs_tar, "--time", "0") as svc:
        yield svc


def _stamp(service: Service, image: str) -> str:
    return service.hutch("run", "--rm", image, "cat", "/stamp").stdout


def test_docker_py_cache_from_pulls_the_steps_build_cache_to_pushed(
    service: Service, tmp_path: Path
) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text(DOCKERFILE)
    (context / "data").write_text("d\n")
    with running_registry(tmp_path / "registry", "plain") as registry:
        allow_plain_http(service.env.config_home, registry)
        cache = registry.ref("svc/cache")
        service.hutch("build", "--cache-to", cache, "-t", "one", str(context), timeout=120)
        assert len(repository_tags(registry, "svc/cache")) == 2  # RUN and COPY
        stamp = _stamp(service, "one")

        drop_all_but_base(service.hutch)  # no local step images, no local cache entries
        client = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
        try:
            image, logs = client.images.build(
                path=str(context), tag="two", cache_from=["one:latest", cache]
            )
        finally:
            client.close()
        stream = "".join(str(line.get("stream", "")) for line in logs)
        # Docker's cache image (a tag) is named with the reason; the repository is used
        assert stream.startswith("WARN: cachefrom one:latest: ignored: one:latest names one image")
        assert stream.count("--> Using cache ") == 2, stream
        assert image.tags == ["localhost/two:latest"]
        assert _stamp(service, "two") == stamp  # the RUN did not run: it came from the registry
        assert service.hutch("run", "--rm", "two", "cat", "/data").stdout == "d\n"
