"""The registry and image-toolbox verbs parse into the right options (fake engine)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.images import (
    HistoryLine,
    ImagePruneOptions,
    PullOptions,
    PushOptions,
    RegistryAccess,
    SaveOptions,
)
from unit.fakes import FakeEngine, run_cli

Mp = pytest.MonkeyPatch
Cap = pytest.CaptureFixture[str]


def test_pull_flags(monkeypatch: Mp, capsys: Cap, tmp_path: Path) -> None:
    engine = FakeEngine()
    auth = tmp_path / "a.json"
    auth.write_text("{}")
    argv = ["pull", "-q", "--platform", "linux/arm64", "--tls-verify=false", "--creds", "u:p",
            "--authfile", str(auth), "--cert-dir", "/c", "reg:5000/x:1"]  # fmt: skip
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert result.code == 0
    assert result.out == "1" * 64 + "\n"
    options = engine.only_call("images.pull")
    assert options == PullOptions(
        reference="reg:5000/x:1",
        platform="linux/arm64",
        quiet=True,
        access=RegistryAccess(False, "u:p", str(auth), "/c"),
        retry=None,  # the command's: podman's 3 (the engine's own pulls ask for none)
    )


@pytest.mark.parametrize("verb", ["pull", "push"])
def test_disable_content_trust_changes_nothing(monkeypatch: Mp, capsys: Cap, verb: str) -> None:
    # Docker's switch, which podman accepts and ignores: the same call as without it
    plain, trusting = FakeEngine(), FakeEngine()
    assert run_cli([verb, "-q", "x"], plain, monkeypatch, capsys).code == 0
    flagged = [verb, "-q", "--disable-content-trust", "x"]
    assert run_cli(flagged, trusting, monkeypatch, capsys).code == 0
    assert trusting.calls == plain.calls != []


def test_pull_takes_several_sources_in_turn(monkeypatch: Mp, capsys: Cap) -> None:
    # podman's pull [options] source [source...]: one pull each, in the order given
    engine = FakeEngine()
    result = run_cli(["pull", "-q", "a", "b:2"], engine, monkeypatch, capsys)
    assert result.code == 0
    assert [o.reference for _, o in engine.calls] == ["a", "b:2"]
    assert result.out == ("1" * 64 + "\n") * 2


def test_pull_stops_at_the_first_failing_source(monkeypatch: Mp, capsys: Cap) -> None:
    from hutch.api.errors import NoSuchObject

    class FailSecond(FakeEngine):
        def record(self, method: str, argument: object) -> None:
            super().record(method, argument)
            if len(self.calls) == 2:
                raise NoSuchObject("b: manifest unknown")

    engine = FailSecond()
    result = run_cli(["pull", "-q", "a", "b", "c"], engine, monkeypatch, capsys)
    assert result.code == 125
    assert len(engine.calls) == 2  # c is never tried
    assert result.out == "1" * 64 + "\n"  # a's id, printed before b failed
    assert result.err == "Error: b: manifest unknown\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["pull", "--authfile", "AUTH", "x"],
        ["push", "--authfile", "AUTH", "x", "reg/y"],
        ["search", "--authfile", "AUTH", "reg/y"],
        ["manifest", "push", "--authfile", "AUTH", "l", "reg/l"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_a_missing_authfile_is_refused_first(
    argv: list[str], monkeypatch: Mp, capsys: Cap, tmp_path: Path
) -> None:
    # podman stats a given --authfile before any work (login alone creates it)
    missing = str(tmp_path / "none.json")
    engine = FakeEngine()
    argv = [missing if a == "AUTH" else a for a in argv]
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert (result.code, result.out) == (125, "")
    assert result.err == f"Error: stat {missing}: no such file or directory\n"
    assert engine.calls == []


def test_logout_checks_the_authfile_in_podmans_words(
    monkeypatch: Mp, capsys: Cap, tmp_path: Path
) -> None:
    missing = tmp_path / "none.json"
    engine = FakeEngine()
    result = run_cli(["logout", "--authfile", str(missing), "reg"], engine, monkeypatch, capsys)
    assert result.code == 125
    assert result.err == f"Error: checking authfile: stat {missing}: no such file or directory\n"
    assert engine.calls == []


def test_login_creates_a_missing_authfile(monkeypatch: Mp, capsys: Cap, tmp_path: Path) -> None:
    engine = FakeEngine()
    auth = str(tmp_path / "new.json")
    argv = ["login", "--authfile", auth, "-u", "u", "-p", "p", "reg"]
    assert run_cli(argv, engine, monkeypatch, capsys).code == 0
    assert engine.only_call("images.login").access.authfile == auth


@pytest.mark.parametrize(
    ("flags", "verbose"), [((), False), (("-v",), True), (("--verbose",), True)]
)
def test_login_verbose(monkeypatch: Mp, capsys: Cap, flags: tuple[str, ...], verbose: bool) -> None:
    engine = FakeEngine()
    assert (
        run_cli(["login", *flags, "-u", "u", "-p", "p", "reg"], engine, monkeypatch, capsys).code
        == 0
    )
    assert engine.only_call("images.login").verbose is verbose


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["-u", "u", "-p", "x", "--password-stdin"],
            "Can't specify both --password-stdin and --password",
        ),
        (["--password-stdin"], "Must provide --username with --password-stdin"),
    ],
)
def test_login_password_stdin_refusals(
    flags: list[str], message: str, monkeypatch: Mp, capsys: Cap
) -> None:
    engine = FakeEngine()
    result = run_cli(["login", *flags, "reg"], engine, monkeypatch, capsys)
    assert (result.code, result.err) == (125, f"Error: {message}\n")
    assert engine.calls == []


def test_login_registry_is_optional_and_one_at_most(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine()
    assert run_cli(["login", "-u", "u", "-p", "p"], engine, monkeypatch, capsys).code == 0
    assert engine.only_call("images.login").registry == ""  # the engine picks podman's
    result = run_cli(["login", "-u", "u", "-p", "p", "a", "b"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.err) == (125, "Error: accepts at most 1 arg(s), received 2\n")


@pytest.mark.parametrize("argv", [["push"], ["manifest", "push"]])
def test_remove_signatures_is_accepted(argv: list[str], monkeypatch: Mp, capsys: Cap) -> None:
    # hutch stores no signatures: a push is the same with or without the flag
    engine = FakeEngine()
    result = run_cli([*argv, "--remove-signatures", "x", "reg/x"], engine, monkeypatch, capsys)
    assert result.code == 0, result.err
    assert len(engine.calls) == 1


def test_image_pull_alias_and_arch(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine()
    run_cli(["image", "pull", "--arch", "arm", "--variant", "v7", "x"], engine, monkeypatch, capsys)
    options = engine.only_call("images.pull")
    assert (options.arch, options.variant, options.access.tls_verify) == ("arm", "v7", None)


@pytest.mark.parametrize(
    ("flags", "want"), [(["--tls-verify"], True), (["--tls-verify=0"], False), ([], None)]
)
def test_tls_verify_is_a_switch(
    flags: list[str], want: bool | None, monkeypatch: Mp, capsys: Cap
) -> None:
    # bare, it takes no word (podman's bool flag): the image stays the argument
    engine = FakeEngine()
    assert run_cli(["pull", *flags, "x"], engine, monkeypatch, capsys).code == 0
    options = engine.only_call("images.pull")
    assert (options.reference, options.access.tls_verify) == ("x", want)


def test_bad_tls_verify_value(monkeypatch: Mp, capsys: Cap) -> None:
    result = run_cli(["pull", "--tls-verify=maybe", "x"], FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert "--tls-verify" in result.err


def test_push_destination(monkeypatch: Mp, capsys: Cap, tmp_path: object) -> None:
    engine = FakeEngine()
    run_cli(["push", "--tls-verify=true", "app", "oci:/tmp/x"], engine, monkeypatch, capsys)
    assert engine.only_call("images.push") == PushOptions(
        "app", "oci:/tmp/x", access=RegistryAccess(tls_verify=True), retry=None
    )


@pytest.mark.parametrize("verb", ["pull", "push"])
def test_retry_flags_reach_the_engine(verb: str, monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine()
    argv = [verb, "--retry", "5", "--retry-delay", "10s", "reg:5000/x:1"]
    assert run_cli(argv, engine, monkeypatch, capsys).code == 0
    options = engine.only_call(f"images.{verb}")
    assert (options.retry, options.retry_delay) == (5, "10s")
    negative = run_cli([verb, "--retry=-1", "x"], FakeEngine(), monkeypatch, capsys)
    assert (negative.code, negative.err) == (
        125,
        'Error: invalid argument "-1" for "--retry" flag: '
        'strconv.ParseUint: parsing "-1": invalid syntax\n',
    )


def test_login_password_stdin(monkeypatch: Mp, capsys: Cap) -> None:
    import io

    engine = FakeEngine()
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    result = run_cli(
        ["login", "-u", "me", "--password-stdin", "reg:5000"], engine, monkeypatch, capsys
    )
    assert result.out == "Login Succeeded!\n"
    options = engine.only_call("images.login")
    assert (options.registry, options.username, options.password) == ("reg:5000", "me", "pw")


def test_login_refuses_both_password_flags(monkeypatch: Mp, capsys: Cap) -> None:
    argv = ["login", "-u", "me", "-p", "x", "--password-stdin", "r"]
    assert run_cli(argv, FakeEngine(), monkeypatch, capsys).code == 125


def test_tag_untag_exists(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine(existing_images=("base",))
    run_cli(["tag", "base", "a:1", "b"], engine, monkeypatch, capsys)
    assert engine.calls[-1] == ("images.tag", ("base", ("a:1", "b")))
    run_cli(["image", "untag", "base"], engine, monkeypatch, capsys)
    assert engine.calls[-1] == ("images.untag", ("base", ()))
    assert run_cli(["image", "exists", "base"], engine, monkeypatch, capsys).code == 0
    assert run_cli(["image", "exists", "nope"], engine, monkeypatch, capsys).code == 1


def test_history_quiet_and_trunc(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine(
        history_lines=[
            HistoryLine("a" * 64, None, "x" * 60, 100, "", False),
            HistoryLine("<missing>", None, "y", 0, "", True),
        ]
    )
    result = run_cli(["history", "-q", "base"], engine, monkeypatch, capsys)
    assert result.out == "a" * 12 + "\n<missing>\n"
    table = run_cli(["history", "base"], engine, monkeypatch, capsys).out
    assert "x" * 42 + "..." in table
    full = run_cli(["history", "--no-trunc", "base"], engine, monkeypatch, capsys).out
    assert "x" * 60 in full
    # podman's history JSON is json.Encoder's: one line
    one = run_cli(["history", "--format", "{{json .}}", "base"], engine, monkeypatch, capsys).out
    assert one.count("\n") == 1 and one.startswith('[{"id":"' + "a" * 64 + '","created":null,')


def test_save_load_prune(monkeypatch: Mp, capsys: Cap) -> None:
    import io

    engine = FakeEngine()
    run_cli(
        ["save", "--format", "oci-archive", "-o", "/x.tar", "a", "b"], engine, monkeypatch, capsys
    )
    name, options = engine.calls[-1]
    assert name == "images.save" and options.progress is not None  # podman's lines
    assert replace(options, progress=None) == SaveOptions(
        ("a", "b"), "/x.tar", "oci-archive", multi_image=False
    )
    run_cli(["save", "-q", "-o", "/x.tar", "a"], engine, monkeypatch, capsys)
    assert engine.calls[-1][1].progress is None  # -q: none
    out = run_cli(["load", "-i", "/x.tar"], engine, monkeypatch, capsys).out
    assert out == "Loaded image: localhost/loaded:latest\n"
    assert (
        run_cli(["image", "prune", "-f", "-a"], engine, monkeypatch, capsys).out == "3" * 64 + "\n"
    )
    assert engine.calls[-1] == ("images.prune", ImagePruneOptions(True))
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    before = len(engine.calls)
    run_cli(["image", "prune"], engine, monkeypatch, capsys)
    assert len(engine.calls) == before  # answered no: nothing asked of the engine


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_load_quiet_prints_the_names_and_refuses_a_terminal(monkeypatch: Mp, capsys: Cap) -> None:
    """podman: -q silences progress only; an archive is not read from a terminal."""
    engine = FakeEngine()
    out = run_cli(["load", "-q", "-i", "/x.tar"], engine, monkeypatch, capsys).out
    assert out == "Loaded image: localhost/loaded:latest\n"
    monkeypatch.setattr("sys.stdin", _Terminal())
    refused = run_cli(["load"], engine, monkeypatch, capsys)
    assert (refused.code, refused.err) == (
        125,
        "Error: cannot read from terminal, use command-line redirection or the --input flag\n",
    )
    assert run_cli(["load", "-i", "/x.tar"], engine, monkeypatch, capsys).code == 0


def test_run_pull_policy(monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine()
    run_cli(
        ["run", "--pull=never", "--platform", "linux/arm64", "img", "true"],
        engine,
        monkeypatch,
        capsys,
    )
    options = engine.only_call("containers.run")
    assert (options.pull.policy, options.pull.platform) == ("never", "linux/arm64")
    bad = run_cli(["create", "--pull=sometimes", "img"], FakeEngine(), monkeypatch, capsys)
    assert (bad.code, bad.err) == (125, 'Error: unsupported pull policy "sometimes"\n')
    for alias, policy in (("IfNotPresent", "missing"), ("ifnewer", "newer")):  # podman's too
        engine = FakeEngine()
        run_cli(["run", f"--pull={alias}", "img", "true"], engine, monkeypatch, capsys)
        assert engine.only_call("containers.run").pull.policy == policy


@pytest.mark.parametrize(
    "flag",
    ["--sign-by", "--sign-by-sigstore", "--sign-by-sigstore-private-key", "--sign-passphrase-file"],
)
def test_push_signing_flags_are_refused_by_name(flag: str, monkeypatch: Mp, capsys: Cap) -> None:
    engine = FakeEngine()
    result = run_cli(["push", flag, "k", "x", "reg/x"], engine, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith(f"Error: {flag}: signing is not supported: ")
    assert engine.calls == []  # nothing went out unsigned


def test_image_prune_external_prunes_the_same(monkeypatch: Mp, capsys: Cap) -> None:
    # podman's --external reaches other tools' containers; hutch's store has none
    plain, external = FakeEngine(), FakeEngine()
    assert run_cli(["image", "prune", "-f", "-a"], plain, monkeypatch, capsys).code == 0
    argv = ["image", "prune", "-f", "-a", "--external"]
    assert run_cli(argv, external, monkeypatch, capsys).code == 0
    assert external.calls == plain.calls != []


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive", "oci-dir"])
@pytest.mark.parametrize("flag", ["--compress", "--compress=false"])
def test_save_compress_only_with_docker_dir(
    monkeypatch: Mp, capsys: Cap, tmp_path: Path, fmt: str, flag: str
) -> None:
    # podman's check and words: the flag given at all, with any other format; the
    # engine's refusal (a real one over an empty store), before any image is looked up
    from typing import Any

    from hutch.engine.engine import user_engine

    engine: Any = user_engine(str(tmp_path / "root"), str(tmp_path / "run"), "vfs")
    out = tmp_path / "x"
    argv = ["save", flag, "--format", fmt, "-o", str(out), "a"]
    result = run_cli(argv, engine, monkeypatch, capsys)
    assert (result.code, result.err) == (
        125,
        "Error: --compress can only be set when --format is 'docker-dir'\n",
    )
    assert not out.exists()


@pytest.mark.parametrize(("flag", "want"), [("--compress", True), ("--compress=false", False)])
def test_save_and_push_pass_compress(monkeypatch: Mp, capsys: Cap, flag: str, want: bool) -> None:
    engine = FakeEngine()
    argv = ["save", "-q", flag, "--format", "docker-dir", "-o", "/d", "a"]
    assert run_cli(argv, engine, monkeypatch, capsys).code == 0
    assert engine.only_call("images.save").compress is want
    for verb in (["push"], ["image", "push"]):
        engine = FakeEngine()
        assert run_cli([*verb, "-q", flag, "a", "dir:/d"], engine, monkeypatch, capsys).code == 0
        assert engine.only_call("images.push") == PushOptions(
            "a", "dir:/d", quiet=True, compress=want
        )
