"""Kubernetes objects -> the play plan: run options, volumes and pods, and every
refusal before anything is created."""

from __future__ import annotations

import json

import pytest

from hutch.api.errors import InvalidArgument
from hutch.kube.errors import KubeError
from hutch.kube.parse import parse_documents
from hutch.kube.plan import POD_LABEL, PlayFlags, PlayPlan, parse_annotations, plan_play

CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello, settings.ini: "a=1\\n"}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
data: {password: aHVudGVyMg==}
---
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
  annotations: {note: hi}
spec:
  restartPolicy: OnFailure
  hostAliases: [{ip: 10.0.0.1, hostnames: [db]}]
  securityContext: {runAsUser: 1000, runAsGroup: 100, supplementalGroups: [5]}
  initContainers:
  - {name: first, image: base, command: [/bin/true]}
  - {name: second, image: base, args: [x]}
  containers:
  - name: app
    image: base
    imagePullPolicy: Never
    command: [/bin/sh, -c]
    args: [sleep 100]
    workingDir: /srv
    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
    env:
    - {name: A, value: "1"}
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: sec, key: password}}
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}
    - name: POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: APP
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    ports:
    - {containerPort: 80, hostPort: 8080, name: http}
    - {containerPort: 53, hostPort: 5353, protocol: UDP}
    resources:
      limits: {memory: 64Mi, cpu: 500m}
      requests: {memory: 32Mi, cpu: "0.25"}
    securityContext:
      runAsUser: 2000
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
    livenessProbe:
      httpGet: {path: /health, port: http}
      periodSeconds: 10
      failureThreshold: 2
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: conf, mountPath: /etc/app, readOnly: true}
    - {name: secret, mountPath: /run/secret}
    - {name: info, mountPath: /etc/podinfo}
    - {name: scratch, mountPath: /scratch}
    - {name: shared, mountPath: /shared}
    - {name: host, mountPath: /host, subPath: sub}
  - name: side
    image: base
    ports: [{containerPort: 8080, name: alt}]
    livenessProbe: {exec: {command: [/bin/true]}}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
  - {name: conf, configMap: {name: cfg, items: [{key: settings.ini, path: app/settings.ini}]}}
  - {name: secret, secret: {secretName: sec, defaultMode: 0400}}
  - name: info
    downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
  - {name: scratch, emptyDir: {medium: Memory, sizeLimit: 1Mi}}
  - {name: shared, emptyDir: {}}
  - {name: host, hostPath: {path: /srv/h, type: DirectoryOrCreate}}
