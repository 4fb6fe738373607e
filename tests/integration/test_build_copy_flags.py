"""COPY/ADD ``--exclude``, ``--parents`` and ``--link``, rootless."""

from __future__ import annotations

from pathlib import Path

from build_helpers import build, cache_hits, image_id, inspect, write_context
from harness import Hutch

EXCLUDE = """\
FROM base
COPY --exclude=*.txt --exclude=sub/skip --exclude=**/*.sh app/ /app/
COPY --exclude=*.txt hom* /h/
"""


def test_exclude_leaves_out_matching_paths_and_does_not_count_for_the_cache(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx",
        {
            "app/a.txt": "a\n",
            "app/b.md": "b\n",
            "app/sub/c.txt": "c\n",
            "app/sub/d.sh": "d\n",
            "app/sub/skip/e.md": "e\n",
            "hom1.txt": "1\n",
            "hom2.sh": "2\n",
        },
        containerfile=EXCLUDE,
    )
    first = build(hutch, context, "-t", "excl")
    out = hutch("run", "--rm", "excl", "sh", "-c", "find /app /h | sort").stdout
    # patterns are anchored at the source, as in an ignore file: *.txt spares sub/c.txt
    assert out.split() == ["/app", "/app/b.md", "/app/sub", "/app/sub/c.txt", "/h", "/h/hom2.sh"]
    history = [h.get("created_by", "") for h in inspect(hutch, "excl")["History"]]
    assert any("--exclude=sub/skip --exclude=**/*.sh app/ /app/" in c for c in history)
    # an excluded file is not part of the step's inputs
    (context / "app" / "a.txt").write_text("changed\n")
    (context / "hom1.txt").write_text("changed\n")
    second = build(hutch, context)
    assert cache_hits(second) == 2
    assert image_id(second) == image_id(first)
    (context / "app" / "b.md").write_text("changed\n")
    assert cache_hits(build(hutch, context)) == 0


PARENTS = """\
FROM base
COPY --parents ./x/a.txt y/*/b.txt /dst/
COPY --parents ./x/./deep/c.txt /pivot/
COPY --parents x/deep /tree/
"""


def test_parents_keeps_the_source_path_below_the_destination(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(
        tmp_path / "ctx",
        {
            "x/a.txt": "a\n",
            "x/deep/c.txt": "c\n",
            "y/one/b.txt": "b1\n",
            "y/two/b.txt": "b2\n",
        },
        containerfile=PARENTS,
    )
    build(hutch, context, "-t", "par")
    out = hutch(
        "run", "--rm", "par", "sh", "-c", "find /dst /pivot /tree -type f | sort"
    ).stdout.split()
    assert out == [
        "/dst/x/a.txt",
        "/dst/y/one/b.txt",
        "/dst/y/two/b.txt",
        "/pivot/deep/c.txt",
        "/tree/x/deep/c.txt",
    ]
    assert hutch("run", "--rm", "par", "cat", "/dst/y/two/b.txt").stdout == "b2\n"


LINK = """\
FROM base
ARG V
RUN echo "$V" > /v
COPY --link --chown=7:8 f.txt /opt/f.txt
"""


def test_link_layer_does_not_depend_on_the_image_below(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {"f.txt": "linked\n"}, containerfile=LINK)
    first = build(hutch, context, "-t", "one", "--build-arg", "V=1")
    assert cache_hits(first) == 0
    # another parent (the RUN step changed): the COPY --link step is still a hit
    second = build(hutch, context, "-t", "two", "--build-arg", "V=2")
    assert cache_hits(second) == 2  # the ARG and the COPY --link
    layers_one = inspect(hutch, "one")["RootFS"]["Layers"]
    layers_two = inspect(hutch, "two")["RootFS"]["Layers"]
    assert layers_one[-1] == layers_two[-1]
    assert layers_one[-2] != layers_two[-2]
    script = "cat /v /opt/f.txt; stat -c '%u:%g %a' /opt/f.txt; ls /bin/sh"
    assert hutch("run", "--rm", "two", "sh", "-c", script).stdout == (
        "2\nlinked\n7:8 644\n/bin/sh\n"
    )
    # an unchanged rebuild on the same parent reuses the image itself
    third = build(hutch, context, "--build-arg", "V=2")
    assert image_id(third) == image_id(second)
    # the layer holds only the copied file and the directory it needed
    (context / "f.txt").write_text("new\n")
    fourth = build(hutch, context, "-t", "three", "--build-arg", "V=2")
    assert cache_hits(fourth) == 2  # the ARG and the RUN; the COPY is a miss
    assert hutch("run", "--rm", "three", "cat", "/opt/f.txt").stdout == "new\n"
