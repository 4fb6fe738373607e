"""image tree/diff, save's stdout and -m, commit -m: podman's shapes and words."""

from __future__ import annotations

import hashlib
import io
from typing import Any, cast

import pytest

from hutch.api.containers import CommitOptions
from hutch.api.errors import InvalidArgument
from hutch.api.images import ImageTree, SaveOptions, TreeLayer
from hutch.cli.image_layers import tree_text
from hutch.engine import image_archive
from hutch.engine.image_layers import _fold, chain_ids
from hutch.util.humansize import human_size
from unit.fakes import FakeEngine, run_cli

A, B = "sha256:" + "a" * 64, "sha256:" + "b" * 64


def test_tree_text_is_podmans() -> None:
    tree = ImageTree(
        "c" * 64,
        ("localhost/app:latest",),
        2161000,
        (
            TreeLayer(A, 2140160, ("localhost/base:latest", "localhost/b:2"), True),
            TreeLayer(B, 10240, ("localhost/app:latest",), True),
        ),
    )
    assert tree_text(tree) == (
        "Image ID: cccccccccccc\n"
        "Tags:     [localhost/app:latest]\n"
        "Size:     2.161MB\n"
        "Image Layers\n"
        "├── ID: aaaaaaaaaaaa Size:  2.14MB Top Layer of: [localhost/base:latest localhost/b:2]\n"
        "└── ID: bbbbbbbbbbbb Size: 10.24kB Top Layer of: [localhost/app:latest]\n"
        "\n"
    )


def test_whatrequires_nests_the_layers_on_one_with_siblings() -> None:
    """libimage's rule (podman 4.3.1's output): a layer whose parent has one child
    goes on in the same list, one with siblings opens a list for its children."""
    leaf = TreeLayer("e" * 64, 2048, ("localhost/gc:latest",), True, branch=True)
    ctr = TreeLayer("d" * 64, 0, (), False, branch=True)
    child = TreeLayer(B, 6656, ("localhost/c:latest",), True, (ctr, leaf), branch=True)
    sibling = TreeLayer("f" * 64, 0, (), False, branch=True)
    top = TreeLayer(A, 2140160, ("localhost/base:latest",), True, (sibling, child))
    tree = ImageTree("c" * 64, ("localhost/base:latest",), 2141000, (top,))
    assert tree_text(tree).splitlines()[4:] == [
        "├── ID: aaaaaaaaaaaa Size:  2.14MB Top Layer of: [localhost/base:latest]",
        "├── ID: ffffffffffff Size:      0B",
        "└── ID: bbbbbbbbbbbb Size: 6.656kB Top Layer of: [localhost/c:latest]",
        "    ├── ID: dddddddddddd Size:      0B",
        "    └── ID: eeeeeeeeeeee Size: 2.048kB Top Layer of: [localhost/gc:latest]",
        "",
    ]


@pytest.mark.parametrize(
    ("size", "precision", "text"), [(0, 3, "0B"), (999, 3, "999B"), (1020, 3, "1.02kB")]
)
def test_go_size(size: int, precision: int, text: str) -> None:
    assert human_size(size, precision) == text


def test_chain_ids_follow_the_image_spec() -> None:
    second = "sha256:" + hashlib.sha256(f"{A} {B}".encode()).hexdigest()
    assert chain_ids([A, B]) == [A, second]


@pytest.mark.parametrize(
    ("steps", "result"),
    [
        (["A"], "A"),
        (["A", "D"], None),  # added, then removed above: no change
        (["D", "A"], "C"),
        (["A", "C"], "A"),
        (["C", "D"], "D"),
    ],
)
def test_fold_layers_changes(steps: list[str], result: str | None) -> None:
    kinds: dict[str, str] = {}
    for kind in steps:
        _fold(kinds, kind, "/p")
    assert kinds.get("/p") == result


def test_save_of_several_images_is_a_docker_archive() -> None:
    with pytest.raises(InvalidArgument) as exc_info:
        image_archive.save(cast(Any, None), ["a", "b"], "x", "oci-archive", multi_image=True)
    assert str(exc_info.value) == (
        'unsupported format "oci-archive" for saving multiple images (only docker-archive)'
    )


def test_save_m_and_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    monkeypatch.setattr("sys.stdout.isatty", lambda: False, raising=False)
    assert run_cli(["save", "-m", "a", "b"], fake, monkeypatch, capsys).code == 0
    assert fake.calls[-1] == ("images.save", SaveOptions(("a", "b"), "-", multi_image=True))


def test_save_refuses_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = FakeEngine()
    monkeypatch.setattr("sys.stdout", Terminal())
    result = run_cli(["save", "a"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert "Error: refusing to save to terminal. Use -o flag or redirect" in result.err
    assert fake.calls == []


@pytest.mark.parametrize("fmt", [[], ["-f", "oci"]])
def test_commit_message_needs_the_docker_format(
    fmt: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["commit", "-q", *fmt, "-m", "msg", "c", "img"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert (
        "Error: messages are only compatible with the docker image format (-f docker)" in result.err
    )
    assert fake.calls == []


def test_commit_message_with_docker(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    argv = ["commit", "-q", "-f", "docker", "-m", "msg", "c", "img"]
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    options = fake.only_call("containers.commit")
    assert isinstance(options, CommitOptions) and options.message == "msg"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["image", "unmount"], "image name or ID must be specified"),
        (
            ["image", "unmount", "-a", "x"],
            "when using the --all switch, you may not pass any image names or IDs",
        ),
        (
            ["image", "mount", "-a", "x"],
            "when using the --all switch, you may not pass any image names or IDs",
        ),
    ],
)
def test_image_mount_arguments_in_podman_words(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 125
    assert f"Error: {message}" in result.err
    assert fake.calls == []


def test_runtime_dir_under_unshare_is_the_users(monkeypatch: pytest.MonkeyPatch) -> None:
    from hutch.config import paths

    monkeypatch.setattr("os.getuid", lambda: 0)
    monkeypatch.setenv("HUTCH_ROOTLESS_UID", "1234")
    assert str(paths._runtime_dir("")) == "/tmp/hutch-1234"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["image", "sign", "--sign-by", "me", "img"], "hutch does not sign images"),
        (["image", "trust", "show"], "hutch has no image trust policy"),
    ],
)
def test_sign_and_trust_refused_with_the_reason(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    assert result.code == 125
    assert f"Error: {message}" in result.err
    assert "trust policy (containers-policy.json)" in result.err


def test_volume_reload_has_no_plugins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["volume", "reload"], fake, monkeypatch, capsys)
    assert (result.code, result.out, fake.calls) == (0, "", [])
