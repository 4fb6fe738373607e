#!/bin/sh
# PID 1 of hutch's cgroup v2 test guest, run from the host's (read-only) root.
#
# Gives the guest writable /tmp, /run, /var/tmp; a pure cgroup v2 hierarchy
# (the kernel boots with cgroup_no_v1=all) with every controller delegated
# to the test user's subtree, as systemd's Delegate=yes would; then runs
# /run/out/job.sh from the host's shared "out" directory as that user and
# records its output and exit status there, and powers off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mkdir -p /dev/pts /dev/shm /run/out
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
for m in overlay fuse tun veth bridge; do modprobe "$m" 2>/dev/null; done
chmod 0666 /dev/fuse /dev/net/tun 2>/dev/null
hostname hutch-vm
# Loopback, and QEMU's default user-mode NIC with its fixed addresses: pasta
# needs an interface with a default route to copy, and a published port is
# reached through 127.0.0.1.
ip link set lo up 2>/dev/null
modprobe e1000 2>/dev/null
if ip link show eth0 >/dev/null 2>&1; then
    ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
fi
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 out /run/out || {
    echo "guest: cannot mount the out share"; poweroff -f; }

user=$(cat /run/out/user)
uid=$(id -u "$user")
gid=$(id -g "$user")
controllers=$(cat /sys/fs/cgroup/cgroup.controllers)
for c in $controllers; do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
delegated=/sys/fs/cgroup/user-$uid
mkdir -p "$delegated/session"
chown "$uid:$gid" "$delegated" "$delegated/cgroup.procs" "$delegated/cgroup.subtree_control" \
    "$delegated/cgroup.threads" "$delegated/session" "$delegated/session/cgroup.procs" \
    "$delegated/session/cgroup.threads" "$delegated/session/cgroup.subtree_control"
echo $$ > "$delegated/session/cgroup.procs"
mkdir -p /tmp/home && chown "$uid:$gid" /tmp/home
# The host's warm cache of the code dataclasses compile (util/codecache.py), when the
# out share has one: under TCG a command's first compile of its classes took seconds.
if [ -d /run/out/cache ]; then
    mkdir -p /tmp/home/.cache && cp -r /run/out/cache /tmp/home/.cache/hutch
    chown -R "$uid:$gid" /tmp/home/.cache
fi
job_env=""
if [ -e /run/out/systemd ]; then
    # A systemd user manager, as logind and user@.service (Delegate=yes) would
    # start it: its own cgroup owned by the user, $XDG_RUNTIME_DIR, a session
    # bus (dbus-user-session's dbus.socket). The job then runs in a scope of
    # that manager, as a shell in a desktop terminal does.
    rt=/run/user/$uid
    slice=/sys/fs/cgroup/user.slice/user-$uid.slice
    mgr=$slice/user@$uid.service
    mkdir -p "$mgr" && mkdir -p -m 700 "$rt" && chown "$uid:$gid" "$rt"
    # sd_booted(): a user manager refuses to start on a system not booted with systemd.
    mkdir -p /run/systemd/system
    # systemd has no per-user generator directory: an administrator links
    # hutch-quadlet into one of the system's (README); here the job may.
    mkdir -p /run/systemd/user-generators && chown "$uid:$gid" /run/systemd/user-generators
    for c in $controllers; do
        echo "+$c" > /sys/fs/cgroup/user.slice/cgroup.subtree_control 2>/dev/null
        echo "+$c" > "$slice/cgroup.subtree_control" 2>/dev/null
    done
    chown "$uid:$gid" "$mgr" "$mgr/cgroup.procs" "$mgr/cgroup.subtree_control" "$mgr/cgroup.threads"
    sh -c "echo \$\$ > $mgr/cgroup.procs; exec setpriv --reuid=$uid --regid=$gid --init-groups \
        env -i HOME=/tmp/home USER=$user LOGNAME=$user XDG_RUNTIME_DIR=$rt \
        PATH=/usr/local/bin:/usr/bin:/bin /lib/systemd/systemd --user" \
        > /run/out/systemd.log 2>&1 &
    n=0
    while [ ! -S "$rt/bus" ] || [ ! -S "$rt/systemd/private" ]; do
        n=$((n + 1)); [ $n -gt 600 ] && break; sleep 0.1
    done
    echo "guest: systemd --user after $n polls: $(ls $rt $rt/systemd 2>&1 | tr '\n' ' ')"
    # The job starts where the manager's own children start (inside its
    # cgroup), so that `systemd-run --user --scope` can move it into a scope:
    # a move needs write access to the common ancestor of both cgroups.
    echo $$ > "$mgr/init.scope/cgroup.procs"
    job_env="XDG_RUNTIME_DIR=$rt DBUS_SESSION_BUS_ADDRESS=unix:path=$rt/bus"
fi

# Run DIR/job.sh as the user; its output and status go to DIR. A phase's root
# script may leave DIR/prefix: a command (and its arguments) that runs the job
# (as root, before setpriv), such as one that installs a seccomp filter the job
# then inherits.
run_job() {
    $(cat "$1/prefix" 2>/dev/null) setpriv --reuid="$uid" --regid="$gid" --init-groups \
        env -i HOME=/tmp/home USER="$user" LOGNAME="$user" PATH=/usr/local/bin:/usr/bin:/bin \
        HUTCH_VM=1 $job_env $(cat /run/out/env 2>/dev/null) \
        sh "$1/job.sh" > "$1/stdout" 2> "$1/stderr"
    echo $? > "$1/rc"
}

echo "guest: running the job as $user (uid $uid) in $(cut -d: -f3 /proc/self/cgroup)"
run_job /run/out
# Host settings that only root can change share one boot as phases: for each
# /run/out/phases/NAME (in name order) root runs root.sh, then the user job.sh.
for phase in /run/out/phases/*; do
    [ -d "$phase" ] || continue
    echo "guest: phase $(basename "$phase")"
    [ -f "$phase/root.sh" ] && sh "$phase/root.sh" > "$phase/root.log" 2>&1
    run_job "$phase"
done
sync
poweroff -f
