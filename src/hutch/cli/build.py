"""``hutch build`` (also ``hutch buildx build`` and ``hutch image build``).

``build_command`` does the work: the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values (a cached build
is mostly start-up: typer's import and its click command were about a third of
it). No ``from __future__ import annotations`` (as in cli/run.py): register's
typer annotations are evaluated inside register, which imports typer.
"""

import os
import sys

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    import typer

    from hutch.cli.state import AppState

# Flags that podman accepts bare or with ``=VALUE`` (pflag's NoOptDefVal) and
# that take other words than true and false (the switches, --layers and
# --tls-verify, take =true|false through cli/pflag.py): bare, they mean this
# value; a following word is never taken as their value. The fast path's table
# carries them too (cli/fastgen.py reads the command's ``bare_values``).
BARE_VALUES = {"--pull": "always"}


def rewrite_args(args: list[str]) -> list[str]:
    """A bare --pull as --pull=always (cli/usage.py counts the arguments of a
    refused command line through this too: ``--pull newer`` is two)."""
    rewritten: list[str] = []
    for arg in args:
        if arg == "--":
            rewritten.extend(args[len(rewritten) :])
            break
        rewritten.append(f"{arg}={BARE_VALUES[arg]}" if arg in BARE_VALUES else arg)
    return rewritten


def _default_context(context: str | None, file: str | None) -> tuple[str, str | None]:
    """The context and Containerfile when no context is given, as podman takes them:
    ``-f -`` alone is ``build -`` (stdin is the context: a tar, or a Containerfile
    with an empty context); a local -f file's directory is the context (the file then
    named by its absolute path); else the current directory."""
    if context is not None:
        return context, file
    if file == "-":
        return "-", None
    if file is None or "://" in file:
        return ".", file
    path = os.path.abspath(file)
    return os.path.dirname(path), path


def _pull_flags(pull: str, always: bool, never: bool) -> str:
    """--pull-always and --pull-never (podman's older spellings) override --pull."""
    from hutch.api.build import pull_policy

    if always and never:
        raise InvalidArgument("--pull-always and --pull-never cannot be used together")
    return "always" if always else "never" if never else pull_policy(pull)


def _check_isolation(flag: str | None, environ: "Mapping[str, str]") -> None:
    """--isolation, else $BUILDAH_ISOLATION (podman's override)."""
    from hutch.api.build import check_isolation

    check_isolation(flag if flag is not None else environ.get("BUILDAH_ISOLATION"))


def _refuse_crypto(decryption_keys: list[str] | None, sign_by: str | None) -> None:
    # refused by name rather than ignored: a build that quietly skipped them would
    # leave an unsigned image, or fail later on an encrypted base with a worse message
    if decryption_keys:
        raise InvalidArgument(
            "--decryption-key: encrypted images are not supported: hutch neither "
            "decrypts nor encrypts layers"
        )
    if sign_by is not None:
        raise InvalidArgument(
            "--sign-by: signing is not supported: hutch stores and pushes images "
            "unsigned (it keeps no signatures and no keys)"
        )


# BuildOptions' fields that take the value of the option of their name
_AS_GIVEN = (
    "target",
    "no_cache",
    "squash",
    "squash_all",
    "iidfile",
    "platform",
    "arch",
    "variant",
    "timestamp",
    "quiet",
    "logfile",
    "manifest",
    "omit_history",
    "ignorefile",
    "cache_ttl",
    "tls_verify",
    "creds",
    "authfile",
    "cert_dir",
    "retry",
    "retry_delay",
    "network",
    "no_hostname",
    "no_hosts",
    "skip_unused_stages",
    "identity_label",
    "http_proxy",
    "shm_size",
    "stdin",
    "os_version",
    "all_platforms",
    "logsplit",
)
# BuildOptions' tuple fields, by the repeatable option that fills each
_REPEATED = {
    "tags": "tag",
    "build_args": "build_arg",
    "labels": "label",
    "build_contexts": "build_context",
    "secrets": "secret",
    "ssh": "ssh",
    "add_hosts": "add_host",
    "env": "env",
    "unsetenv": "unsetenv",
    "annotations": "annotation",
    "cache_from": "cache_from",
    "cache_to": "cache_to",
    "volumes": "volume",
    "dns": "dns",
    "dns_search": "dns_search",
    "dns_options": "dns_option",
    "cap_add": "cap_add",
    "cap_drop": "cap_drop",
    "security_opts": "security_opt",
    "ulimits": "ulimit",
    "devices": "device",
    "os_features": "os_feature",
    "cpp_flags": "cpp_flag",
}


