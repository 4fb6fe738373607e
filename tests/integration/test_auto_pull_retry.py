"""The pulls that run, create, build and compose make on their own retry as
``pull --retry`` does (issue 15): podman's 3 retries by default, ``--retry`` and
``--retry-delay`` on run, create and build, containers.conf's ``[engine] retry``
and ``retry_delay`` where a verb has no such flags (compose). The registry is a
small real server on loopback whose first reads answer 503 (stalling_registry.py,
serving in full; each failed try costs one read, its ``/v2/`` ping)."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch, user_conf
from stalling_registry import stalling_registry

INSECURE = "--tls-verify=false"
QUICK = ("--retry-delay", "100ms")


def _counts(stderr: str) -> list[str]:
    """The "(N/M)" of each retry's announcement."""
    lines = [line for line in stderr.splitlines() if line.startswith("WARN: Failed, retrying")]
    return [line.split(" ... ")[1].split(" ")[0].rstrip(".") for line in lines]


def test_run_retries_its_pull_podmans_three_times_by_default(
    hutch: Hutch, rootfs_tar: Path
) -> None:
    with stalling_registry(stall=False, failures=2, tar=rootfs_tar.read_bytes()) as reg:
        ran = hutch("run", "--rm", INSECURE, *QUICK, reg.ref, "echo", "ran", timeout=120)
        assert reg.served[:3] == [503, 503, 200]
    assert ran.stdout == "ran\n"
    assert _counts(ran.stderr) == ["(1/3)", "(2/3)"], ran.stderr
    assert "WARN: Failed, retrying in 100ms ... (1/3). Error: " in ran.stderr
    assert "503" in ran.stderr
    assert ran.stderr.count("Trying to pull") == 1


def test_run_with_retry_0_tries_once(hutch: Hutch, rootfs_tar: Path) -> None:
    with stalling_registry(stall=False, failures=1, tar=rootfs_tar.read_bytes()) as reg:
        once = hutch("run", "--rm", INSECURE, "--retry", "0", reg.ref, "true", check=False)
        assert reg.served == [503]  # no second try reached the registry
    assert once.returncode == 125, once.stderr
    assert _counts(once.stderr) == [] and "pulling it failed" in once.stderr
    assert hutch("image", "exists", reg.ref, check=False).returncode == 1


def test_create_takes_retry_and_gives_up_after_them(hutch: Hutch, rootfs_tar: Path) -> None:
    tar = rootfs_tar.read_bytes()
    with stalling_registry(stall=False, failures=2, tar=tar) as reg:
        short = hutch("create", INSECURE, "--retry", "1", *QUICK, reg.ref, check=False)
        assert reg.served == [503, 503]
    assert short.returncode == 125 and _counts(short.stderr) == ["(1/1)"], short.stderr
    with stalling_registry(stall=False, failures=1, tar=tar) as reg:
        made = hutch("create", INSECURE, "--retry", "2", *QUICK, reg.ref, timeout=120)
    assert _counts(made.stderr) == ["(1/2)"], made.stderr
    assert hutch("container", "exists", made.stdout.strip()).returncode == 0


def test_build_retries_its_from_pull(hutch: Hutch, rootfs_tar: Path, tmp_path: Path) -> None:
    tar = rootfs_tar.read_bytes()
    context = tmp_path / "ctx"
    context.mkdir()
    with stalling_registry(stall=False, failures=2, tar=tar) as reg:
        (context / "Containerfile").write_text(f"FROM {reg.ref}\nLABEL retried=yes\n")
        built = hutch("build", INSECURE, *QUICK, "-t", "retried", str(context), timeout=180)
    assert _counts(built.stderr) == ["(1/3)", "(2/3)"], built.stderr
    label = hutch("inspect", "--format", "{{.Config.Labels.retried}}", "retried").stdout
    assert label == "yes\n"
    with stalling_registry(stall=False, failures=1, tar=tar) as reg:
        (context / "Containerfile").write_text(f"FROM {reg.ref}\n")
        once = hutch("build", INSECURE, "--retry", "0", str(context), check=False, timeout=120)
        assert reg.served == [503]
    assert once.returncode == 125 and _counts(once.stderr) == [], once.stderr


def test_compose_pull_retries_as_containers_conf_says(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path
) -> None:
    tar = rootfs_tar.read_bytes()
    user_conf(hutch.env, '[engine]\nretry_delay = "100ms"\n')
    compose_file = tmp_path / "compose.yaml"
    compose = ("compose", "-p", "retried", "-f", str(compose_file), "pull")
    registries = hutch.env.config_home / "containers" / "registries.conf"
    with stalling_registry(stall=False, failures=2, tar=tar) as reg:
        registries.write_text(f'[[registry]]\nlocation = "127.0.0.1:{reg.port}"\ninsecure = true\n')
        compose_file.write_text(f"services:\n  app:\n    image: {reg.ref}\n")
        pulled = hutch(*compose, timeout=120)
    assert _counts(pulled.stderr) == ["(1/3)", "(2/3)"], pulled.stderr
    assert "retrying in 100ms" in pulled.stderr
    assert hutch("image", "exists", reg.ref, check=False).returncode == 0

    user_conf(hutch.env, "[engine]\nretry = 0\n")
    with stalling_registry(stall=False, failures=1, tar=tar) as reg:
        registries.write_text(f'[[registry]]\nlocation = "127.0.0.1:{reg.port}"\ninsecure = true\n')
        compose_file.write_text(f"services:\n  app:\n    image: {reg.ref}\n")
        failed = hutch(*compose, check=False, timeout=120)
        assert reg.served == [503]
    assert failed.returncode == 125 and _counts(failed.stderr) == [], failed.stderr


def test_bad_retry_values_are_refused_without_a_pull(hutch: Hutch, base_image: str) -> None:
    for verb in ("run", "create"):
        delay = hutch(verb, "--retry-delay", "foobar", base_image, "true", check=False)
        assert (delay.returncode, delay.stderr) == (125, 'Error: time: invalid duration "foobar"\n')
        negative = hutch(verb, "--retry", "-1", base_image, "true", check=False)
        assert negative.returncode == 125
        assert negative.stderr == (
            'Error: invalid argument "-1" for "--retry" flag: '
            'strconv.ParseUint: parsing "-1": invalid syntax\n'
        )
    assert hutch("ps", "-aq").stdout == ""
