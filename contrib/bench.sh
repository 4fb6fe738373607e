#!/bin/bash
# Benchmark hutch against podman on this machine (see bench/README.md).
#
# Usage: contrib/bench.sh [bench/run.py ARGS...]     e.g. contrib/bench.sh -n 20 --json
#        contrib/bench.sh --pythons [-n RUNS]         start-up on Python 3.10 to 3.13
#
# As root (or through sudo): prepares the host (contrib/setup-host.sh hutch-test,
# which also configures rootless podman for that user), copies the working tree to
# ~hutch-test/hutch-src-bench, then runs bench/run.py as hutch-test with the venv's
# python. (Its own copy and venv: the test run's ~hutch-test/hutch-src is never
# restaged under a test session that may be running.)
set -euo pipefail

HUTCH_SCRIPT=bench.sh
# shellcheck source=contrib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly BENCH_USER=hutch-test

if [[ ${1:-} == --inner ]]; then
    src="$2" venv="$3"
    shift 3
    cd "$src"
    # the bench extra: matplotlib for --plot (the scale case's PNG)
    ensure_dev_venv "$src" "$venv" "$HUTCH_PYTHON" test,bench
    if [[ ${1:-} == --pythons ]]; then
        shift
        venvs=()
        for minor in 3.10 3.11 3.12 3.13; do
            python="$(matrix_python "$minor")"
            [[ -n $python ]] || die "no Python $minor (contrib/setup-host.sh copies it to /opt/hutch-pythons)"
            if [[ $python == "$HUTCH_PYTHON" ]]; then
                venvs+=("$venv")
            else
                ensure_dev_venv "$src" "$venv-py$minor" "$python"
                venvs+=("$venv-py$minor")
            fi
        done
        exec "$venv/bin/python" bench/pythons.py "${venvs[@]}" "$@"
    fi
    exec "$venv/bin/python" bench/run.py "$@"
fi

# The runtime directory a login session gives its user (systemd-logind's
# /run/user/UID: a tmpfs of the user's, mode 0700), made here when no session has
# made it. Both tools run with XDG_RUNTIME_DIR in it, as a user's shell has them:
# rootless podman without one (or with one on a disk) takes some 20 ms more on every
# command (`ps` 43 against 22 ms on this VM), which flattered hutch's ratios until
# 2026-12-07.
login_runtime_dir() {
    local user="$1" uid gid dir
    uid="$(id -u "$user")" gid="$(id -g "$user")" dir="/run/user/$(id -u "$user")"
    if ! mountpoint -q "$dir"; then
        mkdir -p "$dir"
        mount -t tmpfs -o "mode=0700,uid=$uid,gid=$gid,size=10%" "hutch-bench-run-$uid" "$dir"
    fi
    printf '%s\n' "$dir"
}

become_root "$0" "$@"
HUTCH_SETUP_BENCH=1 bash "$HUTCH_REPO/contrib/setup-host.sh" "$BENCH_USER"
home_dir="$(user_home "$BENCH_USER")"
runtime_dir="$(login_runtime_dir "$BENCH_USER")"
say "staging the working tree in $home_dir/hutch-src-bench"
stage_repo "$HUTCH_REPO" "$home_dir/hutch-src-bench" "$BENCH_USER"
say "running bench/run.py as $BENCH_USER (XDG_RUNTIME_DIR=$runtime_dir)"
run_as "$BENCH_USER" XDG_RUNTIME_DIR="$runtime_dir" -- \
    bash "$home_dir/hutch-src-bench/contrib/bench.sh" --inner \
    "$home_dir/hutch-src-bench" "$home_dir/hutch-venv-bench" "$@"
