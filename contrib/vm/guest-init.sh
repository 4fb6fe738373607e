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

echo "guest: running the job as $user (uid $uid) in $delegated/session"
setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -i HOME=/tmp/home USER="$user" LOGNAME="$user" PATH=/usr/local/bin:/usr/bin:/bin \
    HUTCH_VM=1 $(cat /run/out/env 2>/dev/null) \
    sh /run/out/job.sh > /run/out/stdout 2> /run/out/stderr
echo $? > /run/out/rc
sync
poweroff -f
