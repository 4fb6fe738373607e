"""cgroup v2 limits enforced in the pure-v2 guest: one boot runs every check.

The job (``JOB``) runs hutch rootless in the test user's delegated subtree
and writes what it saw to /run/out/<check>; each test below reads one of
those files. Booting costs 10 s to over a minute under TCG, hence one boot,
which test_vm_hosts.py's phases share after this job.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from guest import GuestResult, out, phase_result

HUTCH = Path(sys.executable).parent / "hutch"

JOB = r"""
H={hutch}
export XDG_DATA_HOME=/tmp/d XDG_CONFIG_HOME=/tmp/c XDG_RUNTIME_DIR=/tmp/r
mkdir -p -m 700 /tmp/r
O=/run/out
CG=/sys/fs/cgroup/user-$(id -u)/hutch

# The lane itself: an unprivileged job in a v2 subtree it owns, controllers on.
id -u > $O/uid
cat /proc/self/cgroup > $O/self_cgroup
parent=/sys/fs/cgroup$(dirname $(cut -d: -f3 /proc/self/cgroup))
cat $parent/cgroup.controllers > $O/controllers
mkdir $parent/probe && echo made > $O/probe && rmdir $parent/probe
echo +memory > $parent/cgroup.subtree_control && echo delegated >> $O/probe

$H import $O/rootfs.tar base >/dev/null
$H run --rm --network none base sh -c 'echo hello from $(hostname)' > $O/hello 2>&1
# The host's network binds the host's /sys, where the kernel refuses the
# container's cgroup2 mount over the host's (EBUSY): the run goes on.
$H run --rm --network host base sh -c 'echo up; test -d /sys/fs/cgroup && echo cgroup' \
    > $O/host_net 2>&1
echo $? > $O/host_net_rc

# A memory hog is killed at --memory. (Its init joined the cgroup before
# unsharing the cgroup namespace, whose root it therefore is.)
$H run --name oom --network none --memory 32m base \
    sh -c 'cat /proc/self/cgroup; exec dd if=/dev/zero of=/dev/null bs=96M count=1' \
    > $O/cgns 2>/dev/null
echo $? > $O/oom_rc
$H inspect --format '{{{{.State.OOMKilled}}}} {{{{.State.ExitCode}}}}' oom > $O/oom_inspect 2>&1
$H events --stream=false > $O/events 2>&1

# --pids-limit stops a bounded fork bomb. ash exits at its first failed
# fork, so an inner shell forks and the outer one counts with builtins only
# (a glob over /proc): counting must not need a fork of its own.
$H run --rm --network none --pids-limit 20 base sh -c \
    'sh -c "for i in \$(seq 100); do sleep 20 & done" 2>/tmp/err; echo inner=$?;
     set -- /proc/[0-9]*; echo procs=$#; read -r line </tmp/err; echo "$line"' \
    > $O/pids 2>&1

# The default pids limit, --cpus, throttling, stats that move, update.
id=$($H run -d --name busy --network none --cpus 0.5 base sh -c 'while :; do :; done')
echo "$id" > $O/busy_id
cat $CG/$id/pids.max > $O/default_pids
cat $CG/$id/cpu.max > $O/cpu_max
# The container's own cgroup at its /sys/fs/cgroup (cgroup2, read-only).
$H exec busy sh -c 'cat /sys/fs/cgroup/cpu.max; grep " /sys/fs/cgroup " /proc/self/mounts' \
    > $O/inner_cgroup 2>&1
F='{{{{.CPUUsec}}}} {{{{.MemUsageBytes}}}} {{{{.PIDs}}}}'
date +%s > $O/stats_window
$H stats --no-stream --format "$F" busy > $O/stats1 2>&1
sleep 4
$H stats --no-stream --format "$F" busy > $O/stats2 2>&1
date +%s >> $O/stats_window
grep -E '^(nr_throttled|throttled_usec)' $CG/$id/cpu.stat > $O/cpu_stat
$H update --memory 128m --pids-limit 50 busy > /dev/null 2> $O/update_err
echo $? > $O/update_rc
cat $CG/$id/memory.max $CG/$id/pids.max > $O/updated
$H rm -f -t 0 busy > /dev/null
test -e $CG/$id && echo present > $O/removed || echo gone > $O/removed

