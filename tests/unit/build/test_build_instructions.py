"""Each instruction with its flags and forms, and each of its errors."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.instructions import (
    Add,
    Arg,
    ArgDecl,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    Healthcheck,
    Instruction,
    KeyValue,
    Label,
    Maintainer,
    Mount,
    OnBuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
)
from hutch.build.parser import parse
from hutch.build.substitute import substitute


def one(line: str) -> Instruction:
    parsed = parse(f"FROM scratch\n{line}\n", "Dockerfile")
    (instruction,) = parsed.stages[0].instructions
    assert instruction.line == 2
    return instruction


def fails(line: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse(f"FROM scratch\n{line}\n", "Dockerfile")
    assert str(info.value).startswith("Dockerfile:2: ")
    assert message in str(info.value)


# --- FROM ---------------------------------------------------------------------------


def test_from_platform_and_scratch() -> None:
    parsed = parse("FROM --platform=linux/arm64 scratch\n")
    stage = parsed.stages[0]
    assert (stage.base, stage.platform, stage.name) == ("scratch", "linux/arm64", None)


def test_from_unknown_flag() -> None:
    with pytest.raises(InvalidArgument, match=r"^Containerfile:1: unknown flag for FROM: --pull"):
        parse("FROM --pull=always alpine\n")


# --- RUN ----------------------------------------------------------------------------


def test_run_shell_and_exec_form() -> None:
    assert one("RUN echo $HOME") == Run(
        line=2, original="RUN echo $HOME", args=("echo $HOME",), shell_form=True
    )
    assert one('RUN ["echo", "$HOME"]') == Run(
        line=2, original='RUN ["echo", "$HOME"]', args=("echo", "$HOME"), shell_form=False
    )


def test_run_invalid_json_falls_back_to_shell_form() -> None:
    run = one("RUN [ -f /etc/passwd ] && echo yes")
    assert isinstance(run, Run)
    assert run.shell_form
    assert run.args == ("[ -f /etc/passwd ] && echo yes",)


def test_run_empty_exec_form_is_accepted_as_exec() -> None:
    run = one("RUN []")
    assert isinstance(run, Run)
    assert (run.args, run.shell_form) == ((), False)


def test_run_mounts() -> None:
    run = one(
        "RUN --mount=type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0700,uid=1000"
        " --mount=type=bind,from=build,source=/out,dst=/in,rw"
        " --mount=type=tmpfs,destination=/tmp,size=64m"
        " --mount=type=secret,id=token,required"
        " --mount=target=/ctx,ro=false"
        " make"
    )
    assert isinstance(run, Run)
    assert run.args == ("make",)
    assert run.mounts == (
        Mount(
            type="cache",
            target="/root/.cache",
            id="pip",
            readonly=False,
            sharing="locked",
            mode=0o700,
            uid=1000,
        ),
        Mount(type="bind", target="/in", source="/out", from_="build", readonly=False),
        Mount(type="tmpfs", target="/tmp", readonly=False, size=64 * 1024 * 1024),
        Mount(type="secret", target="/run/secrets/token", id="token", readonly=True, required=True),
        Mount(type="bind", target="/ctx", readonly=False),
    )
    assert len(run.mount_specs) == 5
    assert run.mount_specs[0].startswith("type=cache,")


def test_run_mount_with_variable_keeps_spec_for_later() -> None:
    run = one("RUN --mount=type=cache,target=$DIR,uid=$UID true")
    assert isinstance(run, Run)
    assert run.mounts[0].target == "$DIR"
    assert run.mounts[0].uid is None
    assert run.mount_specs == ("type=cache,target=$DIR,uid=$UID",)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("type=volume,target=/x", "unsupported mount type"),
        ("type=cache", "needs a target"),
        ("type=cache,target=/x,colour=red", "unexpected key 'colour'"),
        ("type=cache,target=/x,mode=999", "invalid mode"),
        ("type=cache,target=/x,uid=me", "invalid uid"),
        ("type=cache,target=/x,sharing=maybe", "invalid sharing"),
        ("type=tmpfs,target=/x,size=lots", "invalid size"),
        ("type=secret", "needs an id or a target"),
        ("type=bind,target=/x,ro=perhaps", "boolean"),
    ],
)
def test_run_mount_errors(spec: str, message: str) -> None:
    fails(f"RUN --mount={spec} true", message)


def test_run_network_and_security() -> None:
    run = one("RUN --network=none --security=insecure true")
    assert isinstance(run, Run)
    assert (run.network, run.security) == ("none", "insecure")
    fails("RUN --network=bridge true", "invalid --network 'bridge'")
    fails("RUN --security=root true", "invalid --security")


def test_run_flag_errors() -> None:
    fails("RUN --from=x true", "unknown flag for RUN: --from")
    fails("RUN --network true", "missing a value on flag --network")
    fails("RUN --network=none --network=host true", "duplicate flag specified: --network")
    fails("RUN", "RUN requires at least one argument")


def test_double_dash_ends_flags() -> None:
    run = one("RUN --network=host -- --not-a-flag")
    assert isinstance(run, Run)
    assert run.args == ("--not-a-flag",)


def test_quoted_flag_value() -> None:
    run = one('RUN --mount="type=bind,target=/a b" true')
    assert isinstance(run, Run)
    assert run.mounts[0].target == "/a b"


# --- COPY / ADD -----------------------------------------------------------------------


def test_copy_all_flags() -> None:
    copy = one(
        "COPY --from=build --chown=1000:1000 --chmod=0755 --link --exclude=*.md"
        " --exclude=tmp --parents a b/ /dst/"
    )
    assert copy == Copy(
        line=2,
        original=copy.original,
        sources=("a", "b/"),
        dest="/dst/",
        from_="build",
        chown="1000:1000",
        chmod="0755",
        link=True,
        excludes=("*.md", "tmp"),
        parents=True,
    )


def test_copy_json_form_and_bool_flag_values() -> None:
    copy = one('COPY --link=false ["a b", "/d e/"]')
    assert isinstance(copy, Copy)
    assert (copy.sources, copy.dest, copy.json_form, copy.link) == (("a b",), "/d e/", True, False)


def test_copy_errors() -> None:
    fails("COPY only-one", "COPY requires at least two arguments")
    fails("COPY --checksum=sha256:x a b", "unknown flag for COPY: --checksum")
    fails("COPY --link=maybe a b", "boolean value for flag --link")
    fails("COPY 'a b", "single-quote")


def test_add_all_flags() -> None:
    add = one(
        "ADD --chown=app --chmod=644 --link --exclude=x --checksum=sha256:abc"
        " --keep-git-dir=true https://example.invalid/a.tgz /opt/"
    )
    assert add == Add(
        line=2,
        original=add.original,
        sources=("https://example.invalid/a.tgz",),
        dest="/opt/",
        chown="app",
        chmod="644",
        link=True,
        excludes=("x",),
        checksum="sha256:abc",
        keep_git_dir=True,
    )


def test_add_refuses_from_flag() -> None:
    fails("ADD --from=x a b", "unknown flag for ADD: --from")


def test_add_heredoc() -> None:
    parsed = parse("FROM scratch\nADD <<EOF /f\nx\nEOF\n")
    add = parsed.stages[0].instructions[0]
    assert isinstance(add, Add)
    assert add.heredocs[0].content == "x\n"


# --- ENV / LABEL / ARG ---------------------------------------------------------------


def test_env_new_form() -> None:
    env = one('ENV A=1 B="two words" C=a\\ b D=')
    assert isinstance(env, Env)
    assert env.pairs == (
        KeyValue("A", "1"),
        KeyValue("B", '"two words"'),
        KeyValue("C", "a\\ b"),
        KeyValue("D", ""),
    )
    assert [substitute(p.value, {}) for p in env.pairs] == ["1", "two words", "a b", ""]


def test_env_old_form_takes_the_rest_of_the_line() -> None:
    env = one("ENV PATH  /usr/bin:$PATH  with spaces")
    assert isinstance(env, Env)
    assert env.pairs == (KeyValue("PATH", "/usr/bin:$PATH  with spaces"),)


def test_env_errors() -> None:
    fails("ENV", "ENV requires at least one argument")
    fails("ENV ONLYKEY", "ENV must have two arguments")
    fails("ENV A=1 B", "no '=' in 'B'")
    fails("ENV =x", "names can not be blank")
    fails('ENV A="open', "double-quote")
    fails("ENV A=${B", "missing '}'")


def test_label_multiple_and_quoted() -> None:
    label = one('LABEL "com.example.vendor"="ACME Inc" version=1.0 description="a \\"b\\""')
    assert isinstance(label, Label)
    assert label.pairs == (
        KeyValue('"com.example.vendor"', '"ACME Inc"'),
        KeyValue("version", "1.0"),
        KeyValue("description", '"a \\"b\\""'),
    )
    assert substitute(label.pairs[2].value, {}) == 'a "b"'


def test_label_errors() -> None:
    fails("LABEL", "LABEL requires at least one argument")
    fails("LABEL a=1 b", "no '='")


def test_arg_forms() -> None:
    arg = one('ARG A B=2 C="x y"')
    assert arg == Arg(
        line=2,
        original='ARG A B=2 C="x y"',
        args=(ArgDecl("A"), ArgDecl("B", "2"), ArgDecl("C", '"x y"')),
    )


def test_arg_errors() -> None:
    fails("ARG", "ARG requires at least one argument")
    fails("ARG =1", "ARG names can not be blank")


# --- EXPOSE / VOLUME / WORKDIR / USER / STOPSIGNAL / MAINTAINER -------------------------


def test_expose_ports() -> None:
    expose = one("EXPOSE 80 53/udp 8000-8010/tcp $PORT")
    assert isinstance(expose, Expose)
    assert expose.ports == ("80", "53/udp", "8000-8010/tcp", "$PORT")


@pytest.mark.parametrize("port", ["http", "80/icmp", "70000", "90-80", "1.2.3.4:80"])
def test_expose_bad_port(port: str) -> None:
    fails(f"EXPOSE {port}", "EXPOSE: invalid")


def test_expose_needs_argument() -> None:
    fails("EXPOSE", "EXPOSE requires at least one argument")


def test_volume_forms() -> None:
    assert one('VOLUME ["/data", "/a b"]') == Volume(
        line=2, original='VOLUME ["/data", "/a b"]', paths=("/data", "/a b"), json_form=True
    )
    assert one("VOLUME /data /logs") == Volume(
        line=2, original="VOLUME /data /logs", paths=("/data", "/logs")
    )


def test_volume_errors() -> None:
    fails("VOLUME", "VOLUME requires")
    fails('VOLUME [""]', "can not be an empty string")


def test_single_argument_instructions() -> None:
    assert one("WORKDIR /app dir") == Workdir(line=2, original="WORKDIR /app dir", path="/app dir")
    assert one("USER app:staff") == User(line=2, original="USER app:staff", user="app:staff")
    assert one("STOPSIGNAL SIGKILL") == StopSignal(
        line=2, original="STOPSIGNAL SIGKILL", signal="SIGKILL"
    )
    assert one("MAINTAINER Jane <j@example.invalid>") == Maintainer(
        line=2, original="MAINTAINER Jane <j@example.invalid>", name="Jane <j@example.invalid>"
    )


@pytest.mark.parametrize("keyword", ["WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"])
def test_single_argument_instruction_needs_argument(keyword: str) -> None:
    fails(keyword, f"{keyword} requires")


def test_workdir_unknown_flag() -> None:
    fails("WORKDIR --x=1 /a", "unknown flag for WORKDIR: --x")


# --- CMD / ENTRYPOINT / SHELL --------------------------------------------------------


def test_cmd_and_entrypoint_forms() -> None:
    assert one('CMD ["nginx", "-g", "daemon off;"]') == Cmd(
        line=2,
        original='CMD ["nginx", "-g", "daemon off;"]',
        args=("nginx", "-g", "daemon off;"),
        shell_form=False,
    )
    assert one("CMD nginx -g 'daemon off;'") == Cmd(
        line=2,
        original="CMD nginx -g 'daemon off;'",
        args=("nginx -g 'daemon off;'",),
        shell_form=True,
    )
    assert one('ENTRYPOINT ["/init"]') == Entrypoint(
        line=2, original='ENTRYPOINT ["/init"]', args=("/init",), shell_form=False
    )
    assert one("entrypoint exec top -b") == Entrypoint(
        line=2, original="entrypoint exec top -b", args=("exec top -b",), shell_form=True
    )


def test_cmd_empty_json_clears() -> None:
    cmd = one("CMD []")
    assert isinstance(cmd, Cmd)
    assert (cmd.args, cmd.shell_form) == ((), False)


def test_cmd_with_non_string_json_is_shell_form() -> None:
    cmd = one("CMD [1, 2]")
    assert isinstance(cmd, Cmd)
    assert cmd.shell_form


def test_cmd_needs_argument() -> None:
    fails("CMD", "CMD requires at least one argument")
    fails("ENTRYPOINT", "ENTRYPOINT requires at least one argument")


def test_shell() -> None:
    assert one('SHELL ["powershell", "-command"]') == Shell(
        line=2, original='SHELL ["powershell", "-command"]', args=("powershell", "-command")
    )


def test_shell_errors() -> None:
    fails("SHELL /bin/bash -c", "SHELL requires the arguments in JSON form")
    fails('SHELL ["/bin/bash", "-c"', "JSON form")
    fails("SHELL []", "SHELL requires at least one argument")


# --- HEALTHCHECK ---------------------------------------------------------------------


def test_healthcheck_none() -> None:
    assert one("HEALTHCHECK none") == Healthcheck(line=2, original="HEALTHCHECK none", none=True)


def test_healthcheck_with_all_options() -> None:
    check = one(
        "HEALTHCHECK --interval=1m30s --timeout=10s --start-period=0.5s"
        " --start-interval=500ms --retries=3 CMD curl -f http://localhost/"
    )
    assert isinstance(check, Healthcheck)
    assert check.args == ("curl -f http://localhost/",)
    assert check.shell_form
    assert check.interval == 90_000_000_000
    assert check.timeout == 10_000_000_000
    assert check.start_period == 500_000_000
    assert check.start_interval == 500_000_000
    assert check.retries == 3
    assert not check.none


def test_healthcheck_exec_form_and_defaults() -> None:
    check = one('HEALTHCHECK cmd ["/bin/check", "--quick"]')
    assert isinstance(check, Healthcheck)
    assert (check.args, check.shell_form) == (("/bin/check", "--quick"), False)
    assert (check.interval, check.timeout, check.retries) == (None, None, None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("HEALTHCHECK", "HEALTHCHECK requires"),
        ("HEALTHCHECK NONE now", "HEALTHCHECK NONE takes no arguments"),
        ("HEALTHCHECK --interval=5s NONE", "HEALTHCHECK NONE takes no arguments"),
        ("HEALTHCHECK RUN true", "unknown type 'RUN'"),
        ("HEALTHCHECK CMD", "missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK --interval=5 CMD true", "invalid duration"),
        ("HEALTHCHECK --interval=-5s CMD true", "invalid duration"),
        ("HEALTHCHECK --timeout=10us CMD true", "cannot be less than 1ms"),
        ("HEALTHCHECK --retries=-1 CMD true", "cannot be negative"),
        ("HEALTHCHECK --retries=x CMD true", "invalid number"),
        ("HEALTHCHECK --every=5s CMD true", "unknown flag for HEALTHCHECK: --every"),
    ],
)
def test_healthcheck_errors(line: str, message: str) -> None:
    fails(line, message)


# --- ONBUILD -------------------------------------------------------------------------


def test_onbuild_holds_one_instruction() -> None:
    onbuild = one("ONBUILD COPY --chown=app . /app/src")
    assert isinstance(onbuild, OnBuild)
    assert onbuild.expression == "COPY --chown=app . /app/src"
    assert onbuild.trigger == Copy(
        line=2,
        original="COPY --chown=app . /app/src",
        sources=(".",),
        dest="/app/src",
        chown="app",
    )


def test_onbuild_trigger_is_validated() -> None:
    fails("ONBUILD RUN --bogus=1 true", "unknown flag for RUN")
    fails("ONBUILD FROBNICATE", 'Unknown instruction: "FROBNICATE"')


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ONBUILD ONBUILD RUN true", "ONBUILD ONBUILD isn't allowed"),
        ("ONBUILD FROM alpine", "FROM isn't allowed as an ONBUILD trigger"),
        ("ONBUILD maintainer me", "MAINTAINER isn't allowed as an ONBUILD trigger"),
        ("ONBUILD", "ONBUILD requires"),
    ],
)
def test_onbuild_refusals(line: str, message: str) -> None:
    fails(line, message)
