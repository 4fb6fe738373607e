"""The fish completion script, from the command tree (cli/completion_tree.py)."""

from __future__ import annotations

from hutch.cli.completion_tree import HEADER, Arg, Cmd, Opt, value_names, words

FISH_HELPERS = r"""
# The command path typed so far ("", "run", "image rm"), a space, and how many
# positional arguments follow it.
function __hutch_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    set -l nargs 0
    set -l value_of 0
    for t in $tokens
        if test $value_of = 1
            set value_of 0
        else if test $nargs -gt 0; and contains -- "$path" (__hutch_options_end_at_argument)
            set nargs (math $nargs + 1)
        else if string match -qr -- '^-[^=]+$' $t
            contains -- $t (__hutch_value_options "$path"); and set value_of 1
        else if string match -q -- '-*' $t
            continue
        else if test $nargs = 0; and contains -- $t (__hutch_subcommands "$path")
            set path (string trim -- "$path $t")
        else
            set nargs (math $nargs + 1)
        end
    end
    echo "$path" $nargs
end

# True when the command line is at PATH, where its options may still be given.
function __hutch_at
    set -l state (string split -r -m1 ' ' -- (__hutch_state))
    test "$state[1]" = "$argv[1]"; or return 1
    test $state[2] = 0; or not contains -- "$argv[1]" (__hutch_options_end_at_argument)
end

# True when the next positional argument of PATH is number N (from 1), or N or later (N+).
function __hutch_arg
    set -l state (string split -r -m1 ' ' -- (__hutch_state))
    test "$state[1]" = "$argv[1]"; or return 1
    set -l next (math $state[2] + 1)
    if string match -q -- '*+' $argv[2]
        test $next -ge (string trim -c + -- $argv[2])
    else
        test $next = $argv[2]
    end
end

function __hutch_image_names
    set -l cmd (commandline -opc)[1]
    $cmd images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | string match -v -- '*<none>*'
end

function __hutch_pod_names
    set -l cmd (commandline -opc)[1]
    $cmd pod ps --format '{{.Name}}' 2>/dev/null
end

function __hutch_secret_names
    set -l cmd (commandline -opc)[1]
    $cmd secret ls --format '{{.Name}}' 2>/dev/null
end

function __hutch_container_names
    set -l cmd (commandline -opc)[1]
    $cmd ps -a --format '{{.Names}}' 2>/dev/null
end

function __hutch_network_names
    set -l cmd (commandline -opc)[1]
    $cmd network ls --format '{{.Name}}' 2>/dev/null
end

function __hutch_volume_names
    set -l cmd (commandline -opc)[1]
    $cmd volume ls --format '{{.Name}}' 2>/dev/null
end

# A namespace mode (private, host, ns:, container:NAME) and the words given
function __hutch_namespace_modes
    printf '%s\n' private host ns: $argv
    __hutch_container_names | string replace -r '^' container:
end

function __hutch_network_modes
    set -l cmd (commandline -opc)[1]
    set -l nets ($cmd network ls --format '{{.Name}}' 2>/dev/null)
    __hutch_namespace_modes bridge slirp4netns pasta none $nets
end

# The project's services: compose's -f, -p, --project-directory, --env-file and
# --profile typed before the subcommand choose the project, as they will when it runs.
function __hutch_service_names
    set -l tokens (commandline -opc)
    set -l project
    set -l seen 0
    set -l take 0
    for t in $tokens[2..-1]
        if test $take = 1
            set -a project (string replace -r -- '^~/' "$HOME/" $t)
            set take 0
        else if test $seen = 0
            test "$t" = compose; and set seen 1
        else if contains -- $t -f --file -p --project-name --project-directory --env-file --profile
            set -a project $t
            set take 1
        else if string match -qr -- '^--(file|project-name|project-directory|env-file|profile)=' $t
            set -a project $t
        else if not string match -q -- '-*' $t
            break
        end
    end
    $tokens[1] compose $project config --services 2>/dev/null
end
"""


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_switch(name: str, doc: str, rows: list[tuple[str, list[str]]]) -> str:
    lines = [f"# {doc}", f"function {name}", '    switch "$argv[1]"']
    for key, items in rows:
        lines += [f"        case {_fish_quote(key)}", f"            printf '%s\\n' {words(items)}"]
    lines += ["    end", "end"]
    return "\n".join(lines)


