"""The benchmark cases: what each one runs for hutch and for podman, and its targets.

A case yields one sample per run and side: a tuple with one value per metric
(row of the report). ``setup``/``teardown`` run once per side around the
runs, untimed; a sample may do untimed work of its own around the part it
times (``rmi`` before a pull, ``rm`` after a ``run -d``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import benchapi
import benchcompose
import benchscale
from benchcore import Metric, Target, iperf_bits_per_second, kb_to_mb
from benchfixtures import (
    HostIperf,
    Registry,
    make_base_tar,
    make_random_layout,
    make_tool_tar,
)
from benchtools import (
    HELPER_COMMS,
    SIDES,
    BenchError,
    Tools,
    comm,
    first_byte,
    free_port,
    host_address,
    memory_kb,
    process_table,
    wait_listening,
)

Sample = tuple[float, ...]
INSECURE = "--tls-verify=false"
NAMES = {
    "hutch": {"img": "bench-busybox", "iperf": "bench-iperf"},
    "podman": {"img": "localhost/bench-busybox:latest", "iperf": "localhost/bench-iperf:latest"},
}
IPERF_SECONDS = 3
MANY_CONTAINERS = 100
MANY_IMAGES = 50


class Bench:
    """The tools plus the fixtures the selected cases need, made on first use."""

    def __init__(self, tools: Tools, work: Path) -> None:
        self.tools = tools
        self.work = work
        self.contexts = work / "contexts"
        self.made: set[str] = set()
        self.source: Registry | None = None
        self.sink: Registry | None = None
        self.host_iperf: HostIperf | None = None
        self.counter = 0

    def unique(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def import_both(self, tar: Path, key: str) -> None:
        for side in SIDES:
            name = NAMES[side][key]
            self.tools.ok(side, ("import", str(tar), name))
            self.tools.subst[side][key] = name

    def base(self) -> None:
        if "base" not in self.made:
            tar = self.work / "busybox.tar"
            make_base_tar(tar)
            self.import_both(tar, "img")
            self.made.add("base")

    def iperf_image(self) -> None:
        self.base()
        if "iperf" not in self.made:
            tar = self.work / "iperf.tar"
            make_tool_tar(self.work / "busybox.tar", tar, "iperf3")
            self.import_both(tar, "iperf")
            self.made.add("iperf")

    def big_image(self) -> None:
        """A 5-layer ~100 MB image of random bytes in a loopback registry, pushed by skopeo."""
        if self.source is None:
            layout = self.work / "big-layout"
            make_random_layout(layout)
            self.source = Registry(self.work / "registry-source")
            self.source.start()
            ref = f"{self.source.host}/bench/big:1"
            # an auth file of its own: skopeo's default (/run/containers/UID/auth.json
            # without XDG_RUNTIME_DIR) may sit in a directory a root podman made 0700
            authfile = self.work / "auth.json"
            authfile.write_text('{"auths": {}}')
            done = subprocess.run(
                ["skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                 "--dest-authfile", str(authfile), f"oci:{layout}:1", f"docker://{ref}"],
                capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode:  # the bench's note says why
                raise BenchError(f"skopeo copy to {ref}: {done.stderr.strip()}")
            for side in SIDES:
                self.tools.subst[side]["big"] = ref
        if self.sink is None:
            self.sink = Registry(self.work / "registry-sink")
            self.sink.start()
            for side in SIDES:
                self.tools.subst[side]["sink"] = f"{self.sink.host}/bench/pushed:1"

    def build_contexts(self) -> None:
        if "contexts" not in self.made:
            write_build_contexts(self.contexts)
            for side in SIDES:
                self.tools.subst[side]["ctx"] = str(self.contexts)
            self.made.add("contexts")

    def close(self) -> None:
        for helper in (self.source, self.sink, self.host_iperf):
            if helper is not None:
                helper.stop()


@dataclass(frozen=True)
class Case:
    key: str
    area: str
    metrics: tuple[Metric, ...]
    sample: Callable[[Bench, str], Sample]
    setup: Callable[[Bench, str], None] | None = None
    teardown: Callable[[Bench, str], None] | None = None
    # slow cases: at most this many timed runs, and this many warm-ups
    max_runs: int | None = None
    max_warmup: int | None = None
    needs: tuple[str, ...] = ("base",)


def seconds(name: str, target: Target) -> tuple[Metric, ...]:
    return (Metric(name, "s", target),)


def timed(*args: str) -> Callable[[Bench, str], Sample]:
    def sample(bench: Bench, side: str) -> Sample:
        return (bench.tools.ok(side, args)[0],)

    return sample


def stop_all(bench: Bench, side: str) -> None:
    # -t 0: a sleep as PID 1 ignores SIGTERM, and waiting out 100 stop timeouts is no benchmark
    bench.tools.quiet(side, ("rm", "-f", "-a", "-t", "0"))


# --- lifecycle -------------------------------------------------------------------------


def cycle(bench: Bench, side: str) -> Sample:
    name = bench.unique("bench-cycle")
    start = time.perf_counter()
    bench.tools.ok(side, ("run", "-d", "--network", "none", "--name", name, "{img}", "sleep",
                          "infinity"))  # fmt: skip
    bench.tools.ok(side, ("stop", "-t", "0", name))
    bench.tools.ok(side, ("rm", name))
    return (time.perf_counter() - start,)


def pod_cycle(bench: Bench, side: str) -> Sample:
    """A pod, two containers in it, and its removal (issue 18)."""
    name = bench.unique("bench-pod")
    start = time.perf_counter()
    bench.tools.ok(side, ("pod", "create", "--name", name))
    for _ in range(2):
        bench.tools.ok(side, ("run", "-d", "--pod", name, "{img}", "sleep", "infinity"))
    bench.tools.ok(side, ("pod", "rm", "-f", "-t", "0", name))
    return (time.perf_counter() - start,)


# An idle container is one that has been running a while: hutch's monitor execs its
# small idle loop a second after the start (runtime/idle.py); podman's conmon is the
# same from the start. The wait is untimed (set-up), on both sides.
IDLE_SETTLE = 2.0


def start_idle(bench: Bench, side: str) -> None:
    bench.tools.ok(side, ("run", "-d", "--name", "bench-idle", "{img}", "sleep", "infinity"))
    time.sleep(IDLE_SETTLE)


def start_idle_slirp(bench: Bench, side: str) -> None:
    """An idle container on slirp4netns: hutch's when the user chooses it, podman 4.3's default."""
    network = ("--network", "slirp4netns") if side == "hutch" else ()
    bench.tools.ok(side, ("run", "-d", *network, "--name", "bench-idle", "{img}", "sleep",
                          "infinity"))  # fmt: skip
    time.sleep(IDLE_SETTLE)


def create_only(bench: Bench, side: str) -> Sample:
    """``create`` alone; the container is removed afterwards, untimed."""
    name = bench.unique("bench-create")
    start = time.perf_counter()
    bench.tools.ok(side, ("create", "--name", name, "{img}", "true"))
    elapsed = time.perf_counter() - start
    bench.tools.ok(side, ("rm", name))
    return (elapsed,)


def start_idle_no_network(bench: Bench, side: str) -> None:
    bench.tools.ok(side, ("run", "-d", "--network", "none", "--name", "bench-idle", "{img}",
                          "sleep", "infinity"))  # fmt: skip


def start_published(bench: Bench, side: str) -> None:
    """An idle container with a published port (each side its own host port)."""
    port = "18081" if side == "hutch" else "18082"
    bench.tools.ok(side, ("run", "-d", "-p", f"127.0.0.1:{port}:80", "--name", "bench-idle",
                          "{img}", "sleep", "infinity"))  # fmt: skip


def start_pod(bench: Bench, side: str) -> None:
    """A pod with one running member besides its infra, for ``pod ps``."""
    bench.tools.ok(side, ("pod", "create", "--name", "bench-pod-ps"))
    bench.tools.ok(side, ("run", "-d", "--pod", "bench-pod-ps", "{img}", "sleep", "infinity"))


def remove_pod(bench: Bench, side: str) -> None:
    bench.tools.quiet(side, ("pod", "rm", "-f", "-t", "0", "bench-pod-ps"))


def start_many(bench: Bench, side: str) -> None:
    """100 idle containers (no network), started 8 at a time."""

    def one(i: int) -> None:
        bench.tools.ok(side, ("run", "-d", "--network", "none", "--name", f"bench-many-{i}",
                              "{img}", "sleep", "infinity"))  # fmt: skip

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(MANY_CONTAINERS)))
    _, out = bench.tools.ok(side, ("ps", "-q"))
    running = len(out.split())
    if running < MANY_CONTAINERS:
        raise BenchError(f"{side}: only {running} of {MANY_CONTAINERS} containers running")


def idle_memory(bench: Bench, side: str) -> Sample:
    """(monitor + helpers RSS, their PSS, monitor alone RSS, monitor alone PSS), in MB."""
    if side == "hutch":
        _, out = bench.tools.ok(side, ("inspect", "bench-idle"))
        state = json.loads(out)[0]["State"]
        monitor, init = int(state["ConmonPid"]), int(state["Pid"])
        children = process_table()
        # the monitor's own children other than the container: pasta/slirp4netns, fuse-overlayfs
        helpers = [p for p in children.get(monitor, []) if p != init]
    else:
        fmt = "{{.State.ConmonPid}} {{.NetworkSettings.SandboxKey}}"
        _, out = bench.tools.ok(side, ("inspect", "-f", fmt, "bench-idle"))
        conmon, _, netns = out.strip().partition(" ")
        monitor = int(conmon)
        helpers = benchscale.processes_naming({netns}) if netns else []
    helpers = [p for p in helpers if comm(p).startswith(HELPER_COMMS)]
    mon = memory_kb(monitor)
    rss, pss = mon["Rss"], mon["Pss"]
    for pid in helpers:
        mem = memory_kb(pid)
        rss += mem["Rss"]
        pss += mem["Pss"]
    return kb_to_mb(rss), kb_to_mb(pss), kb_to_mb(mon["Rss"]), kb_to_mb(mon["Pss"])


# --- images and registries ---------------------------------------------------------------


def pull(bench: Bench, side: str) -> Sample:
    bench.tools.quiet(side, ("rmi", "-f", "{big}"))
    return (bench.tools.ok(side, ("pull", INSECURE, "-q", "{big}"))[0],)


def pull_once(bench: Bench, side: str) -> None:
    bench.tools.ok(side, ("pull", INSECURE, "-q", "{big}"))


def push(bench: Bench, side: str) -> Sample:
    assert bench.sink is not None
    bench.sink.restart_empty()
    return (bench.tools.ok(side, ("push", INSECURE, "{big}", "{sink}"))[0],)


def remove_big(bench: Bench, side: str) -> None:
    bench.tools.quiet(side, ("rmi", "-f", "{big}"))


def import_many(bench: Bench, side: str) -> None:
    """50 distinct images (one layer, each its own config through a label)."""
    tar = str(bench.work / "busybox.tar")

    def one(i: int) -> None:
        bench.tools.ok(side, ("import", "--change", f"LABEL bench.n={i}", tar,
                              f"bench-image-{i}"))  # fmt: skip

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(MANY_IMAGES - 1)))


def remove_many(bench: Bench, side: str) -> None:
    bench.tools.quiet(side, ("rmi", "-f", *(f"bench-image-{i}" for i in range(MANY_IMAGES - 1))))


# --- build -------------------------------------------------------------------------------

# FROM + 5 steps, the same file for both tools with each tool's default RUN network
# (podman 4.3 knows no RUN --network, and hutch build has no --network flag yet)
FIVE_STEPS = """\
ARG BASE
FROM $BASE
COPY file.txt /srv/file.txt
RUN echo x > /f
RUN echo y > /g
ENV GREETING=hello
WORKDIR /srv
"""


def write_build_contexts(base: Path) -> None:
    """``five``: the 5-step file; ``many``: a COPY of 10,000 small files."""
    five = base / "five"
    five.mkdir(parents=True)
    (five / "Containerfile").write_text(FIVE_STEPS)
    (five / "file.txt").write_text("data\n")
    many = base / "many"
    for i in range(100):
        sub = many / "files" / f"d{i:02d}"
        sub.mkdir(parents=True)
        for j in range(100):
            (sub / f"f{j:02d}.txt").write_text(f"{i} {j}\n")
    (many / "Containerfile").write_text("ARG BASE\nFROM $BASE\nCOPY files /files\n")


def build_args(context: str, *extra: str) -> tuple[str, ...]:
    return ("build", "-q", *extra, "--build-arg", "BASE={img}", "-f",
            f"{{ctx}}/{context}/Containerfile", f"{{ctx}}/{context}")  # fmt: skip


def prune(bench: Bench, side: str) -> None:
    bench.tools.quiet(side, ("image", "prune", "-f"))


# --- networking --------------------------------------------------------------------------


def start_iperf_server(bench: Bench, side: str, network: tuple[str, ...] = ()) -> None:
    port = free_port()
    bench.tools.subst[side]["iperf_port"] = str(port)
    bench.tools.ok(side, ("run", "-d", *network, "--name", "bench-iperf-server", "-p",
                          f"{port}:5201", "{iperf}", "iperf3", "-s", "--forceflush"))  # fmt: skip
    # a port forwarder accepts before the server inside listens: wait for its own word
    deadline = time.monotonic() + 30
    while "listening" not in bench.tools.ok(side, ("logs", "bench-iperf-server"))[1]:
        if time.monotonic() > deadline:
            raise BenchError(f"{side}: iperf3 -s did not start in the container")
        time.sleep(0.1)
    wait_listening(port)
    # The probe above is a client that hangs up at once; iperf3 -s (one test at
    # a time) needs a moment to give up on it before the measured client comes.
    time.sleep(1.0)


def iperf_in(bench: Bench, side: str) -> Sample:
    port = bench.tools.subst[side]["iperf_port"]
    proc = subprocess.run(
        ["iperf3", "-c", "127.0.0.1", "-p", port, "-t", str(IPERF_SECONDS), "-J"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    try:
        return (iperf_bits_per_second(proc.stdout) / 1e9,)
    except (ValueError, KeyError) as e:
        raise BenchError(f"{side}: {e}") from e


def start_host_iperf(bench: Bench, side: str) -> None:
    if bench.host_iperf is None:
        bench.host_iperf = HostIperf(bench.work / "iperf-host.log")
        address = host_address()
        for s in SIDES:
            bench.tools.subst[s]["host"] = address
            bench.tools.subst[s]["host_port"] = str(bench.host_iperf.port)


def iperf_out(bench: Bench, side: str, network: tuple[str, ...] = ()) -> Sample:
    _, out = bench.tools.ok(side, ("run", "--rm", *network, "{iperf}", "iperf3", "-c", "{host}",
                                   "-p", "{host_port}", "-t", str(IPERF_SECONDS),
                                   "-J"))  # fmt: skip
    return (iperf_bits_per_second(out) / 1e9,)


def stop_host_iperf(bench: Bench, side: str) -> None:
    if side == SIDES[-1] and bench.host_iperf is not None:
        bench.host_iperf.stop()
        bench.host_iperf = None


def first_byte_after_run(bench: Bench, side: str, network: tuple[str, ...] = ()) -> Sample:
    port = free_port()
    name = bench.unique("bench-httpd")
    start = time.perf_counter()
    bench.tools.ok(side, ("run", "-d", *network, "--name", name, "-p", f"{port}:80", "{img}",
                          "httpd", "-f", "-p", "80", "-h", "/etc"))  # fmt: skip
    try:
        first_byte(port, time.monotonic() + 30)
        return (time.perf_counter() - start,)
    finally:
        bench.tools.quiet(side, ("rm", "-f", "-t", "0", name))


# --- the shared network: hutch on a user-defined network ----------------------------------
#
# Issue 16 asks whether one network helper per user (the slirp4netns of the rootless
# network namespace that user-defined networks share) could replace the pasta of each
# container on the default network: these cases put hutch's container on a user-defined
# network and podman's on its default (one slirp4netns per container, rootlessport for -p).

USER_NET = "bench-net"


def _on_user_net(side: str) -> tuple[str, ...]:
    return ("--network", USER_NET) if side == "hutch" else ()


def make_user_net(bench: Bench, side: str) -> None:
    if side == "hutch":
        bench.tools.quiet(side, ("network", "create", USER_NET))


def run_user_net(bench: Bench, side: str) -> Sample:
    return (bench.tools.ok(side, ("run", "--rm", *_on_user_net(side), "{img}", "true"))[0],)


def start_idle_user_net(bench: Bench, side: str) -> None:
    make_user_net(bench, side)
    bench.tools.ok(side, ("run", "-d", *_on_user_net(side), "--name", "bench-idle", "{img}",
                          "sleep", "infinity"))  # fmt: skip
    time.sleep(IDLE_SETTLE)


def idle_memory_user_net(bench: Bench, side: str) -> Sample:
    """As ``idle_memory``, plus hutch's per-user network processes (the rootless
    namespace's holder and its slirp4netns), shared by every container on user networks."""
    own = idle_memory(bench, side)
    shared_rss = shared_pss = 0
    if side == "hutch":
        for pid in shared_network_processes(bench.tools.hutch_env["XDG_RUNTIME_DIR"]):
            mem = memory_kb(pid)
            shared_rss += mem["Rss"]
            shared_pss += mem["Pss"]
    return (*own, kb_to_mb(shared_rss), kb_to_mb(shared_pss))


