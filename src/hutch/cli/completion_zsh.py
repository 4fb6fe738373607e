"""The zsh completion script, from the command tree (cli/completion_tree.py)."""

from __future__ import annotations

from hutch.cli.completion_tree import HEADER, Cmd, Opt


def _zsh_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("'", "'\\''")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace(":", "\\:")
    )


def _zsh_action(kind: str | tuple[str, ...]) -> str:
    if isinstance(kind, tuple):
        return f"({' '.join(kind)})" if kind else " "
    return {
        "dir": "_files -/",
        "file": "_files",
        "image": "__hutch_image_names",
        "pod": "__hutch_pod_names",
        "secret": "__hutch_secret_names",
        "container": "__hutch_container_names",
        "network-name": "__hutch_network_names",
        "volume": "__hutch_volume_names",
        "namespace": "__hutch_namespace_modes",
        "ipc-namespace": "__hutch_namespace_modes shareable none",
        "network": "__hutch_network_modes",
        "service": "__hutch_service_names",
        "command": "_command_names -e",
        "none": " ",
    }[kind]


def _zsh_option(opt: Opt) -> list[str]:
    desc = _zsh_escape(opt.help)
    value = ""
    if opt.takes_value:
        metavar = opt.names[0].lstrip("-")
        value = f":{metavar}:{_zsh_action(opt.values or 'none')}"
    repeat = "*" if opt.takes_value and opt.names[0] in ("--env", "--env-file", "--change") else ""
    if len(opt.names) == 1:
        return [f"'{repeat}{opt.names[0]}[{desc}]{value}'"]
    exclusive = f"({' '.join(opt.names)})" if not repeat else ""
    return [f"'{exclusive}{repeat}'{{{','.join(opt.names)}}}'[{desc}]{value}'"]


def _zsh_function(cmd: Cmd) -> str:
    name = "_hutch" + "".join(f"_{p}" for p in cmd.path)
    context = "-".join(("hutch", *cmd.path))
    specs: list[str] = []
    for opt in cmd.options:
        specs += _zsh_option(opt)
    specs.append("'--help[Show the help and exit]'")
    flags = "-C -S -A '-*'" if cmd.options_end_at_argument else "-C -S"
    if cmd.subcommands:
        specs += ["'1: :->command'", "'*:: :->arguments'"]
    for i, arg in enumerate(cmd.args, start=1):
        if arg.kind == "command":
            specs.append(f"'*::{arg.name}:_normal'")
        elif arg.variadic:
            specs.append(f"'*:{arg.name}:{_zsh_action(arg.kind)}'")
        else:
            specs.append(f"'{i}:{arg.name}:{_zsh_action(arg.kind)}'")
    lines = [
        f"{name}() {{",
        "    local curcontext=$curcontext state line ret=1",
        "    typeset -A opt_args",
        f"    _arguments {flags} \\",
    ]
    lines += [f"        {s} \\" for s in specs]
    lines[-1] = lines[-1].removesuffix(" \\") + " && ret=0"
    if cmd.subcommands:
        described = [f"        '{s.path[-1]}:{_zsh_escape(s.help)}'" for s in cmd.subcommands]
        lines += [
            "    case $state in",
            "    command)",
            "        local -a subcommands=(",
            *described,
            "        )",
            f"        _describe -t commands '{cmd.key or 'hutch'} command' subcommands && ret=0",
            "        ;;",
            "    arguments)",
            f'        curcontext="${{curcontext%:*:*}}:{context}-$words[1]:"',
            f"        _call_function ret {name}_$words[1]",
            "        ;;",
            "    esac",
        ]
    lines += ["    return ret", "}"]
    return "\n".join(lines)


