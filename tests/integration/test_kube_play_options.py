"""kube play's --ip, --mac-address, --no-hosts and --seccomp-profile-root (with the
YAML's seccomp annotations), as podman's kube play takes them (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch


def _pod(name: str, image: str, annotations: str = "") -> str:
    # no grace period: kube down stops a `sleep` that ignores SIGTERM at once
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
{annotations}spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: main
    image: {image}
    command: ["sleep", "60"]
"""


def test_ip_and_mac_go_to_the_pods_in_turn(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    yaml = tmp_path / "two.yaml"
    yaml.write_text(_pod("first", base_image) + "---\n" + _pod("second", base_image))
    hutch("network", "create", "--subnet", "10.89.71.0/24", "kubenet")
    try:
        hutch(
            "kube", "play", "--network", "kubenet", "--ip", "10.89.71.21", "--ip",
            "10.89.71.22", "--mac-address", "44:33:22:11:00:21", "--no-hosts", str(yaml),
        )  # fmt: skip
        first = hutch("exec", "first-main", "ip", "-o", "addr", "show", "eth0").stdout
        second = hutch("exec", "second-main", "ip", "-o", "addr", "show", "eth0").stdout
        assert "10.89.71.21/24" in first and "10.89.71.22/24" in second
        link = hutch("exec", "first-main", "cat", "/sys/class/net/eth0/address").stdout
        assert link.strip() == "44:33:22:11:00:21"
        # --no-hosts: the image's /etc/hosts (this image has none), for every member too,
        # as podman's pod create --no-hosts
        hosts = hutch("exec", "first-main", "cat", "/etc/hosts", check=False)
        assert "No such file or directory" in hosts.stderr, hosts.stdout
    finally:
        hutch("kube", "down", str(yaml), check=False)
        hutch("network", "rm", "-f", "kubenet", check=False)


def test_seccomp_annotations_take_profiles_from_the_root(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    root = tmp_path / "profiles"
    root.mkdir()
    profile = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}],
    }
    (root / "nomkdir.json").write_text(json.dumps(profile))
    annotations = (
        "  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: localhost/nomkdir.json\n"
    )
    yaml = tmp_path / "sec.yaml"
    yaml.write_text(_pod("sec", base_image, annotations))
    hutch("kube", "play", "--seccomp-profile-root", str(root), str(yaml))
    try:
        denied = hutch("exec", "sec-main", "mkdir", "/tmp/x", check=False)
        assert denied.returncode != 0
        assert "Operation not permitted" in denied.stderr + denied.stdout
    finally:
        hutch("kube", "down", str(yaml))
    # a value kube play does not know: refused with the annotation's path, nothing made
    yaml.write_text(
        _pod("bad", base_image, annotations.replace("localhost/nomkdir.json", "bogus/x"))
    )
    refused = hutch("kube", "play", str(yaml), check=False)
    assert refused.returncode == 125
    assert "invalid seccomp path: bogus/x" in refused.stderr
    assert "seccomp.security.alpha.kubernetes.io/pod" in refused.stderr
    assert hutch("pod", "ps", "-q").stdout == ""