# Freeze and thaw: a frozen container's processes do not progress.
$H run -d --name tick --network none base sh -c 'while :; do echo t; sleep 0.2; done' >/dev/null
sleep 2
$H pause tick > /dev/null
a=$($H logs tick | wc -l)
grep frozen $CG/$($H inspect --format '{{{{.Id}}}}' tick)/cgroup.events > $O/frozen
sleep 3
b=$($H logs tick | wc -l)
$H inspect --format '{{{{.State.Status}}}}' tick > $O/paused_status
$H unpause tick > /dev/null
sleep 3
c=$($H logs tick | wc -l)
echo "$a $b $c" > $O/ticks
$H rm -f -t 0 tick > /dev/null

# build's limits: every RUN step in a cgroup of its own that holds them (and is
# gone after the step: the "left" check below sees no container-id cgroup).
mkdir -p /tmp/bctx
printf 'FROM base\nRUN cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max\n' \
    > /tmp/bctx/Containerfile
$H build --network none -m 48m --cpu-quota 25000 --cpu-period 100000 /tmp/bctx \
    > $O/build_limits 2>&1
echo $? > $O/build_limits_rc

# Pod-level limits: the pod's cgroup holds them, its members' cgroups sit below it.
# (no --cpuset-cpus: in this guest, writing +cpuset to the user's cgroup.subtree_control
# fails with EPERM for the unprivileged user, whatever asks for it; a cpuset limit needs
# cpuset delegated, which systemd does not do by default either)
pod=$($H pod create --name lim --network none --memory 64m --cpus 0.5 2> $O/pod_err)
$H run -d --pod lim --name inpod base sleep 300 > $O/inpod_id 2>> $O/pod_err
cat $CG/pod-$pod/memory.max $CG/pod-$pod/cpu.max > $O/pod_limits
ls $CG/pod-$pod | grep -c -E '^[0-9a-f]{{64}}$' > $O/pod_members
$H pod inspect lim > $O/pod_inspect 2>&1
$H pod rm -f -t 0 lim > /dev/null 2>> $O/pod_err
test -e $CG/pod-$pod && echo present > $O/pod_removed || echo gone > $O/pod_removed
# --cgroup-parent /PATH: the pod's cgroup is made at that path (inside the user's
# subtree), its member's below it, and pod rm removes the pod's cgroup.
own=$(dirname $CG)
pp=$($H pod create --name cp --network none --memory 48m \
    --cgroup-parent ${{own#/sys/fs/cgroup}}/custom 2> $O/cp_err)
$H run -d --pod cp --name incp base sleep 300 > /dev/null 2>> $O/cp_err
cat $own/custom/pod-$pp/memory.max > $O/cp_limit 2>&1
ls $own/custom/pod-$pp | grep -c -E '^[0-9a-f]{{64}}$' > $O/cp_members
cut -d: -f3 /proc/$($H inspect --format '{{{{.State.Pid}}}}' incp)/cgroup > $O/cp_member 2>&1
$H pod inspect --format '{{{{.CgroupParent}}}} {{{{.CgroupPath}}}}' cp > $O/cp_paths 2>&1
$H pod rm -f -t 0 cp > /dev/null 2>> $O/cp_err
test -e $own/custom/pod-$pp && echo present > $O/cp_removed || echo gone > $O/cp_removed
ls $CG > $O/left 2>&1
cat /tmp/d/hutch/containers/*/userdata/monitor.err > $O/monitor_err 2>/dev/null
true
"""


# --blkio-weight-device needs a whole disk that the kernel can weigh: root loads
# null_blk (a multi-queue disk, /dev/nullb0) and, in the second phase, enables
# the io.cost controller for it. The jobs reuse the main job's storage.
WEIGHT_PROLOGUE = r"""
H={hutch}
P=/run/out/phases/{name}
export XDG_DATA_HOME=/tmp/d XDG_CONFIG_HOME=/tmp/c XDG_RUNTIME_DIR=/tmp/r
CG=/sys/fs/cgroup/user-$(id -u)/hutch
"""

WEIGHT_OFF_ROOT = r"""
modprobe null_blk nr_devices=1 queue_mode=2
cat /sys/block/nullb0/dev /sys/block/nullb0/queue/scheduler /sys/fs/cgroup/io.cost.qos
"""

WEIGHT_OFF_JOB = r"""
$H run --rm --network none --blkio-weight-device /dev/nullb0:500 base true > $P/refused 2>&1
echo $? > $P/refused_rc
"""

WEIGHT_ON_ROOT = r"""
echo "$(cat /sys/block/nullb0/dev) enable=1" > /sys/fs/cgroup/io.cost.qos
cat /sys/fs/cgroup/io.cost.qos
"""

WEIGHT_ON_JOB = r"""
cat /sys/block/nullb0/dev > $P/dev
id=$($H run -d --name w --network none --blkio-weight-device /dev/nullb0:500 base sleep 300 \
    2> $P/run_err)
cat $CG/$id/io.weight > $P/io_weight 2>&1
$H update --blkio-weight-device /dev/nullb0:1000 w > /dev/null 2> $P/update_err
echo $? > $P/update_rc
cat $CG/$id/io.weight > $P/io_weight_updated 2>&1
$H inspect --format '{{json .HostConfig.BlkioWeightDevice}}' w > $P/inspect 2>&1
$H rm -f w > /dev/null
pod=$($H pod create --name wp --network none --blkio-weight-device /dev/nullb0:200 2> $P/pod_err)
cat $CG/pod-$pod/io.weight > $P/pod_io_weight 2>&1
$H pod inspect wp > $P/pod_inspect 2>&1
$H pod rm -f wp > /dev/null 2>> $P/pod_err
"""


def _phase(name: str, root: str, job: str) -> tuple[str, str]:
    return root, WEIGHT_PROLOGUE.format(hutch=HUTCH, name=name) + job


GUEST_BOOT = "plain"  # the main job of the plain boot (conftest.guest_boot)
GUEST_JOB = JOB.format(hutch=HUTCH)
# Named to run first of the boot's phases (test_vm_hosts.py's change the host).
GUEST_PHASES = {
    "0a-weight-off": _phase("0a-weight-off", WEIGHT_OFF_ROOT, WEIGHT_OFF_JOB),
    "0b-weight-on": _phase("0b-weight-on", WEIGHT_ON_ROOT, WEIGHT_ON_JOB),
}


@pytest.fixture(scope="module")
def guest(guest_boot: Callable[[str], GuestResult]) -> GuestResult:
    return guest_boot(GUEST_BOOT)


def test_the_job_is_unprivileged_in_a_delegated_v2_subtree(guest: GuestResult) -> None:
    assert out(guest, "uid") != "0"
    assert out(guest, "self_cgroup").startswith("0::/user-")
    assert {"cpu", "memory", "pids", "io"} <= set(out(guest, "controllers").split())
    assert out(guest, "probe").split() == ["made", "delegated"]


def test_hutch_runs_in_the_guest(guest: GuestResult) -> None:
    assert out(guest, "hello").startswith("hello from ")


def test_container_is_the_root_of_its_cgroup_namespace(guest: GuestResult) -> None:
    assert out(guest, "cgns") == "0::/"


def test_memory_hog_is_oom_killed(guest: GuestResult) -> None:
    assert out(guest, "oom_rc") == "137"
    assert out(guest, "oom_inspect") == "true 137"
    oom = [line for line in out(guest, "events").splitlines() if " oom " in line]
    assert len(oom) == 1 and "container" in oom[0], out(guest, "events")


def test_pids_limit_stops_a_fork_bomb(guest: GuestResult) -> None:
    inner, procs, error = out(guest, "pids").splitlines()
    assert inner == "inner=2"  # the forking shell died of a failed fork
    assert "can't fork" in error
    # The counting shell and the sleeps that got through: never over the limit.
    assert 2 <= int(procs.removeprefix("procs=")) <= 20


def test_default_pids_limit_where_a_cgroup_exists(guest: GuestResult) -> None:
    assert out(guest, "default_pids") == "2048"


def test_cpus_half_is_cpu_max_and_throttles(guest: GuestResult) -> None:
    assert out(guest, "cpu_max") == "50000 100000"
    stat = dict(line.split() for line in out(guest, "cpu_stat").splitlines())
    assert int(stat["nr_throttled"]) > 0
    assert int(stat["throttled_usec"]) > 0


def test_the_container_sees_its_cgroup_at_sys_fs_cgroup(guest: GuestResult) -> None:
    cpu_max, mount = out(guest, "inner_cgroup").splitlines()
    assert cpu_max == "50000 100000"
    fields = mount.split()
    assert fields[1:3] == ["/sys/fs/cgroup", "cgroup2"]
    assert fields[3].split(",")[0] == "ro"


def test_stats_numbers_move(guest: GuestResult) -> None:
    cpu1, mem1, pids1 = (int(x) for x in out(guest, "stats1").split())
    cpu2, mem2, pids2 = (int(x) for x in out(guest, "stats2").split())
    assert cpu2 > cpu1 > 0
    assert mem1 > 0 and mem2 > 0
    assert pids1 >= 1 and pids2 >= 1
    # Half a CPU at most, over the wall time around both samples (the guest
    # is slow under TCG, so that window is measured, not assumed).
    start, end = (int(x) for x in out(guest, "stats_window").split())
    assert cpu2 - cpu1 <= (end - start + 1) * 500_000 * 1.1


def test_update_changes_a_running_container(guest: GuestResult) -> None:
    assert out(guest, "update_rc") == "0", out(guest, "update_err")
    assert out(guest, "updated").split() == [str(128 * 1024 * 1024), "50"]


def test_cgroup_is_removed_when_the_container_goes(guest: GuestResult) -> None:
    assert out(guest, "removed") == "gone"
    left = set(out(guest, "left").split())
    assert not any(len(name) == 64 for name in left), left


def test_build_limits_hold_in_each_run_step(guest: GuestResult) -> None:
    assert out(guest, "build_limits_rc") == "0", out(guest, "build_limits")
    lines = out(guest, "build_limits").splitlines()
    assert str(48 * 1024 * 1024) in lines and "25000 100000" in lines, lines


def test_pause_freezes_and_unpause_thaws(guest: GuestResult) -> None:
    assert out(guest, "frozen") == "frozen 1"
    assert out(guest, "paused_status") == "paused"
    a, b, c = (int(x) for x in out(guest, "ticks").split())
    assert a > 0
    assert b == a  # nothing printed while frozen
    assert c > b  # and it goes on after the thaw


def test_host_network_runs_on_a_pure_v2_host(guest: GuestResult) -> None:
    assert out(guest, "host_net_rc") == "0", out(guest, "host_net")
    assert out(guest, "host_net").split() == ["up", "cgroup"]


def test_pod_limits_sit_on_the_pods_cgroup_above_its_members(guest: GuestResult) -> None:
    import json

    assert out(guest, "pod_limits").split() == [str(64 * 1024 * 1024), "50000", "100000"], out(
        guest, "pod_err"
    )
    assert out(guest, "pod_members") == "2"  # the infra and the member
    data = json.loads(out(guest, "pod_inspect"))
    assert data["CgroupPath"].endswith("/hutch/pod-" + data["Id"])
    assert data["CreateCgroup"] is True
    assert (data["memory_limit"], data["cpu_quota"], data["cpu_period"]) == (
        64 * 1024 * 1024,
        50000,
        100000,
    )
    assert out(guest, "pod_removed") == "gone"


def test_pod_cgroup_parent_places_the_pods_cgroup_and_its_members(guest: GuestResult) -> None:
    # issue 18: pod create --cgroup-parent with the cgroupfs manager
    uid = out(guest, "uid")
    pod_id = out(guest, "cp_paths").split()[1].rsplit("pod-", 1)[-1]
    parent = f"/user-{uid}/custom"
    assert out(guest, "cp_paths").split() == [parent, f"{parent}/pod-{pod_id}"], out(
        guest, "cp_err"
    )
    assert out(guest, "cp_limit") == str(48 * 1024 * 1024), out(guest, "cp_err")
    assert out(guest, "cp_members") == "2"  # the infra and the member
    member = out(guest, "cp_member")
    assert member.startswith(f"{parent}/pod-{pod_id}/"), member
    assert out(guest, "cp_removed") == "gone"


def test_a_device_weight_is_refused_where_the_kernel_cannot_weigh_the_device(
    guest: GuestResult,
) -> None:
    phase = phase_result(guest, "0a-weight-off")
    assert phase.rc == 0, phase.stderr
    assert out(phase, "refused_rc") == "125"
    message = out(phase, "refused")
    assert "--blkio-weight-device cannot be enforced for device " in message, message
    assert "enable=1' > /sys/fs/cgroup/io.cost.qos" in message


def test_a_device_weight_is_an_io_weight_line_of_the_container_and_the_pod(
    guest: GuestResult,
) -> None:
    import json

    phase = phase_result(guest, "0b-weight-on")
    assert phase.rc == 0, phase.stderr
    dev = out(phase, "dev")
    assert out(phase, "run_err") == ""
    # 500 of blkio's 10..1000 is io.weight 4950 of 1..10000, beside the default
    assert out(phase, "io_weight").splitlines() == ["default 100", f"{dev} 4950"]
    assert out(phase, "update_rc") == "0", out(phase, "update_err")
    assert out(phase, "io_weight_updated").splitlines() == ["default 100", f"{dev} 10000"]
    assert json.loads(out(phase, "inspect")) == [{"Path": "/dev/nullb0", "Weight": 1000}]
    assert out(phase, "pod_io_weight").splitlines() == ["default 100", f"{dev} 1920"], out(
        phase, "pod_err"
    )
    data = json.loads(out(phase, "pod_inspect"))
    assert data["blkio_weight_device"] == [{"Path": "/dev/nullb0", "Weight": 200}]