def build_command(state: "AppState", **values: "Any") -> None:
    """Build an image from a Containerfile and a context (``values``: the options by
    the names of register's parameters)."""
    from hutch.api.build import (
        BuildNamespaces,
        BuildOptions,
        BuildUserns,
        keeps_layers,
        log_path,
        parse_output,
    )
    from hutch.api.resource_options import ResourceOptions
    from hutch.cli.globals_ import warn_hooks_dirs, warn_runtime_flags

    v = values
    # accepted for podman's and docker's scripts (layers are stored uncompressed):
    # rm, force_rm, progress, compress, disable_compression, disable_content_trust
    warn_hooks_dirs(v["hooks_dir"])
    warn_runtime_flags(v["runtime_flag"])
    _refuse_crypto(v["decryption_key"], v["sign_by"])
    _check_isolation(v["isolation"], os.environ)
    jobs = v["jobs"]
    if jobs is not None and jobs < 0:
        raise InvalidArgument(f"invalid --jobs {jobs}: must be 0 or more")
    context_dir, file = _default_context(v["context"], v["file"])
    output = v["output"]
    tabled: dict[str, Any] = {field: v[field] for field in _AS_GIVEN}
    tabled.update((field, tuple(v[option] or ())) for field, option in _REPEATED.items())
    options = BuildOptions(
        context=context_dir,
        containerfile=file,
        pull=_pull_flags(v["pull"], v["pull_always"], v["pull_never"]),
        layers=keeps_layers(v["layers"], v["squash"], v["squash_all"]),
        format=v["format_"],
        os=v["os_"],
        from_image=v["from_"],
        output=output,
        userns=BuildUserns(
            v["userns"],
            tuple(v["userns_uid_map"] or ()),
            tuple(v["userns_gid_map"] or ()),
            v["userns_uid_map_user"],
            v["userns_gid_map_group"],
        ),
        resources=ResourceOptions(
            memory=v["memory"],
            memory_swap=v["memory_swap"],
            cpu_shares=v["cpu_shares"],
            cpu_period=v["cpu_period"],
            cpu_quota=v["cpu_quota"],
            cpuset_cpus=v["cpuset_cpus"],
            cpuset_mems=v["cpuset_mems"],
            cgroup_parent=v["cgroup_parent"],
        ),
        namespaces=BuildNamespaces(v["pid"], v["ipc"], v["uts"], v["cgroupns"]),
        **tabled,
    )
    if output is not None:
        parse_output(output)  # a bad value is refused before anything runs
    report = state.engine().images.build(options)
    steps_log = log_path(options)
    if steps_log is not None:
        # the id goes where the steps went, as podman writes it: stdout stays empty
        with open(steps_log, "a", encoding="utf-8") as log:
            log.write(report.id + "\n")
        return
    # -o - puts the tar on stdout: the id goes with the steps, to stderr
    to_stdout = output is not None and parse_output(output).to_stdout
    print(report.id, file=sys.stderr if to_stdout else sys.stdout)


