#!/bin/bash
# Prepare a fresh Debian 12 machine for hutch's tests, demo and benchmarks.
#
# Usage (as root): contrib/setup-host.sh [USER]     (default USER: hutch-test)
#
# Idempotent and quiet: a second run changes nothing and prints one line.
#  - installs the Debian packages hutch and its peers need (HUTCH_SETUP_BENCH=1: also the
#    benchmarks' own, podman-compose; HUTCH_SETUP_RUNTIME=1: only hutch's own, and none
#    of the test-only steps: the demo's user install)
#  - creates USER (with a home) if missing
#  - gives USER a subordinate id range in /etc/subuid and /etc/subgid
#  - makes /dev/net/tun and /dev/fuse usable by normal users (they are 0600 here)
#  - copies the image's pyenv builds of Python 3.10, 3.12 and 3.13 (under /root, which
#    the test user cannot read) to /opt/hutch-pythons, for the test matrix of contrib/test.sh
#  - configures rootless podman for USER (overlay storage, runc), the benchmark peer;
#    HUTCH_SETUP_PODMAN=0 leaves the user's podman configuration alone
set -euo pipefail

readonly USER_NAME="${1:-hutch-test}"
readonly SUBID_COUNT=65536
readonly SUBID_FIRST=100000
# What hutch itself needs (all a user's install, HUTCH_SETUP_RUNTIME=1, gets: the demo's)
readonly RUNTIME_PACKAGES=(
    uidmap fuse-overlayfs slirp4netns passt zstd python3-venv iproute2
    # the demo's (and the tests') busybox rootfs: contrib/make-rootfs.sh
    busybox-static
    # pods: the infra container's init (bind-mounted from the host, never pulled)
    catatonit
    # user-defined networks: firewall rules inside the rootless network namespace
    nftables
    # run --tz: the host's zone files
    tzdata
    # build: ADD of git repositories and git build contexts
    git
    # build --ssh (ssh-agent), image scp (ssh)
    openssh-client
)
# What the tests, their peers and the guest lane need besides
readonly TEST_PACKAGES=(
    # the benchmark peer and its timer
    podman runc hyperfine
    # bench/: TCP throughput inside and outside containers
    iperf3
    # registry tests: a real registry, a peer client, bcrypt htpasswd files
    docker-registry skopeo apache2-utils
    # compose: the peer that `compose config` is compared with (docker-compose 1.29)
    docker-compose
    # the cgroup v2 guest lane (tests/vm): QEMU, a Debian kernel, cpio for its initrd
    qemu-system-x86 linux-image-amd64 cpio
    # the guest's systemd backend test: a real `systemd --user` and its session bus
    systemd dbus dbus-user-session
    # a static sd_notify sender for containers (busybox has none), built by the tests
    gcc libc6-dev
    # the API service: the real docker client (20.10, API 1.41) against hutch's socket;
    # only the client is used (nothing starts dockerd)
    docker.io
    # man page checks (tests/unit/docs)
    groff-base
    # git daemon and http-backend for the build tests' git contexts, ssh-keygen: in
    # RUNTIME_PACKAGES (git, openssh-client)
    # image scp: the tests start their own sshd as the test user on a loopback port
    # (nothing uses the system's ssh service)
    openssh-server
    # the Python matrix: point the copied interpreters at their own libpython;
    # the README's user install (`pipx install .`), tested on Python 3.10
    patchelf pipx
)
# Only for the benchmarks (contrib/bench.sh sets HUTCH_SETUP_BENCH=1), never for CI's tests:
# the compose area's peer, podman-compose, which drives podman once per step
readonly BENCH_PACKAGES=(podman-compose)
readonly PYENV_VERSIONS=/root/.pyenv/versions
readonly MATRIX_PYTHONS=/opt/hutch-pythons
readonly MATRIX_MINORS=(3.10 3.12 3.13)

log() { printf 'setup-host: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (it installs packages and edits /etc/subuid); try: sudo $0 $*"
[[ $USER_NAME =~ ^[a-z_][a-z0-9_-]*$ ]] || die "invalid user name: $USER_NAME"

install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        # dpkg-query is ~100x faster than apt-get; apt-get runs only when something is missing
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$pkg")
        fi
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
}

ensure_user() {
    if ! getent passwd "$USER_NAME" >/dev/null; then
        log "creating user $USER_NAME"
        useradd --create-home --user-group --shell /bin/bash "$USER_NAME"
    fi
    local home
    home="$(getent passwd "$USER_NAME" | cut -d: -f6)"
    if [[ ! -d $home ]]; then
        install -d -m 0755 -o "$USER_NAME" -g "$(id -gn "$USER_NAME")" "$home"
    fi
}

# Print the first start >= SUBID_FIRST whose [start, start+count) overlaps no range in FILE.
next_free_subid() {
    local file="$1"
    awk -F: -v first="$SUBID_FIRST" -v count="$SUBID_COUNT" '
        BEGIN { n = 0 }
        NF >= 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { s[n] = $2 + 0; e[n] = $2 + $3; n++ }
        END {
            start = first
            do {
                moved = 0
                for (i = 0; i < n; i++) {
                    if (start < e[i] && s[i] < start + count) { start = e[i]; moved = 1 }
                }
            } while (moved)
            print start
        }' "$file"
}

