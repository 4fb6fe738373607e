"""``hutch kube generate`` of real containers and volumes: the YAML reads back,
passes the Kubernetes schemas, and says what it left out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from harness import Hutch


def test_generate_a_container_with_a_volume_a_port_env_and_a_health_check(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("volume", "create", "data")
    site = tmp_path / "site"
    site.mkdir()
    site.chmod(0o755)
    hutch(
        "create", "--name", "web", "-e", "GREETING=hi", "-w", "/srv", "-p", "18480:80",
        "-v", "data:/data", "-v", f"{site}:/site:ro", "--tmpfs", "/scratch",
        "--health-cmd", "test -d /data", "--health-interval", "7s", "--user", "1000:1000",
        "--cap-drop", "NET_RAW", "--stop-signal", "SIGINT", "--restart", "always",
        "--entrypoint", "/bin/sh", base_image, "-c", "sleep 100",
    )  # fmt: skip
    result = hutch("kube", "generate", "--service", "web", "data")
    assert "left out of the YAML: container web: --stop-signal SIGINT" in result.stderr
    assert "#   container web: --stop-signal SIGINT" in result.stdout
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert [d["kind"] for d in docs] == ["Service", "Pod", "PersistentVolumeClaim"]
    service, pod, claim = docs
    assert service["spec"]["ports"][0]["port"] == 80 and service["spec"]["type"] == "NodePort"
    assert pod["metadata"]["name"] == "web-pod" and claim["metadata"]["name"] == "data"
    (ctr,) = pod["spec"]["containers"]
    assert ctr["command"] == ["/bin/sh"] and ctr["args"] == ["-c", "sleep 100"]
    assert {"name": "GREETING", "value": "hi"} in ctr["env"]
    assert ctr["workingDir"] == "/srv"
    assert ctr["ports"] == [{"containerPort": 80, "hostPort": 18480}]
    assert ctr["livenessProbe"]["exec"]["command"] == ["/bin/sh", "-c", "test -d /data"]
    assert ctr["livenessProbe"]["periodSeconds"] == 7
    assert ctr["securityContext"]["runAsUser"] == 1000
    assert ctr["securityContext"]["capabilities"]["drop"] == ["CAP_NET_RAW"]
    assert pod["spec"]["restartPolicy"] == "Always"
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["data-pvc"]["persistentVolumeClaim"]["claimName"] == "data"
    host = next(v["hostPath"] for v in volumes.values() if "hostPath" in v)
    assert host == {"path": str(site), "type": "Directory"}
    assert any(v.get("emptyDir") == {"medium": "Memory"} for v in volumes.values())
    kv = pytest.importorskip("kubernetes_validate")
    for doc in docs:
        kv.validate(doc, kv.latest_version(), strict=True)
    # the alias and -f (an existing file is refused)
    out = tmp_path / "web.yaml"
    hutch("generate", "kube", "-f", str(out), "--type", "deployment", "--replicas", "2", "web")
    deployment = next(d for d in yaml.safe_load_all(out.read_text()) if d)
    assert deployment["kind"] == "Deployment" and deployment["spec"]["replicas"] == 2
    again = hutch("kube", "generate", "-f", str(out), "web", check=False)
    assert again.returncode == 125 and "the file exists" in again.stderr


def test_generate_refuses_what_is_not_there(hutch: Hutch) -> None:
    missing = hutch("kube", "generate", "nothing", check=False)
    assert missing.returncode == 125
    assert missing.stderr.startswith("Error: nothing is not a container, pod or volume")
    bad = hutch("kube", "generate", "--type", "cronjob", "x", check=False)
    assert bad.returncode == 125 and "invalid type 'cronjob'" in bad.stderr
