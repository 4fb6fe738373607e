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

become_root "$0" "$@"
HUTCH_SETUP_BENCH=1 bash "$HUTCH_REPO/contrib/setup-host.sh" "$BENCH_USER"
home_dir="$(user_home "$BENCH_USER")"
say "staging the working tree in $home_dir/hutch-src-bench"
stage_repo "$HUTCH_REPO" "$home_dir/hutch-src-bench" "$BENCH_USER"
say "running bench/run.py as $BENCH_USER"
run_as "$BENCH_USER" -- bash "$home_dir/hutch-src-bench/contrib/bench.sh" --inner \
    "$home_dir/hutch-src-bench" "$home_dir/hutch-venv-bench" "$@"
