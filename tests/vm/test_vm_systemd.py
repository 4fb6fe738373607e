"""The systemd backend against a real systemd user manager in the pure-v2 guest.

The guest starts ``systemd --user`` for the test user in a delegated
``user@UID.service`` cgroup, with a session bus (dbus-user-session's
``dbus.socket``), and the job starts inside a scope of that manager
(``systemd-run --user --scope``), as a shell in a desktop terminal does.
Each container then gets a transient ``hutch-<id>.scope`` with
``Delegate=yes``, and its cgroup is made inside it. One boot runs every check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from guest import GuestResult, out

HUTCH = Path(sys.executable).parent / "hutch"

JOB = r"""
O=/run/out
if [ -z "$IN_SCOPE" ]; then
    IN_SCOPE=1 exec systemd-run --user --scope --quiet --unit=job sh "$0"
fi
H={hutch}
export XDG_DATA_HOME=/tmp/d XDG_CONFIG_HOME=/tmp/c
cat /proc/self/cgroup > $O/job_cgroup
$H info > $O/info 2>&1
$H import $O/rootfs.tar base >/dev/null

# A running container: its scope, its cgroup inside it, the limit in both
# views (the host's cgroup tree and the container's own /sys/fs/cgroup).
id=$($H run -d --name m --network none --memory 64m base sleep 1000 2>$O/run_err)
echo "$id" > $O/m_id
pid=$($H inspect --format '{{{{.State.Pid}}}}' m)
cg=/sys/fs/cgroup$(cut -d: -f3 /proc/$pid/cgroup)
echo "$cg" > $O/m_cgroup
cat $cg/memory.max > $O/m_memory_max
unit=hutch-$(echo $id | cut -c1-12).scope
systemctl --user show -p ActiveState -p Delegate -p ControlGroup $unit > $O/m_scope 2>&1
$H exec m cat /sys/fs/cgroup/memory.max > $O/inner_memory_max 2>&1
$H exec m sh -c 'grep " /sys/fs/cgroup " /proc/self/mounts' > $O/inner_mount 2>&1

# update changes the limit there, and inspect shows it.
$H update --memory 128m --pids-limit 50 m > /dev/null 2> $O/update_err
echo $? > $O/update_rc
cat $cg/memory.max $cg/pids.max > $O/updated
F='{{{{.HostConfig.Memory}}}} {{{{.HostConfig.PidsLimit}}}} {{{{.HostConfig.CgroupManager}}}}'
$H inspect --format "$F" m > $O/updated_inspect 2>&1

# rm: the container's cgroup and its scope are gone.
$H rm -f -t 0 m > /dev/null
sleep 1
test -e "$cg" && echo present > $O/removed || echo gone > $O/removed
test -e "$(dirname $cg)" && echo present > $O/scope_removed || echo gone > $O/scope_removed
systemctl --user list-units --all --no-legend 'hutch-*' > $O/units_left 2>&1

# A memory hog is OOM-killed inside its scope.
$H run --name oom --network none --memory 32m base \
    sh -c 'exec dd if=/dev/zero of=/dev/null bs=96M count=1' > /dev/null 2>&1
echo $? > $O/oom_rc
$H inspect --format '{{{{.State.OOMKilled}}}} {{{{.State.ExitCode}}}}' oom > $O/oom_inspect 2>&1
$H rm oom > /dev/null
systemctl --user list-units --all --no-legend 'hutch-*' > $O/units_left_oom 2>&1

# --cgroup-parent names the slice of the scope.
$H run -d --name s --network none --cgroup-parent batch.slice base sleep 1000 > /dev/null \
    2> $O/slice_err
cut -d: -f3 /proc/$($H inspect --format '{{{{.State.Pid}}}}' s)/cgroup > $O/slice_cgroup
$H rm -f -t 0 s > /dev/null

