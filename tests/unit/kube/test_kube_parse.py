"""Kubernetes YAML -> the typed model: types checked, unknown kinds and fields refused
by name with the document and the field path."""

from __future__ import annotations

import pytest

from hutch.api.errors import EXIT_ENGINE
from hutch.kube.errors import KubeError
from hutch.kube.model import ConfigMap, Deployment, Job, Pod, Secret, Service
from hutch.kube.parse import parse_documents

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  restartPolicy: Never
  initContainers:
  - name: setup
    image: base
    command: [/bin/true]
  containers:
  - name: app
    image: base
    command: [/bin/sh, -c]
    args: [sleep 100]
    workingDir: /tmp
    env:
    - {name: A, value: "1"}
    - name: B
      valueFrom: {configMapKeyRef: {name: cfg, key: b}}
    - name: P
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    envFrom:
    - configMapRef: {name: cfg}
    ports:
    - {containerPort: 80, hostPort: 8080, protocol: UDP}
    volumeMounts:
    - {name: data, mountPath: /data, readOnly: true}
    resources:
      limits: {memory: 64Mi, cpu: 0.5}
      requests: {cpu: 1}
    securityContext:
      runAsUser: 1000
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
    livenessProbe:
      exec: {command: [/bin/true]}
      periodSeconds: 5
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
status: {}
"""


def one(text: str) -> object:
    (doc,) = parse_documents(text, "kube.yaml")
    return doc.obj


def refused(text: str) -> str:
    with pytest.raises(KubeError) as err:
        parse_documents(text, "kube.yaml")
    assert err.value.exit_code == EXIT_ENGINE
    return str(err.value)


def test_a_pod_is_read_with_every_supported_field() -> None:
    pod = one(POD)
    assert isinstance(pod, Pod)
    app = pod.spec.containers[0]
    assert pod.metadata.labels == {"app": "web"}
    assert app.command == ("/bin/sh", "-c") and app.args == ("sleep 100",)
    assert app.env[1].value_from is not None
    assert app.env[1].value_from.config_map_key_ref is not None
    assert app.env[1].value_from.config_map_key_ref.key == "b"
    assert app.ports[0].host_port == 8080 and app.ports[0].protocol == "UDP"
    assert app.resources is not None
    assert app.resources.limits == {"memory": "64Mi", "cpu": "0.5"}  # quantities as text
    assert app.resources.requests == {"cpu": "1"}
    assert app.liveness_probe is not None and app.liveness_probe.exec_ is not None
    assert pod.spec.init_containers[0].name == "setup"
    assert pod.spec.volumes[0].persistent_volume_claim is not None


def test_multi_document_files_count_documents_from_one_and_skip_empty_ones() -> None:
    text = (
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {b: two}\n"
        "---\n---\n" + POD
    )
    docs = parse_documents(text, "kube.yaml")
    assert [d.index for d in docs] == [1, 3]  # a leading --- opens the first document
    assert isinstance(docs[0].obj, ConfigMap) and docs[0].obj.data == {"b": "two"}


def test_a_wrong_type_names_the_document_and_the_field_path() -> None:
    bad = POD.replace("hostPort: 8080", 'hostPort: "8080"')
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + bad
    assert refused(text) == (
        "kube.yaml document 2: spec.containers[0].ports[0].hostPort:"
        " expected an integer, got a string"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: Pod", "kind: CronJob"), "kind: unsupported kind 'CronJob'"),
        (("apiVersion: v1", "apiVersion: v2"), "apiVersion: unsupported apiVersion 'v2'"),
        (("kind: Pod\n", ""), "kind: not a Kubernetes object: no kind"),
        (("    workingDir: /tmp", "    nodeSelector: {}"), "spec.containers[0].nodeSelector:"
         " unknown or unsupported field"),
        (("  restartPolicy: Never", "  restartPolicy: Sometimes"), "spec.restartPolicy:"
         " unsupported value 'Sometimes'"),
        (("{name: A, value: \"1\"}", "{name: A, value: 1}"), "spec.containers[0].env[0].value:"
         " expected a string, got an integer"),
        (("claimName: data}", "claimName: data}\n    hostPath: {path: /x}"), "spec.volumes[0]:"
         " a volume needs exactly one source"),
        (("name: data, mountPath", "name: nope, mountPath"), "spec.containers[0].volumeMounts[0]"
         ".name: no volume named 'nope' in the pod"),
        (("containerPort: 80", "containerPort: 70000"), "ports[0].containerPort: port 70000"),
        (("  name: web\n", "  name: Web_1\n"), "metadata.name: invalid name 'Web_1'"),
        (("- name: app\n    image: base", "- name: app"), "spec.containers[0].image: required"),
        (("  - name: setup", "  - name: app"), "spec.containers[0].name: duplicate container"),
        (("runAsUser: 1000", "runAsUser: true"), "runAsUser: expected an integer, got a boolean"),
        (("{fieldPath: metadata.name}", "{fieldPath: metadata.name}, configMapKeyRef: {key: b}"),
         "spec.containers[0].env[2].valueFrom: needs exactly one of"),
        (("periodSeconds: 5", "periodSeconds: 5\n      tcpSocket: {port: 1}"),
         "spec.containers[0].livenessProbe: needs exactly one of exec, httpGet, tcpSocket"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_by_name(change: tuple[str, str], message: str) -> None:
    text = POD.replace(*change)
    assert text != POD
    error = refused(text)
    assert error.startswith("kube.yaml document 1: ")
    assert message in error


def test_not_yaml_and_not_kubernetes_and_nothing_at_all() -> None:
    assert "not valid YAML (line 2)" in refused("a: [\nb: }\n")
    assert "expected a Kubernetes object" in refused("- a\n- b\n")
    assert refused("") == "kube.yaml: no Kubernetes objects found"


def test_controllers_secrets_and_services() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
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
---
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {password: aHVudGVyMg==}
stringData: {user: me}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
"""
    deployment, job, secret, service = (d.obj for d in parse_documents(text, "f"))
    assert isinstance(deployment, Deployment) and deployment.spec.replicas == 2
    assert isinstance(job, Job) and job.spec.template.spec.restart_policy == "Never"
    assert isinstance(secret, Secret) and secret.string_data == {"user": "me"}
    assert isinstance(service, Service) and service.spec.ports[0].target_port == "http"


def test_a_job_needs_a_restart_policy_that_ends_and_secrets_need_base64() -> None:
    job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
    job += "    spec:\n      containers: [{name: a, image: b}]\n"
    assert "spec.template.spec.restartPolicy: a Job's pods need" in refused(job)
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: '*notbase64*'}\n"
    assert refused(secret) == "kube.yaml document 1: data.k: not valid base64"
