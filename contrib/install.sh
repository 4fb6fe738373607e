#!/bin/bash
# Install hutch's man pages, shell completions and systemd user units for the user who runs it.
#
# Usage: contrib/install.sh              (as the user, from a checkout; no root needed)
#        contrib/install.sh --uninstall  (remove what it installed)
#        contrib/install.sh --system [--uninstall]
#                 (as root, for every user of a system-wide hutch such as contrib/demo.sh's:
#                 man pages and completions under ${HUTCH_PREFIX:-/usr/local}/share, where
#                 man, bash-completion, Debian's zsh and fish look; no user units, whose
#                 commands name the user's own ~/.local/bin/hutch)
#
# It installs nothing else (hutch itself: `pipx install .`, see README "Install"):
#   man pages    ${XDG_DATA_HOME:-~/.local/share}/man/man1, man5, man7
#                (man-db searches DIR/../share/man for each DIR of $PATH, so
#                `man hutch` finds them while ~/.local/bin is on PATH)
#   bash         ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/hutch
#                (bash-completion loads it on first use of hutch)
#   zsh          ${XDG_DATA_HOME:-~/.local/share}/zsh/site-functions/_hutch
#                (a directory zsh searches once it is in $fpath: see the hint printed)
#   fish         ${XDG_CONFIG_HOME:-~/.config}/fish/completions/hutch.fish
#   user units   ${XDG_CONFIG_HOME:-~/.config}/systemd/user/ (contrib/systemd: hutch.socket,
#                hutch.service, hutch-restart.service, hutch-auto-update.service and .timer;
#                installed, not enabled: see the hint printed)
set -Eeuo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
system=0
if [[ ${1:-} == --system ]]; then
    system=1
    shift
fi
if [[ $system == 1 ]]; then
    share="${HUTCH_PREFIX:-/usr/local}/share"
    man_dir="$share/man"
    bash_file="$share/bash-completion/completions/hutch"
    zsh_dir="$share/zsh/site-functions"
    fish_file="$share/fish/vendor_completions.d/hutch.fish"
    unit_dir=""
else
    data="${XDG_DATA_HOME:-$HOME/.local/share}"
    config="${XDG_CONFIG_HOME:-$HOME/.config}"
    man_dir="$data/man"
    bash_file="$data/bash-completion/completions/hutch"
    zsh_dir="$data/zsh/site-functions"
    fish_file="$config/fish/completions/hutch.fish"
    unit_dir="$config/systemd/user"
fi

pages() {
    local page
    for page in "$repo"/man/hutch*.[157]; do
        printf '%s\n' "$page"
    done
}

uninstall() {
    local page
    while IFS= read -r page; do
        rm -f "$man_dir/man${page##*.}/$(basename "$page")"
    done < <(pages)
    rm -f "$man_dir"/cat?/hutch*  # man-db's cached renderings
    rm -f "$bash_file" "$zsh_dir/_hutch" "$fish_file"
    if [[ -z $unit_dir ]]; then
        printf 'removed hutch man pages and completions from %s\n' "$share"
        return
    fi
    for unit in "$repo"/contrib/systemd/*; do
        rm -f "$unit_dir/$(basename "$unit")"
    done
    printf 'removed hutch man pages, completions and user units for %s\n' "$(id -un)"
}

install_all() {
    local page count=0
    while IFS= read -r page; do
        # alias pages (.so man1/PAGE) resolve inside man1, where their target is
        install -D -m 0644 "$page" "$man_dir/man${page##*.}/$(basename "$page")"
        count=$((count + 1))
    done < <(pages)
    install -D -m 0644 "$repo/completions/hutch.bash" "$bash_file"
    install -D -m 0644 "$repo/completions/_hutch" "$zsh_dir/_hutch"
    install -D -m 0644 "$repo/completions/hutch.fish" "$fish_file"
    printf 'installed %d man pages in %s\n' "$count" "$man_dir"
    printf 'installed completions: %s, %s, %s\n' "$bash_file" "$zsh_dir/_hutch" "$fish_file"
    if [[ -z $unit_dir ]]; then
        # --system: the places searched by default; bash needs its completion package
        if [[ ! -f /usr/share/bash-completion/bash_completion ]]; then
            printf 'hint (bash): install bash-completion (Debian: apt install bash-completion)\n'
        fi
        return
    fi
    local unit units=()
    for unit in "$repo"/contrib/systemd/*; do
        install -D -m 0644 "$unit" "$unit_dir/$(basename "$unit")"
        units+=("$(basename "$unit")")
    done
    printf 'installed user units in %s: %s\n' "$unit_dir" "${units[*]}"
    printf 'hint (systemd): systemctl --user daemon-reload, then enable what you want:\n'
    printf '  systemctl --user enable hutch-restart.service           # --restart=always at login\n'
    printf '  systemctl --user enable --now hutch-auto-update.timer   # hutch auto-update daily\n'
    printf '  systemctl --user enable --now hutch.socket              # the Docker API socket\n'
    case ":$PATH:" in
    *":$HOME/.local/bin:"*) ;;
    *) printf 'hint: man finds the pages once ~/.local/bin is on PATH, or with MANPATH=%s:\n' \
        "$man_dir" ;;
    esac
    if [[ ! -f /usr/share/bash-completion/bash_completion ]]; then
        printf 'hint (bash): install bash-completion (Debian: apt install bash-completion),\n'
        printf '             or add  source %s  to ~/.bashrc\n' "$bash_file"
    fi
    if [[ -f $HOME/.zshrc ]] && ! grep -qs "$zsh_dir" "$HOME/.zshrc"; then
        printf 'hint (zsh): add  fpath=(%s $fpath)  before compinit in ~/.zshrc\n' "$zsh_dir"
    fi
}

case "${1:-}" in
"") install_all ;;
--uninstall) uninstall ;;
-h | --help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
*)
    printf 'install.sh: unknown argument %s (see --help)\n' "$1" >&2
    exit 2
    ;;
esac
