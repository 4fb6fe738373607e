"""The steps that change files: RUN, COPY and ADD.

Each computes its cache inputs first (the command text, the mounts, the
digest of its sources) and hands the builder a ``produce`` function that is
called only on a cache miss: it mounts or runs on the step's work root and
returns the layer made from the upper dir (None when nothing changed).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HutchError, InvalidArgument
from hutch.build import copying, metadata
from hutch.build import instructions as ins
from hutch.build.gitsource import Checkout, is_git_url
from hutch.build.ignore import IgnoreMatcher, find_ignore_file
from hutch.build.sources import Source, clean_source, digest_sources, has_magic, resolve_sources
from hutch.build.stepstate import (
    BuildRequest,
    StageState,
    StepFailed,
    run_environment,
    step_network,
    with_proxy,
)
from hutch.build.values import parse_mount
from hutch.build.workroot import WorkRoot, is_empty, work_root
from hutch.oci.image import ContainerConfig
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.store.layers import LayerInfo
from hutch.util.sha256 import hexdigest, sha256

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.build.host import BuildHost
    from hutch.build.stepstate import StepRunner
    from hutch.runtime.ids import IdMapEntry
    from hutch.runtime.spec import Mount

_HEREDOC_ONLY = re.compile(r"\s*<<-?\s*['\"]?([^'\"\s]+)['\"]?\s*")
# A ``RUN <<EOF`` script with a #! line is bind-mounted here (inside /dev, a
# tmpfs, so the mount point never reaches the layer).
SCRIPT_PATH = "/dev/.hutch-run-script"
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def _mapped(entries: tuple[IdMapEntry, ...], inside: int, what: str) -> int:
    """The session ID a mapped step's ``inside`` ID is; refused when the map lacks it."""
    from hutch.runtime.ids import map_to_host

    outside = map_to_host(entries, inside)
    if outside is None:
        raise InvalidArgument(
            f"--mount=type=cache,{what}={inside}: the build's --userns-{what}-map does not map it"
        )
    return outside


@dataclass(frozen=True)
class _Download:
    url: str
    name: str
    data: bytes
    mtime: float | None


