"""The hutch command line: builds the typer app and maps errors to exit codes.

Exceptions become exit codes in cli/exits.py, for this typer path and the
fast path (cli/fast.py) alike. Verb modules only parse, call the engine and
render.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from hutch import __version__
from hutch.api.errors import EXIT_ENGINE
from hutch.cli import build_flags, exits, globals_, lazy, pflag, words
from hutch.cli.clicknames import ClickException
from hutch.cli.state import AppState

if TYPE_CHECKING:
    from hutch.api.engine import Engine

# Every verb module, in the order of ``hutch --help``, with the typers its
# ``register`` takes: the top-level app, or the container, image, system,
# buildx, volume, network, secret or pod group.
MODULES: dict[str, tuple[str, ...]] = {
    "images": ("app", "image"),
    "import_": ("app", "image"),
    "rmi": ("app", "image"),
    "pull": ("app", "image"),
    "push": ("app", "image"),
    "search": ("app", "image"),
    "tag": ("app", "image"),
    "untag": ("app", "image"),
    "history": ("app", "image"),
    "save": ("app", "image"),
    "load": ("app", "image"),
    "login": ("app",),
    "image_prune": ("image",),
    "image_exists": ("image",),
    "image_layers": ("image",),
    "image_mount": ("image",),
    "image_trust": ("image",),
    "image_scp": ("image",),
    "manifest": ("app",),
    "artifact": ("app",),
    "run": ("app", "container"),
    "start": ("app", "container"),
    "stop": ("app", "container"),
    "kill": ("app", "container"),
    "rm": ("app", "container"),
    "wait": ("app", "container"),
    "ps": ("app", "container"),
    "logs": ("app", "container"),
    "inspect": ("app", "container"),
    "container_admin": ("app", "container"),
    "events": ("app",),
    "cp": ("app", "container"),
    "container_mount": ("app", "container"),
    "diff": ("app", "container"),
    "commit": ("app", "container"),
    "export": ("app", "container"),
    "cleanup": ("container",),
    "checkpoint": ("container",),
    "runlabel": ("container",),
    "exec": ("app", "container"),
    "attach": ("app", "container"),
    "top": ("app", "container"),
    "pause": ("app", "container"),
    "healthcheck": ("app",),
    "update": ("app", "container"),
    "stats": ("app", "container"),
    "build": ("app", "image", "buildx"),
    "volume_create": ("volume",),
    "volume_ls": ("volume",),
    "volume_inspect": ("volume",),
    "volume_rm": ("volume",),
    "volume_prune": ("volume",),
    "volume_exists": ("volume",),
    "volume_export": ("volume",),
    "volume_import": ("volume",),
    "volume_mount": ("volume",),
    "network_create": ("network",),
    "network_ls": ("network",),
    "network_inspect": ("network",),
    "network_rm": ("network",),
    "network_prune": ("network",),
    "network_connect": ("network",),
    "network_disconnect": ("network",),
    "network_exists": ("network",),
    "network_reload": ("network",),
    "network_update": ("network",),
    "secret_create": ("secret",),
    "secret_ls": ("secret",),
    "secret_inspect": ("secret",),
    "secret_rm": ("secret",),
    "secret_exists": ("secret",),
    "pod_create": ("pod",),
    "pod_ls": ("pod",),
    "pod_inspect": ("pod",),
    "pod_lifecycle": ("pod",),
    "pod_rm": ("pod",),
    "pod_prune": ("pod",),
    "pod_top": ("pod",),
    "pod_logs": ("pod",),
    "pod_stats": ("pod",),
    "pod_clone": ("pod",),
    "pod_exists": ("pod",),
    "port": ("app", "container"),
    "info": ("app", "system"),
    "unshare": ("app",),
    "completion": ("app",),
    "system": ("system",),
    "system_check": ("system",),
    "system_df": ("system",),
    "system_prune": ("system",),
    "quadlet": ("app",),
    "auto_update": ("app",),
    "compose": ("app",),
    "generate": ("app",),
    "kube": ("app",),
    "refused": ("app",),
}

# A top-level verb → the one module that registers it. ``hutch ps`` imports
# only cli/ps.py instead of every verb module (about 20 ms of each start);
# A group whose verbs have modules of their own (``hutch volume ls``) imports
# that group's modules only; listings, other groups and unknown words import
# them all.
# tests/unit/cli/test_cli_app_modules.py checks this table against MODULES.
VERBS: dict[str, str] = {
    "artifact": "artifact",
    "attach": "attach",
    "auto-update": "auto_update",
    "build": "build",
    "commit": "commit",
    "completion": "completion",
    "compose": "compose",
    "cp": "cp",
    "create": "run",
    "diff": "diff",
    "events": "events",
    "exec": "exec",
    "export": "export",
    "farm": "refused",
    "generate": "generate",
    "healthcheck": "healthcheck",
    "history": "history",
    "images": "images",
    "import": "import_",
    "info": "info",
    "init": "container_admin",
    "inspect": "inspect",
    "kill": "kill",
    "kube": "kube",
    "load": "load",
    "login": "login",
    "logout": "login",
    "logs": "logs",
    "machine": "refused",
    "manifest": "manifest",
    "mount": "container_mount",
    "pause": "pause",
    "play": "kube",
    "port": "port",
    "ps": "ps",
    "pull": "pull",
    "push": "push",
    "quadlet": "quadlet",
    "rename": "container_admin",
    "restart": "stop",
    "rm": "rm",
    "rmi": "rmi",
    "run": "run",
    "save": "save",
    "search": "search",
    "start": "start",
    "stats": "stats",
    "stop": "stop",
    "tag": "tag",
    "top": "top",
    "unpause": "pause",
    "umount": "container_mount",
    "unmount": "container_mount",
    "unshare": "unshare",
    "untag": "untag",
    "update": "update",
    "wait": "wait",
}

CONTEXT = {"help_option_names": ["--help"]}


def build_app(
    engine: Engine | None = None,
    only: Sequence[str] | None = None,
    argv: Sequence[str] = (),
) -> typer.Typer:
    """The typer app; ``engine`` replaces the local one (tests, the REST API).

    ``only`` names the verb modules to register (default: all of MODULES);
    ``argv`` is the command line, which ``run`` records for ``generate systemd --new``.
    """
    app = typer.Typer(
        name="hutch",
        help="Rootless, daemonless containers: build, pull, run.",
        no_args_is_help=True,
        add_completion=False,
        context_settings=CONTEXT,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )

    @app.callback(invoke_without_command=True)
    def main_options(
        ctx: typer.Context,
        root: Annotated[
            str | None,
            typer.Option("--root", help="Storage root directory (default ~/.local/share/hutch)."),
        ] = None,
        runroot: Annotated[
            str | None, typer.Option("--runroot", help="Runtime state directory.")
        ] = None,
        log_level: Annotated[
            str,
            typer.Option(
                "--log-level",
                help="Log level: trace, debug, info, warn, warning, error, fatal, panic.",
            ),
        ] = "warn",
        storage_driver: Annotated[
            str | None,
            typer.Option("--storage-driver", help="Storage driver (overlay, fuse-overlayfs, vfs)."),
        ] = None,
        storage_opt: Annotated[
            list[str] | None,
            typer.Option("--storage-opt", help='Storage driver option (only "" is accepted).'),
        ] = None,
        tmpdir: Annotated[
            str | None,
            typer.Option("--tmpdir", help="Directory for hutch's temporary files (TMPDIR)."),
        ] = None,
        cgroup_manager: Annotated[
            str | None,
            typer.Option("--cgroup-manager", help="Cgroup manager: cgroupfs or systemd."),
        ] = None,
        events_backend: Annotated[
            str | None,
            typer.Option(
                "--events-backend", help="Where events go: file, journald (the file) or none."
            ),
        ] = None,
        module: Annotated[
            list[str] | None,
            typer.Option(
                "--module",
                help="Load a containers.conf module (a NAME in the modules dirs, or a PATH).",
            ),
        ] = None,
        noout: Annotated[
            bool, typer.Option("--noout", help="Send hutch's own output to /dev/null.")
        ] = False,
        out: Annotated[
            str | None,
            typer.Option("--out", help="Write hutch's own output to FILE (not containers')."),
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", help="Refused: hutch has no remote mode.")
        ] = None,
        connection: Annotated[
            str | None,
            typer.Option("--connection", "-c", help="Refused: hutch has no remote mode."),
        ] = None,
        remote: Annotated[
            bool, typer.Option("--remote", "-r", help="Refused: hutch has no remote mode.")
        ] = False,
        identity: Annotated[
            str | None, typer.Option("--identity", help="Refused: hutch has no remote mode.")
        ] = None,
        ssh: Annotated[
            str | None, typer.Option("--ssh", help="Refused: hutch has no remote mode.")
        ] = None,
        runtime: Annotated[
            str | None,
            typer.Option("--runtime", help="Accepted: hutch's runtime is built in (warns)."),
        ] = None,
        runtime_flag: build_flags.RuntimeFlags = None,  # build's declaration, one place
        conmon: Annotated[
            str | None,
            typer.Option("--conmon", help="Accepted: hutch's monitor is built in (warns)."),
        ] = None,
        hooks_dir: build_flags.HooksDirs = None,
        syslog: Annotated[
            bool,
            typer.Option("--syslog", help="Accepted: hutch's messages go to stderr only."),
        ] = False,
        namespace: Annotated[
            str | None,
            typer.Option("--namespace", help="Refused: no libpod namespaces (use --root)."),
        ] = None,
        network_config_dir: Annotated[
            str | None,
            typer.Option("--network-config-dir", help="Refused: networks live in the store."),
        ] = None,
        network_cmd_path: Annotated[
            str | None,
            typer.Option("--network-cmd-path", help="Refused: slirp4netns is found on PATH."),
        ] = None,
        volumepath: Annotated[
            str | None,
            typer.Option("--volumepath", help="Refused: volumes live in the store."),
        ] = None,
        version: Annotated[
            bool, typer.Option("--version", "-v", help="Print the version and exit.")
        ] = False,
    ) -> None:
        if version:
            print(f"hutch version {__version__}")
            raise typer.Exit(0)
        globals_.check_log_level(log_level)
        globals_.refuse_remote(
            url=url, connection=connection, remote=remote, identity=identity, ssh=ssh
        )
        globals_.refuse_moved_data(
            {
                "--namespace": namespace,
                "--network-config-dir": network_config_dir,
                "--network-cmd-path": network_cmd_path,
                "--volumepath": volumepath,
            }
        )
        del syslog  # hutch writes no log of its own: its warnings and errors go to stderr
        globals_.warn_builtin_parts(
            runtime=runtime, runtime_flags=runtime_flag or (), conmon=conmon
        )
        globals_.warn_hooks_dirs(hooks_dir)
        globals_.check_storage_opts(storage_opt or ())
        if tmpdir is not None:
            globals_.use_tmpdir(tmpdir)
        if noout or out is not None:
            globals_.redirect_stdout(os.devnull if noout else str(out))
        ctx.obj = AppState(
            root=root,
            runroot=runroot,
            log_level=log_level,
            storage_driver=storage_driver,
            cgroup_manager=cgroup_manager,
            events_backend=events_backend,
            _engine=engine,
            modules=tuple(module or ()),
            argv=tuple(argv),
        )

    image_app = _group("Manage images.")
    system_app = _group("Manage hutch itself.")
    container_app = _group("Manage containers.")
    volume_app = _group("Manage volumes.")
    network_app = _group("Manage networks.")
    pod_app = _group("Manage pods.")
    secret_app = _group("Manage secrets.")
    buildx_app = _group("Build images (docker buildx compatibility).")
    apps = {
        "app": app,
        "image": image_app,
        "container": container_app,
        "system": system_app,
        "buildx": buildx_app,
        "volume": volume_app,
        "network": network_app,
        "pod": pod_app,
        "secret": secret_app,
    }
    added: set[str] = set()
    for name in MODULES if only is None else only:
        module = importlib.import_module(f"hutch.cli.{name}")
        for group in GROUPS_WITH_MODULES:
            # A group of verb modules joins the app with its first module: the
            # place (and the presence) ``hutch --help`` had for it.
            if MODULES[name] == (group,) and group not in added:
                app.add_typer(apps[group], name=group)
                added.add(group)
        module.register(*(apps[group] for group in MODULES[name]))

    @app.command("version", help="Show the hutch version.")
    def version_cmd(
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="json, or a Go template (.Client, .Server)."),
        ] = None,
    ) -> None:
        from hutch.cli import version_render

        print(version_render.text(fmt, __version__), end="")

    @app.command("help", help="Help about any command.")
    def help_cmd(
        ctx: typer.Context, words: Annotated[list[str] | None, typer.Argument()] = None
    ) -> None:
        # main() turns ``help WORDS`` into ``WORDS --help`` before click runs:
        # this command is reached only without main() (tests, the listing).
        print(ctx.find_root().get_help())

    app.add_typer(container_app, name="container")
    app.add_typer(image_app, name="image")
    app.add_typer(system_app, name="system")
    app.add_typer(buildx_app, name="buildx")
    return app


GROUPS_WITH_MODULES = ("volume", "network", "secret", "pod")


def _modules_for(word: str | None, rest: Sequence[str] = ()) -> Sequence[str] | None:
    """The verb modules ``hutch WORD ...`` needs (None: all of them)."""
    if word in VERBS:
        return (VERBS[word],)
    if word == "system" and words.first_word(rest)[0] in ("service", "reset"):
        # Started on demand by socket activation: its start-up is the first
        # client's wait, so it loads its own module only; reset, as scripts and
        # test suites run it between runs.
        return ("system",)
    if word in GROUPS_WITH_MODULES:
        return [m for m, groups in MODULES.items() if groups == (word,)]
    return None


def _group(help_text: str) -> typer.Typer:
    """A command group: help without arguments, hutch's context settings."""
    return typer.Typer(
        help=help_text, no_args_is_help=True, context_settings=CONTEXT, rich_markup_mode=None
    )