def shared_network_processes(runtime_dir: str) -> list[int]:
    """The bench's rootless network holder (python -m hutch.net.rootlessd RUNDIR, RUNDIR
    under the bench's ``runtime_dir``; other sessions of the user have their own) and its
    children."""
    table = process_table()
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if b"hutch.net.rootlessd" in cmdline and runtime_dir.encode() in cmdline:
            found.append(int(entry))
            found.extend(table.get(int(entry), []))
    return found


def _on_slirp(side: str) -> tuple[str, ...]:
    return ("--network", "slirp4netns") if side == "hutch" else ()


def start_iperf_server_slirp(bench: Bench, side: str) -> None:
    start_iperf_server(bench, side, _on_slirp(side))


def iperf_out_slirp(bench: Bench, side: str) -> Sample:
    return iperf_out(bench, side, _on_slirp(side))


def start_iperf_server_rootlesskit(bench: Bench, side: str) -> None:
    """hutch on slirp4netns with podman's default port handler there (rootlesskit:
    the rootless namespace's port proxy), against podman's default: like for like."""
    network = ("--network", "slirp4netns:port_handler=rootlesskit") if side == "hutch" else ()
    start_iperf_server(bench, side, network)


def start_iperf_server_user_net(bench: Bench, side: str) -> None:
    make_user_net(bench, side)
    start_iperf_server(bench, side, _on_user_net(side))


