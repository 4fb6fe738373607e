"""Which stages a build needs, and the arguments in force before the first FROM.

Only the target stage and the stages it reaches through ``FROM <stage>``,
``COPY --from=<stage>`` and ``RUN --mount=from=<stage>`` are built, in file
order (``--skip-unused-stages=false``: every stage up to the target); a
reference to a later stage (or to itself) is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from hutch.api.errors import InvalidArgument
from hutch.build import instructions as ins
from hutch.build.substitute import substitute


def platform_args(os_name: str, arch: str, variant: str | None) -> dict[str, str]:
    """TARGETPLATFORM, BUILDARCH and the others: build and target are the host here."""
    platform = f"{os_name}/{arch}" + (f"/{variant}" if variant else "")
    out: dict[str, str] = {}
    for prefix in ("BUILD", "TARGET"):
        out[f"{prefix}PLATFORM"] = platform
        out[f"{prefix}OS"] = os_name
        out[f"{prefix}ARCH"] = arch
        out[f"{prefix}VARIANT"] = variant or ""
    return out


def global_args(
    cf: ins.Containerfile, build_args: Mapping[str, str], predefined: Mapping[str, str]
) -> dict[str, str]:
    """The ARG values before the first FROM (used in FROM lines and by ``ARG NAME`` later)."""
    env = dict(predefined)
    for arg in cf.global_args:
        for decl in arg.args:
            if decl.name in build_args:
                env[decl.name] = build_args[decl.name]
            elif decl.default is not None:
                env[decl.name] = substitute(
                    decl.default, env, filename=cf.filename, line=arg.line, escape=cf.escape
                )
    return env


def find_stage(cf: ins.Containerfile, ref: str, before: int) -> int | None:
    """The index of the stage ``ref`` names (name or number), if it comes before ``before``."""
    if ref.isdigit():
        index = int(ref)
    else:
        index = next((s.index for s in cf.stages if s.name == ref.lower()), -1)
        if index < 0:
            return None
    if index >= before:
        raise InvalidArgument(
            f"{cf.filename}: stage {ref!r} is used before it is defined (or by itself)"
        )
    return index


def with_first_base(cf: ins.Containerfile, image: str) -> ins.Containerfile:
    """build --from: the first stage stands on ``image`` instead of its FROM's (the
    other stages keep theirs, as buildah's --from does)."""
    first = cf.stages[0]
    stage = replace(
        first, base=image, from_instruction=replace(first.from_instruction, image=image)
    )
    return replace(cf, stages=(stage, *cf.stages[1:]))


def base_of(cf: ins.Containerfile, stage: ins.Stage, env: Mapping[str, str]) -> str:
    line = stage.from_instruction.line
    return substitute(stage.base, env, filename=cf.filename, line=line, escape=cf.escape)


def dependencies(
    cf: ins.Containerfile,
    stage: ins.Stage,
    env: Mapping[str, str],
    contexts: Collection[str] = (),
) -> set[int]:
    """The stages ``stage`` stands on or copies from (a named build context
    of the same name is not a stage: it wins, as in buildah)."""
    refs: list[str] = [base_of(cf, stage, env)]
    for instruction in stage.instructions:
        if isinstance(instruction, ins.Copy) and instruction.from_:
            refs.append(instruction.from_)
        elif isinstance(instruction, ins.Run):
            refs.extend(m.from_ for m in instruction.mounts if m.from_)
    out = set()
    for ref in refs:
        if "$" in ref:
            ref = substitute(ref, env, filename=cf.filename, escape=cf.escape)
        if ref.lower() == "scratch" or ref in contexts:
            continue
        index = find_stage(cf, ref, stage.index)
        if index is not None:
            out.add(index)
    return out


def target_index(cf: ins.Containerfile, target: str | None) -> int:
    if target is None:
        return len(cf.stages) - 1
    try:
        return cf.stage(target).index
    except KeyError:
        raise InvalidArgument(
            f"--target {target}: no stage of that name in {cf.filename}"
        ) from None


def needed_stages(
    cf: ins.Containerfile,
    target: int,
    env: Mapping[str, str],
    contexts: Collection[str] = (),
    skip_unused: bool = True,
) -> list[int]:
    if not skip_unused:
        # --skip-unused-stages=false: every stage up to the target, as buildah builds them
        return list(range(target + 1))
    needed = {target}
    pending = [target]
    while pending:
        for dep in dependencies(cf, cf.stages[pending.pop()], env, contexts):
            if dep not in needed:
                needed.add(dep)
                pending.append(dep)
    return sorted(needed)