ensure_subids() {
    local file start uid
    uid="$(id -u "$USER_NAME")"
    for file in /etc/subuid /etc/subgid; do
        touch "$file"
        # an entry may name the user or its numeric uid; either counts
        if awk -F: -v u="$USER_NAME" -v id="$uid" '$1 == u || $1 == id { found = 1 } END { exit !found }' "$file"; then
            continue
        fi
        start="$(next_free_subid "$file")"
        log "adding $USER_NAME:$start:$SUBID_COUNT to $file"
        printf '%s:%s:%s\n' "$USER_NAME" "$start" "$SUBID_COUNT" >>"$file"
    done
}

ensure_devices() {
    local dev
    for dev in /dev/net/tun /dev/fuse; do
        if [[ ! -c $dev ]]; then
            log "warning: $dev is missing; slirp4netns/pasta tap mode or fuse-overlayfs will not work"
            continue
        fi
        [[ "$(stat -c %a "$dev")" == 666 ]] || chmod 0666 "$dev"
    done
    # The guest lane boots /boot/vmlinuz-* as the test user; Debian installs it 0600.
    local image
    for image in /boot/vmlinuz-*; do
        [[ -f $image ]] && chmod 0644 "$image"
    done
}

# Write CONTENT to PATH owned by the user, only when it differs (keeps re-runs silent).
write_user_file() {
    local path="$1" content="$2" group
    group="$(id -gn "$USER_NAME")"
    if [[ -f $path ]] && [[ "$(cat "$path")" == "$content" ]]; then
        return 0
    fi
    log "writing $path"
    install -d -m 0755 -o "$USER_NAME" -g "$group" "$(dirname "$path")"
    printf '%s\n' "$content" >"$path.tmp"
    chown "$USER_NAME:$group" "$path.tmp"
    chmod 0644 "$path.tmp"
    mv -f "$path.tmp" "$path"
}

configure_podman() {
    local home group
    home="$(getent passwd "$USER_NAME" | cut -d: -f6)"
    group="$(id -gn "$USER_NAME")"
    install -d -m 0755 -o "$USER_NAME" -g "$group" "$home/.config"
    # podman 4.3 picks vfs without this; overlay is both faster and what hutch uses
    write_user_file "$home/.config/containers/storage.conf" '[storage]
driver = "overlay"'
    # crun refuses the hybrid cgroup layout of these machines; there is no systemd
    # session, so cgroupfs and file events avoid a warning on every command
    write_user_file "$home/.config/containers/containers.conf" '[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
}

# The machine image carries pyenv builds of several Pythons under /root (mode 0700).
# They are shared-library builds whose RUNPATH names their own /root path: the copy
# gets $ORIGIN/../lib instead, so it runs for any user without LD_LIBRARY_PATH.
# The test suite (lib/python3.X/test) and installed packages are left out.
ensure_pythons() {
    local minor src name dest
    for minor in "${MATRIX_MINORS[@]}"; do
        src="$(find "$PYENV_VERSIONS" -mindepth 1 -maxdepth 1 -name "$minor.*" 2>/dev/null | sort -V | tail -n 1)"
        if [[ -z $src ]]; then
            log "warning: no Python $minor under $PYENV_VERSIONS; the test matrix will say so"
            continue
        fi
        name="$(basename "$src")"
        dest="$MATRIX_PYTHONS/$name"
        [[ -f $dest/.hutch-copied ]] && continue
        log "copying Python $name to $dest"
        rm -rf "$dest.new"
        install -d -m 0755 "$dest.new"
        tar -C "$src" --exclude="./lib/python$minor/test" --exclude="./lib/python$minor/site-packages/*" \
            -cf - . | tar -C "$dest.new" -xf - --no-same-owner
        patchelf --set-rpath '$ORIGIN/../lib' "$dest.new/bin/python$minor"
        chmod -R a+rX "$dest.new"
        touch "$dest.new/.hutch-copied"
        rm -rf "$dest"
        mv "$dest.new" "$dest"
    done
}

# The full-disk test (tests/integration/test_full_disk.py): a small file system
# the test user owns and fills. tmpfs (user xattrs work on it from kernel 6.6)
# costs no memory until it is filled, and the test empties it again.
readonly SMALL_FS=/mnt/hutch-small
ensure_small_fs() {
    mkdir -p "$SMALL_FS"
    mountpoint -q "$SMALL_FS" || mount -t tmpfs -o size=64m,mode=0755 hutch-small "$SMALL_FS"
    chown "$USER_NAME:" "$SMALL_FS"
}

runtime_only=${HUTCH_SETUP_RUNTIME:-0}
install_packages "${RUNTIME_PACKAGES[@]}"
if [[ $runtime_only == 0 ]]; then
    install_packages "${TEST_PACKAGES[@]}"
    [[ ${HUTCH_SETUP_BENCH:-0} == 1 ]] && install_packages "${BENCH_PACKAGES[@]}"
    ensure_pythons
fi
ensure_user
ensure_subids
ensure_devices
if [[ $runtime_only == 0 ]]; then
    # the demo's user needs no test file system (and would take it from the test user)
    [[ ${HUTCH_SETUP_SMALL_FS:-1} == 0 ]] || ensure_small_fs
    [[ ${HUTCH_SETUP_PODMAN:-1} == 0 ]] || configure_podman
fi
log "host ready for $USER_NAME ($(grep -E "^$USER_NAME:" /etc/subuid | head -n1))"