def _fish_option(cmd: Cmd, opt: Opt) -> str:
    parts = ["complete -c hutch", f"-n \"__hutch_at '{cmd.key}'\""]
    for n in opt.names:
        parts.append(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}")
    if opt.takes_value:
        if opt.values == "file":
            parts.append("-r -F")
        elif opt.values == "dir":
            parts.append("-x -a '(__fish_complete_directories)'")
        elif opt.values == "pod":
            parts.append("-x -a '(__hutch_pod_names)'")
        elif opt.values == "secret":
            parts.append("-x -a '(__hutch_secret_names)'")
        elif opt.values == "container":
            parts.append("-x -a '(__hutch_container_names)'")
        elif opt.values == "namespace":
            parts.append("-x -a '(__hutch_namespace_modes)'")
        elif opt.values == "ipc-namespace":
            parts.append("-x -a '(__hutch_namespace_modes shareable none)'")
        elif opt.values == "network":
            parts.append("-x -a '(__hutch_network_modes)'")
        elif opt.values == "service":
            parts.append("-x -a '(__hutch_service_names)'")
        elif isinstance(opt.values, tuple):
            parts.append("-x")
            if opt.values:
                parts.append(f"-a {_fish_quote(words(opt.values))}")
    if opt.help:  # none with --no-desc
        parts.append(f"-d {_fish_quote(opt.help)}")
    return " ".join(parts)


def _fish_arg(cmd: Cmd, index: int, arg: Arg) -> list[str]:
    action = {
        "image": "-f -a '(__hutch_image_names)'",
        "pod": "-f -a '(__hutch_pod_names)'",
        "secret": "-f -a '(__hutch_secret_names)'",
        "container": "-f -a '(__hutch_container_names)'",
        "network-name": "-f -a '(__hutch_network_names)'",
        "volume": "-f -a '(__hutch_volume_names)'",
        "service": "-f -a '(__hutch_service_names)'",
        "command": "-f -a '(__fish_complete_command)'",
        "file": "-F",
        "none": "-f",
    }[arg.kind]
    at = f"{index}+" if arg.variadic else str(index)
    cond = f"\"__hutch_arg '{cmd.key}' {at}\""
    lines = [f"complete -c hutch -n {cond} {action}"]
    if arg.kind == "command":  # then the program's own arguments: files
        after = f"\"__hutch_arg '{cmd.key}' {index + 1}+\""
        lines = [lines[0].replace(f' {at}"', f' {index}"'), f"complete -c hutch -n {after} -F"]
    return lines


def render_fish(tree: Cmd) -> str:
    cmds = tree.walk()
    lines = [
        "# fish completion for hutch(1)",
        f"# {HEADER}.",
        "# Install: copy it to ~/.config/fish/completions/hutch.fish.",
        "",
        _fish_switch(
            "__hutch_subcommands",
            'Subcommands of a command path ("" is hutch).',
            [(c.key, [s.path[-1] for s in c.subcommands]) for c in cmds if c.subcommands],
        ),
        "",
        _fish_switch(
            "__hutch_value_options",
            "Options that take a value.",
            [(c.key, value_names(c)) for c in cmds if value_names(c)],
        ),
        "",
        "# Commands whose options end at the first argument (the rest is argv).",
        "function __hutch_options_end_at_argument",
        f"    printf '%s\\n' {words([c.key for c in cmds if c.options_end_at_argument])}",
        "end",
        FISH_HELPERS,
        "complete -c hutch -f",
    ]
    for cmd in cmds:
        lines += ["", f"# hutch {cmd.key}".rstrip()]
        at = f"\"__hutch_at '{cmd.key}'\""
        for sub in cmd.subcommands:
            desc = f" -d {_fish_quote(sub.help)}" if sub.help else ""
            lines.append(f"complete -c hutch -n {at} -a {sub.path[-1]}{desc}")
        lines += [_fish_option(cmd, o) for o in cmd.options]
        lines.append(f"complete -c hutch -n {at} -l help -d 'Show the help and exit'")
        for i, arg in enumerate(cmd.args, start=1):
            lines += _fish_arg(cmd, i, arg)
    return "\n".join(lines) + "\n"
