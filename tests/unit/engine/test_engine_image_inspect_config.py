"""image inspect's .Config and .HealthCheck as podman derives them from a stored config."""

from __future__ import annotations

from hutch.engine.images import health_check, oci_config

DOCKER_CONFIG = {
    "Hostname": "",
    "AttachStdin": False,
    "Cmd": ["sh"],
    "Env": ["PATH=/bin"],
    "Healthcheck": {
        "Interval": 30_000_000_000,
        "Retries": 4,
        "StartPeriod": 2_000_000_000,
        "Test": ["CMD", "true"],
        "Timeout": 5_000_000_000,
    },
    "Image": "sha256:x",
    "Volumes": None,
    "WorkingDir": "",
    "Entrypoint": None,
    "OnBuild": None,
    "Labels": {"a": "b"},
    "User": "app",
    "ExposedPorts": {},
}


def test_config_is_ocis_image_config_in_gos_order() -> None:
    """Docker's own keys (Hostname, Image, Healthcheck, ...) are not in OCI's struct;
    empty ones are left out (omitempty)."""
    assert list(oci_config(DOCKER_CONFIG).items()) == [
        ("User", "app"),
        ("Env", ["PATH=/bin"]),
        ("Cmd", ["sh"]),
        ("Labels", {"a": "b"}),
    ]
    assert oci_config({}) == {}


def test_healthcheck_in_schema2_order() -> None:
    found = health_check(DOCKER_CONFIG["Healthcheck"])
    assert found is not None
    assert list(found) == ["Test", "StartPeriod", "Interval", "Timeout", "Retries"]
    assert health_check(None) is None and health_check({}) is None
    assert health_check({"Test": ["NONE"], "Retries": 0}) == {"Test": ["NONE"]}
