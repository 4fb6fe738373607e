"""Instructions that change only the image config (ENV, LABEL, CMD, ...), as pure functions.

Each takes the config so far and the variables in force and returns the new
config plus the text recorded in the history (``created_by``), which is also
the cache key's view of the instruction: it is written after substitution.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, replace

from hutch.api.errors import InvalidArgument
from hutch.build import instructions as ins
from hutch.build import values
from hutch.build.substitute import expand_words, substitute
from hutch.oci.image import ContainerConfig, Healthcheck

DEFAULT_SHELL = ("/bin/sh", "-c")


@dataclass(frozen=True)
class Words:
    """How to substitute: the variables in force and where the instruction came from."""

    env: Mapping[str, str]
    filename: str
    escape: str

    def one(self, word: str, line: int) -> str:
        return substitute(word, self.env, filename=self.filename, line=line, escape=self.escape)

    def many(self, text: str, line: int) -> tuple[str, ...]:
        return expand_words(text, self.env, filename=self.filename, line=line, escape=self.escape)


def nop(text: str) -> str:
    return f"/bin/sh -c #(nop) {text}"


def env_dict(config: ContainerConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in config.env:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def shell_of(config: ContainerConfig) -> tuple[str, ...]:
    return config.shell or DEFAULT_SHELL


def command_args(
    args: tuple[str, ...], shell_form: bool, config: ContainerConfig
) -> tuple[str, ...]:
    return (*shell_of(config), args[0]) if shell_form else args


def apply(
    instruction: ins.Instruction, config: ContainerConfig, words: Words
) -> tuple[ContainerConfig, str]:
    """The config after a metadata instruction, and its history text."""
    line = instruction.line
    if isinstance(instruction, ins.Env):
        env = env_dict(config)
        rendered = []
        for pair in instruction.pairs:
            key = words.one(pair.key, line)
            value = words.one(pair.value, line)
            env[key] = value
            rendered.append(f"{key}={value}")
        new_env = tuple(f"{k}={v}" for k, v in env.items())
        return replace(config, env=new_env), nop("ENV " + " ".join(rendered))
    if isinstance(instruction, ins.Label):
        labels = dict(config.labels)
        rendered = []
        for pair in instruction.pairs:
            key, value = words.one(pair.key, line), words.one(pair.value, line)
            labels[key] = value
            rendered.append(f"{json.dumps(key)}={json.dumps(value)}")
        return replace(config, labels=tuple(sorted(labels.items()))), nop(
            "LABEL " + " ".join(rendered)
        )
    if isinstance(instruction, ins.Workdir):
        path = words.one(instruction.path, line)
        base = config.working_dir or "/"
        path = posixpath.normpath(posixpath.join(base, path))
        if not path.startswith("/"):
            path = "/" + path.lstrip("/")
        return replace(config, working_dir=path), nop(f"WORKDIR {path}")
    if isinstance(instruction, ins.User):
        user = words.one(instruction.user, line)
        return replace(config, user=user), nop(f"USER {user}")
    if isinstance(instruction, ins.Cmd):
        cmd = command_args(instruction.args, instruction.shell_form, config)
        return replace(config, cmd=cmd), nop(f"CMD {json.dumps(list(cmd))}")
    if isinstance(instruction, ins.Entrypoint):
        entrypoint = command_args(instruction.args, instruction.shell_form, config)
        # A new ENTRYPOINT drops a CMD inherited from the base image (Docker's rule);
        # the builder restores a CMD given earlier in this stage.
        return replace(config, entrypoint=entrypoint), nop(
            f"ENTRYPOINT {json.dumps(list(entrypoint))}"
        )
    if isinstance(instruction, ins.Shell):
        return replace(config, shell=instruction.args), nop(
            f"SHELL {json.dumps(list(instruction.args))}"
        )
    if isinstance(instruction, ins.Expose):
        ports = set(config.exposed_ports)
        for raw in instruction.ports:
            for word in words.many(raw, line):
                try:
                    spec = values.parse_port(word)
                except ValueError as exc:
                    raise InvalidArgument(f"{words.filename}:{line}: {exc}") from None
                ports.update(f"{p}/{spec.protocol}" for p in range(spec.start, spec.end + 1))
        exposed = tuple(sorted(ports))
        return replace(config, exposed_ports=exposed), nop("EXPOSE " + " ".join(exposed))
    if isinstance(instruction, ins.Volume):
        paths = [words.one(p, line) for p in instruction.paths]
        if any(not p for p in paths):
            raise InvalidArgument(f"{words.filename}:{line}: VOLUME specified can not be empty")
        volumes = tuple(sorted(set(config.volumes) | set(paths)))
        return replace(config, volumes=volumes), nop(f"VOLUME {json.dumps(paths)}")
    if isinstance(instruction, ins.StopSignal):
        sig = words.one(instruction.signal, line)
        return replace(config, stop_signal=sig), nop(f"STOPSIGNAL {sig}")
    if isinstance(instruction, ins.Healthcheck):
        return _healthcheck(instruction, config)
    if isinstance(instruction, ins.OnBuild):
        return replace(config, on_build=(*config.on_build, instruction.expression)), nop(
            f"ONBUILD {instruction.expression}"
        )
    raise TypeError(f"not a metadata instruction: {type(instruction).__name__}")


def _healthcheck(
    instruction: ins.Healthcheck, config: ContainerConfig
) -> tuple[ContainerConfig, str]:
    if instruction.none:
        check = Healthcheck(test=("NONE",))
    else:
        test = (
            ("CMD-SHELL", instruction.args[0])
            if instruction.shell_form
            else ("CMD", *instruction.args)
        )
        check = Healthcheck(
            test=test,
            interval_ns=instruction.interval or 0,
            timeout_ns=instruction.timeout or 0,
            start_period_ns=instruction.start_period or 0,
            retries=instruction.retries or 0,
        )
    return replace(config, healthcheck=check), nop(
        "HEALTHCHECK "
        + json.dumps(list(check.test))
        + f" {check.interval_ns} {check.timeout_ns} {check.start_period_ns} {check.retries}"
    )
