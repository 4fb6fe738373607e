"""``hutch kube play`` / ``kube down`` with the real binary: a generate -> down -> play
round trip, ConfigMaps and Secrets in env and files, init containers, replicas, Jobs,
and bad input that leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch
from kube_helpers import fetch

IMAGE = "localhost/base:latest"

CONFIG_POD = f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: cfg}}
data: {{greeting: hello, app.conf: "mode=fast\\n"}}
---
apiVersion: v1
kind: Secret
metadata: {{name: sec}}
data: {{password: aHVudGVyMg==}}
---
apiVersion: v1
kind: Pod
metadata:
  name: demo
  labels: {{tier: back}}
spec:
  terminationGracePeriodSeconds: 0  # sleep as PID 1 ignores SIGTERM: no 10 s stops
  initContainers:
  - name: first
    image: {IMAGE}
    command: [/bin/sh, -c, "echo first > /shared/order"]
    volumeMounts: [{{name: shared, mountPath: /shared}}]
  - name: second
    image: {IMAGE}
    command: [/bin/sh, -c, "echo second >> /shared/order"]
    volumeMounts: [{{name: shared, mountPath: /shared}}]
  containers:
  - name: app
    image: {IMAGE}
    command: [/bin/sleep]
    args: ["1000"]
    envFrom: [{{configMapRef: {{name: cfg}}, prefix: CFG_}}]
    env:
    - name: GREETING
      valueFrom: {{configMapKeyRef: {{name: cfg, key: greeting}}}}
    - name: PASSWORD
      valueFrom: {{secretKeyRef: {{name: sec, key: password}}}}
    - name: TIER
      valueFrom: {{fieldRef: {{fieldPath: "metadata.labels['tier']"}}}}
    volumeMounts:
    - {{name: shared, mountPath: /shared}}
    - {{name: conf, mountPath: /etc/app, readOnly: true}}
    - {{name: secret, mountPath: /etc/secret}}
    - {{name: info, mountPath: /etc/podinfo}}
  volumes:
  - {{name: shared, emptyDir: {{}}}}
  - {{name: conf, configMap: {{name: cfg}}}}
  - {{name: secret, secret: {{secretName: sec}}}}
  - name: info
    downwardAPI: {{items: [{{path: name, fieldRef: {{fieldPath: metadata.name}}}}]}}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def pods(hutch: Hutch) -> list[str]:
    return sorted(hutch("pod", "ps", "--format", "{{.Name}}").stdout.split())


def test_configmaps_secrets_init_containers_and_down(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    yaml_file = write(tmp_path, "demo.yaml", CONFIG_POD)
    out = hutch("kube", "play", yaml_file).stdout.splitlines()
    assert out[0] == "Pod:" and len(out[1]) == 64 and out[2] == "Container:"  # podman's
    assert len(out[3]) == 64 and out[4:] == [""]
    app = "demo-app"
    env = hutch("exec", app, "/bin/sh", "-c", "env").stdout
    for line in ("GREETING=hello", "PASSWORD=hunter2", "TIER=back", "CFG_greeting=hello"):
        assert line in env.splitlines()
    files = hutch(
        "exec", app, "/bin/cat", "/shared/order", "/etc/app/app.conf", "/etc/secret/password",
        "/etc/podinfo/name",
    ).stdout  # fmt: skip
    assert files == "first\nsecond\nmode=fast\nhunter2demo"  # init containers ran in order
    ro = hutch("exec", app, "/bin/sh", "-c", "echo x > /etc/app/new", check=False)
    assert ro.returncode != 0  # a configMap volume mounted readOnly
    states = hutch("inspect", "--format", "{{.Name}} {{.State.Status}}", "demo-first", app)
    assert states.stdout.splitlines() == ["demo-first exited", "demo-app running"]
    # generate writes the volumes play filled back as what they were, not as claims
    generated = hutch("kube", "generate", "demo").stdout
    for line in ("emptyDir: {}", "name: cfg", "secretName: sec", "downwardAPI:"):
        assert line in generated
    assert "persistentVolumeClaim" not in generated
    # a pod name in use is refused by name (exit 125) unless --replace
    again = hutch("kube", "play", yaml_file, check=False)
    assert again.returncode == 125 and "pod 'demo' already exists" in again.stderr
    hutch("kube", "play", "--replace", "--start=false", yaml_file)
    created = hutch("inspect", "--format", "{{.State.Status}}", app).stdout
    assert created == "created\n"
    # pod start runs the init containers first, in order and to completion, as play does
    hutch("pod", "start", "demo")
    status = ("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}")
    assert hutch(*status, "demo-first", "demo-second").stdout == "exited 0\nexited 0\n"
    assert hutch("exec", app, "/bin/cat", "/shared/order").stdout == "first\nsecond\n"
    # ... once, as podman's: a restart of the pod starts the app alone
    hutch("exec", app, "/bin/sh", "-c", "echo app > /shared/order")
    hutch("pod", "restart", "demo")
    assert hutch("exec", app, "/bin/cat", "/shared/order").stdout == "app\n"
    down = hutch("kube", "down", yaml_file).stdout.splitlines()
    assert down[0] == "Pods stopped:" and down[2] == "Pods removed:"
    assert pods(hutch) == [] and hutch("ps", "-aq").stdout == ""
    assert hutch("volume", "ls", "-q").stdout == ""  # the pod's own volumes go with it


def test_round_trip_generate_down_play_gives_a_working_pod(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("pod", "create", "--name", "rt", "-p", "18471:8080")
    hutch("volume", "create", "site")
    hutch(
        "run", "-d", "--pod", "rt", "--name", "rt-web", "-v", "site:/www", "-e", "MODE=x",
        "--stop-timeout", "0",
        "--health-cmd", "/bin/true", IMAGE, "/usr/sbin/httpd", "-f", "-p", "8080", "-h", "/etc",
    )  # fmt: skip
    hutch(
        "run",
        "-d",
        "--pod",
        "rt",
        "--name",
        "rt-side",
        "--stop-timeout",
        "0",
        IMAGE,
        "/bin/sleep",
        "1000",
    )
    generated = write(tmp_path, "rt.yaml", hutch("kube", "generate", "rt", "site").stdout)
    assert "terminationGracePeriodSeconds: 0" in Path(generated).read_text()
    hutch("kube", "down", generated)
    assert pods(hutch) == [] and "site" in hutch("volume", "ls", "-q").stdout  # data kept
    played = hutch("kube", "play", generated).stdout
    assert not played.startswith("Volumes:")  # the claim binds the volume that is there
    names = hutch("ps", "--format", "{{.Names}}").stdout.split()
    assert {"rt-web", "rt-side"} <= set(names)
    env = hutch("exec", "rt-web", "/bin/sh", "-c", "echo $MODE").stdout
    assert env == "x\n"
    inspect = hutch("inspect", "--format", "{{.Config.Healthcheck.Test}}", "rt-web").stdout
    assert "/bin/true" in inspect
    # the members share localhost, and the pod's port reaches the one that listens
    local = hutch("exec", "rt-side", "/usr/bin/wget", "-qO-", "http://localhost:8080/hostname")
    assert local.stdout == "rt\n"
    mounts = hutch(
        "inspect", "--format", "{{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}", "rt-web"
    )
    assert mounts.stdout == "site:/www\n"
    assert fetch("http://127.0.0.1:18471/hostname") == b"rt\n"
    down = hutch("kube", "down", "--force", generated).stdout
    assert down.splitlines()[-2:] == ["Volumes removed:", "site"]
    assert pods(hutch) == [] and hutch("volume", "ls", "-q").stdout == ""


PROBED = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: probed}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: web  # without wget and nc, as the image is without curl
    image: {IMAGE}
    command:
    - /bin/sh
    - -c
    - rm -f /bin/wget /bin/nc /usr/bin/wget /usr/bin/nc; exec httpd -f -p 8080 -h /etc
    ports: [{{name: http, containerPort: 8080}}]
    livenessProbe: {{httpGet: {{path: /hostname, port: http}}, periodSeconds: 300}}
  - name: side
    image: {IMAGE}
    command: [/bin/sleep, "1000"]
    livenessProbe: {{tcpSocket: {{port: 8080}}, periodSeconds: 300}}
"""