# A pod is a slice of the user manager with the pod's limits as its properties;
# its members' scopes go into it (the infra's too), and pod rm stops it.
pod=$($H pod create --name lim --network none --memory 64m --cpus 0.5 2> $O/pod_err)
$H run -d --pod lim --name inpod base sleep 1000 > /dev/null 2>> $O/pod_err
slice=user-hutch_pod_$pod.slice
systemctl --user show -p ActiveState -p ControlGroup $slice > $O/pod_slice 2>&1
scg=/sys/fs/cgroup$(systemctl --user show -P ControlGroup $slice)
cat $scg/memory.max $scg/cpu.max > $O/pod_limits 2>&1
cut -d: -f3 /proc/$($H inspect --format '{{{{.State.Pid}}}}' inpod)/cgroup > $O/pod_member 2>&1
ls $scg | grep -c '^hutch-.*\.scope$' > $O/pod_scopes
$H pod inspect --format '{{{{.CgroupPath}}}} {{{{.CgroupParent}}}}' lim > $O/pod_paths 2>&1
$H pod rm -f -t 0 lim > /dev/null 2>> $O/pod_err
sleep 1
systemctl --user list-units --all --no-legend "$slice" > $O/pod_units_left 2>&1
test -e $scg && echo present > $O/pod_removed || echo gone > $O/pod_removed
# pod create --cgroup-parent NAME.slice: the pod's slice is made inside that slice.
cp=$($H pod create --name cps --network none --memory 48m --cgroup-parent batch.slice \
    2> $O/cps_err)
$H run -d --pod cps --name incps base sleep 1000 > /dev/null 2>> $O/cps_err
cut -d: -f3 /proc/$($H inspect --format '{{{{.State.Pid}}}}' incps)/cgroup > $O/cps_member 2>&1
systemctl --user show -P MemoryMax batch-hutch_pod_$cp.slice > $O/cps_limit 2>&1
$H pod inspect --format '{{{{.CgroupParent}}}}' cps > $O/cps_parent 2>&1
$H pod rm -f -t 0 cps > /dev/null 2>> $O/cps_err
sleep 1
systemctl --user list-units --all --no-legend "batch-hutch_pod_$cp.slice" > $O/cps_left 2>&1
# A pod without limits has its slice too (podman: every pod has a cgroup).
bare=$($H pod create --name bare --network none 2>> $O/pod_err)
$H pod inspect --format '{{{{.CgroupPath}}}}' bare > $O/bare_path 2>&1
systemctl --user show -P ActiveState user-hutch_pod_$bare.slice > $O/bare_state 2>&1
$H pod rm -f -t 0 bare > /dev/null 2>> $O/pod_err
# --cpuset-cpus under systemd: the user manager does not enforce AllowedCPUs=, so
# hutch enables cpuset itself (a container's scope, a pod's slice).
$H run --rm --network none --cpuset-cpus 1 base grep Cpus_allowed_list /proc/self/status \
    > $O/cpuset_run 2>&1
