"""Differential: the registry commands (pull, push, login, logout) through hutch and
Debian's podman 4.3.1 against a real registry on loopback (``docker-registry``), each
tool with its own store and its own auth file. Image ids are the same in both (a
pulled image's id is its config's digest); what 4.3.1 words otherwise than current
podman's man page is asserted on hutch alone, with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture
from registry_helpers import PASSWORD, USER, Registry, running_registry

INSECURE = "--tls-verify=false"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with running_registry(tmp_path_factory.mktemp("plain-registry"), "plain") as reg:
        yield reg


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """TLS with a CA neither tool knows, and htpasswd Basic auth."""
    with running_registry(tmp_path_factory.mktemp("htpasswd-registry"), "htpasswd") as reg:
        yield reg


@pytest.fixture
def pushed(hutch: Hutch, base_image: str, plain: Registry) -> Registry:
    """``app:1`` and ``app:2`` on the plain registry (base, pushed by hutch)."""
    for tag in ("1", "2"):
        hutch("push", "-q", INSECURE, base_image, plain.ref(f"app:{tag}"))
    return plain


@pytest.mark.parametrize(
    "args",
    [
        ("app:nope",),  # a tag the repository lacks
        ("nothere:1",),  # a repository the registry lacks
        ("nothere",),  # ... and the :latest it means
        ("app@sha256:" + "0" * 64,),  # a digest it lacks (hutch wrote app:sha256:...)
        ("-q", "app:nope"),
    ],
    ids=" ".join,
)
def test_a_missing_image_is_worded_as_podman(
    hutch: Hutch, podman: Run, pushed: Registry, args: tuple[str, ...]
) -> None:
    # scripts match "manifest unknown" in podman's line; exit 125
    *flags, name = args
    code, out, err = both(hutch, podman, "pull", INSECURE, *flags, pushed.ref(name))
    assert (code, out) == (125, "")
    assert "reading manifest" in err and err.endswith(": manifest unknown: manifest unknown\n")


def test_pull_takes_several_sources(hutch: Hutch, podman: Run, pushed: Registry) -> None:
    code, out, _ = both(
        hutch, podman, "pull", "-q", INSECURE, pushed.ref("app:1"), pushed.ref("app:2")
    )
    assert code == 0 and len(out.splitlines()) == 2
    # the first failure ends it, the ids before it printed
    code, out, err = both(
        hutch, podman, "pull", "-q", INSECURE, pushed.ref("app:1"), pushed.ref("app:nope")
    )
    assert (code, len(out.splitlines())) == (125, 1) and "manifest unknown" in err


def test_a_platform_not_asked_for_is_pulled_with_a_warning(
    hutch: Hutch, podman: Run, pushed: Registry
) -> None:
    # the warning goes with the progress lines: -q leaves it out in both
    quiet = ("pull", "-q", INSECURE, "--arch", "arm64", pushed.ref("app:1"))
    code, out, err = both(hutch, podman, *quiet)
    assert (code, err) == (0, "") and out.strip()
    args = ("pull", INSECURE, "--arch", "arm64", pushed.ref("app:1"))
    ours, theirs = hutch(*args), podman(*args)
    assert ours.stdout == theirs.stdout
    # podman 4.3.1 printed Go structs ({amd64 linux  [] }); current podman os/arch
    assert "WARNING: image platform (" in theirs.stderr.splitlines()[-1]
    assert ours.stderr.splitlines()[-1] == (
        "WARNING: image platform (linux/amd64) does not match the expected platform (linux/arm64)"
    )
    assert "WARNING" not in hutch("pull", INSECURE, pushed.ref("app:1")).stderr


@pytest.mark.parametrize(
    "args",
    [
        ("pull", "-q", INSECURE, "--authfile", "/nonexistent/auth.json", "REF"),
        ("push", "-q", INSECURE, "--authfile", "/nonexistent/auth.json", "base", "REF"),
        ("logout", "--authfile", "/nonexistent/auth.json", "HOST"),
    ],
    ids=lambda args: args[0],
)
def test_a_missing_authfile_is_refused_first(
    hutch: Hutch, podman: Run, base_image: str, pushed: Registry, args: tuple[str, ...]
) -> None:
    args = tuple(
        pushed.ref("app:1") if a == "REF" else pushed.host if a == "HOST" else a for a in args
    )
    code, out, err = both(hutch, podman, *args)
    assert (code, out) == (125, "") and "/nonexistent/auth.json: no such file" in err


def test_push_remove_signatures(
    hutch: Hutch, podman: Run, base_image: str, plain: Registry, tmp_path: Path
) -> None:
    for tool, name in ((hutch, "ours"), (podman, "theirs")):
        digestfile = tmp_path / name
        args = ("push", "-q", INSECURE, "--remove-signatures", "--digestfile", str(digestfile))
        done = tool(*args, "base", plain.ref(f"signed/{name}:1"))
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), done
        assert digestfile.read_text().startswith("sha256:")


def test_login_and_logout_as_podman(
    hutch: Hutch, podman: Run, guarded: Registry, tmp_path: Path
) -> None:
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"

    def two(*args: str, input: str | None = None) -> tuple[int, str, str]:
        """Each tool with its own --authfile (the same words: the path is not said)."""
        mine = hutch(*args[:1], "--authfile", str(ours), *args[1:], input=input, check=False)
        peer = podman(*args[:1], "--authfile", str(theirs), *args[1:], input=input)
        assert (mine.returncode, mine.stdout, mine.stderr) == (
            peer.returncode,
            peer.stdout,
            peer.stderr,
        ), (args, mine, peer)
        return mine.returncode, mine.stdout, mine.stderr

    host = guarded.host
    # refused credentials: podman's words, and no urllib3 warning on stderr
    assert two("login", INSECURE, "-u", USER, "-p", "wrong", host) == (
        125,
        "",
        f'Error: logging into "{host}": invalid username/password\n',
    )
    assert two("login", INSECURE, "-u", USER, "-p", PASSWORD, host) == (
        0,
        "Login Succeeded!\n",
        "",
    )
    assert two("login", "--get-login", host) == (0, f"{USER}\n", "")
    assert (
        two("login", INSECURE, "-u", USER, "--password-stdin", host, input=PASSWORD + "\n")[0] == 0
    )
    for refused in (
        ("login", INSECURE, "-u", USER, "-p", "x", "--password-stdin", host),
        ("login", INSECURE, "--password-stdin", host),
        ("login", INSECURE, "-u", USER, "-p", PASSWORD),  # no registry, none configured
        ("login", INSECURE, "-u", USER, "-p", PASSWORD, host, "extra"),
        ("logout", "-a", host),
        ("logout",),
    ):
        code, out, err = two(*refused, input=PASSWORD + "\n")
        assert (code, out) == (125, "") and err.startswith("Error: "), refused
    assert two("logout", host) == (0, f"Removed login credentials for {host}\n", "")
    assert two("logout", host) == (125, "", f"Error: not logged into {host}\n")
    assert two("logout", "--all") == (0, "Removed login credentials for all registries\n", "")


def test_login_verbose_names_the_auth_file(
    hutch: Hutch, podman: Run, guarded: Registry, tmp_path: Path
) -> None:
    # podman's --verbose: "Used:  PATH" before "Login Succeeded!" (the file it wrote)
    for tool, name in ((hutch, "ours"), (podman, "theirs")):
        auth = tmp_path / f"{name}.json"
        args = ("login", "-v", INSECURE, "--authfile", str(auth), "-u", USER, "-p", PASSWORD)
        done = tool(*args, guarded.host)
        assert (done.returncode, done.stdout, done.stderr) == (
            0,
            f"Used:  {auth}\nLogin Succeeded!\n",
            "",
        ), name
        assert auth.is_file()


def test_runlabel_pulls_with_the_registry_flags(
    hutch: Hutch, podman: Run, base_image: str, guarded: Registry, tmp_path: Path
) -> None:
    # runlabel's --cert-dir, --creds and --authfile go to the pull it makes, as podman's
    import shutil

    certs = tmp_path / "certs"  # the registry's CA alone, as certs.d holds one
    certs.mkdir()
    assert guarded.ca is not None
    shutil.copy(guarded.ca, certs / "ca.crt")
    auth = tmp_path / "auth.json"
    auth.write_text('{"auths":{}}')
    hutch("create", "--name", "labelled", base_image, "true")
    hutch("commit", "-q", "-c", 'LABEL run="podman run --rm IMAGE echo hi"', "labelled", "rl")
    hutch("rm", "labelled")
    ref = guarded.ref("labelled/rl:1")
    creds = f"{USER}:{PASSWORD}"
    hutch("push", "-q", "--cert-dir", str(certs), "--creds", creds, "rl", ref)
    runs: dict[str, Run] = {"hutch": lambda *a: hutch(*a, check=False), "podman": podman}
    for name, run in runs.items():
        bare = run("container", "runlabel", "--display", "run", ref)
        assert bare.returncode == 125, (name, bare)  # an unknown CA, no credentials
        flags = ("--cert-dir", str(certs), "--creds", creds, "--authfile", str(auth))
        shown = run("container", "runlabel", "-q", "--display", *flags, "run", ref)
        assert shown.returncode == 0, (name, shown)
        # the first word is each tool itself (podman: its absolute path)
        words = shown.stdout.split(" ")
        assert words[0] == "command:" and words[1].endswith(name), (name, shown)
        assert " ".join(words[2:]) == f"run --rm {ref} echo hi\n", (name, shown)


def test_pull_and_push_refused_without_credentials(
    hutch: Hutch, podman: Run, base_image: str, guarded: Registry
) -> None:
    # podman's words, the step that met the 401 named, with the registry's own at the end
    host = guarded.host
    assert both(hutch, podman, "pull", "-q", INSECURE, guarded.ref("x:1")) == (
        125,
        "",
        f"Error: initializing source docker://{host}/x:1: reading manifest 1 in {host}/x: "
        "unauthorized: authentication required\n",
    )
    layer = _layer_of(hutch, "base")
    for creds in ((), ("--creds", "alice:wrong")):
        assert both(hutch, podman, "push", "-q", INSECURE, *creds, "base", guarded.ref("x:1")) == (
            125,
            "",
            f"Error: trying to reuse blob {layer} at destination: checking whether a blob "
            f"{layer} exists in {host}/x: unauthorized: authentication required\n",
        ), creds


def test_a_plain_layer_the_registry_has_is_reused_as_podman_reuses_it(
    hutch: Hutch, podman: Run, base_image: str, plain: Registry
) -> None:
    """Asked first whether the destination has the source blob (the plain layer:
    pushed there with hutch's --compression-format none), podman sends no gzip of
    it and its manifest names the plain one; so does hutch's."""
    import json

    from registry_helpers import get_manifest

    for name, tool in (("hutch", hutch), ("podman", podman)):
        repo = f"reuse-{name}"
        hutch("push", "-q", INSECURE, "--compression-format", "none", "base",
              plain.ref(f"{repo}:plain"))  # fmt: skip
        pushed = tool("push", "-q", INSECURE, "base", plain.ref(f"{repo}:2"))
        assert pushed.returncode == 0, (name, pushed)
        layers = json.loads(get_manifest(plain, repo, "2"))["layers"]
        assert [x["mediaType"] for x in layers] == ["application/vnd.oci.image.layer.v1.tar"]
        assert [x["digest"] for x in layers] == [_layer_of(hutch, "base")], name


def _layer_of(hutch: Hutch, image: str) -> str:
    """The digest of the image's one layer as stored (the source blob push names)."""
    import json

    layers = json.loads(hutch("image", "inspect", image).stdout)[0]["RootFS"]["Layers"]
    assert len(layers) == 1
    return str(layers[0])


@pytest.mark.parametrize(
    ("where", "flags"),
    [("refused", (INSECURE,)), ("plain", ()), ("guarded", ())],
)
def test_a_push_that_cannot_reach_the_registry_in_podmans_words(
    hutch: Hutch,
    podman: Run,
    base_image: str,
    plain: Registry,
    guarded: Registry,
    where: str,
    flags: tuple[str, ...],
) -> None:
    """podman names the first step of a layer's copy, asking whether the destination
    has it: ``trying to reuse blob B at destination: pinging container registry ...``
    (hutch with --retry 0: a refused connection is tried again by current podman and
    hutch, not by 4.3.1, which has no --retry)."""
    host = {"refused": "127.0.0.1:1", "plain": plain.host, "guarded": guarded.host}[where]
    args = ("push", "-q", *flags, "base", f"{host}/app:1")
    ours, theirs = hutch(*args[:2], "--retry", "0", *args[2:], check=False), podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (125, "")
    assert _error_lines(ours.stderr) == theirs.stderr
    layer = _layer_of(hutch, "base")
    assert theirs.stderr.startswith(
        f"Error: trying to reuse blob {layer} at destination: pinging container registry {host}: "
    )


def test_search_refused_without_credentials_in_podmans_words(
    hutch: Hutch, podman: Run, guarded: Registry
) -> None:
    host = guarded.host
    said = "unable to retrieve auth token: invalid username/password: unauthorized: "
    for args, where in (
        (("search", INSECURE, f"{host}/app"), f'couldn\'t search registry "{host}"'),
        (("search", INSECURE, "--list-tags", f"{host}/app"), "getting repository tags"),
    ):
        assert both(hutch, podman, *args) == (
            125,
            "",
            f"Error: 1 error occurred:\n\t* {where}: {said}authentication required\n\n\n",
        ), args


def test_list_tags_of_a_missing_repository(hutch: Hutch, podman: Run, pushed: Registry) -> None:
    args = ("search", INSECURE, "--list-tags", pushed.ref("nothere"))
    ours, theirs = hutch(*args, check=False), podman(*args)
    words = "getting repository tags: fetching tags list: invalid status code from registry 404"
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (125, "")
    # podman 4.3.1 wraps its one error as Go's multierror ("1 error occurred: * ...")
    assert (
        ours.stderr == theirs.stderr == f"Error: 1 error occurred:\n\t* {words} (Not Found)\n\n\n"
    )


def test_manifest_refusals_as_podman(hutch: Hutch, podman: Run, base_image: str) -> None:
    for tool in (hutch, podman):
        assert tool("manifest", "create", "peerlist").returncode == 0
    try:
        for args in (
            ("manifest", "exists", "base"),  # not a list: named in full
            ("manifest", "rm", "base"),
            # the annotation is refused before the digest is looked for
            ("manifest", "annotate", "--annotation", "novalue", "peerlist", "sha256:" + "1" * 64),
        ):
            code, out, err = both(hutch, podman, *args)
            assert (code, out) == (125, "") and err.startswith("Error: "), args
        assert both(hutch, podman, "manifest", "exists", "peerlist")[0] == 0
        assert both(hutch, podman, "manifest", "exists", "nolist")[0] == 1
    finally:
        for tool in (hutch, podman):
            tool("manifest", "rm", "peerlist")


def test_manifest_add_of_a_missing_image(hutch: Hutch, podman: Run, pushed: Registry) -> None:
    for tool in (hutch, podman):
        assert tool("manifest", "create", "addlist").returncode == 0
    try:
        code, out, err = both(
            hutch, podman, "manifest", "add", INSECURE, "addlist", pushed.ref("app:nope")
        )
        assert (code, out) == (125, "") and "manifest unknown" in err
    finally:
        for tool in (hutch, podman):
            tool("manifest", "rm", "addlist")


def test_push_sign_by_fails_in_both(
    hutch: Hutch, podman: Run, base_image: str, plain: Registry
) -> None:
    # podman cannot sign with a key it lacks; hutch signs nothing: neither pushes
    args = ("push", "-q", INSECURE, "--sign-by", "nokey@example.com", "base")
    ours = hutch(*args, plain.ref("unsigned/ours:1"), check=False)
    theirs = podman(*args, plain.ref("unsigned/theirs:1"))
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (125, "")
    assert ours.stderr.startswith("Error: --sign-by: signing is not supported")
    assert (
        hutch("manifest", "inspect", INSECURE, plain.ref("unsigned/ours:1"), check=False).returncode
        == 125
    )


def _error_lines(text: str) -> str:
    # hutch's Hint line after a TLS failure (how to trust the registry) is its own
    return "".join(line for line in text.splitlines(True) if not line.startswith("Hint: "))


@pytest.mark.parametrize(
    ("where", "args"),
    [
        ("refused", ("login", INSECURE, "-u", "a", "-p", "b")),
        ("refused", ("login", "-u", "a", "-p", "b")),
        ("refused", ("search", INSECURE)),
        ("plain", ("login", "-u", "a", "-p", "b")),  # TLS asked of a plain HTTP one
        ("plain", ("search",)),
        ("plain", ("pull",)),
        ("guarded", ("login", "-u", "a", "-p", "b")),  # a CA neither tool knows
        ("guarded", ("search",)),
        ("guarded", ("pull",)),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else a,
)
def test_an_unreachable_or_untrusted_registry_in_podmans_words(
    hutch: Hutch,
    podman: Run,
    plain: Registry,
    guarded: Registry,
    where: str,
    args: tuple[str, ...],
) -> None:
    # pinging container registry H: Get "URL": dial tcp ...: connect: connection
    # refused / http: server gave HTTP response to HTTPS client / x509: ..., under
    # each command's words; search's in a go-multierror list
    host = {"refused": "127.0.0.1:1", "plain": plain.host, "guarded": guarded.host}[where]
    target = {"login": host, "search": f"{host}/app", "pull": f"{host}/app:1"}[args[0]]
    ours, theirs = hutch(*args, target, check=False), podman(*args, target)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (125, "")
    assert _error_lines(ours.stderr) == theirs.stderr
    assert "pinging container registry" in ours.stderr
