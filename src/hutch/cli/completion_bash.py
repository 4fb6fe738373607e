"""The bash completion script, from the command tree (cli/completion_tree.py)."""

from __future__ import annotations

from hutch.cli.completion_tree import HEADER, Cmd, value_names, words

BASH_MAIN = r"""
# Puts COMP_WORDS into words[] and cword, glued back where bash split a word at
# ":" or "=" (COMP_WORDBREAKS): alpine:latest arrives as alpine, :, latest.
_hutch_reassemble() {
    words=() cword=0
    local i w glue=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        if ((i > 0)) && [[ $glue == 1 || $w == ":" || $w == "=" ]]; then
            words[${#words[@]} - 1]+=$w
        else
            words+=("$w")
        fi
        [[ $w == ":" || $w == "=" ]] && glue=1 || glue=0
        ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
    done
}

# Bash replaces only the part of the word after the last ":" or "=": drop
# that much from each candidate.
_hutch_trim_replies() {
    local cur=$1 prefix
    [[ $cur == *[:=]* ]] || return 0
    prefix=${cur%"${cur##*[:=]}"}
    [[ $COMP_WORDBREAKS == *"${prefix: -1}"* ]] || return 0
    COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
}

_hutch_image_names() {
    local IFS=$'\n'
    COMPREPLY+=($(compgen -W "$("${_hutch_cmd[@]}" images --format '{{.Repository}}:{{.Tag}}' \
        2>/dev/null | grep -v '<none>')" -- "$1"))
}

_hutch_pod_names() {
    local IFS=$'\n'
    COMPREPLY+=($(compgen -W "$("${_hutch_cmd[@]}" pod ps --format '{{.Name}}' 2>/dev/null)" \
        -- "$1"))
}

_hutch_secret_names() {
    local IFS=$'\n'
    COMPREPLY+=($(compgen -W "$("${_hutch_cmd[@]}" secret ls --format '{{.Name}}' 2>/dev/null)" \
        -- "$1"))
}

# The words of a value that come from the store: container names, namespace
# modes with container:NAME, networks (the user's too; bridge is the default
# network's other name, as in podman rootless).
_hutch_store_words() {
    case $1 in
    @container) "${_hutch_cmd[@]}" ps -a --format '{{.Names}}' 2>/dev/null ;;
    @namespace) printf '%s\n' private host ns: ;;
    @ipc-namespace) printf '%s\n' private shareable none host ns: ;;
    @network)
        printf '%s\n' bridge private slirp4netns pasta none host ns:
        "${_hutch_cmd[@]}" network ls --format '{{.Name}}' 2>/dev/null
        ;;
    @network-name) "${_hutch_cmd[@]}" network ls --format '{{.Name}}' 2>/dev/null ;;
    @volume) "${_hutch_cmd[@]}" volume ls --format '{{.Name}}' 2>/dev/null ;;
    esac
    case $1 in
    @namespace | @ipc-namespace | @network)
        _hutch_store_words @container | sed 's/^/container:/'
        ;;
    esac
}

# The project's services: compose's -f, -p, --project-directory, --env-file and
# --profile typed before the subcommand choose the project, as they will when it runs.
_hutch_service_names() {
    local IFS=$'\n'
    COMPREPLY+=($(compgen -W "$("${_hutch_cmd[@]}" compose "${_hutch_project[@]}" \
        config --services 2>/dev/null)" -- "$1"))
}

# True for the compose options that choose the project.
_hutch_project_option() {
    case $1 in
    -f | --file | -p | --project-name | --project-directory | --env-file | --profile) return 0 ;;
    esac
    return 1
}

_hutch_complete_kind() {
    local kind=$1 cur=$2
    case $kind in
    @image) _hutch_image_names "$cur" ;;
    @pod) _hutch_pod_names "$cur" ;;
    @secret) _hutch_secret_names "$cur" ;;
    @container | @namespace | @ipc-namespace | @network | @network-name | @volume)
        local IFS=$'\n'
        COMPREPLY+=($(compgen -W "$(_hutch_store_words "$kind")" -- "$cur"))
        ;;
    @service) _hutch_service_names "$cur" ;;
    @command) COMPREPLY=($(compgen -c -- "$cur")) ;;
    @dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    @file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    @none | "") ;;
    *) COMPREPLY=($(compgen -W "$kind" -- "$cur")) ;;
    esac
}

_hutch() {
    local words cword
    _hutch_reassemble
    local cur=${words[cword]} path="" nargs=0 value_of="" word i
    # `hutch images` for image names runs with the same binary and storage flags.
    local _hutch_cmd=("${words[0]}") _hutch_project=()
    COMPREPLY=()
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ -n $value_of ]]; then
            [[ -z $path ]] && _hutch_cmd+=("$value_of" "$word")
            # a path as typed: the shell has not expanded ~ in it yet
            [[ $word == "~/"* ]] && word=$HOME/${word:2}
            [[ $path == compose ]] && _hutch_project_option "$value_of" &&
                _hutch_project+=("$value_of" "$word")
            value_of=""
        elif ((nargs > 0)) && _hutch_options_end_at_argument "$path"; then
            nargs=$((nargs + 1))
        elif [[ $word == -?* && $word != *=* ]]; then
            [[ " $(_hutch_value_options "$path") " == *" $word "* ]] && value_of=$word
        elif [[ $word == -* ]]; then
            [[ -z $path && $word == --root=* || $word == --runroot=* ]] && _hutch_cmd+=("$word")
            [[ $path == compose ]] && _hutch_project_option "${word%%=*}" &&
                _hutch_project+=("$word")
        elif ((nargs == 0)) && [[ " $(_hutch_subcommands "$path") " == *" $word "* ]]; then
            path=${path:+$path }$word
        else
            nargs=$((nargs + 1))
        fi
    done
    if [[ -n $value_of ]]; then
        _hutch_complete_kind "$(_hutch_option_values "$path" "$value_of")" "$cur"
    elif [[ $cur == --*=* ]] && ! { ((nargs > 0)) && _hutch_options_end_at_argument "$path"; }; then
        _hutch_complete_kind "$(_hutch_option_values "$path" "${cur%%=*}")" "${cur#*=}"
        COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
    elif [[ $cur == -* ]] && ! { ((nargs > 0)) && _hutch_options_end_at_argument "$path"; }; then
        COMPREPLY=($(compgen -W "$(_hutch_options "$path") --help" -- "$cur"))
    elif ((nargs == 0)) && [[ -n $(_hutch_subcommands "$path") ]]; then
        COMPREPLY=($(compgen -W "$(_hutch_subcommands "$path")" -- "$cur"))
    else
        _hutch_complete_kind "$(_hutch_argument "$path" $((nargs + 1)))" "$cur"
    fi
    _hutch_trim_replies "$cur"
}

complete -F _hutch hutch
"""


