"""Differential: images --filter intermediate/dangling, commit's history and output,
import's sources and save/load's archives, through hutch and Debian's podman 4.3.1.

podman's commit needs a runroot its storage.conf names (``--root``/``--runroot``
on the command line make 4.3.1's commit fail with "runroot must be set"), so this
module's podman has a storage.conf and a runtime directory of its own."""

from __future__ import annotations

import json
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch
from peer_podman import Run, runner

HEX = re.compile(r"[0-9a-f]{64}")


@pytest.fixture(scope="module", name="podman")
def fixture_podman(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Run]:
    binary = shutil.which("podman")
    assert binary is not None, "podman (the peer) not found: contrib/setup-host.sh installs it"
    root = tmp_path_factory.mktemp("podman-storage")
    run = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))
    (run / "xdg").mkdir(mode=0o700)
    conf = run / "storage.conf"
    conf.write_text(
        f'[storage]\ndriver = "overlay"\ngraphroot = "{root}"\n'
        f'rootless_storage_path = "{root}"\nrunroot = "{run}/runroot"\n'
    )
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(Path.home()),
        "CONTAINERS_STORAGE_CONF": str(conf),
        "XDG_RUNTIME_DIR": str(run / "xdg"),
    }

    call = runner([binary], env)

    assert call("import", "-q", str(rootfs_tar), "base").returncode == 0
    yield call
    call("rm", "-af")
    call("unshare", "rm", "-rf", str(root))
    shutil.rmtree(run, ignore_errors=True)


def _masked(text: str) -> str:
    return HEX.sub("H", text)


def both_masked(hutch: Hutch, podman: Run, *args: str) -> tuple[int, str, str]:
    """Both agree on exit code, stdout and stderr, each with its ids masked."""
    ours, theirs = hutch(*args, check=False), podman(*args)
    mine = (ours.returncode, _masked(ours.stdout), _masked(ours.stderr))
    assert mine == (theirs.returncode, _masked(theirs.stdout), _masked(theirs.stderr)), args
    return mine


def test_intermediate_and_dangling_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """A build's untagged steps are intermediate (images are built on them), not
    dangling; intermediate=true needs -a in both."""
    (tmp_path / "Containerfile").write_text(
        "FROM base\nRUN echo a > /a\nRUN echo b > /b\nLABEL x=y\n"
    )
    for tool in (hutch, podman):
        assert tool("build", "-q", "-t", "built", str(tmp_path)).returncode == 0
    names = ("--format", "{{.Repository}}:{{.Tag}}")
    _code, out, _err = both_masked(
        hutch, podman, "images", "-a", "--filter", "intermediate=true", *names
    )
    assert out == "<none>:<none>\n" * 2
    assert both_masked(hutch, podman, "images", "--filter", "dangling=true", *names)[1] == ""
    code, _out, err = both_masked(hutch, podman, "images", "--filter", "intermediate=true")
    assert code == 125 and "more than once with different values" in err
    code, _out, err = both_masked(hutch, podman, "images", "-a", "-f", "intermediate=maybe")
    assert code == 125 and 'non-boolean value "intermediate"' in err
    for tool in (hutch, podman):
        tool("rmi", "built")


def _history(tool: Hutch | Run, image: str) -> list[dict[str, object]]:
    entries = json.loads(tool("history", "--no-trunc", "--format", "json", image).stdout)
    return [{k: v for k, v in e.items() if k not in ("id", "created", "Created")} for e in entries]


def test_commit_history_comment_and_output_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    for tool in (hutch, podman):
        tool("create", "--name", "cc", "-v", "/anon", base_image, "true")
    # -m with the OCI format, an unknown format: podman's words, exit 125
    code, _out, err = both_masked(hutch, podman, "commit", "-q", "-m", "msg", "cc", "x")
    assert code == 125 and "only compatible with the docker image format" in err
    code, _out, err = both_masked(hutch, podman, "commit", "-q", "-f", "foo", "cc", "x")
    assert (code, err) == (125, 'Error: unrecognized image format "foo"\n')
    # without -q: the progress lines on stderr, the id on stdout
    code, out, err = both_masked(hutch, podman, "commit", "-a", "Ann", "cc", "img1")
    assert code == 0 and out == "H\n" and err.endswith("Storing signatures\n")
    both_masked(hutch, podman, "commit", "-q", "-f", "docker", "-m", "a message", "cc", "img2")
    for image in ("img1", "img2"):
        ours, theirs = _history(hutch, image), _history(podman, image)
        assert ours == theirs, (image, ours, theirs)
    assert ours[0]["comment"] == "FROM localhost/base:latest"
    fields = "{{.Comment}}|{{.Author}}|{{.Config.Volumes}}"
    for image in ("img1", "img2"):
        both_masked(hutch, podman, "image", "inspect", "--format", fields, image)
    for tool in (hutch, podman):
        iid = tmp_path / f"iid-{id(tool)}"
        assert tool("commit", "-q", "--iidfile", str(iid), "cc", "img3").returncode == 0
        assert HEX.fullmatch(iid.read_text())  # the bare id, no sha256:
        tool("rm", "-f", "cc")
        tool("rmi", "img1", "img2", "img3")


