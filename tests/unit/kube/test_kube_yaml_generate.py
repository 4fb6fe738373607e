"""Engine reports -> Kubernetes objects and YAML; the YAML validated against the
Kubernetes API's own schemas (kubernetes-validate, strict: unknown fields fail)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
import yaml

from hutch.api.containers import (
    ContainerInspect,
    InspectConfig,
    InspectHealth,
    InspectHealthcheck,
    InspectHostConfig,
    InspectLimits,
    InspectLogConfig,
    InspectMount,
    InspectNetworkSettings,
    InspectPortBinding,
    InspectRestartPolicy,
    InspectState,
)
from hutch.api.volumes import VolumeSummary
from hutch.kube.emit import render
from hutch.kube.generate import GenerateOptions, PodSource, generate, node_port
from hutch.kube.model import Deployment, Job, Pod, Service
from hutch.kube.parse import parse_documents

LIMITS = InspectLimits(
    "default", "", "", 0, 0, 0, 0, False, 0, 0, 0, 0, 0, 0, "", "", 0, 0, 0, 0, (), (), (), (), (),
)  # fmt: skip


def container(name: str = "web", **changes: Any) -> ContainerInspect:
    config = InspectConfig(
        hostname="abcdef012345", user="", env=("PATH=/bin", "container=hutch", "FOO=bar"),
        cmd=("-c", "sleep 1000"), image="localhost/base:latest", working_dir="/tmp",
        entrypoint=("/bin/sh",), labels={}, stop_signal="SIGTERM", stop_timeout=10,
        create_command=(), tty=False, open_stdin=False,
    )  # fmt: skip
    host = InspectHostConfig(
        restart_policy=InspectRestartPolicy("no", 0), auto_remove=False, network_mode="private",
        log_config=InspectLogConfig("k8s-file", "", "", "0B", None), limits=LIMITS,
    )  # fmt: skip
    state = InspectState(
        "1.1.0", "running", True, False, False, False, False, 1, 1, 0, "", "", "",
        InspectHealth("", 0, ()), "",
    )  # fmt: skip
    network = InspectNetworkSettings("", "", "", 0, "", "", {}, {}, "", "")
    info = ContainerInspect(
        id="abcdef012345" + "0" * 52, created="", path="", args=(), state=state, image="i",
        image_name="localhost/base:latest", rootfs="", resolv_conf_path="", hostname_path="",
        hosts_path="", log_path="", name=name, restart_count=0, driver="overlay",
        mount_label="", process_label="", exec_ids=(), mounts=(), config=config,
        host_config=host, network_settings=network,
    )  # fmt: skip
    for key, value in changes.items():
        part, _, attr = key.partition("__")
        if attr:
            info = replace(info, **{part: replace(getattr(info, part), **{attr: value})})
        else:
            info = replace(info, **{part: value})
    return info


def mount(kind: str, source: str, dest: str, name: str = "", rw: bool = True) -> InspectMount:
    return InspectMount(kind, name, source, dest, "", "", (), rw, "")


FULL = container(
    mounts=(
        mount("volume", "/v", "/data", name="data"),
        mount("bind", "/srv/site", "/site", rw=False),
        mount("tmpfs", "", "/scratch"),
    ),
    network_settings__ports={"80/tcp": (InspectPortBinding("", "8080"),), "53/udp": None},
    config__user="1000:1000",
    config__healthcheck=InspectHealthcheck(("CMD-SHELL", "true"), 30 * 10**9, 5 * 10**9, 0, 3),
    config__labels={"tier": "front", "com.example/bad key": "x"},
    host_config__cap_add=("NET_ADMIN",),
    host_config__cap_drop=("CAP_CHOWN",),
    host_config__readonly_rootfs=True,
    host_config__restart_policy=InspectRestartPolicy("always", 0),
    host_config__limits=replace(LIMITS, memory=64 << 20, nano_cpus=500_000_000),
    host_config__security_opt=("label=type:spc_t", "no-new-privileges", "seccomp=unconfined"),
    config__stop_signal="SIGINT",
)


def kinds(path: str) -> str:
    return {"/srv/site": "Directory"}.get(path, "DirectoryOrCreate")


def gen(*infos: ContainerInspect, **options: Any) -> tuple[list[Any], list[str]]:
    source = PodSource(
        name=f"{infos[0].name}-pod",
        containers=infos,
        image_env={"localhost/base:latest": ("PATH=/bin",)},
    )
    out = generate([source], [], GenerateOptions(**options), host_path_type=kinds)
    return list(out.objects), list(out.notes)


def test_a_container_becomes_a_pod_with_everything_kubernetes_can_say() -> None:
    (pod,), notes = gen(FULL)
    assert isinstance(pod, Pod) and pod.metadata.name == "web-pod"
    assert pod.metadata.labels == {"app": "web-pod", "tier": "front"}
    spec = pod.spec
    assert spec.restart_policy == "Always"
    (ctr,) = spec.containers
    assert (ctr.command, ctr.args) == (("/bin/sh",), ("-c", "sleep 1000"))
    assert [(e.name, e.value) for e in ctr.env] == [("FOO", "bar")]  # image's and hutch's left
    assert ctr.working_dir == "/tmp"
    assert [(p.container_port, p.host_port) for p in ctr.ports] == [(80, 8080)]
    assert ctr.resources is not None and ctr.resources.limits == {"memory": "64Mi", "cpu": "500m"}
    sec = ctr.security_context
    assert sec is not None and (sec.run_as_user, sec.run_as_group) == (1000, 1000)
    assert sec.capabilities is not None
    assert sec.capabilities.add == ("CAP_NET_ADMIN",) and sec.capabilities.drop == ("CAP_CHOWN",)
    assert sec.read_only_root_filesystem is True and sec.allow_privilege_escalation is False
    assert sec.se_linux_options is not None and sec.se_linux_options.type == "spc_t"
    probe = ctr.liveness_probe
    assert probe is not None and probe.exec_ is not None
    assert probe.exec_.command == ("/bin/sh", "-c", "true")
    assert (probe.period_seconds, probe.timeout_seconds, probe.failure_threshold) == (30, 5, 3)
    volumes = {v.name: v for v in spec.volumes}
    assert volumes["data-pvc"].persistent_volume_claim is not None
    assert volumes["data-pvc"].persistent_volume_claim.claim_name == "data"
    site = volumes["srv-site-host"].host_path
    assert site is not None and (site.path, site.type) == ("/srv/site", "Directory")
    scratch = volumes["scratch-tmpfs"].empty_dir
    assert scratch is not None and scratch.medium == "Memory"
    assert [(m.name, m.read_only) for m in ctr.volume_mounts] == [
        ("data-pvc", None), ("srv-site-host", True), ("scratch-tmpfs", None)
    ]  # fmt: skip
    assert notes == [
        "container web: --stop-signal SIGINT (Kubernetes always sends SIGTERM)",
        "container web: --security-opt seccomp=unconfined",
        "container web: label com.example/bad key=x is not a valid Kubernetes label",
    ]


def test_the_yaml_has_podmans_header_and_the_notes_as_comments_and_reads_back() -> None:
    objects, notes = gen(FULL, service=True)
    text = render(objects, notes, "0.1.0")
    assert text.startswith("# Save the output of this file and use kubectl create -f")
    assert "# Created with hutch-0.1.0\n" in text
    assert "#   container web: --stop-signal SIGINT" in text
    docs = parse_documents(text, "gen.yaml")  # what generate writes, play reads
    assert [type(d.obj) for d in docs] == [Service, Pod]
    assert docs[1].obj == objects[1]
    service = docs[0].obj
    assert isinstance(service, Service) and service.spec.type == "NodePort"
    assert service.spec.ports[0].node_port == node_port("web-pod", 80)
    assert 30000 <= node_port("web-pod", 80) <= 32767


def test_controllers_wrap_the_pod() -> None:
    (deployment,), _ = gen(container(), type="deployment", replicas=3)
    assert isinstance(deployment, Deployment)
    assert deployment.metadata.name == "web-pod-deployment" and deployment.spec.replicas == 3
    assert deployment.spec.selector is not None
    assert deployment.spec.selector.match_labels == {"app": "web-pod"}
    assert deployment.spec.template.metadata.labels == {"app": "web-pod"}
    (job,), notes = gen(
        replace(FULL, config=replace(FULL.config, stop_signal="SIGTERM")), type="job"
    )
    assert isinstance(job, Job) and job.spec.template.spec.restart_policy == "Never"
    assert "pod web-pod: restart policy Always is not allowed in a Job: Never" in notes


def test_a_pod_that_shares_its_pids_says_so() -> None:
    source = PodSource(name="p", containers=(container(),), ports=(), share_pid=True)
    (pod,) = generate([source], [], GenerateOptions()).objects
    assert isinstance(pod, Pod) and pod.spec.share_process_namespace is True
    _strict_validate(render([pod], (), "0"))


def test_two_containers_share_one_pod_and_one_volume() -> None:
    a = container("a", mounts=(mount("volume", "/v", "/data", name="data"),))
    b = container("b", mounts=(mount("volume", "/v", "/other", name="data"),))
    (pod,), _ = gen(a, b)
    assert [c.name for c in pod.spec.containers] == ["a", "b"]
    assert [v.name for v in pod.spec.volumes] == ["data-pvc"]


def test_volumes_become_claims() -> None:
    volume = VolumeSummary("data", "local", "/m", 0.0, labels=(("k", "v"),))
    out = generate([], [volume], GenerateOptions())
    (claim,) = out.objects
    text = render(out.objects, (), "0")
    assert "volume.podman.io/driver: local" in text and "storage: 1Gi" in text
    assert parse_documents(text, "v")[0].obj == claim


def _strict_validate(text: str) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    for doc in yaml.safe_load_all(text):
        if doc is not None:
            kv.validate(doc, kv.latest_version(), strict=True)


@pytest.mark.parametrize("kind", ["pod", "deployment", "daemonset", "job"])
def test_generated_yaml_passes_the_kubernetes_schemas(kind: str) -> None:
    objects, notes = gen(FULL, type=kind, service=True)
    volume = VolumeSummary("data", "local", "/m", 0.0)
    claims = generate([], [volume], GenerateOptions()).objects
    _strict_validate(render([*objects, *claims], notes, "0"))


def test_the_validator_catches_what_it_should() -> None:
    kv = pytest.importorskip("kubernetes_validate")
    (pod,), _ = gen(FULL)
    from hutch.kube.codec import encode

    data = encode(pod)
    data["spec"]["containers"][0]["bogus"] = 1
    with pytest.raises(kv.ValidationError):
        kv.validate(data, kv.latest_version(), strict=True)


def test_volumes_play_filled_come_back_as_what_they_were() -> None:
    from hutch.kube.model import ConfigMapVolumeSource, EmptyDirVolumeSource, Volume
    from hutch.kube.plan import source_label, volume_from_label

    shared = Volume(name="shared", empty_dir=EmptyDirVolumeSource())
    conf = Volume(name="conf", config_map=ConfigMapVolumeSource(name="cfg"))
    assert source_label(shared) == '{"emptyDir":{}}'
    played = {
        "p-shared": volume_from_label("shared", source_label(shared)),
        "p-conf": volume_from_label("conf", source_label(conf)),
    }
    assert played == {"p-shared": shared, "p-conf": conf}
    assert volume_from_label("x", "not json") is None
    assert volume_from_label("x", '{"configMap": {"name": 3}}') is None
    a = container(
        "a",
        mounts=(
            mount("volume", "/v1", "/shared", name="p-shared"),
            mount("volume", "/v2", "/etc/app", name="p-conf", rw=False),
            mount("volume", "/v3", "/data", name="data"),
        ),
    )
    b = container("b", mounts=(mount("volume", "/v1", "/in", name="p-shared"),))
    source = PodSource(
        name="p",
        containers=(a, b),
        ports=(),
        played_volumes={k: v for k, v in played.items() if v is not None},
    )
    out = generate([source], [], GenerateOptions())
    (pod,) = out.objects
    assert isinstance(pod, Pod)
    assert pod.spec.volumes[0] == shared and pod.spec.volumes[1] == conf
    assert [v.name for v in pod.spec.volumes] == ["shared", "conf", "data-pvc"]
    assert [m.name for m in pod.spec.containers[1].volume_mounts] == ["shared"]
    text = render(out.objects, (), "0")
    assert "emptyDir: {}" in text and "configMap:\n      name: cfg" in text
    assert parse_documents(text, "g")[0].obj == pod
    _strict_validate(text)


def test_probes_come_back_as_what_they_were_and_play_again_the_same() -> None:
    """An httpGet/tcpSocket probe hutch runs itself is written as that probe again,
    the startup check as a startupProbe; playing the YAML gives the same checks."""
    from hutch.api.containers import InspectStartupHealthcheck
    from hutch.kube.plan import PlayFlags, plan_play

    second = 10**9
    check = InspectHealthcheck(
        ("CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"),
        10 * second, second, 0, 3, probe="http://localhost:8080/healthz",
    )  # fmt: skip
    startup = InspectStartupHealthcheck(
        ("CMD-SHELL", "nc -z -v localhost 8080 || exit 1"), 5 * second, 2 * second, 30, 2
    )
    web = container(config__healthcheck=check, config__startup_healthcheck=startup)
    tcp = container(
        "db",
        config__healthcheck=replace(check, test=("CMD", "x"), probe="tcp://[::1]:5432"),
    )
    (pod,), notes = gen(web, tcp)
    live = pod.spec.containers[0].liveness_probe
    assert live is not None and live.exec_ is None and live.http_get is not None
    assert (live.http_get.port, live.http_get.path, live.http_get.host) == (8080, "/healthz", None)
    assert (live.period_seconds, live.timeout_seconds, live.failure_threshold) == (10, 1, 3)
    first = pod.spec.containers[0].startup_probe
    assert first is not None and first.exec_ is not None
    assert first.exec_.command == ("/bin/sh", "-c", "nc -z -v localhost 8080 || exit 1")
    assert (first.period_seconds, first.failure_threshold, first.success_threshold) == (5, 30, 2)
    db = pod.spec.containers[1].liveness_probe
    assert db is not None and db.tcp_socket is not None
    assert (db.tcp_socket.port, db.tcp_socket.host) == (5432, "::1")
    text = render([pod], notes, "0")
    _strict_validate(text)
    (played,) = plan_play(parse_documents(text, "p.yaml"), "p.yaml", PlayFlags()).pods
    health = played.containers[0].options.lifecycle.health
    assert health.probe == "http://localhost:8080/healthz"
    assert health.cmd == "curl -f http://localhost:8080/healthz || exit 1"
    assert (health.interval, health.timeout, health.retries) == ("10s", "1s", 3)
    assert health.startup_cmd is not None and json.loads(health.startup_cmd) == [
        "CMD", "/bin/sh", "-c", "nc -z -v localhost 8080 || exit 1",
    ]  # fmt: skip
    assert (health.startup_interval, health.startup_retries, health.startup_success) == (
        "5s", 30, 2,
    )  # fmt: skip
    assert played.containers[1].options.lifecycle.health.probe == "tcp://[::1]:5432"