"""


def plan(text: str, flags: PlayFlags | None = None) -> PlayPlan:
    return plan_play(parse_documents(text, "k.yaml"), "k.yaml", flags or PlayFlags())


def refused(text: str) -> str:
    with pytest.raises(KubeError) as err:
        plan(text)
    return str(err.value)


def test_a_pod_becomes_run_options_joined_to_its_pod() -> None:
    (pod,) = plan(CONFIG + POD, PlayFlags(log_driver="journald", userns="auto")).pods
    assert pod.name == "web" and pod.kind == "Pod" and pod.document == 3
    assert pod.labels == ("app=web", f"{POD_LABEL}=web")
    assert pod.publish == ("8080:80/tcp", "5353:53/udp")
    assert pod.add_hosts == ("db:10.0.0.1",) and pod.restart == "on-failure"
    assert [c.name for c in pod.init_containers] == ["web-first", "web-second"]
    assert all(c.options.restart == "no" for c in pod.init_containers)
    app, side = (c.options for c in pod.containers)
    assert app.name == "web-app" and app.pod == "web" and app.detach
    assert app.entrypoint is not None and json.loads(app.entrypoint) == ["/bin/sh", "-c"]
    assert app.command == ("sleep 100",) and app.workdir == "/srv"
    assert pod.init_containers[1].options.entrypoint is None  # args alone: the image's entrypoint
    assert app.env == (
        "CFG_greeting=hello", "CFG_settings.ini=a=1\n", "A=1", "PASSWORD=hunter2",
        "GREETING=hello", "POD=web", "APP=web",
    )  # fmt: skip
    assert app.pull.policy == "never" and side.pull.policy == "missing"
    assert app.user == "2000:100" and side.user == "1000:100"  # the container's over the pod's
    assert app.security.cap_add == ("NET_ADMIN",) and app.security.cap_drop == ("ALL",)
    assert app.security.read_only and app.security.security_opt == ("no-new-privileges",)
    assert app.security.group_add == ("5",) and app.security.userns is None
    assert pod.userns == "auto"  # the pod's user namespace, which its members join
    assert app.resources.memory == str(64 << 20) and app.resources.cpus == "0.5"
    assert app.resources.memory_reservation == str(32 << 20) and app.resources.cpu_shares == 256
    assert app.lifecycle.health.cmd == "curl -f http://localhost:80/health || exit 1"
    assert app.lifecycle.health.probe == "http://localhost:80/health"  # hutch runs it itself
    assert side.lifecycle.health.cmd == '["CMD", "/bin/true"]'
    assert side.lifecycle.health.probe == ""
    assert app.lifecycle.health.interval == "10s" and app.lifecycle.health.retries == 2
    assert app.log.driver == "journald"
    assert app.volumes.volumes == (
        "data:/data", "web-conf:/etc/app:ro", "web-secret:/run/secret", "web-info:/etc/podinfo",
        "web-shared:/shared", "/srv/h/sub:/host",
    )  # fmt: skip
    assert app.volumes.tmpfs == (f"/scratch:size={1 << 20}",)
    files = {v.name: v.files for v in pod.volumes}
    assert files["web-conf"] == (("app/settings.ini", b"a=1\n", 0o644),)
    assert files["web-secret"] == (("password", b"hunter2", 0o400),)
    assert files["web-info"] == (("name", b"web", 0o644),)
    assert files["web-shared"] == ()


def test_a_named_port_of_another_container_is_not_found() -> None:
    # the probe's named port is looked up in its own container: "alt" is side's
    text = CONFIG + POD.replace("port: http}", "port: alt}")
    assert "livenessProbe.httpGet.port: no container port named 'alt'" in refused(text)


def test_a_probe_scheme_other_than_http_is_refused_by_name() -> None:
    text = CONFIG + POD.replace("port: http}", "port: http, scheme: FTP}")
    assert "livenessProbe.httpGet.scheme: unsupported value 'FTP'" in refused(text)


def test_deployment_replicas_make_that_many_pods_and_jobs_never_restart() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: front}}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: base}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: base}]
"""
    pods = plan(text).pods
    assert [p.name for p in pods] == ["web-pod-0", "web-pod-1", "web-pod-2", "once-pod"]
    assert pods[0].labels == ("tier=front", "app=web", f"{POD_LABEL}=web-pod-0")
    assert pods[0].restart == "always" and pods[3].restart == "no"
    assert pods[3].kind == "Job" and pods[3].workload == "once"
    one = plan(text.replace("replicas: 3", "replicas: 1")).pods
    assert one[0].name == "web-pod"


SMALL = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: base
    ports: [{containerPort: 80, hostPort: 8080}]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL.replace("image: base", "image: base\n    envFrom: [{configMapRef: {name: x}}]"),
         "k.yaml document 1: spec.containers[0].envFrom[0].configMapRef: ConfigMap 'x' not found"),
        (SMALL.replace("image: base", "image: base\n    env: [{name: A, valueFrom: "
                       "{secretKeyRef: {name: s, key: k}}}]"),
         "spec.containers[0].env[0].valueFrom.secretKeyRef: Secret 's' not found"),
        (SMALL + "---\n" + SMALL.replace("name: p}", "name: q}"),
         "k.yaml document 2: hostPort clash: 8080:80/tcp is published by pod 'p' and pod 'q'"),
        (SMALL + "---\n" + SMALL, "document 2: metadata.name: pod name 'p' is also made by"),
        (SMALL.replace("image: base", "image: base\n    env: [{name: A, valueFrom: "
                       "{fieldRef: {fieldPath: status.podIP}}}]"),
         "fieldRef.fieldPath: unsupported fieldPath 'status.podIP'"),
        (SMALL.replace("image: base", "image: base\n    resources: {limits: {nvidia.com/gpu: 1}}"),
         "spec.containers[0].resources.limits.nvidia.com/gpu: unsupported resource"),
        (SMALL.replace("image: base", "image: base\n    resources: {limits: {memory: lots}}"),
         "resources.limits.memory: invalid quantity 'lots'"),
    ],
)  # fmt: skip
def test_what_play_refuses_before_creating_anything(text: str, message: str) -> None:
    assert message in refused(text)