def test_import_sources_as_podman(hutch: Hutch, podman: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.tar"
    empty.write_bytes(b"")
    code, out, err = both_masked(hutch, podman, "import", empty.as_posix(), "e1")
    assert code == 0 and out == "sha256:H\n" and err.startswith("Getting image source")
    missing = (tmp_path / "missing.tar").as_posix()
    code, _out, err = both_masked(hutch, podman, "import", missing)
    assert (code, err) == (
        125,
        f'Error: error opening "{missing}": open {missing}: no such file or directory\n',
    )
    code, out, err = both_masked(hutch, podman, "import", "ftp://127.0.0.1/x.tar")
    assert code == 125 and out == 'Downloading from "ftp://127.0.0.1/x.tar"\n'
    assert err.endswith('unsupported protocol scheme "ftp"\n')
    tiny = tmp_path / "tiny.tar"
    with tarfile.open(tiny, "w") as tar:
        tar.addfile(tarfile.TarInfo("f"))
    change = 'CMD ["a",\n"b"]'
    both_masked(hutch, podman, "import", "-q", "--change", change, tiny.as_posix(), "e2")
    both_masked(hutch, podman, "image", "inspect", "--format", "{{.Config.Cmd}}", "e2")
    for tool in (hutch, podman):
        tool("rmi", "e1", "e2")


def _member(archive: Path, name: str) -> Any:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(name)
        assert member is not None
        return json.loads(member.read())


def test_docker_archive_entries_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """RepoTags with and without -m, repositories, compact JSON; each loads the other's."""
    for tool in (hutch, podman):
        tool("tag", "base", "base:v2")
    for name, tool in (("hutch", hutch), ("podman", podman)):
        for kind, flags in (("m", ("-m",)), ("2", ())):
            target = str(tmp_path / f"{name}-{kind}.tar")
            assert tool("save", "-q", *flags, "-o", target, "base", "base:v2").returncode == 0
    for kind in ("m", "2"):
        tags = [
            [e["RepoTags"] for e in _member(tmp_path / f"{t}-{kind}.tar", "manifest.json")]
            for t in ("hutch", "podman")
        ]
        assert tags[0] == tags[1], kind
        repos = [_member(tmp_path / f"{t}-{kind}.tar", "repositories") for t in ("hutch", "podman")]
        assert [list(r["localhost/base"]) for r in repos] == [["latest", "v2"]] * 2
    with tarfile.open(tmp_path / "hutch-m.tar") as tar:
        raw = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    assert b'":"' in raw and b", " not in raw  # Go's compact JSON
    # each tool loads the other's archive, with the same lines
    for tool, other in ((hutch, "podman"), (podman, "hutch")):
        tool("rmi", "-f", "base:v2")
        loaded = tool("load", "-q", "-i", str(tmp_path / f"{other}-m.tar"))
        assert loaded.stdout == (
            "Loaded image: localhost/base:latest\nLoaded image: localhost/base:v2\n"
        ), loaded
        tool("rmi", "base:v2")


def test_docker_dir_as_podman_writes_and_reads_it(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """save --format docker-dir: a Docker schema 2 manifest in both; hutch loads
    podman's (no name: Loaded image: sha256:ID) as podman loads hutch's."""
    for name, tool in (("hutch", hutch), ("podman", podman)):
        target = tmp_path / f"saved-{name}"
        saved = tool("save", "--format", "docker-dir", "-o", str(target), "base")
        assert saved.returncode == 0 and saved.stderr.endswith("Storing signatures\n"), saved
        manifest = json.loads((target / "manifest.json").read_text())
        assert manifest["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
        assert sorted(p.name for p in target.iterdir() if not HEX.fullmatch(p.name)) == [
            "manifest.json",
            "version",
        ]
    for tool, other in ((hutch, "podman"), (podman, "hutch")):
        loaded = tool("load", "-i", str(tmp_path / f"saved-{other}"))
        assert loaded.returncode == 0 and re.fullmatch(
            r"Loaded image: sha256:[0-9a-f]{64}\n", loaded.stdout
        ), loaded
        assert loaded.stderr.startswith("Getting image source signatures\n"), loaded


def _dir_layers(target: Path) -> list[tuple[str, bytes, str]]:
    """A dir: directory's layers: (media type, the blob's first bytes, the digest of
    the tar it holds once decompressed)."""
    import gzip
    import hashlib

    manifest = json.loads((target / "manifest.json").read_text())
    out = []
    for entry in manifest["layers"]:
        data = (target / entry["digest"].split(":", 1)[1]).read_bytes()
        assert len(data) == entry["size"]
        assert "sha256:" + hashlib.sha256(data).hexdigest() == entry["digest"]
        plain = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        out.append((entry["mediaType"], data[:2], "sha256:" + hashlib.sha256(plain).hexdigest()))
    return out


@pytest.mark.parametrize(
    ("args", "media_type"),
    [
        (("save", "--compress", "--format", "docker-dir", "-o"), "diff.tar.gzip"),
        (("save", "--format", "docker-dir", "-o"), "diff.tar"),
        (("push", "--compress", "base"), "layer.v1.tar+gzip"),
        (("push", "base"), "layer.v1.tar"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else value,
)
def test_compress_to_a_dir_as_podman(
    hutch: Hutch,
    rootfs_tar: Path,
    podman: Run,
    tmp_path: Path,
    args: tuple[str, ...],
    media_type: str,
) -> None:
    """--compress: gzip layers named by the gzip media types in both (the digests
    differ: two gzip encoders, two imports), each decompressing to the config's diff
    id; without it the plain tar both store. Each tool saves a fresh import of the
    rootfs (``cbase``): the module's other tests load other images into podman's
    store, and 4.3.1 writes a stored image's layers plain under the media types of
    the manifest it was pulled with."""
    gzip = media_type.endswith("gzip")
    for name, tool in (("hutch", hutch), ("podman", podman)):
        assert tool("import", "-q", str(rootfs_tar), "cbase").returncode == 0
        target = tmp_path / name
        dest = f"dir:{target}" if args[0] == "push" else str(target)
        tail = () if args[0] == "push" else ("cbase",)
        done = tool(*[a if a != "base" else "cbase" for a in args], dest, *tail)
        assert done.returncode == 0, done
        layers = _dir_layers(target)
        assert layers and all(m.endswith(media_type) for m, _, _ in layers), (name, layers)
        assert all((head == b"\x1f\x8b") is gzip for _, head, _ in layers), (name, layers)
        config_digest = json.loads((target / "manifest.json").read_text())["config"]["digest"]
        config = json.loads((target / config_digest.split(":", 1)[1]).read_text())
        assert [plain for _, _, plain in layers] == config["rootfs"]["diff_ids"], name


def test_save_compress_refused_as_podman(hutch: Hutch, podman: Run, tmp_path: Path) -> None:
    for fmt in ("docker-archive", "oci-dir"):
        for flag in ("--compress", "--compress=false"):
            args = ("save", flag, "--format", fmt, "-o", str(tmp_path / "x"), "base")
            assert both_masked(hutch, podman, *args) == (
                125,
                "",
                "Error: --compress can only be set when --format is 'docker-dir'\n",
            )


def test_push_to_a_docker_archive_with_a_reference_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """RepoTags: the reference as a docker one, then the image's name; a missing
    archive to pull is refused in podman's words."""
    for name, tool in (("hutch", hutch), ("podman", podman)):
        archive = tmp_path / f"pushed-{name}.tar"
        assert tool("push", "-q", "base", f"docker-archive:{archive}:x/y:z").returncode == 0
        entries = _member(archive, "manifest.json")
        assert entries[0]["RepoTags"] == ["docker.io/x/y:z", "localhost/base:latest"], name
    missing = tmp_path / "nope.tar"
    code, _out, err = both_masked(hutch, podman, "pull", f"docker-archive:{missing}")
    assert (code, err) == (
        125,
        f'Error: opening file "{missing}": open {missing}: no such file or directory\n',
    )


def test_pull_of_an_archive_prints_podmans_copy_lines(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    for name, tool in (("hutch", hutch), ("podman", podman)):
        archive = tmp_path / f"pulled-{name}.tar"
        assert (
            tool("save", "-q", "--format", "oci-archive", "-o", str(archive), "base").returncode
            == 0
        )
        pulled = tool("pull", f"oci-archive:{archive}")
        lines = _masked(pulled.stderr).splitlines()
        assert lines[0] == "Getting image source signatures", (name, pulled)
        assert lines[-3:] == [
            "Copying config sha256:H",
            "Writing manifest to image destination",
            "Storing signatures",
        ], (name, pulled)
        assert HEX.fullmatch(pulled.stdout.strip()), (name, pulled)
        quiet = tool("pull", "-q", f"oci-archive:{archive}")
        assert quiet.stderr == "", (name, quiet)


def test_push_into_the_own_store_names_the_image_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    """containers-storage:NAME: the same image under NAME (a bare name docker.io's)."""
    assert base_image == "base"
    code, _out, err = both_masked(hutch, podman, "push", "base", "containers-storage:cs1")
    assert code == 0 and err.startswith("Getting image source signatures\n")
    assert err.endswith("Writing manifest to image destination\nStoring signatures\n")
    both_masked(hutch, podman, "push", "-q", "base", "containers-storage:localhost/cs2:v1")
    shown = ("images", "--format", "{{.Repository}}:{{.Tag}}", "--sort", "repository")
    ours, theirs = hutch(*shown).stdout.split(), podman(*shown).stdout.split()
    names = ["docker.io/library/cs1:latest", "localhost/cs2:v1"]
    assert [n for n in ours if n in names] == [n for n in theirs if n in names] == names
    ids = {hutch("images", "-q", name).stdout for name in ("base", *names)}
    assert len(ids) == 1  # one image, three names
    for tool in (hutch, podman):
        tool("rmi", *names)


def test_load_and_import_of_a_file_that_is_no_tar_as_podman(
    hutch: Hutch, podman: Run, tmp_path: Path
) -> None:
    """podman's words, with Go's reason for each kind of garbage, exit 125; import
    names the digest of what it read, load what each of its transports found."""
    for data, reason in ((b"hello\n", "unexpected EOF"),
                         (b"x" * 3000, "archive/tar: invalid tar header")):  # fmt: skip
        path = tmp_path / "notatar.txt"
        path.write_bytes(data)
        code, out, err = both_masked(hutch, podman, "import", path.as_posix())
        assert (code, out) == (125, "")
        assert err == (
            "Getting image source signatures\nCopying blob sha256:H\n"
            'Error: writing blob: adding layer with blob "sha256:H": processing tar '
            f"file({reason}): exit status 1\n"
        )
        code, out, err = both_masked(hutch, podman, "import", "-q", path.as_posix())
        assert err.startswith("Error: writing blob:")
        ours, theirs = (
            hutch("load", "-i", path.as_posix(), check=False),
            podman("load", "-i", path.as_posix()),
        )
        assert ours.returncode == theirs.returncode == 125
        # the temporary directory podman untars into is its own
        drop_tmp = re.compile(r'"/var/tmp/oci\d+"|"' + re.escape(path.as_posix()) + '"')
        assert drop_tmp.sub("T", ours.stderr) == drop_tmp.sub("T", theirs.stderr), (
            ours.stderr,
            theirs.stderr,
        )
        assert f" * docker-archive: loading tar component manifest.json: {reason}\n" in (
            ours.stderr
        )


def _layout_layers(archive: Path) -> list[tuple[str, bytes]]:
    """An oci-archive's layers: (media type, the blob's first bytes)."""
    with tarfile.open(archive) as tar:

        def read(name: str) -> bytes:
            member = tar.extractfile(name)
            assert member is not None
            return member.read()

        index = json.loads(read("index.json"))
        digest = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.loads(read(f"blobs/sha256/{digest}"))
        return [
            (layer["mediaType"], read(f"blobs/sha256/{layer['digest'].split(':')[1]}")[:2])
            for layer in manifest["layers"]
        ]


def test_save_compresses_an_oci_layout_as_podman_and_each_loads_the_other(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, rootfs_tar: Path
) -> None:
    """podman 4.3.1 gzips plain layers into an OCI layout unless --uncompressed, a
    docker-dir's only with --compress; each tool loads the other's gzipped archive.
    (base may have been pulled here from a gzipped archive: --uncompressed keeps
    such a layer compressed in both, so an image imported anew is saved.)"""
    gz = ("application/vnd.oci.image.layer.v1.tar+gzip", b"\x1f\x8b")
    for name, tool in (("hutch", hutch), ("podman", podman)):
        assert tool("import", "-q", str(rootfs_tar), "base").returncode == 0
        archive, plain = tmp_path / f"{name}-oci.tar", tmp_path / f"{name}-plain.tar"
        assert (
            tool("save", "-q", "--format", "oci-archive", "-o", str(archive), "base").returncode
            == 0
        )
        assert _layout_layers(archive) == [gz], name
        saved = tool(
            "save", "-q", "--uncompressed", "--format", "oci-archive", "-o", str(plain), "base"
        )
        assert saved.returncode == 0, saved
        assert [t for t, _ in _layout_layers(plain)] == [
            "application/vnd.oci.image.layer.v1.tar"
        ], name
        target = tmp_path / f"{name}-dir"
        assert (
            tool(
                "save", "-q", "--compress", "--format", "docker-dir", "-o", str(target), "base"
            ).returncode
            == 0
        )
        layers = json.loads((target / "manifest.json").read_text())["layers"]
        assert [x["mediaType"] for x in layers] == [
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
        ]
    code, _out, err = both_masked(
        hutch, podman, "save", "--compress", "-o", str(tmp_path / "x.tar"), "base"
    )
    assert (code, err) == (125, "Error: --compress can only be set when --format is 'docker-dir'\n")
    for tool, other in ((hutch, "podman"), (podman, "hutch")):
        loaded = tool("load", "-q", "-i", str(tmp_path / f"{other}-oci.tar"))
        assert (
            loaded.returncode == 0 and loaded.stdout == "Loaded image: localhost/base:latest\n"
        ), loaded


def _legacy(archive: Path) -> tuple[dict[str, Any], list[str]]:
    """A docker-archive's repositories, and what each per-layer directory holds."""
    shapes = []
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
        repositories = json.loads(tar.extractfile("repositories").read())  # type: ignore[union-attr]
        layers = [n for n in members if n.endswith(".tar") and "/" not in n]
        for name in sorted(members):
            layer_id, _, leaf = name.partition("/")
            if leaf != "json":
                continue
            link = members[f"{layer_id}/layer.tar"]
            version = tar.extractfile(f"{layer_id}/VERSION").read()  # type: ignore[union-attr]
            config = json.loads(tar.extractfile(name).read())  # type: ignore[union-attr]
            assert config["id"] == layer_id and version == b"1.0"
            assert link.issym() and link.linkname.removeprefix("../") in layers
            shapes.append(",".join(sorted(config)))
    return repositories, shapes


def test_docker_archive_legacy_entries_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """One directory per layer (VERSION, json, layer.tar linking the layer's tar),
    repositories naming the top layer; a two-layer image's bottom names no config."""
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Containerfile").write_text("FROM base\nRUN echo a > /a\n")
    got = {}
    for name, tool in (("hutch", hutch), ("podman", podman)):
        assert tool("build", "-q", "-t", "legacy", str(tmp_path / "ctx")).returncode == 0
        archive = tmp_path / f"{name}-legacy.tar"
        assert tool("save", "-q", "-o", str(archive), "legacy").returncode == 0
        repositories, shapes = _legacy(archive)
        (top,) = repositories["localhost/legacy"].values()
        got[name] = sorted(shapes)
        with tarfile.open(archive) as tar:
            top_json = json.loads(tar.extractfile(f"{top}/json").read())  # type: ignore[union-attr]
        assert "parent" in top_json and "architecture" in top_json, name
    assert got["hutch"] == got["podman"] == sorted([
        "id",
        "architecture,config,container,container_config,created,docker_version,id,os,parent",
    ])  # fmt: skip
    for tool, other in ((hutch, "podman"), (podman, "hutch")):
        tool("rmi", "legacy")
        loaded = tool("load", "-q", "-i", str(tmp_path / f"{other}-legacy.tar"))
        assert loaded.stdout == "Loaded image: localhost/legacy:latest\n", loaded
        tool("rmi", "legacy")
