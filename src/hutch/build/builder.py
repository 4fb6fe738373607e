"""The builder: a parsed Containerfile and a context in, an image out.

Stages run in file order (only those the target needs). Each instruction
is one step: metadata instructions make a new config, RUN/COPY/ADD also a
layer from the step's upper dir. With layers on (the default) every step's
result is stored as an intermediate image without a name and recorded in
the cache index under the step's key (see :mod:`hutch.build.cache`), so an
unchanged step of a later build reuses it. Progress is printed as podman
prints it; the last line on stdout is the image id.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from hutch.api.errors import InvalidArgument
from hutch.build import instructions as ins
from hutch.build import metadata, stages
from hutch.build.cache import CacheIndex, cache_reference, step_key
from hutch.build.fssteps import FsSteps
from hutch.build.parser import parse
from hutch.build.stepstate import BuildCancelled, BuildRequest, Progress, StageState
from hutch.build.substitute import substitute
from hutch.build.workroot import is_empty
from hutch.oci.image import ContainerConfig, HistoryEntry, ImageConfig
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo, remove_tree

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.build.host import BuildHost

BASE_DIGEST = "org.opencontainers.image.base.digest"
BASE_NAME = "org.opencontainers.image.base.name"
# The PATH buildah's FROM gives a base without one (imagebuilder's default): the
# runtime's default too (runtime/spec.py DEFAULT_PATH; a unit test holds them
# equal), written here so that a build whose steps all come from the cache loads
# none of the runtime's spec for it.
FROM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_METADATA = (
    ins.Env,
    ins.Label,
    ins.Workdir,
    ins.User,
    ins.Cmd,
    ins.Entrypoint,
    ins.Shell,
    ins.Expose,
    ins.Volume,
    ins.StopSignal,
    ins.Healthcheck,
    ins.OnBuild,
)


class Builder:
    def __init__(self, host: BuildHost, request: BuildRequest, progress: Progress) -> None:
        self.host = host
        self.request = request
        self.cf = request.containerfile
        self.progress = progress
        self.cache = CacheIndex(host.conn, request.cache_ttl)
        self.results: dict[int, StageState] = {}
        self.consumed: set[str] = set()
        self.fs = FsSteps(host, request, self)
        self._scratch: list[Path] = []
        # The last step of the target stage: podman prints its ``--> ID`` after the
        # ``COMMIT`` line (the step's image is the build's), and no ``COMMIT`` at
        # all when that step came from the cache and the build names nothing.
        self.final_step = False
        self.final_hit = False

    # -- the whole build ---------------------------------------------------

    def build(self) -> ImageRecord:
        os_name, arch, variant = self.request.platform
        self.predefined = stages.platform_args(os_name, arch, variant)
        self.global_env = stages.global_args(self.cf, self.request.build_args, self.predefined)
        self.consumed.update(
            d.name for a in self.cf.global_args for d in a.args if d.name in self.request.build_args
        )
        target = stages.target_index(self.cf, self.request.target)
        self.target = target
        needed = stages.needed_stages(
            self.cf,
            target,
            self.global_env,
            self.request.contexts,
            self.request.skip_unused_stages,
        )
        try:
            for index in needed:
                prefix = f"[{needed.index(index) + 1}/{len(needed)}] " if len(needed) > 1 else ""
                self.results[index] = self._stage(self.cf.stages[index], prefix)
            final = self.results[target]
            self._stop_if_cancelled()
            if self.request.squash_all:
                final = self._squash_all(final)
            record = self._commit(final)
            if self.request.output is not None:
                self._export(record)
        finally:
            for path in self._scratch:
                with contextlib.suppress(OSError):
                    remove_tree(path)
        unused = sorted(set(self.request.build_args) - self.consumed - set(self.predefined))
        if unused:
            print(
                f"WARN: one or more build args were not consumed: {unused}",
                file=sys.stderr,
            )
        return record

    def scratch_dir(self) -> Path:
        """A private temp dir removed at the end of the build."""
        path = self.host.layers.new_tmp()
        self._scratch.append(path)
        return path

    def created(self) -> str:
        ts = self.request.timestamp
        when = (
            datetime.fromtimestamp(ts, timezone.utc)
            if ts is not None
            else datetime.now(timezone.utc)
        )
        return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _squash_all(self, final: StageState) -> StageState:
        """--squash-all: the final image's whole file system as its one layer.

        History as podman 4.3.1 writes it: the base image's entries go, the
        final stage's own steps stay, all empty but the last, which carries
        the layer and the comment ``FROM <base>``.
        """
        layers: list[LayerInfo] = []
        if final.layers:
            with self.mounted_layers(final.layers) as merged:
                layer = self.host.layers.ingest_dir(
                    merged, source="plain", clamp_mtime=self.request.timestamp
                )
            layers = [layer]
        history = squashed_history(
            final.config.history[final.base_history :],
            has_layer=bool(layers),
            base_name=final.base_name,
            created=self.created(),
        )
        config = replace(
            final.config, diff_ids=tuple(layer.diff_id for layer in layers), history=history
        )
        return replace(final, config=config, layers=layers)

    def _export(self, record: ImageRecord) -> None:
        """-o/--output: the final image's files, where the user asked."""
        from hutch.build.output import export_root

        assert self.request.output is not None
        layers = self.host.layer_infos(record.diff_ids)
        scratch = self.scratch_dir()
        with self.mounted_layers(layers) as merged:
            export_root(
                merged, self.request.output, scratch, keep_owners=self.request.output_keep_owners
            )

    def _commit(self, final: StageState) -> ImageRecord:
        names = self.request.names
        if names or not self.final_hit:
            self.progress.say(f"COMMIT {self.request.commit_name}".rstrip())
        config = final.config
        if self.request.labels:
            labels = dict(config.config.labels)
            labels.update(self.request.labels)
            config = replace(
                config, config=replace(config.config, labels=tuple(sorted(labels.items())))
            )
        config = _final_env(config, self.request.env, self.request.unsetenv)
        config = final_os(config, self.request.os_version, self.request.os_features)
        if self.request.omit_history:
            config = replace(config, history=())
        if self.request.format == "oci":
            config = replace(config, config=_drop_docker_only(config.config))
        record = self.host.store_image(
            config, final.layers, names, self.request.format, self._annotations(final)
        )
        self.progress.say(f"--> {record.id[:12]}")
        for name in names:
            self.progress.say(f"Successfully tagged {name}")
        return record

    def _annotations(self, final: StageState) -> dict[str, str]:
        """--annotation's, after the base image's name and digest that buildah
        writes in an OCI manifest built on an image."""
        out: dict[str, str] = {}
        if self.request.format == "oci" and final.base_digest:
            out[BASE_DIGEST] = final.base_digest
            out[BASE_NAME] = final.base_image or final.base_name
        out.update(self.request.annotations)
        return out

    # -- one stage ---------------------------------------------------------

    def _stop_if_cancelled(self) -> None:
        """The caller went away (an API client): stop before the next step or the
        commit; a running RUN step asks on its own (runstep.py)."""
        cancelled = self.request.cancelled
        if cancelled is not None and cancelled():
            raise BuildCancelled("build cancelled: its client went away")

    def _stage(self, stage: ins.Stage, prefix: str) -> StageState:
        self._stop_if_cancelled()
        total = len(stage.instructions) + 1
        base = stages.base_of(self.cf, stage, self.global_env)
        alias = f" AS {stage.name}" if stage.name else ""
        self.progress.say(f"{prefix}STEP 1/{total}: FROM {base}{alias}")
        state = self._from(base, stage)
        if stage.instructions:
            # a FROM alone is the base image itself, as with podman
            state.config = with_path(state.config)
        if not self.request.layers:
            # made by the first step's work root, with the image's root mode (workroot.py)
            state.upper = self.scratch_dir() / "upper"
        for expression in state.config.config.on_build:
            self.progress.say(f"--> ONBUILD {expression}")
            trigger = parse(f"FROM scratch\n{expression}", f"{base} (ONBUILD)").stages[0]
            for instruction in trigger.instructions:
                state = self._step(state, instruction, stage)
        if state.config.config.on_build:
            # Triggers run in the child only, never in its own children.
            state.config = replace(state.config, config=replace(state.config.config, on_build=()))
        for number, instruction in enumerate(stage.instructions, start=2):
            self.progress.say(f"{prefix}STEP {number}/{total}: {step_line(instruction)}")
            self.final_step = stage.index == self.target and number == total
            state = self._step(state, instruction, stage)
        self.final_step = False
        if state.upper is not None:
            state = self._seal_upper(state)
        return state

    def _from(self, base: str, stage: ins.Stage) -> StageState:
        os_name, arch, variant = self.request.platform
        if base.lower() == "scratch":
            config = ImageConfig(architecture=arch, os=os_name, variant=variant, diff_ids=())
            return StageState("scratch", config, [])
        named = self.request.contexts.get(base)
        if named is not None:
            if named.kind != "image":
                raise InvalidArgument(
                    f"FROM {base}: the build context {base} is a directory, not an image"
                )
            base = named.value
        index = stages.find_stage(self.cf, base, stage.index) if named is None else None
        if index is not None:
            done = self.results[index]
            return StageState(
                done.parent,
                done.config,
                list(done.layers),
                base_history=len(done.config.history),
                base_name=base,
                # the stage's image carries its own base's annotations on
                base_digest=done.base_digest,
                base_image=done.base_image or done.base_name,
            )
        record = self.host.find_image(base, self.request.pull)
        return StageState(
            record.id,
            record.config,
            self.host.layer_infos(record.diff_ids),
            base_history=len(record.config.history),
            base_name=record.names[0] if record.names else base,
            base_digest=record.digest,
        )

    def stage_root_layers(self, ref: str, stage: ins.Stage) -> list[LayerInfo]:
        """The layers of the stage or image ``ref`` (COPY --from, RUN --mount from=);
        an image build context of that name wins."""
        named = self.request.contexts.get(ref)
        if named is not None and named.kind == "image":
            record = self.host.find_image(named.value, self.request.pull)
            return self.host.layer_infos(record.diff_ids)
        index = stages.find_stage(self.cf, ref, stage.index)
        if index is not None:
            return list(self.results[index].layers)
        record = self.host.find_image(ref, self.request.pull)
        return self.host.layer_infos(record.diff_ids)

    def _seal_upper(self, state: StageState) -> StageState:
        """Layers off: the stage's one upper dir becomes its one new layer."""
        assert state.upper is not None
        if is_empty(state.upper):
            return state
        layer = self.host.layers.ingest_dir(
            state.upper, source="overlay-upper", clamp_mtime=self.request.timestamp, consume=True
        )
        history = list(state.config.history)
        # as podman: the last step carries the layer, commented with the stage's base
        comment = f"FROM {state.base_name}" if state.base_name else None
        for i in range(len(history) - 1, -1, -1):
            if history[i].empty_layer:
                history[i] = replace(
                    history[i], empty_layer=False, comment=comment or history[i].comment
                )
                break
        config = replace(
            state.config,
            diff_ids=(*state.config.diff_ids, layer.diff_id),
            history=tuple(history),
        )
        return replace(state, config=config, layers=[*state.layers, layer], upper=None)

    # -- one step ------------------------------------------------------------

    def _step(
        self, state: StageState, instruction: ins.Instruction, stage: ins.Stage
    ) -> StageState:
        self._stop_if_cancelled()
        words = metadata.Words(state.env(), self.cf.filename, self.cf.escape)
        if isinstance(instruction, ins.Arg):
            state = self._arg(state, instruction)
            # buildah records an ARG as a step too: the names of the stage's
            # arguments that have a value, sorted (the values are not shown)
            text = metadata.nop(f"ARG {' '.join(sorted(state.args))}")
            return self.finish(state, text, state.config.config, None)
        if isinstance(instruction, ins.Maintainer):
            author = words.one(instruction.name, instruction.line)
            text = metadata.nop(f"MAINTAINER {author}")
            return self.finish(state, text, state.config.config, None, author=author)
        if isinstance(instruction, _METADATA):
            config, text = metadata.apply(instruction, state.config.config, words)
            cmd_set = state.cmd_set or isinstance(instruction, ins.Cmd)
            if isinstance(instruction, ins.Entrypoint) and not state.cmd_set:
                config = replace(config, cmd=None)
            # WORKDIR also makes the directory, as podman and Docker do.
            produce = (
                self.fs.make_dir(config.working_dir)
                if isinstance(instruction, ins.Workdir)
                else None
            )
            # the history shows the instruction as written (buildah's created_by);
            # the key keeps the substituted text, so a new ARG value is a miss
            shown = metadata.nop(instruction.original)
            finished = self.finish(state, text, config, produce, created_by=shown)
            return replace(finished, cmd_set=cmd_set)
        if isinstance(instruction, ins.Run):
            return self.fs.run(state, instruction, stage, words)
        if isinstance(instruction, (ins.Copy, ins.Add)):
            return self.fs.copy(state, instruction, stage, words)
        raise InvalidArgument(
            f"{self.cf.filename}:{instruction.line}: {type(instruction).__name__.upper()} "
            "is not supported here"
        )

    def _arg(self, state: StageState, instruction: ins.Arg) -> StageState:
        args = dict(state.args)
        env = state.env()
        for decl in instruction.args:
            if decl.name in self.request.build_args:
                args[decl.name] = self.request.build_args[decl.name]
                self.consumed.add(decl.name)
            elif decl.default is not None:
                args[decl.name] = substitute(
                    decl.default,
                    env,
                    filename=self.cf.filename,
                    line=instruction.line,
                    escape=self.cf.escape,
                )
            elif decl.name in self.global_env:
                args[decl.name] = self.global_env[decl.name]
            env = {**args, **metadata.env_dict(state.config.config)}
        return replace(state, args=args)

    def finish(
        self,
        state: StageState,
        text: str,
        config: ContainerConfig,
        produce: Callable[[StageState], LayerInfo | None] | None,
        *,
        key_args: Mapping[str, str] | None = None,
        sources: str | None = None,
        author: str | None = None,
        link: bool = False,
        created_by: str | None = None,
    ) -> StageState:
        """Reuse a cached result of this step, or carry it out and record it.

        ``text`` keys the cache and is the history's ``created_by`` unless
        ``created_by`` is given.

        A ``link`` step (``COPY --link``) makes a layer that does not depend
        on the image below: its key leaves the parent out, and a hit on
        another parent puts the cached layer on top of this one.
        """
        key = step_key("link" if link else state.parent, text, key_args, sources)
        if self.request.use_cache and self.request.layers:
            cached = self.cache.lookup(key)
            record = self.host.get_image(cached) if cached else None
            if record is None:
                record = self._from_registry_cache(key)
            if record is not None:
                self.progress.say(f"--> Using cache {record.id}")
                if not link or _stands_on(record.config, state.config, config):
                    self.final_hit = self.final_step
                    self._say_id(record.id)
                    return replace(
                        state,
                        parent=record.id,
                        config=record.config,
                        layers=self.host.layer_infos(record.diff_ids),
                    )
                found = record.config
                linked = (
                    None
                    if not found.history or found.history[-1].empty_layer
                    else self.host.layer_infos(found.diff_ids[-1:])[0]
                )

                def produce(_current: StageState) -> LayerInfo | None:
                    return linked

        if produce is not None:
            # a step that runs or copies: the build goes on for long from here, so the
            # collector the fast path held off for the start-up works again
            from hutch.util import gcpause

            gcpause.resume(freeze=True)
        layer = produce(state) if produce is not None else None
        created = self.created()
        entry = HistoryEntry(
            created=created, created_by=created_by or text, empty_layer=layer is None
        )
        image = replace(
            state.config,
            config=config,
            created=created,
            author=author if author is not None else state.config.author,
            history=(*state.config.history, entry),
            diff_ids=(*state.config.diff_ids, layer.diff_id)
            if layer is not None
            else state.config.diff_ids,
        )
        layers = [*state.layers, layer] if layer is not None else list(state.layers)
        if not self.request.layers:
            return replace(state, config=image, layers=layers)
        record = self.host.store_image(image, layers, ())
        self.cache.record(key, record.id)
        # --cache-to: only a step carried out here is pushed (a hit is there already)
        for repository in self.request.cache_to:
            self.host.push_cache(record.id, cache_reference(repository, key))
        self._say_id(record.id)
        return replace(state, parent=record.id, config=image, layers=layers)

    def _from_registry_cache(self, key: str) -> ImageRecord | None:
        """--cache-from on a local miss: the first repository holding the step's
        key as a tag gives the step's image, then recorded in the local index."""
        for repository in self.request.cache_from:
            record = self.host.pull_cache(cache_reference(repository, key))
            if record is not None:
                self.cache.record(key, record.id)
                return record
        return None

    def _say_id(self, image_id: str) -> None:
        """A step's ``--> ID``; the final step's waits for the commit (see __init__)."""
        if not self.final_step:
            self.progress.say(f"--> {image_id[:12]}")

    @contextlib.contextmanager
    def mounted_layers(self, layers: list[LayerInfo]) -> Iterator[Path]:
        """The merged root of ``layers`` (read through a throw-away upper dir)."""
        from hutch.build.workroot import work_root

        tmp = self.scratch_dir()
        root = work_root(tmp, self.host.layers_dir, layers)
        with self.host.mounted(root.rootfs(self.host.driver)):
            yield root.merged


