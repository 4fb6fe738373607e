"""The fast path's table (cli/fastspec.py), derived from the typer app.

typer stays the one definition of the command line: for each verb of
``FAST_VERBS`` this reads the click command typer builds (option names, which
take a value, which are switches, repeatable, int or text, defaults,
positional arguments) and writes it as plain data; ``hutch --help`` is
rendered once as click prints it on a terminal of 80 columns or more.
contrib/gen-completions.py writes the module with the completions, and a unit
test (tests/unit/cli/test_cli_fast.py) fails when it is stale, so a changed
option shows up there, not as a silent difference between the two paths.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any

from hutch.cli.clicknames import Command

# The verbs the fast path takes: verb -> (module in hutch.cli, its typer-free body).
# A body takes the AppState and the same keyword values as the typer callback.
FAST_VERBS: dict[str, tuple[str, str]] = {
    "ps": ("ps", "ps_command"),
    "images": ("images", "images_command"),
    "run": ("run", "run_command"),
    "create": ("run", "create_command"),
    "stop": ("stop", "stop_command"),
    "rm": ("rm", "rm_command"),
    "exec": ("exec", "exec_command"),
    "pod create": ("pod_create", "pod_create_command"),
    "pod rm": ("pod_rm", "pod_rm_command"),
    # socket activation: the service's start-up is its first client's wait
    "system service": ("system_service", "service_command"),
    # a cached build is mostly start-up (issue 16)
    "build": ("build", "build_command"),
    # scripts and test suites reset between runs
    "system reset": ("system_reset", "reset_command"),
    # scripts read one field of an object at a time: the commonest query there is
    "inspect": ("inspect", "inspect_command"),
    "container inspect": ("inspect", "container_inspect_command"),
    # the other everyday verbs on containers, and what scripts and units run most
    "start": ("start", "start_command"),
    "container start": ("start", "start_command"),
    "kill": ("kill", "kill_command"),
    "container kill": ("kill", "kill_command"),
    "wait": ("wait", "wait_command"),
    "container wait": ("wait", "wait_command"),
    "logs": ("logs", "logs_command"),
    "container logs": ("logs", "logs_command"),
    "rmi": ("rmi", "rmi_command"),
    "image rm": ("rmi", "rmi_command"),
    "image inspect": ("rmi", "inspect_command"),
    "image exists": ("image_exists", "exists_command"),
    "pod inspect": ("pod_inspect", "inspect_command"),
    "pod exists": ("pod_exists", "exists_command"),
    "network inspect": ("network_inspect", "inspect_command"),
    "network exists": ("network_exists", "exists_command"),
    "volume inspect": ("volume_inspect", "inspect_command"),
    "volume exists": ("volume_exists", "exists_command"),
    "container exists": ("container_exists", "exists_command"),
    "volume ls": ("volume_ls", "ls_command"),
    "volume list": ("volume_ls", "ls_command"),
    "network ls": ("network_ls", "ls_command"),
    "network list": ("network_ls", "ls_command"),
    "port": ("port", "port_command"),
    "container port": ("port", "port_command"),
    "top": ("top", "top_command"),
    "container top": ("top", "top_command"),
    "stats": ("stats", "stats_command"),
    "container stats": ("stats", "stats_command"),
    "pod ps": ("pod_ls", "ps_command"),
    "pod ls": ("pod_ls", "ps_command"),
    "import": ("import_", "import_command"),
    "image import": ("import_", "import_command"),
    "volume create": ("volume_create", "create_command"),
    "network create": ("network_create", "create_command"),
    # a group with options of its own: the body takes them as ``group`` (cli/fast.py)
    "compose ps": ("compose_ps", "ps_command"),
    "compose ls": ("compose_ls", "ls_command"),
    "compose config": ("compose_config", "config_command"),
    "compose port": ("compose_views", "port_command"),
    "compose top": ("compose_views", "top_command"),
    "compose images": ("compose_views", "images_command"),
}
# The groups whose own options come before their command word (``compose -f F ps``):
# the fast path parses them as click does a group's, and passes them as ``group``.
FAST_GROUPS = ("compose",)
OUTPUT = "src/hutch/cli/fastspec.py"
# click wraps help to min(terminal columns, 80) - 2: from 80 columns on it is this text
HELP_COLUMNS = 80

# The click parameter types the fast path converts itself, by class name.
_KINDS = {"StringParamType": "str", "IntParamType": "int", "FloatParamType": "float"}


def top_help() -> str:
    """``hutch --help`` as typer prints it at HELP_COLUMNS or more."""
    from hutch.cli.app import run_typer

    out = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(HELP_COLUMNS)
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            run_typer(["--help"])
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue()


def verb_command(verb: str) -> Command:
    """The click command typer builds for ``hutch VERB`` (``VERB`` may be a group's
    command: ``system service``; or a group itself: ``compose``)."""
    import typer.main

    from hutch.cli import app as cli_app
    from hutch.cli import lazy

    words = verb.split()
    modules = cli_app._modules_for(words[0], words[1:])  # None: a group of every module's
    app = cli_app.build_app(only=None if modules is None else tuple(modules))
    lazy.prune(app, words if len(words) > 1 else [*words, "--help"])
    found: Any = typer.main.get_command(app)
    for word in words:
        found = found.commands[word]
    command: Command = found
    return command


def _kind(param: Any) -> str | None:
    """The fast path's kind of a parameter's type: str, int, float, uint (click's IntRange
    from 0 with no top: pflag's unsigned flags), else None."""
    name = type(param.type).__name__
    if name == "IntRange":
        bounds = (param.type.min, param.type.max, param.type.min_open, param.type.clamp)
        return "uint" if bounds == (0, None, False, False) else None
    return _KINDS.get(name)


def verb_spec(command: Command) -> dict[str, Any]:
    """The parse table of one click command (see cli/fast.py for its shape)."""
    # options taken bare as a value (build's --pull: always), never with the next word
    bare: dict[str, str] = getattr(command, "bare_values", {})
    options: dict[str, tuple[str, str, Any]] = {}
    defaults: dict[str, Any] = {}
    arguments: list[tuple[str, int, bool, str]] = []
    for param in command.params:
        key = param.name
        assert key is not None
        if param.param_type_name == "argument":
            kind = _kind(param)
            if kind is None:
                raise ValueError(f"{command.name} {key}: no fast path for {param.type!r}")
            arguments.append((key, param.nargs, param.required, kind))
            defaults[key] = None
            continue
        defaults[key] = param.default
        flag = getattr(param, "is_bool_flag", False)
        if flag:
            off = param.secondary_opts[0] if param.secondary_opts else ""
            for name in param.opts:
                options[name] = (key, "flag", (True, off))
            for name in param.secondary_opts:
                options[name] = (key, "flag", (False, None))
            continue
        kind = _kind(param)
        if kind is None or getattr(param, "is_flag", False) or getattr(param, "count", False):
            raise ValueError(f"{command.name} {param.opts}: no fast path for {param.type!r}")
        if getattr(param, "multiple", False):
            kind = "list"
        for name in (*param.opts, *param.secondary_opts):
            options[name] = (key, kind, bare.get(name))
    interspersed = command.context_settings.get(
        "allow_interspersed_args", command.allow_interspersed_args
    )
    return {
        "options": options,
        "defaults": defaults,
        "arguments": tuple(arguments),
        "interspersed": bool(interspersed),
    }


def render() -> str:
    """The text of cli/fastspec.py."""
    verbs = {
        verb: (module, function, verb_spec(verb_command(verb)))
        for verb, (module, function) in FAST_VERBS.items()
    }
    groups = {word: verb_spec(verb_command(word)) for word in FAST_GROUPS}
    lines = [
        '"""Generated by contrib/gen-completions.py from hutch\'s command tree: do not edit.',
        "",
        "The fast path's table (cli/fast.py, cli/fastgen.py): ``hutch --help`` as click",
        "prints it from 80 columns on, and the options of the verbs it runs without typer.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "TYPE_CHECKING = False  # no typing import on the fast path",
        "if TYPE_CHECKING:",
        "    from typing import Any",
        "",
        f"HELP_COLUMNS = {HELP_COLUMNS}",
        f"HELP = {top_help()!r}",
        "",
        "# verb -> (module, body, {options, defaults, arguments, interspersed})",
        "VERBS: dict[str, tuple[str, str, dict[str, Any]]] = {",
    ]
    for verb, (module, function, spec) in verbs.items():
        lines.append(f"    {verb!r}: ({module!r}, {function!r}, {{")
        for field, value in spec.items():
            lines.append(f"        {field!r}: {value!r},")
        lines.append("    }),")
    lines.append("}")
    lines.append("")
    lines.append("# group -> its own options, before its command word (same shape as a verb's)")
    lines.append("GROUPS: dict[str, dict[str, Any]] = {")
    for word, spec in groups.items():
        lines.append(f"    {word!r}: {{")
        for field, value in spec.items():
            lines.append(f"        {field!r}: {value!r},")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"
