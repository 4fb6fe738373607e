"""docker build's flags through ``hutch system service``, with the real clients: the
docker CLI 20.10 and 28 (DOCKER_BUILDKIT=0: the classic builder's POST /build),
docker-py's ``images.build`` and podman 4.3.1's remote client (POST /libpod/build).
Each result is checked in the built image: its labels, a RUN step's output with
the build argument, RUN's /etc/hosts, /dev/shm and network, the target stage.
One service for the module."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from harness import Hutch
from registry_helpers import PASSWORD, USER, Registry, install_ca, running_registry
from service_helpers import DOCKER_20, Service, running_service

DOCKER_28 = Path("/usr/local/bin/docker")
# three stages: the target is the middle one; its RUN writes what the flags made of it
DOCKERFILE = """\
FROM base AS first
RUN echo first > /stage
FROM base AS second
ARG WHO=nobody
RUN echo "the arg is $WHO, nofile $(ulimit -n)"
RUN echo "second by $WHO" > /stage && grep -w db /etc/hosts >> /stage \\
    && ls /sys/class/net >> /stage && df -k /dev/shm | awk 'NR==2 {print $2}' >> /stage
FROM base AS final
RUN echo final > /stage
"""
# what /stage holds: the arg, --add-host's line, --network none's lone lo, 128 MiB of shm
STAGE = "second by {who}\n10.1.2.3\tdb\nlo\n131072\n"


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    base = tmp_path_factory.mktemp("svc-build")
    with running_service(base, rootfs_tar, "--time", "0") as svc:
        yield svc


@pytest.fixture
def context(service: Service, tmp_path: Path) -> Path:
    (tmp_path / "Build.dockerfile").write_text(DOCKERFILE)
    return tmp_path


def _client(service: Service, binary: Path) -> Hutch:
    return Hutch(service.env, binary=binary)


def _stage(service: Service, image: str) -> str:
    return service.hutch("run", "--rm", image, "cat", "/stage").stdout


def _labels(service: Service, image: str) -> dict[str, str]:
    found = service.docker("inspect", "--format", "{{json .Config.Labels}}", image).stdout
    labels: dict[str, str] = json.loads(found)
    return labels


@pytest.mark.parametrize(("binary", "tag"), [(DOCKER_20, "cli20"), (DOCKER_28, "cli28")])
def test_docker_cli_build_flags_reach_the_image(
    service: Service, context: Path, binary: Path, tag: str
) -> None:
    if not binary.exists():
        pytest.fail(f"{binary} missing (contrib/setup-host.sh installs both docker clients)")
    docker_cli = _client(service, binary)
    flags = (
        "-f", str(context / "Build.dockerfile"), "--build-arg", f"WHO={tag}",
        "--label", "tier=web", "--label", "owner=me", "--target", "second",
        "--network", "none", "--add-host", "db:10.1.2.3", "--shm-size", "128m",
        "--ulimit", "nofile=512:1024", "--platform", "linux/amd64", "-t", tag, str(context),
    )  # fmt: skip
    classic = {"DOCKER_BUILDKIT": "0"}
    built = docker_cli("build", *flags, env=classic, timeout=180)
    out = built.stdout + built.stderr
    assert f"the arg is {tag}, nofile 512" in out, out
    assert f"Successfully tagged {tag}:latest" in out
    assert _stage(service, tag) == STAGE.format(who=tag)
    assert {"tier": "web", "owner": "me"}.items() <= _labels(service, tag).items()
    again = docker_cli("build", *flags, env=classic, timeout=180)
    assert "Using cache" in again.stdout + again.stderr
    fresh = docker_cli("build", "--no-cache", *flags, env=classic, timeout=180)
    assert "Using cache" not in fresh.stdout + fresh.stderr
    assert f"the arg is {tag}" in fresh.stdout + fresh.stderr
    # what hutch cannot do is Docker's refusal (a 400), before any step
    other = docker_cli("build", "--isolation", "hyperv", *flags, env=classic, check=False)
    assert 'unsupported isolation: "hyperv"' in other.stderr and "STEP" not in other.stdout
    docker_cli("rmi", tag)


def test_docker_cli_pull_takes_the_clients_registry_config(
    service: Service, context: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """--pull pulls FROM's image again, with the credentials the docker CLI sends in
    X-Registry-Config (its own config.json's): the service's user has no login."""
    with running_registry(tmp_path_factory.mktemp("build-registry"), "htpasswd") as registry:
        install_ca(service.env.config_home, registry)
        ref = registry.ref("private/base:1")
        service.hutch("push", "--creds", f"{USER}:{PASSWORD}", "base", ref, timeout=120)
        # the client's config.json, where the service (which reads $DOCKER_CONFIG's
        # too, as hutch login does) does not look
        client_config = tmp_path_factory.mktemp("docker-config")
        _docker_login_file(client_config, registry)
        (context / "Dockerfile").write_text(f"FROM {ref}\nRUN echo pulled > /stage\n")
        classic = {"DOCKER_BUILDKIT": "0", "DOCKER_CONFIG": str(client_config)}
        built = service.docker("build", "--pull", "-t", "pulled", str(context), env=classic)
        assert "Successfully tagged localhost/pulled:latest" in built.stdout, built.stderr
        assert _stage(service, "pulled") == "pulled\n"
        assert service.hutch("login", "--get-login", registry.host, check=False).returncode
        # without them the pull is refused by the registry, in Docker's error line
        shutil.rmtree(client_config)
        refused = service.docker("build", "--pull", str(context), env=classic, check=False)
        assert refused.returncode != 0 and "RUN echo pulled" not in refused.stdout
        service.docker("rmi", "pulled", ref)


def _docker_login_file(directory: Path, registry: Registry) -> None:
    config = directory / "config.json"
    directory.mkdir(parents=True, exist_ok=True)
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    config.write_text(json.dumps({"auths": {registry.host: {"auth": auth}}}))


def test_docker_py_build_arguments_reach_the_image(service: Service, context: Path) -> None:
    client = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
    try:
        image, logs = client.images.build(
            path=str(context), dockerfile="Build.dockerfile", tag="pybuild",
            buildargs={"WHO": "py"}, labels={"tier": "py"}, target="second",
            network_mode="none", extra_hosts={"db": "10.1.2.3"}, shmsize=128 << 20,
            nocache=True,
        )  # fmt: skip
        lines = "".join(item.get("stream", "") for item in logs)
        assert "the arg is py" in lines and "Using cache" not in lines
        assert image.labels["tier"] == "py"
        assert _stage(service, "pybuild") == STAGE.format(who="py")
        with pytest.raises(docker.errors.APIError) as refused:
            client.images.build(path=str(context), isolation="hyperv")
        assert refused.value.status_code == 400
        assert 'unsupported isolation: "hyperv"' in str(refused.value)
        client.images.remove("pybuild")
    finally:
        client.close()


def test_podman_remote_builds_through_libpod_build(service: Service, context: Path) -> None:
    podman = shutil.which("podman")
    assert podman, "podman missing (the peer, Debian's 4.3.1)"
    remote = _client(service, Path(podman))
    url = f"unix://{service.socket_path}"
    built = remote(
        "--url", url, "build", "-f", str(context / "Build.dockerfile"),
        "--build-arg", "WHO=podman", "--label", "tier=remote", "--target", "second",
        "--network", "none", "--add-host", "db:10.1.2.3", "--shm-size", "128m",
        "--ulimit", "nofile=512:1024", "-t", "podbuilt", str(context), timeout=180,
    )  # fmt: skip
    image_id = built.stdout.strip().splitlines()[-1]
    assert "the arg is podman, nofile 512" in built.stdout, built.stdout + built.stderr
    inspected = service.hutch("image", "inspect", "--format", "{{.Id}}", "podbuilt").stdout
    assert inspected.strip() == image_id
    assert _stage(service, "podbuilt") == STAGE.format(who="podman")
    assert _labels(service, "podbuilt")["tier"] == "remote"
    service.hutch("rmi", "podbuilt")


def test_podman_remote_build_secret_is_no_file_of_the_context(
    service: Service, tmp_path: Path
) -> None:
    """podman --remote ships a --secret's file (and a -f file from outside the context)
    inside the context; the service takes them out before the build: RUN's secret
    mount reads the secret, COPY . does not see it; the Containerfile is read from
    the context, where podman's service unpacks it too (under its client path)."""
    podman = shutil.which("podman")
    assert podman, "podman missing (the peer, Debian's 4.3.1)"
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "note").write_text("in the context\n")
    # -f from outside the context: podman 4.3.1 sends it in the tar under its absolute path
    containerfile = tmp_path / "Outside.containerfile"
    containerfile.write_text(
        "FROM base\nCOPY . /ctx\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n"
    )
    secret = tmp_path / "token"
    secret.write_text("s3cret-value\n")
    built = _client(service, Path(podman))(
        "--url", f"unix://{service.socket_path}", "build", "--secret", f"id=tok,src={secret}",
        "-f", str(containerfile), "-t", "podsecret", str(context), timeout=180,
    )  # fmt: skip
    assert "s3cret-value" in built.stdout, built.stdout + built.stderr
    listed = service.hutch("run", "--rm", "podsecret", "ls", "-a", "/ctx").stdout.split()
    # the -f file lands at its client path inside the context, as podman's service has it
    assert sorted(listed) == [".", "..", "note", "tmp"]
    service.hutch("rmi", "podsecret")
