# Shared helpers of contrib/test.sh, contrib/demo.sh and contrib/bench.sh.
# Source it; it defines functions only (and HUTCH_REPO, the repository root).
# shellcheck shell=bash

HUTCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The system interpreter: pyenv's `python3` shim on PATH costs ~0.18 s per start.
HUTCH_PYTHON=/usr/bin/python3

say() { printf '%s: %s\n' "${HUTCH_SCRIPT:-hutch}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Re-run the calling script as root through sudo, or explain why root is needed.
# Usage: become_root "$0" "$@"
become_root() {
    local script="$1"
    shift
    [[ $EUID -eq 0 ]] && return 0
    if command -v sudo >/dev/null 2>&1; then
        say "root is needed for the host setup (packages, test user, /etc/subuid); re-running with sudo"
        exec sudo -- bash "$(readlink -f "$script")" "$@"
    fi
    die "root is needed for the host setup (packages, test user, /etc/subuid, /dev/net/tun);" \
        "run it as root, or install sudo"
}

user_home() { getent passwd "$1" | cut -d: -f6; }

# Run a command as USER with a clean environment: HOME set, XDG_RUNTIME_DIR unset
# (this is how hutch meets a machine without logind). Extra VAR=value pairs may
# precede the command.  Usage: run_as USER [VAR=value...] -- CMD [ARGS...]
run_as() {
    local user="$1"
    shift
    local vars=()
    while [[ $# -gt 0 && $1 != -- ]]; do
        vars+=("$1")
        shift
    done
    [[ ${1:-} == -- ]] && shift
    local home
    home="$(user_home "$user")"
    runuser -u "$user" -- env -i \
        HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash LANG=C.UTF-8 \
        PATH=/usr/local/bin:/usr/bin:/bin CI="${CI:-}" TERM="${TERM:-dumb}" \
        "${vars[@]}" "$@"
}

# Print the repository's files NUL-separated: tracked plus untracked but not
# ignored (the working tree as a developer sees it), without deleted ones.
list_repo_files() {
    local src="$1" f
    if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # safe.directory: root may run this on a clone owned by a developer
        git -c safe.directory="$src" -C "$src" ls-files -z -co --exclude-standard
    else
        (cd "$src" && find . \( -name .git -o -name .venv -o -name __pycache__ -o -name '*.egg-info' \) \
            -prune -o \( -type f -o -type l \) -printf '%P\0')
    fi | while IFS= read -r -d '' f; do
        if [[ -e $src/$f || -L $src/$f ]]; then printf '%s\0' "$f"; fi
    done
}

# Copy the repository's files to DEST owned by USER, so that USER can read them
# even when the clone is under /root. DEST is replaced as a whole so that files
# deleted from the repository disappear from the copy too.
stage_repo() {
    local src="$1" dest="$2" user="$3" group tmp
    group="$(id -gn "$user")"
    tmp="$dest.new"
    rm -rf "$tmp"
    install -d -m 0755 -o "$user" -g "$group" "$tmp"
    list_repo_files "$src" | tar -C "$src" --null -T - -cf - | tar -C "$tmp" -xf - --no-same-owner
    chown -R "$user:$group" "$tmp"
    rm -rf "$dest"
    mv "$tmp" "$dest"
}

# As the test user: make sure VENV (built from PYTHON, default /usr/bin/python3) has
# SRC installed editable with EXTRAS (default: test). Reused while pyproject.toml is
# unchanged, which keeps a re-run of the tests fast.
ensure_dev_venv() {
    local src="$1" venv="$2" python="${3:-$HUTCH_PYTHON}" extras="${4:-test}" want have=""
    want="$({ cat "$src/pyproject.toml"; printf '%s\n' "$python" "$extras"; } | sha256sum | cut -d' ' -f1)"
    [[ -f $venv/.pyproject.sha256 ]] && have="$(cat "$venv/.pyproject.sha256")"
    if [[ ! -x $venv/bin/python || $want != "$have" ]]; then
        say "creating $venv with $python (pip install -e '.[$extras]')"
        rm -rf "$venv"
        "$python" -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check -e "$src[$extras]"
        printf '%s\n' "$want" >"$venv/.pyproject.sha256"
    fi
    drop_setuptools "$venv"
}

# A venv of Debian's python3 comes with setuptools, whose distutils-precedence.pth runs
# at every start of the interpreter (2.6 M instructions of the 30 M of `python -c pass`,
# about 0.7 ms of each hutch command); nothing of hutch's or its dependencies' uses
# setuptools once installed (pip builds in an isolated environment of its own), and
# pipx's venvs have none either. So the installed venv and the ones the tests and the
# bench run from (which measure what a user gets) go without it.
drop_setuptools() {
    local venv="$1"
    if compgen -G "$venv/lib/python3*/site-packages/distutils-precedence.pth" >/dev/null; then
        "$venv/bin/pip" uninstall -q -y --disable-pip-version-check setuptools
    fi
}

# The interpreter of Python MINOR (e.g. 3.10) for the test matrix: /usr/bin/python3
# when it is that version (Debian 12: 3.11), else the copy that contrib/setup-host.sh
# makes of the machine image's pyenv build under /opt/hutch-pythons. Empty if none.
matrix_python() {
    local minor="$1" found
    if [[ "$("$HUTCH_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" == "$minor" ]]; then
        echo "$HUTCH_PYTHON"
        return
    fi
    found="$(find /opt/hutch-pythons -mindepth 3 -maxdepth 3 -path "*/$minor.*/bin/python$minor" 2>/dev/null |
        sort -V | tail -n 1)"
    echo "$found"
}
