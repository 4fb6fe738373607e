"""``build --squash``, ``--squash-all``, ``-o/--output``, ``--build-context`` and a
Containerfile on standard input (issue 15): a few quick builds on the base image."""

from __future__ import annotations

import tarfile
from pathlib import Path

from build_helpers import build, cache_hits, inspect, write_context
from harness import Hutch

FILE = """\
FROM base
COPY --from=extra note /note
RUN echo hi > /hi
"""


def test_squash_output_and_a_named_context(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=FILE)
    extra = write_context(tmp_path / "extra", {"note": "from extra\n"}, containerfile="")
    base_layers = len(inspect(hutch, "base")["RootFS"]["Layers"])
    out = tmp_path / "out"
    named = ["--build-context", f"extra={extra}"]
    build(hutch, context, "--squash", *named, "-o", f"type=local,dest={out}", "-t", "sq")
    data = inspect(hutch, "sq")
    assert len(data["RootFS"]["Layers"]) == base_layers + 1  # the new layers as one
    assert (out / "hi").read_text() == "hi\n"
    assert (out / "note").read_text() == "from extra\n"
    assert (out / "bin" / "busybox").is_file()

    build(hutch, context, "--squash-all", *named, "-t", "sqall")
    data = inspect(hutch, "sqall")
    assert len(data["RootFS"]["Layers"]) == 1  # the base's layers too
    # podman's history: the build's two steps, the last one holding the layer
    history = data["History"]
    assert [bool(e.get("empty_layer")) for e in history] == [True, False]
    assert history[-1]["comment"].startswith("FROM ")

    both = build(hutch, context, "--squash", "--squash-all", check=False)
    assert both.returncode == 125
    assert "cannot specify --squash-all with --squash" in both.stderr


def test_a_containerfile_on_stdin_and_a_tar_output(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    target = tmp_path / "rootfs.tar"
    result = hutch(
        "build", "-t", "fromstdin", "-o", f"type=tar,dest={target}", "-",
        input="FROM base\nLABEL via=stdin\n",
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0
    assert inspect(hutch, "fromstdin")["Config"]["Labels"] == {"via": "stdin"}
    with tarfile.open(target) as archive:
        names = {m.name.removeprefix("./") for m in archive.getmembers()}
    assert "bin/busybox" in names


def test_containerfile_from_stdin_with_and_without_a_context(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """podman build -f - CTX, podman build -f - (alone, stdin is the context: a lone
    Containerfile has an empty one), and podman build -f sub/Containerfile (its
    directory is the context)."""
    steps = "FROM base\nCOPY msg.txt /msg.txt\n"
    context = write_context(tmp_path / "ctx", {"msg.txt": "from ctx\n"}, containerfile="")
    hutch("build", "-q", "-t", "withctx", "-f", "-", str(context), input=steps, timeout=120)
    here = hutch.env.home  # hutch runs in this directory
    (here / "msg.txt").write_text("from the current directory\n")
    lone = hutch("build", "-q", "-t", "lone", "-f", "-", input=steps, check=False, timeout=120)
    assert lone.returncode == 125 and "msg.txt" in lone.stderr  # nothing to copy from
    hutch("build", "-q", "-t", "cwdctx", "-f", "-", input="FROM base\nLABEL a=b\n")
    assert inspect(hutch, "cwdctx")["Config"]["Labels"] == {"a": "b"}
    sub = write_context(here / "sub", {"msg.txt": "from sub\n"}, containerfile=steps)
    hutch("build", "-q", "-t", "subctx", "-f", "sub/Containerfile", timeout=120)
    for image, text in (
        ("withctx", "from ctx\n"),
        ("subctx", "from sub\n"),
    ):
        assert hutch("run", "--rm", image, "cat", "/msg.txt").stdout == text, image
    assert sub.is_dir()
    both = hutch("build", "-f", "-", "-", input=steps, check=False)
    assert both.returncode == 125 and "cannot both come from stdin" in both.stderr


def test_squash_all_with_layers_keeps_the_step_cache(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """podman: --squash-all builds without layers unless --layers is given; with it the
    steps are cached (a second build hits them) and the image is still one layer."""
    steps = "FROM base\nRUN echo one > /one\nRUN echo two > /two\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=steps)
    first = build(hutch, context, "--squash-all", "--layers", "-t", "sq1")
    second = build(hutch, context, "--squash-all", "--layers", "-t", "sq2")
    assert cache_hits(first) == 0 and cache_hits(second) == 2
    for name in ("sq1", "sq2"):
        assert len(inspect(hutch, name)["RootFS"]["Layers"]) == 1, name
    assert hutch("run", "--rm", "sq2", "cat", "/one", "/two").stdout == "one\ntwo\n"
    plain = build(hutch, context, "--squash-all", "-t", "sq3")  # no --layers: no cache
    assert cache_hits(plain) == 0
    assert len(inspect(hutch, "sq3")["RootFS"]["Layers"]) == 1
