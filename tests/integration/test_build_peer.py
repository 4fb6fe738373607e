"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): what ``build``
prints (the step lines, ``--> ID`` after each step and an ARG, ``COMMIT`` with the
name as given before the final id, no ``COMMIT`` for an unnamed build that the cache
answered whole), the history it writes, the PATH a base without one gets, RUN's
capabilities under ``--cap-drop all --cap-add``, and the argument count of a bare
``--pull`` followed by a word. podman 4.3.1 prints 11 characters of an id where
current podman prints 12, as hutch does: ids are compared as words."""

from __future__ import annotations

import json
import re
from pathlib import Path

from build_helpers import write_context
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

CONTAINERFILE = """\
FROM base
ARG VERSION=1.0
LABEL version=$VERSION maintainer="me"
ENV A=1 B="two words"
RUN echo built $VERSION > /built
EXPOSE 8080 53/udp
VOLUME /data
CMD ["sh"]
"""


def _words(text: str) -> list[str]:
    """The lines with ids as ID (podman 4.3.1 shows 11 characters, current podman 12)."""
    text = re.sub(r"\b[0-9a-f]{64}\b", "ID", text)
    return re.sub(r"^--> [0-9a-f]{11,12}$", "--> ID", text, flags=re.M).splitlines()


def test_build_prints_podmans_lines(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=CONTAINERFILE)
    mine = hutch("build", "-t", "peerbuild", str(context))
    theirs = podman("build", "-t", "peerbuild", str(context))
    assert theirs.returncode == 0, theirs.stderr
    assert _words(mine.stdout) == _words(theirs.stdout)
    lines = _words(mine.stdout)
    assert lines[1:3] == ["STEP 2/8: ARG VERSION=1.0", "--> ID"]
    assert lines[-5:] == [
        'STEP 8/8: CMD ["sh"]',
        "COMMIT peerbuild",
        "--> ID",
        "Successfully tagged localhost/peerbuild:latest",
        "ID",
    ]
    # again, unnamed: every step from the cache, and then no COMMIT line
    again, theirs_again = hutch("build", str(context)), podman("build", str(context))
    assert _words(again.stdout) == _words(theirs_again.stdout)
    assert "COMMIT" not in again.stdout
    assert again.stdout.count("--> Using cache") == 7


def test_build_history_and_env_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=CONTAINERFILE)
    hutch("build", "--no-cache", "-t", "peerhist", str(context))
    assert podman("build", "--no-cache", "-t", "peerhist", str(context)).returncode == 0
    mine = json.loads(hutch("image", "inspect", "peerhist").stdout)[0]
    theirs = json.loads(podman("image", "inspect", "peerhist").stdout)[0]
    assert mine["Config"]["Env"] == theirs["Config"]["Env"]
    assert mine["Config"]["Env"][0].startswith("PATH=/usr/local/sbin:")
    # an OCI image names its base in two annotations (the digests are each store's)
    base_keys = {"org.opencontainers.image.base.digest", "org.opencontainers.image.base.name"}
    assert set(mine["Annotations"]) == set(theirs["Annotations"]) == base_keys
    name = "org.opencontainers.image.base.name"
    assert mine["Annotations"][name] == theirs["Annotations"][name] == "localhost/base:latest"

    def created_by(data: dict[str, object]) -> list[str]:
        history = data["History"]
        assert isinstance(history, list)
        return [entry.get("created_by", "") for entry in history]

    assert created_by(mine) == created_by(theirs)
    assert created_by(mine)[-7:] == [
        "/bin/sh -c #(nop) ARG VERSION",
        '/bin/sh -c #(nop) LABEL version=$VERSION maintainer="me"',
        '/bin/sh -c #(nop) ENV A=1 B="two words"',
        "|1 VERSION=1.0 /bin/sh -c echo built $VERSION > /built",
        "/bin/sh -c #(nop) EXPOSE 8080 53/udp",
        "/bin/sh -c #(nop) VOLUME /data",
        '/bin/sh -c #(nop) CMD ["sh"]',
    ]
    # the key is not the shown text: another value of VERSION is a new LABEL
    rebuilt = hutch("build", "--build-arg", "VERSION=2", "-t", "peerhist2", str(context))
    assert "--> Using cache" not in rebuilt.stdout.split("LABEL", 1)[1].split("STEP", 1)[0]
    assert (
        json.loads(hutch("image", "inspect", "peerhist2").stdout)[0]["Config"]["Labels"]["version"]
        == "2"
    )


def test_cap_drop_all_keeps_the_added_ones(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx",
        {},
        containerfile="FROM base\nRUN grep -E '^Cap(Bnd|Eff)' /proc/self/status\n",
    )
    argv = ("build", "--no-cache", "--cap-drop", "all", "--cap-add", "net_raw", str(context))
    mine, theirs = hutch(*argv), podman(*argv)
    assert _words(mine.stdout) == _words(theirs.stdout)
    assert "CapBnd:\t0000000000002000" in mine.stdout  # CAP_NET_RAW alone


def test_bare_pull_then_a_word_counts_two_arguments(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    code, _, err = both(hutch, podman, "build", "--pull", "newer", str(tmp_path))
    assert code == 125
    assert "accepts at most 1 arg(s), received 2" in err


def test_copy_of_a_url_is_refused_in_podmans_words(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx", {}, containerfile="FROM base\nCOPY http://127.0.0.1:9/x.txt /x\n"
    )
    code, _, err = both(hutch, podman, "build", str(context))
    assert code == 125
    assert err == (
        'Error: building at STEP "COPY http://127.0.0.1:9/x.txt /x": '
        "source can't be a URL for COPY\n"
    )


def test_docker_format_shows_its_manifest_type(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nLABEL a=b\n")
    argv = ("image", "inspect", "--format", "{{.ManifestType}}", "peerdocker")
    for image_format in ("docker", "oci"):
        hutch("build", "-q", "--format", image_format, "-t", "peerdocker", str(context))
        built = podman("build", "-q", "--format", image_format, "-t", "peerdocker", str(context))
        assert built.returncode == 0, built.stderr
        assert hutch(*argv).stdout == podman(*argv).stdout
    assert hutch(*argv).stdout == "application/vnd.oci.image.manifest.v1+json\n"


def test_network_none_leaves_the_images_etc_files(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx", {}, containerfile="FROM base\nRUN cat /etc/hosts /etc/resolv.conf; true\n"
    )
    argv = ("build", "--no-cache", "--network", "none", str(context))
    mine, theirs = hutch(*argv), podman(*argv)
    assert (_words(mine.stdout), mine.stderr) == (_words(theirs.stdout), theirs.stderr)
    assert "can't open '/etc/hosts'" in mine.stderr  # the base has neither file
