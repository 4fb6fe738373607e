#!/bin/bash
# Install hutch on a fresh Debian 12 machine and run a first container, rootless.
#
# Usage: contrib/demo.sh        (as root, or as a user with sudo)
#
# Started as root, the demo runs as the unprivileged user hutch-demo (created if
# missing); started by a normal user through sudo, it runs as that user. It
#  1. prepares the host (contrib/setup-host.sh with HUTCH_SETUP_RUNTIME=1: hutch's own
#     packages, subordinate ids, devices)
#  2. installs hutch into /opt/hutch/venv (from /usr/bin/python3), links
#     /usr/local/bin/hutch, installs the man pages and completions under /usr/local/share
#     (contrib/install.sh --system)
#  3. as the unprivileged user: builds a busybox rootfs tarball, imports it as
#     image `base`, lists images, runs a container, shows `hutch info`.
set -Eeuo pipefail

HUTCH_SCRIPT=demo.sh
# shellcheck source=contrib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly PREFIX=/opt/hutch
readonly VENV=$PREFIX/venv

become_root "$0" "$@"

if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
    demo_user="$SUDO_USER"
else
    demo_user=hutch-demo
fi

n=0
step() {
    n=$((n + 1))
    printf '\n==> %d. %s\n' "$n" "$*"
}
trap 'printf "\n!!! demo failed in step %d (exit %d)\n" "$n" "$?" >&2' ERR

# Show a command, then run it as the demo user in the demo's work directory.
user_cmd() {
    local shown="$1"
    shift
    printf '%s$ %s\n' "$demo_user" "$shown"
    run_as "$demo_user" -- bash -c 'cd "$1" && shift && exec "$@"' _ "$work" "$@"
}

printf '==> running the demo as unprivileged user %s\n' "$demo_user"

step "preparing the host for $demo_user (contrib/setup-host.sh)"
# the user's own podman configuration is none of the demo's business
# hutch's own packages only: QEMU, the kernel, the peers and the benchmark tools are the
# tests' (contrib/test.sh sets them up)
HUTCH_SETUP_RUNTIME=1 bash "$HUTCH_REPO/contrib/setup-host.sh" "$demo_user"
printf '    %s\n' "$(grep -E "^$demo_user:" /etc/subuid | head -n1) in /etc/subuid," \
    "/dev/net/tun and /dev/fuse usable by normal users"

step "installing hutch into $VENV and linking /usr/local/bin/hutch"
# build from a copy: pip writes build files next to the sources, and the checkout
# may belong to someone else
stage_repo "$HUTCH_REPO" "$PREFIX/src" root
[[ -x $VENV/bin/python ]] || "$HUTCH_PYTHON" -m venv "$VENV"
# pip rebuilds and reinstalls a local directory every time, same version or not
"$VENV/bin/pip" install -q --disable-pip-version-check "$PREFIX/src"
drop_setuptools "$VENV"
ln -sfn "$VENV/bin/hutch" /usr/local/bin/hutch
install -D -m 0755 "$HUTCH_REPO/contrib/make-rootfs.sh" "$PREFIX/share/make-rootfs.sh"
printf '    %s\n' "$(/usr/local/bin/hutch --version 2>/dev/null || echo "installed $VENV/bin/hutch")"
# man pages and completions where every user's man and shells find them
bash "$PREFIX/src/contrib/install.sh" --system | sed 's/^/    /'

work="$(run_as "$demo_user" -- mktemp -d /tmp/hutch-demo.XXXXXX)"

step "building a busybox root filesystem as $demo_user (no root needed)"
user_cmd "make-rootfs.sh busybox.tar" "$PREFIX/share/make-rootfs.sh" busybox.tar

step "importing it as image base"
user_cmd "hutch import busybox.tar base" hutch import busybox.tar base

step "listing images"
user_cmd "hutch images" hutch images

step "running a container (rootless: 'root' inside is $demo_user outside)"
user_cmd "hutch run --rm base sh -c 'echo hello from \$(hostname); id; ps'" \
    hutch run --rm base sh -c 'echo hello from $(hostname); id; ps'

step "hutch info (first lines)"
printf '%s$ %s\n' "$demo_user" "hutch info"
info="$(run_as "$demo_user" -- hutch info)"
sed -n '1,25p' <<<"$info"

run_as "$demo_user" -- rm -rf "$work"
printf '\n==> done. As %s, try: hutch run --rm -it base sh\n' "$demo_user"