def with_path(config: ImageConfig) -> ImageConfig:
    """A base without PATH gets the default one, as buildah's (imagebuilder's) FROM
    does: the built image has it in its Env."""
    if "PATH" in metadata.env_dict(config.config):
        return config
    env = (*config.config.env, f"PATH={FROM_PATH}")
    return replace(config, config=replace(config.config, env=env))


def step_line(instruction: ins.Instruction) -> str:
    """A ``STEP n/m:`` line's text: the instruction as written and, as buildah
    shows a heredoc, each document's first line (``...`` when it has more)."""
    docs = instruction.heredocs if isinstance(instruction, (ins.Run, ins.Copy, ins.Add)) else ()
    summaries = []
    for doc in docs:
        lines = doc.content.strip().replace("\r\n", "\n").split("\n")
        summaries.append(f" ({lines[0]}{'...' if len(lines) > 1 else ''})")
    return instruction.original + "".join(summaries)


def squashed_history(
    own: tuple[HistoryEntry, ...], *, has_layer: bool, base_name: str, created: str
) -> tuple[HistoryEntry, ...]:
    """--squash-all's history: ``own`` (the final stage's steps) all empty, the
    last one holding the single layer, with the comment ``FROM <base>``."""
    entries = [replace(entry, empty_layer=True) for entry in own]
    if not has_layer:
        return tuple(entries)
    if not entries:
        entries = [HistoryEntry(created=created, created_by="")]
    comment = f"FROM {base_name}" if base_name else entries[-1].comment
    entries[-1] = replace(entries[-1], empty_layer=False, comment=comment)
    return tuple(entries)