def test_http_and_tcp_probes_need_no_client_in_the_image(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    # podman's curl/nc commands are kept for inspect, but hutch probes by itself
    yaml_file = write(tmp_path, "probed.yaml", PROBED)
    hutch("kube", "play", yaml_file)
    test = hutch("inspect", "--format", "{{.Config.Healthcheck.Test}}", "probed-web").stdout
    assert "curl -f http://localhost:8080/hostname" in test
    assert hutch("healthcheck", "run", "probed-web").returncode == 0
    assert hutch("healthcheck", "run", "probed-side").returncode == 0
    hutch("kube", "down", yaml_file)


DEPLOY_AND_JOB = f"""\
apiVersion: v1
kind: Service  # read and checked, creates nothing (nodePort included), as podman 4.3.1
metadata: {{name: web}}
spec:
  type: NodePort
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: 8080, nodePort: 30888, protocol: TCP}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{{name: app, image: {IMAGE}, command: [/bin/sleep, "1000"]}}]
---
apiVersion: batch/v1
kind: Job
metadata: {{name: once}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: localhost/built:latest  # made by --build from ./built/Containerfile
        command: [/bin/sh, -c, 'test "$BUILT" = yes && exit 3; exit 1']
"""


def test_replicas_make_pods_and_a_built_jobs_exit_code_is_reported(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    yaml_file = write(tmp_path, "deploy.yaml", DEPLOY_AND_JOB)
    (tmp_path / "built").mkdir()
    write(tmp_path, "built/Containerfile", f"FROM {IMAGE}\nENV BUILT=yes\n")
    result = hutch("kube", "play", "--build", yaml_file, check=False)
    assert result.returncode == 3
    assert "Job once (pod once-pod) exited with code 3" in result.stdout
    played = result.stdout[result.stdout.index("Pod:\n") :]  # after the build's lines
    blocks = played.split("\n\n")[:3]  # podman 4.3.1's lines, one block per pod
    assert [b.splitlines()[::2] for b in blocks] == [["Pod:", "Container:"]] * 3
    assert pods(hutch) == ["once-pod", "web-pod-0", "web-pod-1"]
    hutch("kube", "down", yaml_file)
    assert pods(hutch) == []


def test_bad_input_leaves_nothing_behind(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    missing = CONFIG_POD.split("---\n", 2)[2]  # the pod without its ConfigMap and Secret
    result = hutch("kube", "play", write(tmp_path, "m.yaml", missing), check=False)
    assert result.returncode == 125
    assert result.stderr.startswith(
        "Error: m.yaml document 1: spec.volumes[1].configMap.name: ConfigMap 'cfg' not found"
    )
    wrong = CONFIG_POD.replace('args: ["1000"]', "args: [1000]")
    result = hutch("kube", "play", write(tmp_path, "w.yaml", wrong), check=False)
    assert result.returncode == 125
    assert "w.yaml document 3: spec.containers[0].args[0]: expected a string" in result.stderr
    # an init container that fails fails the play, and what it made is removed again
    failing = CONFIG_POD.replace('echo second >> /shared/order"', 'exit 7"')
    result = hutch("kube", "play", write(tmp_path, "f.yaml", failing), check=False)
    assert result.returncode == 125
    assert "init container demo-second exited with code 7" in result.stderr
    assert pods(hutch) == [] and hutch("ps", "-aq").stdout == ""
    assert hutch("volume", "ls", "-q").stdout == ""
    # standard input, and a kind hutch does not play
    cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
    result = hutch("kube", "play", "-", input=cron, check=False)
    assert result.returncode == 125
    assert result.stderr.startswith("Error: stdin document 1: kind: unsupported kind 'CronJob'")