class FsSteps:
    def __init__(self, host: BuildHost, request: BuildRequest, builder: StepRunner) -> None:
        self.host = host
        self.request = request
        self.builder = builder

    # -- RUN -----------------------------------------------------------------

    def run(
        self, state: StageState, instruction: ins.Run, stage: ins.Stage, words: metadata.Words
    ) -> StageState:
        config = state.config.config
        args, text, script = run_command(instruction, config)
        specs = tuple(words.one(spec, instruction.line) for spec in instruction.mount_specs)
        mounts = []
        for spec in specs:
            try:
                mounts.append(parse_mount(spec))
            except ValueError as exc:
                raise InvalidArgument(
                    f"{self._where(instruction)}: invalid --mount: {exc}"
                ) from None
        settings = self.request.run
        network = step_network(instruction.network, settings.network)
        key_text = json.dumps([text, list(specs), instruction.network or ""])

        def produce(current: StageState) -> LayerInfo | None:
            import secrets

            from hutch.build import runstep  # the monitor's client: only on a cache miss
            from hutch.runtime.spec import Mount

            tmp = self.builder.scratch_dir()
            root = work_root(tmp, self.host.layers_dir, current.layers, current.upper)
            with contextlib.ExitStack() as stack:
                spec_mounts, extra_env = self._mounts(mounts, stage, stack, instruction)
                spec_mounts.extend(
                    Mount("bind", dst, src, ("rbind", "ro" if ro else "rw"))
                    for src, dst, ro in settings.volumes
                )
                if script is not None:
                    script_file = tmp / "script"
                    script_file.write_text(script)
                    script_file.chmod(0o755)
                    spec_mounts.append(Mount("bind", SCRIPT_PATH, str(script_file), ("ro",)))
                env = with_proxy(
                    run_environment(current) + tuple(f"{k}={v}" for k, v in extra_env.items()),
                    settings.proxy_env,
                )
                request = runstep.RunRequest(
                    step_id=secrets.token_hex(32),
                    args=args,
                    env=env,
                    cwd=config.working_dir or "/",
                    user=config.user,
                    network=network,
                    rootfs=root.rootfs(self.host.driver),
                    mounts=tuple(spec_mounts),
                    workdir=tmp,
                    hosts=self.request.hosts,
                    settings=settings,
                    cancelled=self.request.cancelled,
                )
                out_fd, err_fd = self.builder.progress.run_fds
                code = runstep.run_step(self.host, request, out_fd=out_fd, err_fd=err_fd)
            if code != 0:
                raise StepFailed(
                    f'building at STEP "{instruction.original}": while running runtime: '
                    f"exit status {code}",
                    code,
                )
            runstep.prune_mount_points(
                root.upper,
                root.lower_dirs(),
                runstep.mount_targets(spec_mounts, network),
            )
            return self._layer(root, current)

        return self.builder.finish(
            state,
            text,
            config,
            produce,
            key_args=state.args,
            sources=hexdigest(key_text.encode()),
            created_by=run_created_by(instruction, state),
        )

    def _mounts(
        self,
        mounts: list[ins.Mount],
        stage: ins.Stage,
        stack: contextlib.ExitStack,
        instruction: ins.Run,
    ) -> tuple[list[Mount], dict[str, str]]:
        from hutch.runtime.spec import Mount

        out: list[Mount] = []
        env: dict[str, str] = {}
        ssh_mounts = 0
        for m in mounts:
            target = m.target or ""
            ro = ("ro",) if m.readonly else ()
            if m.type == "cache":
                directory = self._cache_dir(m)
                out.append(Mount("bind", target, str(directory), ro))
            elif m.type == "tmpfs":
                size = (f"size={m.size}",) if m.size else ()
                out.append(Mount("tmpfs", target, "tmpfs", ("nosuid", "nodev", *size)))
            elif m.type == "bind":
                out.append(Mount("bind", target, self._bind_source(m, stage, stack), ro))
            elif m.type == "secret":
                ident = m.id or ""
                path = self.request.secrets.get(ident)
                if path is None:
                    if m.required:
                        raise InvalidArgument(
                            f"{self._where(instruction)}: secret {ident!r} is required but "
                            "was not given with --secret"
                        )
                    continue
                if m.env:
                    env[m.env] = path.read_text().rstrip("\n")
                if m.target:
                    out.append(Mount("bind", m.target, str(path), ("ro",)))
            elif m.type == "ssh":
                ident = m.id or "default"
                sock = self.request.ssh.get(ident)
                if sock is None:
                    if m.required:
                        raise InvalidArgument(
                            f"{self._where(instruction)}: ssh agent {ident!r} is required but "
                            "was not given with --ssh"
                        )
                    continue
                # BuildKit's default place, numbered by the step's ssh mounts; the
                # first one is the step's $SSH_AUTH_SOCK
                target = m.target or f"/run/buildkit/ssh_agent.{ssh_mounts}"
                ssh_mounts += 1
                env.setdefault("SSH_AUTH_SOCK", target)
                out.append(Mount("bind", target, str(sock), ()))
            else:
                raise InvalidArgument(
                    f"{self._where(instruction)}: --mount=type={m.type} is not supported"
                )
        return out, env

    def _cache_dir(self, m: ins.Mount) -> Path:
        ident = m.id or m.target or ""
        uid, gid = m.uid or 0, m.gid or 0
        userns = self.request.run.userns_spec()
        if userns.enabled:
            # steps with their own IDs (build --userns-uid-map): a cache of those maps'
            # own, made owned by the session IDs its uid and gid map to
            ident += f"\0{userns.uid_map}{userns.gid_map}"
            uid, gid = _mapped(userns.uid_map, uid, "uid"), _mapped(userns.gid_map, gid, "gid")
        name = hexdigest(ident.encode())[:32]
        directory = self.host.cache_dir / name
        if not directory.exists():
            directory.parent.mkdir(parents=True, exist_ok=True)
            tmp = directory.with_name(f".{name}.{os.getpid()}")
            tmp.mkdir(mode=0o755)
            os.chmod(tmp, m.mode if m.mode is not None else 0o755)
            os.chown(tmp, uid, gid)
            try:
                os.rename(tmp, directory)
            except OSError:
                tmp.rmdir()  # another build made it first
        return directory

    def _bind_source(self, m: ins.Mount, stage: ins.Stage, stack: contextlib.ExitStack) -> str:
        rel = clean_source(m.source or "")
        named = self.request.contexts.get(m.from_) if m.from_ else None
        if named is not None and named.kind == "dir":
            root = named.value
        elif m.from_:
            layers = self.builder.stage_root_layers(m.from_, stage)
            root = str(stack.enter_context(self.builder.mounted_layers(layers)))
        else:
            root = str(self.request.context_dir)
        path = resolve_in_root(root, rel)
        if not os.path.lexists(path):
            raise InvalidArgument(f"--mount source {m.source or '.'}: no such file or directory")
        if not m.readonly:
            # A writable bind mount must not change its source: give it a copy.
            import shutil

            copy = self.builder.scratch_dir() / "bind"
            if os.path.isdir(path):
                shutil.copytree(path, copy, symlinks=True)
            else:
                shutil.copy2(path, copy)
            path = str(copy)
        return path

    # -- COPY / ADD ------------------------------------------------------------

    def copy(
        self,
        state: StageState,
        instruction: ins.Copy | ins.Add,
        stage: ins.Stage,
        words: metadata.Words,
    ) -> StageState:
        line = instruction.line
        is_add = isinstance(instruction, ins.Add)
        keyword = "ADD" if is_add else "COPY"
        dest = words.one(instruction.dest, line)
        chown = words.one(instruction.chown, line) if instruction.chown else None
        chmod = (
            copying.parse_chmod(words.one(instruction.chmod, line)) if instruction.chmod else None
        )
        from_ = (
            words.one(instruction.from_, line)
            if isinstance(instruction, ins.Copy) and instruction.from_
            else None
        )
        docs = {f"<<{d.name}": d for d in instruction.heredocs}
        patterns: list[str] = []
        urls: list[str] = []
        gits: list[str] = []
        heredocs: list[tuple[str, bytes]] = []
        for raw in instruction.sources:
            if raw in docs:
                doc = docs[raw]
                content = _expand(doc.content, words.env) if doc.expand else doc.content
                heredocs.append((doc.name, content.encode()))
                continue
            word = words.one(raw, line)
            if is_add and is_git_url(word):
                gits.append(word)
            elif is_add and word.startswith(("http://", "https://")):
                urls.append(word)
            elif word.startswith(("http://", "https://")):
                # buildah's words: only ADD downloads
                raise InvalidArgument(
                    f'building at STEP "{instruction.original}": source can\'t be a URL for COPY'
                )
            else:
                patterns.append(word)
        with contextlib.ExitStack() as stack:
            named = self.request.contexts.get(from_) if from_ else None
            if named is not None and named.kind == "dir":
                # a directory build context: its own ignore file applies, as in buildah
                src_root = named.value
                ignore: IgnoreMatcher | None = _context_ignore(Path(named.value))
            elif from_:
                layers = self.builder.stage_root_layers(from_, stage)
                src_root = str(stack.enter_context(self.builder.mounted_layers(layers)))
                ignore = None
            else:
                src_root = str(self.request.context_dir)
                ignore = self.request.ignore
            excludes = tuple(words.one(e, line) for e in instruction.excludes)
            exclude = IgnoreMatcher.from_lines(excludes) if excludes else None
            parents = isinstance(instruction, ins.Copy) and instruction.parents
            try:
                sources = (
                    resolve_sources(src_root, patterns, ignore, exclude=exclude, parents=parents)
                    if patterns
                    else []
                )
            except InvalidArgument as exc:
                # named by its step, as podman names a source it cannot find
                raise InvalidArgument(
                    f'building at STEP "{instruction.original}": {exc}', hint=exc.hint
                ) from None
            checksum = instruction.checksum if isinstance(instruction, ins.Add) else None
            downloads = [self._download(u, checksum) for u in urls]
            keep_git = isinstance(instruction, ins.Add) and instruction.keep_git_dir
            checkouts = [self._clone(g, keep_git) for g in gits]
            repos = [Source(str(c.tree), "", c.name, True) for c in checkouts]
            digest = sha256()
            digest.update(
                digest_sources(sources, ignore, owners=from_ is not None, exclude=exclude).encode()
            )
            link = instruction.link and state.upper is None
            if link:  # the layer stands alone: what it depends on of the image goes in here
                digest.update(f"workdir\0{state.config.config.working_dir}\n".encode())
            for name, data in heredocs:
                digest.update(f"heredoc\0{name}\0".encode() + sha256(data).digest())
            for d in downloads:
                digest.update(f"url\0{d.url}\0".encode() + sha256(d.data).digest())
            for g, c in zip(gits, checkouts, strict=True):
                # the commit decides the content (.git itself varies from clone to clone)
                digest.update(f"git\0{g}\0{c.commit}\0{int(keep_git)}\n".encode())
            flags = []
            if from_:
                flags.append(f"--from={from_}")
            if chown:
                flags.append(f"--chown={chown}")
            if instruction.chmod:
                flags.append(f"--chmod={chmod:o}" if chmod is not None else "")
            flags.extend(f"--exclude={e}" for e in excludes)
            if parents:
                flags.append("--parents")
            if instruction.link:
                flags.append("--link")
            if keep_git:
                flags.append("--keep-git-dir")
            names = [*patterns, *urls, *gits, *(f"<<{n}" for n, _ in heredocs)]
            text = metadata.nop(" ".join([keyword, *flags, *names, dest]))
            count = len(sources) + len(downloads) + len(heredocs) + len(repos)
            several = count > 1 or any(has_magic(p) for p in patterns)
            config = state.config.config

            def apply(root: str, owner: copying.Owner | None) -> None:
                rules = copying.CopyRules(owner=owner, keep_owner=from_ is not None, mode=chmod)
                self._apply(
                    root,
                    sources,
                    repos,
                    downloads,
                    heredocs,
                    dest,
                    config.working_dir,
                    rules,
                    ignore,
                    exclude,
                    several=several,
                    extract=is_add,
                )

            def produce(current: StageState) -> LayerInfo | None:
                tmp = self.builder.scratch_dir()
                root = work_root(tmp, self.host.layers_dir, current.layers, current.upper)
                with self.host.mounted(root.rootfs(self.host.driver)):
                    merged = str(root.merged)
                    apply(merged, copying.parse_chown(chown, merged) if chown else None)
                return self._layer(root, current)

            def produce_linked(current: StageState) -> LayerInfo | None:
                owner = self._link_owner(chown, current) if chown else None
                tree = self.builder.scratch_dir() / "link"
                tree.mkdir()
                apply(str(tree), owner)
                if is_empty(tree):
                    return None
                return self.host.layers.ingest_dir(
                    tree, source="plain", clamp_mtime=self.request.timestamp
                )

            return self.builder.finish(
                state,
                text,
                config,
                produce_linked if link else produce,
                sources=digest.hexdigest(),
                link=link,
            )

    def _link_owner(self, chown: str, current: StageState) -> copying.Owner:
        """``--chown`` of a ``--link`` step: names are still looked up in the image below."""
        user, _, group = chown.partition(":")
        if user.isdigit() and (not group or group.isdigit()):
            return copying.parse_chown(chown, "/nonexistent")
        with self.builder.mounted_layers(current.layers) as merged:
            return copying.parse_chown(chown, str(merged))

    def _apply(
        self,
        merged: str,
        sources: list[Source],
        repos: list[Source],
        downloads: list[_Download],
        heredocs: list[tuple[str, bytes]],
        dest: str,
        workdir: str,
        rules: copying.CopyRules,
        ignore: IgnoreMatcher | None,
        exclude: IgnoreMatcher | None,
        *,
        several: bool,
        extract: bool,
    ) -> None:
        dest_path = copying.container_dest(dest, workdir)
        archives = [s for s in sources if extract and not s.is_dir and copying.is_archive(s.path)]
        plain = [s for s in sources if s not in archives]
        for archive in archives:
            copying.extract_archive(merged, archive.path, dest_path)
        named = [Source("", n, n, False) for n, _ in heredocs] + [
            Source("", d.name, d.name, False) for d in downloads
        ]
        targets = copying.plan_targets(
            merged, [*plain, *repos, *named], dest, workdir, several=several
        )
        copying.copy_sources(merged, [t for t in targets if t[0] in plain], rules, ignore, exclude)
        # a repository is not part of the context: the ignore file does not apply to it
        copying.copy_sources(merged, [t for t in targets if t[0] in repos], rules, None, exclude)
        files = {s.name: path for s, path in targets if not s.path}
        for name, data in heredocs:
            copying.write_file(merged, files[name], data, mode=0o644, rules=rules)
        for d in downloads:
            copying.write_file(
                merged, files[d.name], d.data, mode=0o600, rules=rules, mtime=d.mtime
            )

    def _clone(self, url: str, keep_git_dir: bool) -> Checkout:
        from hutch.build.gitsource import clone, parse_git_url

        work = self.builder.scratch_dir() / "git"
        return clone(parse_git_url(url), work, keep_git_dir=keep_git_dir)

    def _download(self, url: str, checksum: str | None) -> _Download:
        import urllib.parse
        import urllib.request
        from email.utils import parsedate_to_datetime

        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
                modified = response.headers.get("Last-Modified")
        except OSError as exc:
            raise HutchError(f"ADD {url}: {exc}") from None
        if checksum is not None:
            algorithm, _, expected = checksum.partition(":")
            if algorithm not in ("sha256", "sha384", "sha512") or not expected:
                raise InvalidArgument(f"--checksum {checksum}: expected sha256:HEX")
            import hashlib

            actual = hashlib.new(algorithm, data).hexdigest()
            if actual != expected.lower():
                raise InvalidArgument(
                    f"ADD {url}: checksum mismatch: expected {checksum}, got {algorithm}:{actual}"
                )
        mtime = None
        if modified:
            with contextlib.suppress(TypeError, ValueError):
                mtime = parsedate_to_datetime(modified).timestamp()
        name = posixpath.basename(urllib.parse.urlparse(url).path) or "index.html"
        return _Download(url, name, data, mtime)

    def make_dir(self, path: str) -> Callable[[StageState], LayerInfo | None]:
        """The producer of a WORKDIR step: the directory, if the image lacks it."""

        def produce(current: StageState) -> LayerInfo | None:
            tmp = self.builder.scratch_dir()
            root = work_root(tmp, self.host.layers_dir, current.layers, current.upper)
            with self.host.mounted(root.rootfs(self.host.driver)):
                copying.ensure_dir(str(root.merged), path, None)
            return self._layer(root, current)

        return produce

    # -- shared ------------------------------------------------------------------

    def _layer(self, root: WorkRoot, current: StageState) -> LayerInfo | None:
        if current.upper is not None or is_empty(root.upper):
            return None  # layers off: the stage's upper dir is sealed at its end
        # the step's upper dir is not needed again: it becomes the layer itself
        return self.host.layers.ingest_dir(
            root.upper, source="overlay-upper", clamp_mtime=self.request.timestamp, consume=True
        )

    def _where(self, instruction: ins.Instruction) -> str:
        return f"{self.builder.cf.filename}:{instruction.line}"


