"""``hutch build`` / ``buildx build`` / ``image build``: flags into BuildOptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.build import BuildOptions
from unit.fakes import FakeEngine, run_cli


def _options(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[BuildOptions, str]:
    engine = FakeEngine()
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    options = engine.only_call("images.build")
    assert isinstance(options, BuildOptions)
    return options, result.out


def test_defaults(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    options, out = _options(["build"], monkeypatch, capsys)
    assert options == BuildOptions(context=".")
    assert out == "b" * 64 + "\n"


def test_every_flag(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "build", "-t", "a", "--tag", "b:1", "-f", "Dockerfile.x", "--build-arg", "K=V",
        "--target", "stage", "--no-cache", "--pull=never", "--label", "l=1",
        "--layers=false", "--squash", "--iidfile", "/tmp/iid", "--format", "docker",
        "--secret", "id=s,src=/f", "--platform", "linux/amd64", "--timestamp", "5", "-q",
        "--manifest", "multi",
        "--add-host", "db:10.0.0.5", "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(
        context="ctx",
        containerfile="Dockerfile.x",
        tags=("a", "b:1"),
        build_args=("K=V",),
        target="stage",
        no_cache=True,
        pull="never",
        labels=("l=1",),
        layers=False,
        squash=True,
        iidfile="/tmp/iid",
        format="docker",
        secrets=("id=s,src=/f",),
        platform="linux/amd64",
        timestamp=5,
        quiet=True,
        manifest="multi",
        add_hosts=("db:10.0.0.5",),
    )


@pytest.mark.parametrize(
    ("flags", "pull"),
    [(["--pull"], "always"), (["--pull=true"], "always"), (["--pull=false"], "missing"),
     (["--pull=newer"], "newer"), ([], "missing")],
)  # fmt: skip
def test_bare_pull_means_always_and_takes_no_word(
    flags: list[str],
    pull: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options, _ = _options(["build", *flags, "ctx"], monkeypatch, capsys)
    assert options.pull == pull
    assert options.context == "ctx"


def test_bare_layers(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _options(["build", "--layers", "ctx"], monkeypatch, capsys)[0].layers is True
    assert _options(["build", "--layers=false", "ctx"], monkeypatch, capsys)[0].layers is False
    assert _options(["build", "--layers=0", "--layers", "ctx"], monkeypatch, capsys)[0].layers
    result = run_cli(["build", "--layers=maybe"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125


@pytest.mark.parametrize("prefix", [["buildx", "build"], ["image", "build"]])
def test_aliases(
    prefix: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options, _ = _options([*prefix, "-t", "x", "ctx"], monkeypatch, capsys)
    assert options.tags == ("x",) and options.context == "ctx"


def test_image_and_registry_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "build", "--env", "A=1", "--env", "B", "--unsetenv", "PATH", "--annotation", "k=v",
        "--omit-history", "--ignorefile", "/x/ign", "--cache-ttl", "1h30m",
        "--tls-verify=false", "--creds", "u:p", "--authfile", "/a.json", "--cert-dir", "/c",
        "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(
        context="ctx",
        env=("A=1", "B"),
        unsetenv=("PATH",),
        annotations=("k=v",),
        omit_history=True,
        ignorefile="/x/ign",
        cache_ttl="1h30m",
        tls_verify=False,
        creds="u:p",
        authfile="/a.json",
        cert_dir="/c",
    )


def test_bare_tls_verify_takes_no_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options, _ = _options(["build", "--tls-verify", "ctx"], monkeypatch, capsys)
    assert options.tls_verify is True and options.context == "ctx"


def test_compatibility_flags_are_accepted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "build", "--rm", "--force-rm=false", "--rm=true", "--progress", "plain", "--jobs", "4",
        "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(context="ctx")


def test_retry_flags_reach_the_pulls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["build", "--retry", "5", "--retry-delay", "3s", "ctx"]
    options, _ = _options(argv, monkeypatch, capsys)
    assert (options.retry, options.retry_delay) == (5, "3s")
    options, _ = _options(["build", "ctx"], monkeypatch, capsys)
    assert (options.retry, options.retry_delay) == (None, None)  # the engine's default


def test_registry_cache_flags_reach_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["build", "--cache-from", "quay.io/x/cache", "--cache-from", "reg:5000/c",
            "--cache-to", "quay.io/x/c2", "ctx"]  # fmt: skip
    engine = FakeEngine()
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert "WARN" not in result.err  # no longer "local cache only"
    options = engine.only_call("images.build")
    assert isinstance(options, BuildOptions)
    assert options.cache_from == ("quay.io/x/cache", "reg:5000/c")
    assert options.cache_to == ("quay.io/x/c2",)


@pytest.mark.parametrize(
    ("flags", "pull"),
    [(["--pull-always"], "always"), (["--pull-never"], "never"),
     (["--pull=missing", "--pull-always"], "always")],
)  # fmt: skip
def test_pull_always_and_never(
    flags: list[str],
    pull: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _options(["build", *flags, "ctx"], monkeypatch, capsys)[0].pull == pull


@pytest.mark.parametrize(
    "flags",
    [["--jobs", "-1"], ["--retry", "-2"],
     ["--pull-always", "--pull-never"], ["-o", "type=local"], ["-o", "type=oci,dest=x"],
     ["--output", "type=local,dest=-"], ["-o", "dest=x,colour=red"]],
)  # fmt: skip
def test_bad_values_exit_125(
    flags: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    result = run_cli(["build", *flags, "ctx"], engine, monkeypatch, capsys)
    assert result.code == 125, result.err
    assert not engine.calls


def test_run_flags(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "build", "--network", "none", "-v", "/a:/b", "--volume", "/c:/d:ro", "--dns", "1.1.1.1",
        "--dns-search", "x.test", "--dns-option", "ndots:2", "--cap-add", "NET_ADMIN",
        "--cap-drop", "CHOWN", "--no-hostname", "--security-opt", "no-new-privileges",
        "--ulimit", "nofile=10:20", "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(
        context="ctx",
        network="none",
        volumes=("/a:/b", "/c:/d:ro"),
        dns=("1.1.1.1",),
        dns_search=("x.test",),
        dns_options=("ndots:2",),
        cap_add=("NET_ADMIN",),
        cap_drop=("CHOWN",),
        no_hostname=True,
        security_opts=("no-new-privileges",),
        ulimits=("nofile=10:20",),
    )


def test_limit_flags(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hutch.api.container_config import ResourceOptions

    argv = [
        "build", "-m", "64m", "--memory-swap", "128m", "-c", "512", "--cpu-period", "100000",
        "--cpu-quota", "50000", "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options.resources == ResourceOptions(
        memory="64m", memory_swap="128m", cpu_shares=512, cpu_period=100000, cpu_quota=50000,
        cpuset_cpus="0-1", cpuset_mems="0",
    )  # fmt: skip
    long_form, _ = _options(
        ["build", "--memory", "1g", "--cpu-shares", "2", "ctx"], monkeypatch, capsys
    )
    assert (long_form.resources.memory, long_form.resources.cpu_shares) == ("1g", 2)


def test_squash_output_and_build_contexts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "build", "--squash-all", "-o", "type=local,dest=out", "--build-context",
        "src=../src", "--build-context", "base=docker-image://alpine:3", "ctx",
    ]  # fmt: skip
    options, out = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(
        context="ctx",
        squash_all=True,
        layers=False,  # podman: --squash-all without --layers
        output="type=local,dest=out",
        build_contexts=("src=../src", "base=docker-image://alpine:3"),
    )
    assert out == "b" * 64 + "\n"


def test_output_on_stdout_moves_the_id_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    result = run_cli(["build", "-o", "-", "ctx"], engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert result.out == ""
    assert "b" * 64 in result.err
    options = engine.only_call("images.build")
    assert isinstance(options, BuildOptions) and options.output == "-"


def test_shm_size_flag(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    options, _ = _options(["build", "--shm-size", "256m", "ctx"], monkeypatch, capsys)
    assert options == BuildOptions(context="ctx", shm_size="256m")


@pytest.mark.parametrize(
    ("args", "context", "file"),
    [
        ([], ".", None),
        (["-f", "-"], "-", None),  # podman build -f - alone is podman build -
        (["-f", "-", "ctx"], "ctx", "-"),
        (["-f", "sub/Containerfile", "ctx"], "ctx", "sub/Containerfile"),
        (["-f", "https://example.com/Containerfile"], ".", "https://example.com/Containerfile"),
        (["-"], "-", None),  # podman build - < Containerfile
    ],
)
def test_the_context_when_none_is_given(
    args: list[str],
    context: str,
    file: str | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options, _ = _options(["build", *args], monkeypatch, capsys)
    assert (options.context, options.containerfile) == (context, file)


def test_no_context_is_the_directory_of_the_containerfile(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # podman: without a context, the directory of a local -f file (named absolutely)
    monkeypatch.chdir(str(tmp_path))
    options, _ = _options(["build", "-f", "sub/Containerfile"], monkeypatch, capsys)
    assert options.context == f"{tmp_path}/sub"
    assert options.containerfile == f"{tmp_path}/sub/Containerfile"


@pytest.mark.parametrize(
    ("flags", "layers"),
    [
        ([], True),
        (["--squash-all"], False),
        (["--squash-all", "--layers"], True),  # podman keeps them when asked (buildah #3674)
        (["--squash-all", "--layers=false"], False),
        (["--squash", "--layers"], False),  # --squash always builds without
        (["--layers=false"], False),
    ],
)
def test_layers_with_the_squash_flags_as_podman(
    flags: list[str],
    layers: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _options(["build", *flags, "ctx"], monkeypatch, capsys)[0].layers is layers


def test_bare_pull_then_a_word_is_two_arguments(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # podman: `--pull newer ctx` is --pull=always and two arguments (it said one)
    result = run_cli(["build", "--pull", "newer", "ctx"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert "Error: accepts at most 1 arg(s), received 2" in result.err


def test_arch_os_variant(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["build", "--arch", "arm64", "--os", "linux", "--variant", "v8", "ctx"]
    options, _ = _options(argv, monkeypatch, capsys)
    assert (options.arch, options.os, options.variant) == ("arm64", "linux", "v8")


def test_logfile_takes_the_id_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log"
    log.write_text("STEP 1/1: FROM base\n")
    options, out = _options(["build", "--logfile", str(log), "ctx"], monkeypatch, capsys)
    assert options.logfile == str(log)
    assert out == ""  # podman: the id goes to the log, stdout stays empty
    assert log.read_text() == "STEP 1/1: FROM base\n" + "b" * 64 + "\n"


@pytest.mark.parametrize(
    ("flags", "no_hosts", "http_proxy"),
    [
        ([], None, None),
        (["--no-hosts"], True, None),
        (["--no-hosts=false"], False, None),
        (["--http-proxy=false"], None, False),
        (["--http-proxy"], None, True),
        (["--http-proxy=0", "--http-proxy"], None, True),  # the last wins, as pflag's
    ],
)
def test_no_hosts_and_http_proxy(
    flags: list[str],
    no_hosts: bool | None,
    http_proxy: bool | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options, _ = _options(["build", *flags, "ctx"], monkeypatch, capsys)
    assert (options.no_hosts, options.http_proxy) == (no_hosts, http_proxy)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], (None, True, True)),
        (["--from", "alpine:3"], ("alpine:3", True, True)),
        (["--from=alpine:3"], ("alpine:3", True, True)),
        (["--skip-unused-stages=false"], (None, False, True)),
        (["--skip-unused-stages=false", "--skip-unused-stages"], (None, True, True)),
        (["--identity-label=false"], (None, True, False)),
    ],
)
def test_from_skip_unused_stages_identity_label(
    flags: list[str],
    expected: tuple[str | None, bool, bool],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options, _ = _options(["build", *flags, "ctx"], monkeypatch, capsys)
    assert (options.from_image, options.skip_unused_stages, options.identity_label) == expected


@pytest.mark.parametrize(
    "flags",
    [
        ["--isolation", "oci"],
        ["--isolation=chroot"],
        ["--isolation", "rootless"],
        ["--isolation", "OCI"],
        ["--compress"],
        ["--disable-compression=false"],
        ["-D"],
    ],
)
def test_accepted_no_op_flags(
    flags: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options, _ = _options(["build", *flags, "ctx"], monkeypatch, capsys)
    assert options == BuildOptions(context="ctx")


def test_an_unknown_isolation_is_refused_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine()
    result = run_cli(["build", "--isolation", "bogus", "ctx"], engine, monkeypatch, capsys)
    assert result.code == 125
    assert 'unrecognized isolation type "bogus"' in result.err
    assert not engine.calls
    monkeypatch.setenv("BUILDAH_ISOLATION", "vm")
    result = run_cli(["build", "ctx"], engine, monkeypatch, capsys)
    assert (result.code, 'unrecognized isolation type "vm"' in result.err) == (125, True)
    # the flag wins over the variable
    assert _options(["build", "--isolation", "chroot", "ctx"], monkeypatch, capsys)[0]


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--decryption-key", "key.pem"], "--decryption-key: encrypted images are not supported"),
        (["--sign-by", "ABCD"], "--sign-by: signing is not supported"),
    ],
)
def test_crypto_flags_are_refused_with_the_reason(
    flags: list[str],
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = FakeEngine()
    result = run_cli(["build", *flags, "ctx"], engine, monkeypatch, capsys)
    assert result.code == 125
    assert words in result.err and len(result.err.strip().splitlines()) == 1
    assert not engine.calls


def test_the_run_mode_and_image_flags_reach_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hutch.api.build import BuildNamespaces
    from hutch.api.container_config import ResourceOptions

    argv = [
        "image", "build", "--pid", "host", "--ipc=private", "--uts", "/proc/1/ns/uts",
        "--cgroupns", "host", "--device", "/dev/fuse:/dev/f:rw", "--device", "/dev/null",
        "--cgroup-parent", "mine.slice", "--stdin", "--os-feature", "a",
        "--os-feature", "b-", "--os-version", "10.0", "--cpp-flag", "-DX=1",
        "--all-platforms", "--disable-content-trust", "ctx",
    ]  # fmt: skip
    options, _ = _options(argv, monkeypatch, capsys)
    assert options == BuildOptions(
        context="ctx",
        resources=ResourceOptions(cgroup_parent="mine.slice"),
        namespaces=BuildNamespaces("host", "private", "/proc/1/ns/uts", "host"),
        devices=("/dev/fuse:/dev/f:rw", "/dev/null"),
        stdin=True,
        os_version="10.0",
        os_features=("a", "b-"),
        cpp_flags=("-DX=1",),
        all_platforms=True,
    )


def test_logsplit_puts_the_id_in_the_platforms_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log"
    argv = ["build", "--logfile", str(log), "--logsplit", "--platform", "linux/amd64", "ctx"]
    options, out = _options(argv, monkeypatch, capsys)
    assert options.logsplit is True
    assert out == ""
    assert (tmp_path / "log_linux_amd64").read_text() == "b" * 64 + "\n"


def test_hooks_dir_and_runtime_flag_are_accepted_with_a_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    argv = ["build", "--hooks-dir", str(hooks), "--hooks-dir", "/nonexistent", "ctx"]
    engine = FakeEngine()
    quiet = run_cli(argv, engine, monkeypatch, capsys)
    assert (quiet.code, quiet.err) == (0, "")  # no hooks there: silent, as podman
    (hooks / "a.json").write_text("{}")
    argv = ["build", "--hooks-dir", str(hooks), "--runtime-flag", "debug", "ctx"]
    warned = run_cli(argv, engine, monkeypatch, capsys)
    assert warned.code == 0
    assert warned.err == (
        f"WARN: --hooks-dir {hooks}: hutch runs no OCI hooks; its hooks are not run\n"
        "WARN: --runtime-flag debug: hutch's runtime is built in and takes no flags; ignored\n"
    )


def test_the_body_sets_every_field_the_command_line_has() -> None:
    """build_command fills most fields from two tables (by the option of the field's
    name, or a repeatable option into a tuple): a field of BuildOptions that neither
    table nor the body names would silently keep its default."""
    import dataclasses

    from hutch.cli import build

    named_in_body = {"context", "containerfile", "pull", "layers", "format", "os"}
    named_in_body |= {"from_image", "output", "userns", "resources", "namespaces"}
    api_only = {"cancelled"}  # the API service's, no flag
    fields = {field.name for field in dataclasses.fields(BuildOptions)}
    tables = set(build._AS_GIVEN) | set(build._REPEATED)
    assert fields - api_only == tables | named_in_body
    assert not tables & named_in_body