def main(argv: list[str] | None = None, *, engine: Engine | None = None) -> None:
    """``hutch ARGV`` through typer always (the entry point, cli/main.py, tries the fast path)."""
    run_typer(words.help_words(sys.argv[1:] if argv is None else list(argv)), engine)


def run_typer(args: list[str], engine: Engine | None = None) -> None:
    """``hutch ARGS`` (``help`` words already turned into ``--help``) through typer."""
    word, rest = words.first_word(args)
    app = build_app(engine, _modules_for(word, rest), args)
    lazy.prune(app, args)
    command = typer.main.get_command(app)
    try:
        # make_context + invoke, not click's main(): main turns a broken pipe
        # (``hutch export C | head``) into exit 1, before exits.code_of could
        # stop quietly with 141 as a program killed by SIGPIPE does (podman).
        with command.make_context("hutch", pflag.prepare(command, args)) as context:
            result = command.invoke(context)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, EOFError):
        sys.exit(EXIT_ENGINE)
    except ClickException as exc:
        from hutch.cli import usage

        group = usage.group_without_command(exc)
        if group is not None:  # podman's: the group's help on stdout, then the error
            help_text, text = group
            print(help_text)
            sys.stdout.flush()
            exits.error(text, None, as_json=exits.compose_json(args, os.environ))
            sys.exit(EXIT_ENGINE)
        text = usage.message(exc, command, args)
        exits.error(text, None, as_json=exits.compose_json(args, os.environ))
        sys.exit(EXIT_ENGINE)
    except Exception as exc:
        sys.exit(exits.code_of(exc, args))
    except KeyboardInterrupt as exc:
        sys.exit(exits.code_of(exc, args))
    sys.exit(result if isinstance(result, int) else 0)


help_words = words.help_words
