#!/bin/bash
# hutch's test command: sets up everything the tests need, then runs them all.
#
# Usage: contrib/test.sh [PYTEST ARGS...]
#   contrib/test.sh                      # lint, types, unit and integration tests
#   contrib/test.sh tests/unit -k digest # the same checks, pytest limited to a selection
#
# As root (or through sudo): prepares the host (contrib/setup-host.sh hutch-test),
# copies the working tree to ~hutch-test/hutch-src, then as the unprivileged user
# hutch-test: a venv from /usr/bin/python3 (~hutch-test/hutch-venv, reused while
# pyproject.toml is unchanged), `ruff check`, `ruff format --check`, `mypy --strict`
# and pytest with HUTCH_REQUIRE_ALL=1 (a skipped test counts as a failure); the full
# run starts the guest lane (tests/vm) as a second pytest session beside the unit and
# integration tests, shares the integration files with a third session once the
# guest lane is done (tests/shared_files.py), and ends with one summary line of all.
# The full run (no arguments, or HUTCH_TEST_MATRIX=1) adds the Python matrix:
# `mypy --python-version 3.13` and the unit suite (less tests/unit/docs, checks of the
# repository's files) on Python 3.10, 3.12 and 3.13
# (3.11 is the main run), and tests/integration/test_python_smoke.py on 3.10 and
# 3.13, each in its own cached venv (~hutch-test/hutch-venv[-LANE]-py3.X); in the full
# run it runs from the start beside the pytest sessions, at nice 19.
# Exits non-zero when any step fails; the last line printed is pytest's summary.
# HUTCH_TEST_LANE=NAME stages to ~hutch-test/hutch-src-NAME with its own venv, so that
# several checkouts (git worktrees) can be tested at once without sharing a copy.
# Every test phase's duration is written, slowest first, to durations-main.txt (unit
# and integration), durations-share.txt (the third session's integration files) and
# durations-vm.txt (guest lane) in HUTCH_TEST_LOG_DIR (default:
# test-logs/ in this checkout, left out of git): the terminal shows the slowest 30.
set -euo pipefail

HUTCH_SCRIPT=test.sh
# shellcheck source=contrib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly TEST_USER=hutch-test
lane_suffix="${HUTCH_TEST_LANE:+-$HUTCH_TEST_LANE}"