ZSH_IMAGES = r"""
# Image names, from the binary and storage flags of the command line (set by _hutch).
__hutch_image_names() {
    local -a images hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    images=(${(f)"$(_call_program images $hutch images --format '{{.Repository}}:{{.Tag}}' \
        2>/dev/null)"})
    images=(${images:#*\<none\>*})
    _wanted images expl image compadd -a images
}

# Pod names (hutch pod ps), the same way.
__hutch_pod_names() {
    local -a pods hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    pods=(${(f)"$(_call_program pods $hutch pod ps --format '{{.Name}}' 2>/dev/null)"})
    _wanted pods expl pod compadd -a pods
}

# Secret names (hutch secret ls), the same way.
__hutch_secret_names() {
    local -a secrets hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    secrets=(${(f)"$(_call_program secrets $hutch secret ls --format '{{.Name}}' 2>/dev/null)"})
    _wanted secrets expl secret compadd -a secrets
}

# Container names (hutch ps -a), the same way.
__hutch_container_names() {
    local -a names hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    names=(${(f)"$(_call_program containers $hutch ps -a --format '{{.Names}}' 2>/dev/null)"})
    _wanted containers expl container compadd -a names
}

# The user's networks and volumes, the same way.
__hutch_network_names() {
    local -a nets hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    nets=(${(f)"$(_call_program networks $hutch network ls --format '{{.Name}}' 2>/dev/null)"})
    _wanted networks expl network compadd -a nets
}

__hutch_volume_names() {
    local -a vols hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    vols=(${(f)"$(_call_program volumes $hutch volume ls --format '{{.Name}}' 2>/dev/null)"})
    _wanted volumes expl volume compadd -a vols
}

# A namespace mode: private, host, ns:PATH, container:NAME (and the words given).
__hutch_namespace_modes() {
    local -a names modes=(private host ns: "$@") hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    names=(${(f)"$(_call_program containers $hutch ps -a --format '{{.Names}}' 2>/dev/null)"})
    modes+=(${names/#/container:})
    _wanted modes expl mode compadd -a modes
}

# A --network: a mode, the user's networks or container:NAME.
__hutch_network_modes() {
    local -a nets hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    nets=(${(f)"$(_call_program networks $hutch network ls --format '{{.Name}}' 2>/dev/null)"})
    __hutch_namespace_modes bridge slirp4netns pasta none $nets
}

# The services of the compose project (hutch compose OPTIONS config --services), the one
# compose's -f, -p, --project-directory, --env-file and --profile choose (set by _hutch_compose).
__hutch_service_names() {
    local -a services hutch=(${_hutch_bin:-hutch} $_hutch_storage)
    services=(${(f)"$(_call_program services $hutch compose $_hutch_project config --services \
        2>/dev/null)"})
    _wanted services expl service compadd -a services
}
"""


ZSH_PROJECT = """\
    local -a _hutch_project
    local _hutch_o
    for _hutch_o in -f --file -p --project-name --project-directory --env-file --profile; do
        [[ -n $opt_args[$_hutch_o] ]] &&
            _hutch_project+=($_hutch_o ${${(Q)opt_args[$_hutch_o]}/#\\~\\//$HOME/})
    done
"""


ZSH_STORAGE = """\
    local -a _hutch_storage
    [[ -n $opt_args[--root] ]] && _hutch_storage+=(--root $opt_args[--root])
    [[ -n $opt_args[--runroot] ]] && _hutch_storage+=(--runroot $opt_args[--runroot])
"""


def render_zsh(tree: Cmd) -> str:
    functions = [_zsh_function(c) for c in tree.walk()]
    # The top-level function remembers the binary for _hutch_images.
    functions[0] = functions[0].replace(
        "    local curcontext", "    local _hutch_bin=$words[1]\n    local curcontext", 1
    )
    functions[0] = functions[0].replace("    case $state in", ZSH_STORAGE + "    case $state in", 1)
    # compose's own options, for the service names its subcommands complete
    for i, cmd in enumerate(tree.walk()):
        if cmd.path == ("compose",):
            state = "    case $state in"
            functions[i] = functions[i].replace(state, ZSH_PROJECT + state)
    return "\n".join(
        [
            "#compdef hutch",
            "# zsh completion for hutch(1)",
            f"# {HEADER}.",
            "# Install: copy it as _hutch into a directory of $fpath.",
            ZSH_IMAGES,
            "\n\n".join(functions),
            "",
            "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then",
            '    _hutch "$@"',
            "else",
            "    compdef _hutch hutch",
            "fi",
            "",
        ]
    )