def _final_env(config: ImageConfig, env: Mapping[str, str], unset: tuple[str, ...]) -> ImageConfig:
    """build --env and --unsetenv on the final image (a RUN does not see them, as podman)."""
    if not env and not unset:
        return config
    merged = metadata.env_dict(config.config)
    merged.update(env)
    for name in unset:
        merged.pop(name, None)
    items = tuple(f"{k}={v}" for k, v in merged.items())
    return replace(config, config=replace(config.config, env=items))


def final_os(config: ImageConfig, version: str | None, changes: tuple[str, ...]) -> ImageConfig:
    """build --os-version and --os-feature on the final image: the version replaces
    the base's; a feature is added, or with a trailing "-" removed (buildah's)."""
    features = list(config.os_features)
    for change in changes:
        if change.endswith("-"):
            features = [f for f in features if f != change[:-1]]
        elif change not in features:
            features.append(change)
    return replace(
        config,
        os_version=config.os_version if version is None else version or None,
        os_features=tuple(features),
    )


def _drop_docker_only(config: ContainerConfig) -> ContainerConfig:
    """What an OCI image config has no field for goes, with podman's warnings."""
    warnings = []
    if config.healthcheck is not None:
        warnings.append("HEALTHCHECK is not supported for OCI image format and will be ignored.")
    if config.shell:
        warnings.append(
            f"SHELL is not supported for OCI image format, [{' '.join(config.shell)}] "
            "will be ignored."
        )
    warnings.extend(
        f"ONBUILD is not supported for OCI image format, {trigger} will be ignored."
        for trigger in config.on_build
    )
    for text in warnings:
        print(f"WARN: {text} Must use `docker` format", file=sys.stderr)
    return replace(config, healthcheck=None, shell=(), on_build=())


def _stands_on(found: ImageConfig, parent: ImageConfig, config: ContainerConfig) -> bool:
    """Whether the cached image ``found`` is this step's result on ``parent`` itself."""
    added = 0 if not found.history or found.history[-1].empty_layer else 1
    return (
        found.history[:-1] == parent.history
        and found.config == config
        and len(found.diff_ids) == len(parent.diff_ids) + added
        and found.diff_ids[: len(parent.diff_ids)] == parent.diff_ids
    )


def environ_timestamp() -> int | None:
    """SOURCE_DATE_EPOCH from the environment, if set and valid."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if not text:
        return None
    if not text.isdigit():
        raise InvalidArgument(f"SOURCE_DATE_EPOCH={text!r}: expected seconds since the epoch")
    return int(text)
