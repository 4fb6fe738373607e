"""A service's ``build`` section -> the engine's ``BuildOptions`` (pure).

The image a service runs is its ``image:`` when given (the build tags it),
else ``PROJECT-SERVICE`` as ``docker compose`` v2 names it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from hutch.api.build import BuildOptions
from hutch.api.compose import ComposeBuildOptions

# the keys of ``build`` hutch implements; any other is refused by name
BUILD_KEYS = {"context", "dockerfile", "dockerfile_inline", "args", "target", "labels"}


def image_name(project: str, name: str, service: Mapping[str, Any]) -> str:
    image = service.get("image")
    return str(image) if image else f"{project}-{name}"


def unsupported_build_keys(service: Mapping[str, Any]) -> list[str]:
    build = service.get("build") or {}
    return [f"build.{k}" for k in build if k not in BUILD_KEYS and not k.startswith("x-")]


def _pairs(values: Mapping[str, Any]) -> tuple[str, ...]:
    # a key with no value takes the value from the environment, as ``build --build-arg KEY``
    return tuple(k if v is None else f"{k}={v}" for k, v in values.items())


def build_options(
    project: str,
    name: str,
    service: Mapping[str, Any],
    options: ComposeBuildOptions,
    inline_file: str | None = None,
) -> BuildOptions:
    """``inline_file``: where the caller wrote ``dockerfile_inline`` (it owns the file)."""
    build = service["build"]
    context = str(build.get("context", "."))
    if "dockerfile_inline" in build:
        if inline_file is None:
            raise ValueError("dockerfile_inline needs a file to write it to")
        containerfile = inline_file
    else:
        # the spec: a relative dockerfile is relative to the context
        containerfile = os.path.join(context, str(build.get("dockerfile", "Dockerfile")))
    args = {**(build.get("args") or {})}
    for item in options.build_args:
        key, sep, value = item.partition("=")
        args[key] = value if sep else None
    return BuildOptions(
        context=context,
        containerfile=containerfile,
        tags=(image_name(project, name, service),),
        build_args=_pairs(args),
        target=build.get("target"),
        no_cache=options.no_cache,
        pull="always" if options.pull else "missing",
        labels=_pairs(build.get("labels") or {}),
        quiet=True,
    )