# ---- second half: runs as the test user inside the staged copy ----------------
inner() {
    local src="$1" venv="$2" add_default_paths="$3" run_matrix="$4"
    shift 4
    cd "$src"

    ensure_dev_venv "$src" "$venv"
    export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
    # The guest reads the staged copy over a read-only 9p share and cannot write its
    # bytecode: without the .pyc files every Python start in it compiled the modules
    # it imports, under an emulated CPU. (The editable install leaves them out.)
    python -m compileall -q -j 0 src >/dev/null
    # The staged copy is replaced at every run: keep mypy's cache with the venv.
    export MYPY_CACHE_DIR="$venv/mypy-cache"

    local failed=() results=()
    # Each step's result line carries its wall time: CI's budget is read from them.
    step() {
        local name="$1" began=$SECONDS
        shift
        printf '\n== %s ==\n' "$name"
        if "$@"; then results+=("ok      $name ($((SECONDS - began)) s)"); else
            results+=("FAILED  $name ($((SECONDS - began)) s)")
            failed+=("$name")
        fi
    }
    step "ruff check" ruff check src tests
    step "ruff format --check" ruff format --check src tests
    step "mypy --strict" mypy --strict

    local args=("$@") log rc=0 vm_pid="" vm_log="" vm_tmp="" vm_rc=0 share="" started began_at
    began_at="$(date +%s)"
    local log_dir="$src/test-logs"
    mkdir -p "$log_dir"
    if [[ $add_default_paths == 1 ]]; then
        # The guest lane runs beside the rest: its QEMU guest mostly computes
        # while the integration tests mostly wait on processes, so together they
        # take far less than one after the other (CI's time budget). Its own
        # basetemp keeps the two pytest sessions' temp dirs apart.
        vm_log="$(mktemp)"
        vm_tmp="$(mktemp -d)"
        {
            HUTCH_REQUIRE_ALL=1 HUTCH_DURATIONS_FILE="$log_dir/durations-vm.txt" \
                pytest -q -p no:cacheprovider --basetemp="$vm_tmp/pytest" \
                tests/vm "${args[@]}" >"$vm_log" 2>&1
            echo "$? $(date +%s)" >"$vm_tmp/status"
        } &
        vm_pid=$!
        # The integration files are shared, file by file, with a third session
        # that starts when the guest lane is done (tests/shared_files.py): the
        # two end together on any machine.
        share="$(mktemp -d)"
        # the slowest tests are listed: this session is CI's long pole now
        args=(tests/unit tests/integration --durations=30 "${args[@]}")
    fi
    log="$(mktemp)"
    started=$SECONDS
    printf '\n== pytest -q %s ==\n' "${args[*]}"
    if [[ -z $vm_pid ]]; then
        HUTCH_REQUIRE_ALL=1 HUTCH_DURATIONS_FILE="$log_dir/durations-main.txt" \
            pytest -q -p no:cacheprovider "${args[@]}" 2>&1 | tee "$log" || rc=$?
        results+=("$(verdict "$rc")  pytest ${args[*]} ($((SECONDS - started)) s)")
        [[ $run_matrix == 1 ]] && python_matrix "$src" "$venv"
    else
        # Four jobs on two cores. The guest's QEMU takes a core all along and the unit
        # and integration session most of the other (it waits on processes a quarter
        # of the time): the Python matrix runs from the start at the lowest priority,
        # on what they leave idle (at nice 10 it still took a fifth of a core from
        # the guest, whose lane is the run's longest chain); once the guest lane is
        # done, a third session takes its share of the integration files while the
        # unit and integration session still runs. That session shows its output
        # live; the others show theirs after it.
        local main_pid main_status matrix_log="" share_log="" share_rc=0 share_began=0 share_end=0
        local matrix_pid="" matrix_out="" lines=()
        main_status="$(mktemp)"
        if [[ $run_matrix == 1 ]]; then
            matrix_log="$(mktemp)"
            matrix_out="$(mktemp -d)"
            {
                renice -n 19 -p "$BASHPID" >/dev/null || true
                results=() failed=()
                python_matrix "$src" "$venv" >"$matrix_log" 2>&1
                printf '%s\n' "${results[@]}" >"$matrix_out/results"
                if [[ ${#failed[@]} -gt 0 ]]; then printf '%s\n' "${failed[@]}" >"$matrix_out/failed"; fi
            } &
            matrix_pid=$!
        fi
        {
            HUTCH_TEST_SHARE="$share" HUTCH_REQUIRE_ALL=1 \
                HUTCH_DURATIONS_FILE="$log_dir/durations-main.txt" \
                pytest -q -p no:cacheprovider "${args[@]}" 2>&1
            echo "$? $(date +%s)" >"$main_status"
        } | tee "$log" &
        main_pid=$!
        wait "$vm_pid" || true
        if [[ ! -s $main_status ]]; then
            share_log="$(mktemp)"
            share_began="$(date +%s)"
            HUTCH_TEST_SHARE="$share" HUTCH_REQUIRE_ALL=1 \
                HUTCH_DURATIONS_FILE="$log_dir/durations-share.txt" \
                pytest -q -p no:cacheprovider tests/integration "$@" >"$share_log" 2>&1 ||
                share_rc=$?
            share_end="$(date +%s)"
        fi
        if [[ -n $matrix_pid ]]; then
            wait "$matrix_pid" || true
            if [[ -s $matrix_out/results ]]; then
                mapfile -t lines <"$matrix_out/results"
                results+=("${lines[@]}")
            else
                results+=("FAILED  Python matrix (no result)")
                failed+=("Python matrix")
            fi
            if [[ -s $matrix_out/failed ]]; then
                mapfile -t lines <"$matrix_out/failed"
                failed+=("${lines[@]}")
            fi
        fi
        wait "$main_pid" || true
        local main_rc=1 main_end
        main_end="$(date +%s)"
        [[ -s $main_status ]] && read -r main_rc main_end <"$main_status"
        rc=$main_rc
        results+=("$(verdict "$rc")  pytest ${args[*]} ($((main_end - began_at)) s)")
        wait "$vm_pid" || true
        local vm_end
        vm_rc=1
        vm_end="$(date +%s)"
        [[ -s $vm_tmp/status ]] && read -r vm_rc vm_end <"$vm_tmp/status"
        results+=("$(verdict "$vm_rc")  pytest tests/vm ($((vm_end - began_at)) s)")
        printf '\n== pytest -q tests/vm (ran beside the above) ==\n'
        cat "$vm_log"
        if [[ -n $matrix_log ]]; then
            printf '\n== Python matrix (ran beside the rest from the start, at nice 19) ==\n'
            cat "$matrix_log"
        fi
        if [[ -n $share_log ]]; then
            printf '\n== pytest -q tests/integration: its share, from %s s on ==\n' \
                $((share_began - began_at))
            cat "$share_log"
            results+=("$(verdict "$share_rc")  pytest tests/integration, its share from $((share_began - began_at)) s ($((share_end - began_at)) s)")
        fi
        # every test collected ran in one session or the other
        if ! shared_all_ran "$share/ran"; then
            results+=("FAILED  the sessions sharing tests/integration left tests unrun")
            [[ $rc -eq 0 ]] && rc=1
        fi
        merge_summaries $((SECONDS - started)) "$log" "$vm_log" ${share_log:+"$share_log"} >>"$log"
        rm -rf "$vm_log" "$vm_tmp" "$main_status" "$share" ${matrix_log:+"$matrix_log"} \
            ${matrix_out:+"$matrix_out"} \
            ${share_log:+"$share_log"}
        [[ $rc -eq 0 ]] && rc=$vm_rc
        [[ $rc -eq 0 ]] && rc=$share_rc
    fi
    [[ $rc -eq 0 ]] || failed+=(pytest)

    printf '\n== summary ==\n'
    printf '%s\n' "${results[@]}"
    # CI reads the last line: pytest's own summary ("12 passed, 1 failed in 3.4s")
    local summary
    summary="$(grep -E '(passed|failed|errors?|skipped|deselected|xfailed|xpassed|no tests ran).* in [0-9.]+s' "$log" | tail -n 1 || true)"
    rm -f "$log"
    printf '%s\n' "${summary:-pytest printed no summary (exit $rc)}"
    [[ ${#failed[@]} -eq 0 ]]
}

verdict() { if [[ $1 -eq 0 ]]; then echo "ok    "; else echo FAILED; fi; }

# One pytest-style summary line for sessions that ran side by side: their counts
# added up, and the wall time of them all.
merge_summaries() {
    python3 - "$@" <<'PY'
import re, sys
pattern = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)\b")
counts: dict[str, int] = {}
for path in sys.argv[2:]:
    lines = [l for l in open(path, errors="replace") if re.search(r" in [0-9.]+s", l)]
    for number, word in pattern.findall(lines[-1] if lines else ""):
        word = "errors" if word.startswith("error") else word
        counts[word] = counts.get(word, 0) + int(number)
order = ["failed", "passed", "skipped", "deselected", "xfailed", "xpassed", "errors"]
parts = [f"{counts[w]} {'error' if w == 'errors' and counts[w] == 1 else w}"
         for w in order if counts.get(w)]
print(f"{', '.join(parts) or 'no tests ran'} in {float(sys.argv[1]):.2f}s (all sessions)")
PY
}

# The sessions that shared files each wrote "RAN COLLECTED" to FILE; the first one
# collected everything (unit and integration), the second the integration files:
# together they ran what the first collected, or a file was lost between them.
shared_all_ran() {
    local file="$1"
    [[ -s $file ]] || return 1
    awk '{ ran += $1; if ($2 > all) all = $2 }
        END { if (ran != all) { printf "tests run in the sessions: %d of %d\n", ran, all; exit 1 } }' "$file"
}

# The Python versions hutch supports (pyproject: requires-python >= 3.10), beyond the
# main run's /usr/bin/python3 (3.11): types for the newest, the unit suite on each,
# and the integration smoke test on the oldest and the newest.
python_matrix() {
    local src="$1" main_venv="$2" minor python venv
    step "mypy --strict --python-version 3.13" mypy --strict --python-version 3.13
    for minor in 3.10 3.12 3.13; do
        python="$(matrix_python "$minor")"
        if [[ -z $python ]]; then
            printf '\n== Python %s ==\nnot found: contrib/setup-host.sh copies it from /root/.pyenv/versions\n' "$minor"
            results+=("FAILED  Python $minor (no interpreter)")
            failed+=("Python $minor")
            continue
        fi
        venv="$main_venv-py$minor"
        ensure_dev_venv "$src" "$venv" "$python"
        # --assert=plain: pytest's rewriting of the asserts is most of the collection
        # (10 of 16 s here), done anew by every Python; the main run keeps it, for
        # the details of a failure. tests/unit/docs checks the repository's files (man
        # pages, completions, the README's package list) against the command line:
        # the main run's pass is the one that counts (a sixth of the suite's time).
        step "unit tests on Python $minor" \
            "$venv/bin/python" -m pytest -q -p no:cacheprovider --assert=plain \
            --ignore=tests/unit/docs tests/unit
        [[ $minor == 3.10 ]] && step "pipx install . on Python $minor" pipx_check "$src" "$python"
        if [[ $minor == 3.10 || $minor == 3.13 ]]; then
            step "integration smoke test on Python $minor" env HUTCH_REQUIRE_ALL=1 \
                "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/integration/test_python_smoke.py
        fi
    done
}

# The README's install for one user: `pipx install` of the checkout, here with the
# oldest Python (Ubuntu 22.04's), into a throw-away pipx home; the installed hutch runs.
pipx_check() {
    local src="$1" python="$2" tmp status=0
    tmp="$(mktemp -d)"
    (
        export PIPX_HOME="$tmp/pipx" PIPX_BIN_DIR="$tmp/bin" XDG_DATA_HOME="$tmp/data" \
            XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"
        install -d -m 0700 "$tmp/run" &&
            pipx install --python "$python" "$src" >/dev/null &&
            "$tmp/bin/hutch" --version &&
            bash "$src/contrib/make-rootfs.sh" "$tmp/rootfs.tar" >/dev/null &&
            "$tmp/bin/hutch" import "$tmp/rootfs.tar" base >/dev/null &&
            [[ "$("$tmp/bin/hutch" run --rm --network none base echo ok)" == ok ]] &&
            "$tmp/bin/hutch" system reset --force >/dev/null
    ) || status=$?
    rm -rf "$tmp" 2>/dev/null || true
    return "$status"
}

if [[ ${1:-} == --inner ]]; then
    shift
    inner "$@"
    exit
fi

# ---- first half: as root -------------------------------------------------------
become_root "$0" "$@"

# Paths given on the command line refer to this checkout; map them to the copy.
home_dir="$(getent passwd "$TEST_USER" | cut -d: -f6 || true)"
dest="${home_dir:-/home/$TEST_USER}/hutch-src$lane_suffix"
pytest_args=()
add_default_paths=1
for arg in "$@"; do
    if [[ $arg != -* ]]; then
        path="${arg%%::*}"
        rest="${arg:${#path}}"
        if [[ -e $path ]] && abs="$(readlink -f "$path")" &&
            [[ $abs == "$HUTCH_REPO" || $abs == "$HUTCH_REPO"/* ]]; then
            arg="$dest${abs#"$HUTCH_REPO"}$rest"
            add_default_paths=0
        elif [[ -e $HUTCH_REPO/$path ]]; then
            add_default_paths=0
        fi
    fi
    pytest_args+=("$arg")
done

bash "$HUTCH_REPO/contrib/setup-host.sh" "$TEST_USER"
home_dir="$(user_home "$TEST_USER")"
dest="$home_dir/hutch-src$lane_suffix"
say "staging the working tree in $dest"
stage_repo "$HUTCH_REPO" "$dest" "$TEST_USER"
say "running the checks as $TEST_USER"
log="$(mktemp)"
rc=0
run_matrix="${HUTCH_TEST_MATRIX:-$add_default_paths}"
run_as "$TEST_USER" -- bash "$dest/contrib/test.sh" --inner \
    "$dest" "$home_dir/hutch-venv$lane_suffix" "$add_default_paths" "$run_matrix" "${pytest_args[@]}" 2>&1 | tee "$log" ||
    rc=$?
# the staged copy is replaced at the next run: its durations are kept here
log_dir="${HUTCH_TEST_LOG_DIR:-$HUTCH_REPO/test-logs}"
if [[ -d $dest/test-logs ]] && mkdir -p "$log_dir"; then
    cp "$dest"/test-logs/durations-*.txt "$log_dir"/ 2>/dev/null || true
fi

# hutch also works as the real root (no session namespace, no mapping tools):
# a short check of that mode, which the unprivileged suite cannot make.
root_smoke() {
    local hutch="$1/bin/hutch" work
    work="$(mktemp -d)"
    (
        export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run"
        # errexit does not apply inside an if condition: chain the steps
        install -d -m 0700 "$work/run" &&
            bash "$HUTCH_REPO/contrib/make-rootfs.sh" "$work/rootfs.tar" >/dev/null &&
            "$hutch" import "$work/rootfs.tar" base >/dev/null &&
            [[ "$("$hutch" run --rm --network none base id -u)" == 0 ]] &&
            [[ "$("$hutch" run --rm base sh -c 'ip -4 -o addr show eth0 | wc -l')" == 1 ]] &&
            "$hutch" system reset --force
    )
    local status=$?
    rm -rf "$work"
    return $status
}
if [[ $add_default_paths == 1 ]]; then
    printf '\n== root mode ==\n'
    if root_smoke "$home_dir/hutch-venv$lane_suffix"; then echo "ok      root mode"; else
        echo "FAILED  root mode"
        rc=1
    fi
    tail -n 1 "$log" # CI reads pytest's summary on the last line
fi
rm -f "$log"
exit "$rc"
