#!/bin/bash
# Build the tiny initrd that boots hutch's cgroup v2 test guest.
#
# Usage: contrib/vm/build-initrd.sh KERNEL_VERSION OUT.cpio.gz
#
# Debian's own initramfs cannot mount a 9p root, so this one holds only
# busybox-static and the modules needed to mount the host's root read-only
# over virtio-9p; its /init then switch_roots into it and runs
# contrib/vm/guest-init.sh from the host's file system.
set -euo pipefail
# modinfo lives in sbin, which an unprivileged user's PATH often lacks
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
kver=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,proc,sys,dev,newroot,lib/modules}
cp /bin/busybox "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
# Each module after the modules it depends on (modinfo -F depends).
ordered=()
add_module() {
    local m=$1 dep
    [[ " ${ordered[*]} " == *" $m "* ]] && return
    for dep in $(modinfo -k "$kver" -F depends "$m" 2>/dev/null | tr ',' ' '); do
        add_module "$dep"
    done
    ordered+=("$m")
}
for m in virtio_pci 9pnet_virtio 9p; do
    add_module "$m"
done
for m in "${ordered[@]}"; do
    src=$(modinfo -k "$kver" -F filename "$m" 2>/dev/null || true)
    if [[ -z $src || $src == "(builtin)" ]]; then
        continue # built into this kernel
    fi
    case $src in
        *.xz) xz -dc "$src" > "$work/lib/modules/$m.ko" ;;
        *.zst) zstd -qdc "$src" > "$work/lib/modules/$m.ko" ;;
        *) cp "$src" "$work/lib/modules/$m.ko" ;;
    esac
    echo "$m" >> "$work/lib/modules/order"
done
cat > "$work/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/lib/modules/$m.ko" 2>/dev/null; done < /lib/modules/order
# cache=loose: the guest keeps what it read in its page cache. Without it every
# stat and read of Python's modules is a 9p round trip through the emulator, and
# a Python start took 2 s (hutch images 13 s, run --rm 20 s; with it 0.8, 3.3, 9).
# The guest only reads this share, and what it reads (Python, the venv, the staged
# source) does not change while it runs.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /newroot || {
    echo "initrd: cannot mount the host root over 9p"; poweroff -f; }
guest_init=$(cat /proc/cmdline | tr ' ' '\n' | sed -n 's/^hutch.init=//p')
mount --move /dev /newroot/dev
umount /proc /sys 2>/dev/null
exec switch_root /newroot "${guest_init:-/bin/sh}"
INIT
chmod 755 "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