def register(app: "typer.Typer", image_app: "typer.Typer", buildx_app: "typer.Typer") -> None:
    from typing import Annotated, Any

    import typer
    from typer.core import TyperCommand

    from hutch.cli import build_flags as bf
    from hutch.cli import flags_registry as fr

    class BuildCommand(TyperCommand):
        bare_values = BARE_VALUES  # the fast path's table reads them (cli/fastgen.py)
        rewrite_args = staticmethod(rewrite_args)

        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            return super().parse_args(ctx, rewrite_args(args))

    def build(
        ctx: typer.Context,
        context: Annotated[
            str | None,
            typer.Argument(
                help="Build context: a directory, - (stdin: a tar or a Containerfile), "
                "or a URL (a tar, a Containerfile, a git repository). Default: the "
                "directory of -f's file, else the current one.",
                show_default=False,
            ),
        ] = None,
        tag: Annotated[
            list[str] | None,
            typer.Option("--tag", "-t", help="Name the image (repeatable)."),
        ] = None,
        file: Annotated[
            str | None,
            typer.Option("--file", "-f", help="The Containerfile (- for stdin)."),
        ] = None,
        build_arg: Annotated[
            list[str] | None,
            typer.Option("--build-arg", help="Set a build argument: KEY=VALUE (repeatable)."),
        ] = None,
        target: Annotated[
            str | None, typer.Option("--target", help="Build up to this stage.")
        ] = None,
        no_cache: Annotated[
            bool, typer.Option("--no-cache", help="Do not reuse cached steps.")
        ] = False,
        pull: Annotated[
            str,
            typer.Option(
                "--pull",
                help="Pull the base images: always (bare --pull), missing, never, newer.",
            ),
        ] = "missing",
        label: Annotated[
            list[str] | None,
            typer.Option("--label", help="Add a label to the image: KEY=VALUE (repeatable)."),
        ] = None,
        layers: Annotated[
            bool | None,
            typer.Option(
                "--layers",
                help="Keep a layer and a cached image per step (default; --layers=false: not; "
                "off with --squash, and with --squash-all unless given).",
            ),
        ] = None,
        squash: Annotated[
            bool, typer.Option("--squash", help="Squash the new layers into one.")
        ] = False,
        squash_all: Annotated[
            bool,
            typer.Option("--squash-all", help="Squash all the layers, the base's too, into one."),
        ] = False,
        output: Annotated[
            str | None,
            typer.Option(
                "--output",
                "-o",
                help="Also export the files: type=local,dest=DIR, type=tar,dest=FILE, DIR or -.",
            ),
        ] = None,
        build_context: Annotated[
            list[str] | None,
            typer.Option(
                "--build-context",
                help="A named context NAME=DIR|URL|docker-image://IMAGE (repeatable).",
            ),
        ] = None,
        iidfile: Annotated[
            str | None, typer.Option("--iidfile", help="Write the image id to this file.")
        ] = None,
        format_: Annotated[
            str | None,
            typer.Option(
                "--format", help="Image format: oci (default, or $BUILDAH_FORMAT) or docker."
            ),
        ] = None,
        secret: Annotated[
            list[str] | None,
            typer.Option("--secret", help="A secret for RUN --mount=type=secret: id=ID,src=PATH."),
        ] = None,
        ssh: Annotated[
            list[str] | None,
            typer.Option(
                "--ssh",
                help="An SSH agent for RUN --mount=type=ssh: default|ID[=SOCKET|KEY[,KEY]].",
            ),
        ] = None,
        platform: Annotated[
            str | None, typer.Option("--platform", help="Target platform (the host's only).")
        ] = None,
        arch: Annotated[
            str | None,
            typer.Option("--arch", help="Target architecture (the host's only)."),
        ] = None,
        os_: Annotated[
            str | None,
            typer.Option("--os", help="Target operating system (the host's only)."),
        ] = None,
        variant: Annotated[
            str | None,
            typer.Option("--variant", help="Target architecture variant (the host's only)."),
        ] = None,
        timestamp: Annotated[
            int | None,
            typer.Option("--timestamp", help="Set every time in the image to these epoch seconds."),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print only the image id.")
        ] = False,
        logfile: Annotated[
            str | None,
            typer.Option("--logfile", help="Write the steps and RUN's output to this file."),
        ] = None,
        manifest: Annotated[
            str | None,
            typer.Option(
                "--manifest", help="Add the image to this manifest list (created if missing)."
            ),
        ] = None,
        add_host: Annotated[
            list[str] | None,
            typer.Option(
                "--add-host",
                help="Add HOST:IP to RUN's /etc/hosts (IP may be host-gateway; repeatable).",
            ),
        ] = None,
        env: Annotated[
            list[str] | None,
            typer.Option(
                "--env", help="Set KEY=VALUE (or KEY: its value here) in the image (repeatable)."
            ),
        ] = None,
        unsetenv: Annotated[
            list[str] | None,
            typer.Option("--unsetenv", help="Remove this variable from the image (repeatable)."),
        ] = None,
        annotation: Annotated[
            list[str] | None,
            typer.Option(
                "--annotation", help="Add KEY=VALUE to the image's manifest (repeatable)."
            ),
        ] = None,
        omit_history: Annotated[
            bool, typer.Option("--omit-history", help="Store no history in the image.")
        ] = False,
        pull_always: Annotated[
            bool, typer.Option("--pull-always", help="As --pull=always.")
        ] = False,
        pull_never: Annotated[bool, typer.Option("--pull-never", help="As --pull=never.")] = False,
        ignorefile: Annotated[
            str | None,
            typer.Option("--ignorefile", help="Read the ignore patterns from this file."),
        ] = None,
        cache_ttl: Annotated[
            str | None,
            typer.Option("--cache-ttl", help="Use only cached steps younger than this (1h30m)."),
        ] = None,
        cache_from: Annotated[
            list[str] | None,
            typer.Option(
                "--cache-from",
                help="Pull a step's image from this repository on a local cache miss.",
            ),
        ] = None,
        cache_to: Annotated[
            list[str] | None,
            typer.Option("--cache-to", help="Push each step's image to this repository."),
        ] = None,
        rm: Annotated[
            bool,
            typer.Option("--rm", help="Accepted: step containers are always removed."),
        ] = True,
        force_rm: Annotated[
            bool,
            typer.Option("--force-rm", help="Accepted: step containers are always removed."),
        ] = True,
        progress: Annotated[
            str | None,
            typer.Option("--progress", help="Accepted (docker's): the output is always plain."),
        ] = None,
        jobs: Annotated[
            int | None,
            typer.Option("--jobs", help="Accepted: stages are built one after the other."),
        ] = None,
        retry: fr.Retry = None,
        retry_delay: fr.RetryDelay = None,
        network: Annotated[
            str | None,
            typer.Option(
                "--network",
                "--net",
                help="RUN's network: host (default), none, private (or bridge), "
                "slirp4netns, pasta, ns:PATH.",
            ),
        ] = None,
        userns: Annotated[
            str | None,
            typer.Option(
                "--userns",
                help="RUN's user namespace: host (hutch's own), container, or the session "
                "namespace's PATH.",
            ),
        ] = None,
        userns_uid_map: Annotated[
            list[str] | None,
            typer.Option(
                "--userns-uid-map",
                help="RUN in a user namespace of its own: CONTAINER:HOST:SIZE[,...] (repeatable).",
            ),
        ] = None,
        userns_gid_map: Annotated[
            list[str] | None,
            typer.Option(
                "--userns-gid-map",
                help="RUN's GID map: CONTAINER:HOST:SIZE[,...] (repeatable).",
            ),
        ] = None,
        userns_uid_map_user: Annotated[
            str | None,
            typer.Option(
                "--userns-uid-map-user", help="RUN's UID map: USER's ranges in /etc/subuid."
            ),
        ] = None,
        userns_gid_map_group: Annotated[
            str | None,
            typer.Option(
                "--userns-gid-map-group", help="RUN's GID map: GROUP's ranges in /etc/subgid."
            ),
        ] = None,
        volume: Annotated[
            list[str] | None,
            typer.Option("--volume", "-v", help="Bind SRC:DST[:ro] into every RUN (repeatable)."),
        ] = None,
        dns: Annotated[
            list[str] | None,
            typer.Option("--dns", help="A nameserver for RUN's resolv.conf (repeatable)."),
        ] = None,
        dns_search: Annotated[
            list[str] | None,
            typer.Option("--dns-search", help="A search domain for RUN (repeatable)."),
        ] = None,
        dns_option: Annotated[
            list[str] | None,
            typer.Option("--dns-option", help="A resolv.conf option for RUN (repeatable)."),
        ] = None,
        cap_add: Annotated[
            list[str] | None,
            typer.Option("--cap-add", help="Add a capability to RUN's (repeatable)."),
        ] = None,
        cap_drop: Annotated[
            list[str] | None,
            typer.Option("--cap-drop", help="Drop a capability from RUN's (repeatable)."),
        ] = None,
        no_hostname: Annotated[
            bool,
            typer.Option("--no-hostname", help="RUN sees the image's own /etc/hostname."),
        ] = False,
        from_: Annotated[
            str | None,
            typer.Option(
                "--from", help="Build the first stage on this image instead of its FROM's."
            ),
        ] = None,
        skip_unused_stages: Annotated[
            bool,
            typer.Option(
                "--skip-unused-stages",
                help="Build only the stages the target needs (default; =false: all up to it).",
            ),
        ] = True,
        identity_label: Annotated[
            bool,
            typer.Option(
                "--identity-label",
                help="Accepted: hutch writes no identity label (buildah's io.buildah.version).",
            ),
        ] = True,
        no_hosts: Annotated[
            bool | None,
            typer.Option(
                "--no-hosts", help="RUN sees the image's own /etc/hosts (hutch writes none)."
            ),
        ] = None,
        http_proxy: Annotated[
            bool | None,
            typer.Option(
                "--http-proxy",
                help="Pass hutch's proxy variables (either case) to RUN, not into the image "
                "(default true).",
            ),
        ] = None,
        security_opt: Annotated[
            list[str] | None,
            typer.Option(
                "--security-opt",
                help="For RUN: no-new-privileges, mask=PATHS, unmask=PATHS (repeatable).",
            ),
        ] = None,
        ulimit: Annotated[
            list[str] | None,
            typer.Option("--ulimit", help="A limit for RUN: NAME=SOFT[:HARD] (repeatable)."),
        ] = None,
        shm_size: Annotated[
            str | None,
            typer.Option("--shm-size", help="RUN's /dev/shm size (64m by default; 0: no limit)."),
        ] = None,
        memory: Annotated[
            str | None,
            typer.Option("--memory", "-m", help="RUN's memory limit (64m, 1g, bytes)."),
        ] = None,
        memory_swap: Annotated[
            str | None,
            typer.Option(
                "--memory-swap", help="RUN's memory plus swap limit (-1: unlimited swap)."
            ),
        ] = None,
        cpu_shares: Annotated[
            int | None,
            typer.Option("--cpu-shares", "-c", help="RUN's CPU shares (relative weight)."),
        ] = None,
        cpu_period: Annotated[
            int | None,
            typer.Option("--cpu-period", help="RUN's CPU CFS period (microseconds)."),
        ] = None,
        cpu_quota: Annotated[
            int | None,
            typer.Option("--cpu-quota", help="RUN's CPU CFS quota (microseconds per period)."),
        ] = None,
        cpuset_cpus: Annotated[
            str | None,
            typer.Option("--cpuset-cpus", help="CPUs RUN may use (0-3, 0,1)."),
        ] = None,
        cpuset_mems: Annotated[
            str | None,
            typer.Option("--cpuset-mems", help="Memory nodes RUN may use (0-3, 0,1)."),
        ] = None,
        isolation: Annotated[
            str | None,
            typer.Option(
                "--isolation",
                help="Accepted: oci, chroot or rootless ($BUILDAH_ISOLATION); RUN always "
                "runs in hutch's own namespaces.",
            ),
        ] = None,
        compress: Annotated[
            bool, typer.Option("--compress", help="Accepted: layers are stored as they are.")
        ] = False,
        disable_compression: Annotated[
            bool,
            typer.Option(
                "--disable-compression", "-D", help="Accepted: layers are stored as they are."
            ),
        ] = True,
        decryption_key: Annotated[
            list[str] | None,
            typer.Option("--decryption-key", help="Refused: hutch has no encrypted images."),
        ] = None,
        sign_by: Annotated[
            str | None, typer.Option("--sign-by", help="Refused: hutch does not sign images.")
        ] = None,
        tls_verify: fr.TlsVerify = None,
        creds: fr.Creds = None,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
        pid: bf.Pid = None,
        ipc: bf.Ipc = None,
        uts: bf.Uts = None,
        cgroupns: bf.Cgroupns = None,
        device: bf.Devices = None,
        cgroup_parent: bf.CgroupParent = None,
        stdin: bf.Stdin = False,
        os_feature: bf.OsFeatures = None,
        os_version: bf.OsVersion = None,
        cpp_flag: bf.CppFlags = None,
        all_platforms: bf.AllPlatforms = False,
        logsplit: bf.Logsplit = False,
        hooks_dir: bf.HooksDirs = None,
        runtime_flag: bf.RuntimeFlags = None,
        disable_content_trust: bf.DisableContentTrust = False,
    ) -> None:
        """Build an image from a Containerfile and a context."""
        # the parameters, by name, before any other local exists
        values = dict(locals())
        from hutch.cli.state import state_of

        del values["ctx"]
        build_command(state_of(ctx), **values)

    app.command("build", cls=BuildCommand)(build)
    image_app.command("build", cls=BuildCommand)(build)
    buildx_app.command("build", cls=BuildCommand)(build)