def start_host_iperf_user_net(bench: Bench, side: str) -> None:
    make_user_net(bench, side)
    start_host_iperf(bench, side)


def iperf_out_user_net(bench: Bench, side: str) -> Sample:
    return iperf_out(bench, side, _on_user_net(side))


def first_byte_user_net(bench: Bench, side: str) -> Sample:
    make_user_net(bench, side)
    return first_byte_after_run(bench, side, _on_user_net(side))


def remove_user_net(name: str) -> Callable[[Bench, str], None]:
    def teardown(bench: Bench, side: str) -> None:
        bench.tools.quiet(side, ("rm", "-f", "-t", "0", name))
        if side == "hutch":
            bench.tools.quiet(side, ("network", "rm", "-f", USER_NET))

    return teardown


# --- pods and Kubernetes YAML -------------------------------------------------------------

KUBE_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: bench-kube}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {{name: a, image: "{img}", command: [/bin/sleep, infinity]}}
  - {{name: b, image: "{img}", command: [/bin/sleep, infinity]}}
"""


def kube_play_down(bench: Bench, side: str) -> Sample:
    """``kube play`` + ``kube down`` of a two-container pod (the same YAML for both; absolute
    paths: podman 4.3.1 finds no command by name in an image without PATH)."""
    path = bench.work / f"kube-{side}.yaml"
    path.write_text(KUBE_POD.format(img=bench.tools.subst[side]["img"]))
    start = time.perf_counter()
    bench.tools.ok(side, ("kube", "play", str(path)))
    bench.tools.ok(side, ("kube", "down", str(path)))
    return (time.perf_counter() - start,)


def remove_container(name: str) -> Callable[[Bench, str], None]:
    def teardown(bench: Bench, side: str) -> None:
        bench.tools.quiet(side, ("rm", "-f", "-t", "0", name))

    return teardown


# The targets of issue 16.
R = Target("ratio_max", 1.0)
R07 = Target("ratio_max", 0.7)
CASES: tuple[Case, ...] = (
    # foundation
    Case("run", "foundation",
         seconds("run --rm IMG true (default networks)", Target("ratio_max", 0.5)),
         timed("run", "--rm", "{img}", "true")),
    Case("run-none", "foundation",
         seconds("run --rm --network none IMG true", Target("ratio_max", 0.5)),
         timed("run", "--rm", "--network", "none", "{img}", "true")),
    Case("images", "foundation", seconds("images (1 image)", R), timed("images")),
    Case("create", "foundation", seconds("create IMG true", Target("ratio_max", 0.5)),
         create_only),
    Case("help", "foundation", seconds("--help (start-up)", R), timed("--help")),
    Case("version", "foundation", seconds("--version (start-up)", R), timed("--version")),
    # lifecycle
    Case("cycle", "lifecycle", seconds("run -d + stop -t 0 + rm", R07), cycle),
    Case("exec", "lifecycle", seconds("exec CTR true", R07), timed("exec", "bench-idle", "true"),
         setup=start_idle_no_network, teardown=remove_container("bench-idle")),
    Case("ps", "lifecycle", seconds("ps (0 running)", R), timed("ps")),
    # what scripts and units ask most: one field of a container
    Case("inspect", "lifecycle", seconds("inspect -f {{.State.Status}} CTR", R),
         timed("inspect", "-f", "{{.State.Status}}", "bench-idle"),
         setup=start_idle_no_network, teardown=remove_container("bench-idle")),
    # the other queries scripts and monitoring loops run on a container or a pod
    Case("port", "lifecycle", seconds("port CTR (one published port)", R),
         timed("port", "bench-idle"),
         setup=start_published, teardown=remove_container("bench-idle")),
    Case("top", "lifecycle", seconds("top CTR", R), timed("top", "bench-idle"),
         setup=start_idle_no_network, teardown=remove_container("bench-idle")),
    Case("pod-ps", "lifecycle", seconds("pod ps (1 pod, 2 containers)", R),
         timed("pod", "ps"), setup=start_pod, teardown=remove_pod),
    Case("pod", "lifecycle", seconds("pod create + 2 run -d + pod rm -f", R),
         pod_cycle, max_runs=5, max_warmup=1),
    Case("ps100", "lifecycle", seconds(f"ps ({MANY_CONTAINERS} running)", R07), timed("ps"),
         setup=start_many, teardown=stop_all),
    Case("scale", "scale", benchscale.METRICS,
         lambda bench, side: benchscale.ramp(bench.tools, side), max_runs=1, max_warmup=0),
    Case("memory", "lifecycle",
         (Metric("idle container: monitor + helpers RSS", "MB", R),
          Metric("idle container: monitor + helpers PSS", "MB", R),
          Metric("idle container: monitor alone RSS", "MB", Target("none")),
          Metric("idle container: monitor alone PSS", "MB", Target("abs_max", 5))),
         idle_memory, setup=start_idle, teardown=remove_container("bench-idle"), max_warmup=0,
         max_runs=3),
    Case("memory-slirp", "lifecycle",
         (Metric("idle on slirp4netns: monitor + helpers RSS", "MB", R),
          Metric("idle on slirp4netns: monitor + helpers PSS", "MB", R),
          Metric("idle on slirp4netns: monitor alone RSS", "MB", Target("none")),
          Metric("idle on slirp4netns: monitor alone PSS", "MB", Target("abs_max", 5))),
         idle_memory, setup=start_idle_slirp, teardown=remove_container("bench-idle"),
         max_warmup=0, max_runs=3),
    # images and registries
    Case("pull", "registry", seconds("pull 5 layers, 100 MB (loopback)", R), pull,
         teardown=remove_big, max_runs=3, max_warmup=1, needs=("base", "big")),
    Case("push", "registry", seconds("push 5 layers, 100 MB (loopback)", R), push,
         setup=pull_once, teardown=remove_big, max_runs=3, max_warmup=1, needs=("base", "big")),
    Case("images50", "registry", seconds(f"images ({MANY_IMAGES} images)", R), timed("images"),
         setup=import_many, teardown=remove_many),
    # build
    Case("build", "build", seconds("build 5 steps, uncached", R),
         timed(*build_args("five", "--no-cache")), teardown=prune, max_runs=3, max_warmup=1,
         needs=("base", "contexts")),
    Case("build-cached", "build", seconds("build 5 steps, cached", Target("ratio_max", 0.5)),
         timed(*build_args("five")), teardown=prune, max_runs=5, max_warmup=1,
         needs=("base", "contexts")),
    Case("build-context", "build", seconds("build cached, 10,000-file context", Target("none")),
         timed(*build_args("many")), teardown=prune, max_runs=2, max_warmup=1,
         needs=("base", "contexts")),
    # networking
    Case("iperf-in", "network", (Metric("TCP host -> published port", "Gbit/s",
                                        Target("ratio_min", 1.0)),),
         iperf_in, setup=start_iperf_server, teardown=remove_container("bench-iperf-server"),
         max_runs=3, max_warmup=1, needs=("base", "iperf")),
    Case("iperf-out", "network", (Metric("TCP container -> host", "Gbit/s",
                                         Target("ratio_min", 1.0)),),
         iperf_out, setup=start_host_iperf, teardown=stop_host_iperf, max_runs=3, max_warmup=1,
         needs=("base", "iperf")),
    Case("ttfb", "network", seconds("run -d httpd -p: time to first byte", R),
         first_byte_after_run, max_runs=5, max_warmup=1),
    # hutch's container on slirp4netns (podman's default is slirp4netns + rootlessport)
    Case("iperf-in-slirp", "usernet",
         (Metric("TCP host -> published port, hutch on slirp4netns", "Gbit/s",
                 Target("ratio_min", 1.0)),),
         iperf_in, setup=start_iperf_server_slirp, teardown=remove_container("bench-iperf-server"),
         max_runs=3, max_warmup=1, needs=("base", "iperf")),
    Case("iperf-in-rootlesskit", "usernet",
         (Metric("TCP host -> published port, slirp4netns:port_handler=rootlesskit", "Gbit/s",
                 Target("ratio_min", 1.0)),),
         iperf_in, setup=start_iperf_server_rootlesskit,
         teardown=remove_container("bench-iperf-server"), max_runs=3, max_warmup=1,
         needs=("base", "iperf")),
    Case("iperf-out-slirp", "usernet",
         (Metric("TCP container -> host, hutch on slirp4netns", "Gbit/s",
                 Target("ratio_min", 1.0)),),
         iperf_out_slirp, setup=start_host_iperf, teardown=stop_host_iperf, max_runs=3,
         max_warmup=1, needs=("base", "iperf")),
    # the shared network (hutch on a user-defined network, podman on its default)
    Case("run-usernet", "usernet",
         seconds("run --rm IMG true, hutch on a user network", Target("ratio_max", 0.5)),
         run_user_net, setup=make_user_net, teardown=remove_user_net("none")),
    Case("memory-usernet", "usernet",
         (Metric("idle on a user network: monitor + helpers RSS", "MB", R),
          Metric("idle on a user network: monitor + helpers PSS", "MB", R),
          Metric("idle on a user network: monitor alone RSS", "MB", Target("none")),
          Metric("idle on a user network: monitor alone PSS", "MB", Target("abs_max", 5)),
          Metric("per-user shared network processes RSS", "MB", Target("none")),
          Metric("per-user shared network processes PSS", "MB", Target("none"))),
         idle_memory_user_net, setup=start_idle_user_net,
         teardown=remove_user_net("bench-idle"), max_warmup=0, max_runs=3),
    Case("iperf-in-usernet", "usernet",
         (Metric("TCP host -> published port, user network", "Gbit/s",
                 Target("ratio_min", 1.0)),),
         iperf_in, setup=start_iperf_server_user_net,
         teardown=remove_user_net("bench-iperf-server"), max_runs=3, max_warmup=1,
         needs=("base", "iperf")),
    Case("iperf-out-usernet", "usernet",
         (Metric("TCP container -> host, user network", "Gbit/s", Target("ratio_min", 1.0)),),
         iperf_out_user_net, setup=start_host_iperf_user_net, teardown=stop_host_iperf, max_runs=3,
         max_warmup=1, needs=("base", "iperf")),
    Case("ttfb-usernet", "usernet",
         seconds("run -d httpd -p, user network: time to first byte", R), first_byte_user_net,
         teardown=remove_user_net("none"), max_runs=5, max_warmup=1),
    # pods and Kubernetes YAML
    Case("kube", "pods", seconds("kube play + kube down, 2-container pod", R), kube_play_down,
         max_runs=5, max_warmup=1),
    # compose: hutch compose against podman-compose driving podman
    Case("compose", "compose",
         (Metric("compose up -d, 3 services (one volume, one depending)", "s",
                 Target("ratio_max", 0.5)),
          Metric("compose down -v, 3 services", "s", R)),
         benchcompose.up_down, teardown=benchcompose.clean, max_runs=5, max_warmup=1),
    Case("compose-ps", "compose", seconds("compose ps, 3 running (podman: ps)", R),
         benchcompose.ps, setup=benchcompose.up, teardown=benchcompose.clean),
    # docker-compose 1.29 through each side's API socket (issue 17's second peer)
    Case("compose-dc", "compose",
         (Metric("docker-compose up -d via the API socket, 3 services", "s", R),
          Metric("docker-compose down -v via the API socket", "s", R)),
         benchcompose.dc_up_down, setup=benchapi.start_service, teardown=benchcompose.dc_clean,
         max_runs=5, max_warmup=1),
    # the Docker API (docker 20.10 client -> hutch system service / podman system service)
    Case("api-ps", "api", seconds("docker ps through the API socket", R),
         benchapi.docker_timed("ps"), setup=benchapi.start_service,
         teardown=benchapi.stop_service),
    Case("api-run", "api", seconds("docker run --rm IMG true through the API socket", R),
         benchapi.docker_timed("run", "--rm", "{img}", "true"), setup=benchapi.start_service,
         teardown=benchapi.stop_service),
    Case("api-pull", "api", seconds("docker pull 5 layers, 100 MB, through the API socket", R),
         benchapi.docker_pull, setup=benchapi.start_service_for_registry,
         teardown=benchapi.stop_service, max_runs=3, max_warmup=1, needs=("base", "big")),
    Case("api-build", "api", seconds("docker build 5 steps, cached, through the API socket", R),
         benchapi.docker_timed("build", "-q", "--build-arg", "BASE={img}", "-f",
                               "{ctx}/five/Containerfile", "{ctx}/five"),
         setup=benchapi.start_service, teardown=benchapi.stop_service, max_runs=5, max_warmup=1,
         needs=("base", "contexts")),
    Case("api-memory", "api",
         (Metric("API service idle RSS", "MB", R), Metric("API service idle PSS", "MB", R)),
         benchapi.service_memory, setup=benchapi.start_service, teardown=benchapi.stop_service,
         max_runs=3, max_warmup=1),
    Case("api-activation", "api", seconds("socket activation to first answer", R),
         benchapi.activation, max_runs=5, max_warmup=1),
)  # fmt: skip

AREAS: dict[str, tuple[str, ...]] = {}
for _case in CASES:
    AREAS[_case.area] = (*AREAS.get(_case.area, ()), _case.key)


def prepare(bench: Bench, case: Case) -> None:
    for need in case.needs:
        {"base": bench.base, "big": bench.big_image, "iperf": bench.iperf_image,
         "contexts": bench.build_contexts}[need]()  # fmt: skip
