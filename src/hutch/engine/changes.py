"""``--change`` of ``commit`` and ``import``: Containerfile instructions applied to a config.

Each change is parsed by the Containerfile parser (as the one instruction of
a ``FROM scratch`` file), so quoting, JSON and shell forms and variable
references mean exactly what they mean in a Containerfile; ``$VAR`` expands
against the environment the config has at that point.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from dataclasses import replace

from hutch.api.errors import InvalidArgument
from hutch.build import instructions as ins
from hutch.build.parser import parse
from hutch.build.substitute import substitute
from hutch.build.values import parse_port
from hutch.oci.image import ContainerConfig

SUPPORTED = (
    "CMD",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "LABEL",
    "ONBUILD",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
)
_DEFAULT_SHELL = ("/bin/sh", "-c")


def apply_changes(config: ContainerConfig, changes: Sequence[str]) -> ContainerConfig:
    """``config`` with each change applied in order; InvalidArgument for a bad one."""
    for change in changes:
        config = _apply(config, _instruction(change))
    return config


def _instruction(change: str) -> ins.Instruction:
    text = change.strip()
    if text and len(text.split(None, 1)) == 1 and "=" in text:
        # podman's other spelling, KEY=VALUE, taken when the change has no blank
        # (ENV=A=b is ENV A=b; CMD=/bin/sh -c date stays an unknown instruction)
        keyword, _, value = text.partition("=")
        text = f"{keyword} {value}"
    if len(text.split(None, 1)) != 2:  # podman's words (libimage's ImageConfigFromChanges)
        raise InvalidArgument(f'invalid change "{change}" - must be formatted as KEY VALUE')
    keyword = text.split(None, 1)[0].upper()
    if keyword not in SUPPORTED:
        raise InvalidArgument(f'invalid change "{change}" - invalid instruction {keyword}')
    text = _one_line_json(text)
    try:
        parsed = parse(f"FROM scratch\n{text}\n", filename="--change")
    except InvalidArgument as exc:
        raise InvalidArgument(f"invalid --change {change!r}: {exc}") from exc
    body = parsed.stages[0].instructions
    if len(body) != 1:
        raise InvalidArgument(f"invalid --change {change!r}: give exactly one instruction")
    return body[0]


def _one_line_json(text: str) -> str:
    """A JSON-form value written over several lines (``CMD ["a",\n"b"]``), which
    podman decodes as JSON, on one line: a Containerfile line ends at the newline."""
    keyword, _, value = text.partition(" ")
    if "\n" not in value or not value.lstrip().startswith("["):
        return text
    try:
        words = json.loads(value)
    except ValueError:
        return text
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return text
    return f"{keyword} {json.dumps(words)}"


def _env(config: ContainerConfig) -> dict[str, str]:
    return dict(item.partition("=")[::2] for item in config.env)


def _sub(word: str, config: ContainerConfig, line: int) -> str:
    return substitute(word, _env(config), filename="--change", line=line)


def _command(args: tuple[str, ...], shell_form: bool, config: ContainerConfig) -> tuple[str, ...]:
    if not shell_form:
        return args
    return (*(config.shell or _DEFAULT_SHELL), " ".join(args))


def _apply(config: ContainerConfig, step: ins.Instruction) -> ContainerConfig:
    line = step.line
    if isinstance(step, ins.Cmd):
        return replace(config, cmd=_command(step.args, step.shell_form, config))
    if isinstance(step, ins.Entrypoint):
        return replace(config, entrypoint=_command(step.args, step.shell_form, config))
    if isinstance(step, ins.Env):
        env = _env(config)
        for pair in step.pairs:
            env[_sub(pair.key, config, line)] = substitute(
                pair.value, env, filename="--change", line=line
            )
        return replace(config, env=tuple(f"{k}={v}" for k, v in env.items()))
    if isinstance(step, ins.Label):
        labels = dict(config.labels)
        for pair in step.pairs:
            labels[_sub(pair.key, config, line)] = _sub(pair.value, config, line)
        return replace(config, labels=tuple(sorted(labels.items())))
    if isinstance(step, ins.Expose):
        return replace(config, exposed_ports=_exposed(config, step))
    if isinstance(step, ins.Volume):
        paths = step.paths if step.json_form else tuple(_sub(p, config, line) for p in step.paths)
        return replace(config, volumes=tuple(sorted({*config.volumes, *paths})))
    if isinstance(step, ins.Workdir):
        path = _sub(step.path, config, line)
        if not path.startswith("/"):
            path = posixpath.join(config.working_dir or "/", path)
        return replace(config, working_dir=posixpath.normpath(path))
    if isinstance(step, ins.User):
        return replace(config, user=_sub(step.user, config, line))
    if isinstance(step, ins.StopSignal):
        return replace(config, stop_signal=_sub(step.signal, config, line))
    if isinstance(step, ins.OnBuild):
        return replace(config, on_build=(*config.on_build, step.expression))
    raise InvalidArgument(f"--change {step.original!r} is not supported")


def _exposed(config: ContainerConfig, step: ins.Expose) -> tuple[str, ...]:
    ports = set(config.exposed_ports)
    for word in step.ports:
        text = _sub(word, config, step.line)
        try:
            spec = parse_port(text)
        except ValueError as exc:
            raise InvalidArgument(f"invalid --change {step.original!r}: {exc}") from exc
        ports.update(f"{p}/{spec.protocol}" for p in range(spec.start, spec.end + 1))
    return tuple(sorted(ports))