def _bash_case(name: str, doc: str, params: str, rows: list[tuple[str, str]]) -> str:
    lines = [f"# {doc}", f"{name}() {{", f"    case {params} in"]
    for pattern, body in rows:
        lines.append(f"    {pattern}) {body} ;;")
    lines += ["    esac", "}"]
    if name.endswith("_end_at_argument"):
        lines[-1:] = ["    return 1", "}"]
    return "\n".join(lines)


def _q(pattern: str) -> str:
    return f'"{pattern}"'


def render_bash(tree: Cmd) -> str:
    cmds = tree.walk()
    subcommands = [
        (_q(c.key), f"echo {words([s.path[-1] for s in c.subcommands])}")
        for c in cmds
        if c.subcommands
    ]
    options = [
        (_q(c.key), f"echo {words([n for o in c.options for n in o.names])}")
        for c in cmds
        if c.options
    ]
    value_opts = [(_q(c.key), f"echo {words(value_names(c))}") for c in cmds if value_names(c)]
    values: list[tuple[str, str]] = []
    for c in cmds:
        for o in c.options:
            if o.takes_value:
                kind = f"@{o.values}" if isinstance(o.values, str) else words(o.values)
                kind = kind or "@none"
                pattern = "|".join(_q(f"{c.key} {n}") for n in o.names)
                values.append((pattern, f'echo "{kind}"'))
    arguments: list[tuple[str, str]] = []
    for c in cmds:
        for i, arg in enumerate(c.args, start=1):
            if arg.variadic and arg.kind != "command":
                arguments.append((f'"{c.key} "*', f"echo @{arg.kind}"))
                break
            arguments.append((_q(f"{c.key} {i}"), f"echo @{arg.kind}"))
            if arg.variadic:  # a program name, then its own arguments: files
                arguments.append((f'"{c.key} "*', "echo @file"))
    ends = [(_q(c.key), "return 0") for c in cmds if c.options_end_at_argument]
    parts = [
        "# bash completion for hutch(1)  -*- shell-script -*-\n"
        f"# {HEADER}.\n"
        "# Install: source it, or copy it to /usr/share/bash-completion/completions/hutch.",
        _bash_case(
            "_hutch_subcommands",
            'Subcommands of a command path ("" is hutch).',
            '"$1"',
            subcommands,
        ),
        _bash_case(
            "_hutch_options", "Options of a command path (--help is everywhere).", '"$1"', options
        ),
        _bash_case("_hutch_value_options", "Options that take a value.", '"$1"', value_opts),
        _bash_case(
            "_hutch_option_values",
            "What an option's value completes: @dir, @file, @pod, @secret, @container, "
            "@namespace, @ipc-namespace, @network, @service, @none or words.",
            '"$1 $2"',
            values,
        ),
        _bash_case(
            "_hutch_argument",
            "What argument N (from 1) completes: @image, @pod, @secret, @container, "
            "@network-name, @volume, @service, @command, @file.",
            '"$1 $2"',
            [*arguments, ("*", "echo @none")],
        ),
        _bash_case(
            "_hutch_options_end_at_argument",
            "Commands whose options end at the first argument (the rest is argv).",
            '"$1"',
            ends,
        ),
    ]
    return "\n\n".join(parts) + "\n" + BASH_MAIN