def test_optional_references_may_be_missing_and_configmap_files_count() -> None:
    text = SMALL.replace(
        "image: base",
        "image: base\n    env: [{name: A, valueFrom: {configMapKeyRef: "
        "{name: extra, key: k, optional: true}}}]\n"
        "    envFrom: [{configMapRef: {name: more}}]",
    )
    from hutch.kube.model import ConfigMap, ObjectMeta

    extra = ConfigMap("v1", "ConfigMap", ObjectMeta(name="more"), data={"K": "v"})
    docs = parse_documents(text, "k.yaml")
    (pod,) = plan_play(docs, "k.yaml", PlayFlags(), [extra]).pods
    assert pod.containers[0].options.env == ("K=v",)


def test_play_flags_reach_every_pod() -> None:
    flags = PlayFlags(networks=("n1", "n2"), publish=("9000:80",))
    (pod,) = plan(SMALL, flags).pods
    assert pod.publish == ("8080:80/tcp", "9000:80") and pod.network == "n1,n2"
    host = SMALL.replace("spec:\n", "spec:\n  hostNetwork: true\n")
    assert plan(host).pods[0].network == "host"
    pid = SMALL.replace("spec:\n", "spec:\n  shareProcessNamespace: true\n")
    assert plan(pid).pods[0].share == "+pid" and pod.share is None


def test_probes_play_as_podman_plays_them() -> None:
    """Kubernetes' defaults where a field is not set, a restart on failure when the
    pod restarts its containers, and a startup probe alone gating ``exit 0``."""
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: live
    image: base
    livenessProbe: {exec: {command: [/bin/true]}}
  - name: first
    image: base
    startupProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 2
      successThreshold: 1
"""
    (pod,) = plan(text).pods
    live, first = (c.options.lifecycle.health for c in pod.containers)
    assert json.loads(live.cmd or "") == ["CMD", "/bin/true"]
    assert (live.interval, live.timeout, live.retries, live.start_period) == ("10s", "1s", 3, None)
    assert live.on_failure == "restart" and live.startup_cmd is None
    assert first.cmd == "exit 0" and (first.interval, first.retries) == ("2s", 3)
    assert first.startup_cmd == "nc -z -v localhost 8080 || exit 1"
    assert (first.startup_interval, first.startup_timeout) == ("2s", "1s")
    assert (first.startup_retries, first.startup_success) == (3, 1)
    never = plan(text.replace("  containers:", "  restartPolicy: Never\n  containers:")).pods
    assert never[0].containers[0].options.lifecycle.health.on_failure == "none"


AUTO = """\
apiVersion: v1
kind: Pod
metadata:
  name: kapp
  annotations:
    io.containers.autoupdate: registry
    io.containers.autoupdate/db: local
spec:
  containers:
  - {name: web, image: base}
  - {name: db, image: base}
  - {name: cache, image: base}
"""


def test_auto_update_annotations_become_container_labels() -> None:
    (pod,) = plan(AUTO).pods
    web, db, cache = (c.options.labels for c in pod.containers)
    assert web == cache == ("io.containers.autoupdate=registry",)
    assert db == ("io.containers.autoupdate=local",)  # its own annotation wins


def test_play_annotations_win_over_the_yamls_and_the_unit_is_a_label() -> None:
    flags = PlayFlags(
        annotations=parse_annotations(
            ["io.containers.autoupdate/cache=local", "io.containers.autoupdate.authfile=/a"]
        ),
        systemd_unit="kapp.service",
    )
    (pod,) = plan(AUTO, flags).pods
    cache = pod.containers[2].options.labels
    assert cache == (
        "io.containers.autoupdate=local",
        "io.containers.autoupdate.authfile=/a",
        "PODMAN_SYSTEMD_UNIT=kapp.service",
    )
    (plain,) = plan(CONFIG + POD).pods  # other annotations, no unit: no label
    assert all(c.options.labels == () for c in plain.containers)


def test_an_annotation_needs_an_equals_sign() -> None:
    assert parse_annotations(["a=b=c", "empty="]) == (("a", "b=c"), ("empty", ""))
    with pytest.raises(InvalidArgument, match="annotation \"nokey\" must include an '=' sign"):
        parse_annotations(["nokey"])