$H pod create --name cs --network none --cpuset-cpus 1 > /dev/null 2> $O/cpuset_pod_err
$H run --rm --pod cs base grep Cpus_allowed_list /proc/self/status > $O/cpuset_pod 2>&1
$H pod rm -f -t 0 cs > /dev/null 2>> $O/cpuset_pod_err
cat /tmp/d/hutch/containers/*/userdata/monitor.err > $O/monitor_err 2>/dev/null
true
"""


GUEST_BOOT = "systemd"  # the main job of the boot with a user manager
GUEST_JOB = JOB.format(hutch=HUTCH)


@pytest.fixture(scope="module")
def guest(guest_boot: Callable[[str], GuestResult]) -> GuestResult:
    return guest_boot(GUEST_BOOT)


def test_the_job_runs_under_the_user_manager(guest: GuestResult) -> None:
    path = out(guest, "job_cgroup").removeprefix("0::")
    assert "/user@" in path and path.endswith("/job.scope"), path


def test_info_names_the_systemd_manager(guest: GuestResult) -> None:
    line = next(x for x in out(guest, "info").splitlines() if "cgroup manager:" in x)
    assert "cgroup manager: systemd (" in line, line
    assert "[missing]" not in line


def test_run_makes_a_delegated_scope_with_the_memory_limit(guest: GuestResult) -> None:
    assert out(guest, "run_err") == ""
    cid = out(guest, "m_id")
    cgroup = Path(out(guest, "m_cgroup"))
    assert cgroup.name == cid
    assert cgroup.parent.name == f"hutch-{cid[:12]}.scope"
    assert "/user@" in str(cgroup)
    assert out(guest, "m_memory_max") == str(64 * 1024 * 1024)
    scope = dict(line.split("=", 1) for line in out(guest, "m_scope").splitlines())
    assert scope["ActiveState"] == "active"
    assert scope["Delegate"] == "yes"
    assert f"/sys/fs/cgroup{scope['ControlGroup']}" == str(cgroup.parent)


def test_the_container_sees_its_own_cgroup_read_only(guest: GuestResult) -> None:
    assert out(guest, "inner_memory_max") == str(64 * 1024 * 1024)
    fields = out(guest, "inner_mount").split()
    assert fields[2] == "cgroup2"
    assert fields[3].split(",")[0] == "ro"


def test_update_changes_the_limit_in_the_scope(guest: GuestResult) -> None:
    assert out(guest, "update_rc") == "0", out(guest, "update_err")
    assert out(guest, "updated").split() == [str(128 * 1024 * 1024), "50"]
    assert out(guest, "updated_inspect") == f"{128 * 1024 * 1024} 50 systemd"


def test_rm_removes_the_cgroup_and_the_scope(guest: GuestResult) -> None:
    assert out(guest, "removed") == "gone"
    assert out(guest, "scope_removed") == "gone"
    assert out(guest, "units_left") == ""


def test_memory_hog_is_oom_killed_in_its_scope(guest: GuestResult) -> None:
    assert out(guest, "oom_rc") == "137", out(guest, "monitor_err")
    assert out(guest, "oom_inspect") == "true 137"
    assert out(guest, "units_left_oom") == ""


def test_cgroup_parent_names_the_slice_of_the_scope(guest: GuestResult) -> None:
    assert out(guest, "slice_err") == ""
    parts = out(guest, "slice_cgroup").split("/")
    assert parts[-3] == "batch.slice"
    assert parts[-2].startswith("hutch-") and parts[-2].endswith(".scope")
    assert "user@" in parts[-4]


def test_a_pod_is_a_slice_with_its_limits_around_its_members_scopes(guest: GuestResult) -> None:
    assert out(guest, "pod_err") == ""
    slice_ = dict(line.split("=", 1) for line in out(guest, "pod_slice").splitlines())
    assert slice_["ActiveState"] == "active"
    group = slice_["ControlGroup"]
    name = group.rsplit("/", 1)[-1]
    assert name.startswith("user-hutch_pod_") and name.endswith(".slice"), group
    assert "/user@" in group and group.endswith(f".service/user.slice/{name}"), group
    # the limits hold after the members' scopes joined (systemd keeps its own values)
    assert out(guest, "pod_limits").split() == [str(64 * 1024 * 1024), "50000", "100000"]
    assert out(guest, "pod_scopes") == "2"  # the infra's and the member's
    parts = out(guest, "pod_member").split("/")
    assert parts[-3] == name
    assert parts[-2].startswith("hutch-") and parts[-2].endswith(".scope")
    path, parent = out(guest, "pod_paths").split()
    assert path == group and parent == group.rsplit("/", 1)[0]
    assert out(guest, "pod_units_left") == ""
    assert out(guest, "pod_removed") == "gone"


def test_a_pod_without_limits_has_its_slice_too(guest: GuestResult) -> None:
    assert out(guest, "bare_path").rsplit("/", 1)[-1].startswith("user-hutch_pod_")
    assert out(guest, "bare_state") == "active"


def test_cpuset_is_enforced_in_a_scope_and_in_a_pods_slice(guest: GuestResult) -> None:
    # issue 18: systemd's user manager records AllowedCPUs= and enforces nothing
    # (the guest has two CPUs, 0-1); before, run failed with EACCES on cpuset.cpus
    # and a pod member ran on both CPUs
    assert out(guest, "cpuset_run").split() == ["Cpus_allowed_list:", "1"]
    assert out(guest, "cpuset_pod_err") == ""
    assert out(guest, "cpuset_pod").split() == ["Cpus_allowed_list:", "1"]


def test_pod_cgroup_parent_slice_holds_the_pods_slice(guest: GuestResult) -> None:
    # issue 18: pod create --cgroup-parent batch.slice under the systemd manager
    member = out(guest, "cps_member")
    assert "/batch.slice/batch-hutch_pod_" in member, (member, out(guest, "cps_err"))
    assert member.endswith(".scope/" + member.rsplit("/", 1)[-1]), member
    assert out(guest, "cps_limit") == str(48 * 1024 * 1024), out(guest, "cps_err")
    assert out(guest, "cps_parent").endswith("batch.slice"), out(guest, "cps_parent")
    assert out(guest, "cps_left") == ""