def _context_ignore(directory: Path) -> IgnoreMatcher | None:
    found = find_ignore_file(directory, "Containerfile")  # .containerignore, .dockerignore
    return IgnoreMatcher.from_file_text(found.read_text()) if found is not None else None


def _expand(text: str, env: Mapping[str, str]) -> str:
    """``$VAR`` and ``${VAR}`` in an unquoted COPY heredoc, as BuildKit expands them."""
    return _VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), ""), text)


def run_created_by(instruction: ins.Run, state: StageState) -> str:
    """A RUN's history text as buildah writes it: ``|N NAME=VALUE... `` for the
    stage's arguments (an ENV of the same name wins; N counts the space-separated
    words, as buildah does), then ``/bin/sh -c`` and the instruction as written
    after its keyword, then each heredoc's text on lines of its own."""
    env = metadata.env_dict(state.config.config)
    pairs = " ".join(sorted(f"{k}={env.get(k, v)}" for k, v in state.args.items()))
    prefix = f"|{len(pairs.split(' '))} {pairs} " if pairs else ""
    command = instruction.original[len("RUN") :].lstrip()
    docs = "".join(f"\n{doc.content.strip()}" for doc in instruction.heredocs)
    return f"{prefix}/bin/sh -c {command}{docs}"


def run_command(
    instruction: ins.Run, config: ContainerConfig
) -> tuple[tuple[str, ...], str, str | None]:
    """The argv of a RUN, its history text (with its heredocs), and a script file."""
    if not instruction.shell_form:
        return instruction.args, json.dumps(list(instruction.args)), None
    shell = metadata.shell_of(config)
    command = instruction.args[0]
    docs = instruction.heredocs
    only = _HEREDOC_ONLY.fullmatch(command)
    if len(docs) == 1 and only is not None and only.group(1) == docs[0].name:
        # ``RUN <<EOF``: the document is the script; one with a #! line runs as a file.
        script = docs[0].content
        text = f"{' '.join(shell)} {script}"
        if script.startswith("#!"):
            return (SCRIPT_PATH,), text, script
        return (*shell, script), text, None
    for doc in docs:
        command += f"\n{doc.content}{doc.name}"
    return (*shell, command), f"{' '.join(shell)} {command}", None
