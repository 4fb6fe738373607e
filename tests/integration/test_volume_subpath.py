"""``--mount type=volume,...,subpath=`` (issue 15), for real: one directory of a named
volume, written by another container, is all a container sees; refused when outside
the volume (at create) or missing (at start); inspect's ``SubPath``."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch


def test_subpath_mounts_one_directory_of_a_volume(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "sub")
    hutch("run", "--rm", "-v", "sub:/v", base_image, "sh", "-c",
          "mkdir -p /v/a/b && echo F > /v/a/b/file && echo top > /v/top"
          " && ln -s /a /v/abs")  # fmt: skip
    mount = "type=volume,source=sub,destination=/x,subpath=a/b"
    seen = hutch("run", "--rm", "--mount", mount, base_image, "sh", "-c",
                 "ls -A /x; cat /x/file")  # fmt: skip
    assert seen.stdout == "file\nF\n"
    # a symbolic link resolves inside the volume (/abs is the volume's /a)
    mount_abs = "type=volume,source=sub,destination=/x,subpath=abs"
    assert hutch("run", "--rm", "--mount", mount_abs, base_image, "ls", "/x").stdout == "b\n"
    # writes land in that directory of the volume
    hutch("run", "--rm", "--mount", mount, base_image, "sh", "-c", "echo W > /x/new")
    listing = hutch("run", "--rm", "-v", "sub:/v", base_image, "ls", "/v/a/b").stdout
    assert listing.split() == ["file", "new"]

    hutch("create", "--name", "c", "--mount", mount, base_image, "true")
    data = json.loads(hutch("inspect", "c").stdout)[0]
    (entry,) = data["Mounts"]
    assert (entry["Type"], entry["Name"], entry["SubPath"]) == ("volume", "sub", "a/b")
    fmt = "{{range .Mounts}}{{.SubPath}}{{end}}"
    assert hutch("inspect", "--format", fmt, "c").stdout == "a/b\n"
    hutch("rm", "c")
    # no subpath: no SubPath key, and the template prints nothing
    hutch("create", "--name", "d", "-v", "sub:/v", base_image, "true")
    (entry,) = json.loads(hutch("inspect", "d").stdout)[0]["Mounts"]
    assert "SubPath" not in entry
    assert hutch("inspect", "--format", fmt, "d").stdout == "\n"
    hutch("rm", "d")


def test_a_volume_subpath_outside_or_missing_is_refused(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "sub2")
    for subpath in ("../etc", "a/../../etc"):
        bad = f"type=volume,source=sub2,destination=/x,subpath={subpath}"
        refused = hutch("create", "--mount", bad, base_image, check=False)
        assert refused.returncode == 125, refused
        assert f"subpath '{subpath}' is outside of the volume" in refused.stderr
    missing = "type=volume,source=sub2,destination=/x,subpath=nosuch"
    hutch("create", "--name", "m", "--mount", missing, base_image, "true")
    failed = hutch("start", "m", check=False)
    assert failed.returncode == 125, failed
    assert "subpath 'nosuch' does not exist in the volume" in failed.stderr, failed
    failed = hutch("run", "--rm", "--mount", missing, base_image, "true", check=False)
    assert failed.returncode == 125, failed
    assert "subpath 'nosuch' does not exist in the volume" in failed.stderr, failed
    hutch("rm", "m")


def test_an_image_mount_subpath_is_in_inspect(hutch: Hutch, base_image: str) -> None:
    mount = f"type=image,src={base_image},dst=/img,subpath=etc"
    hutch("create", "--name", "i", "--mount", mount, base_image, "true")
    (entry,) = json.loads(hutch("inspect", "i").stdout)[0]["Mounts"]
    assert (entry["Type"], entry["SubPath"]) == ("image", "etc")
    fmt = "{{range .Mounts}}{{.SubPath}}{{end}}"
    assert hutch("inspect", "--format", fmt, "i").stdout == "etc\n"
    hutch("rm", "i")


def test_other_volume_subpaths(hutch: Hutch, base_image: str) -> None:
    """A file subpath is mounted on a file; --volumes-from keeps the subpath; an image
    volume is narrowed as an image mount is; a tmpfs volume (empty at each start)
    refuses one."""
    hutch("volume", "create", "sub3")
    hutch("run", "--rm", "-v", "sub3:/v", base_image, "sh", "-c",
          "mkdir -p /v/d && echo one > /v/d/f")  # fmt: skip
    mount = "type=volume,source=sub3,destination=/etc/one,subpath=d/f"
    out = hutch("run", "--rm", "--mount", mount, base_image, "sh", "-c",
                "test -f /etc/one && cat /etc/one")  # fmt: skip
    assert out.stdout == "one\n"
    mount = "type=volume,source=sub3,destination=/x,subpath=d"
    hutch("create", "--name", "src", "--mount", mount, base_image, "true")
    hutch("create", "--name", "dst", "--volumes-from", "src", base_image, "ls", "/x")
    (entry,) = json.loads(hutch("inspect", "dst").stdout)[0]["Mounts"]
    assert entry["SubPath"] == "d"
    assert hutch("start", "-a", "dst").stdout == "f\n"
    hutch("rm", "src", "dst")

    hutch("volume", "create", "--driver", "image", "-o", f"image={base_image}", "iv3")
    mount = "type=volume,source=iv3,destination=/x,subpath=etc"
    out = hutch("run", "--rm", "--mount", mount, base_image, "sh", "-c", "test -f /x/passwd")
    assert out.returncode == 0

    hutch("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "tv3")
    mount = "type=volume,source=tv3,destination=/x,subpath=d"
    refused = hutch("create", "--mount", mount, base_image, "true", check=False)
    assert refused.returncode == 125, refused
    assert "volume tv3 is a tmpfs" in refused.stderr


COMPOSE = """\
services:
  app:
    image: {image}
    command: ["sh", "-c", "ls -A /x"]
    volumes:
      - {{type: volume, source: data, target: /x, volume: {{subpath: a/b}}}}
volumes:
  data: {{}}
"""


def test_compose_volume_subpath(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("volume", "create", "csub_data")
    hutch("run", "--rm", "-v", "csub_data:/v", base_image, "sh", "-c",
          "mkdir -p /v/a/b && touch /v/a/b/inner /v/top")  # fmt: skip
    file = tmp_path / "compose.yaml"
    file.write_text(COMPOSE.format(image=base_image))
    compose = ("compose", "-p", "csub", "--progress", "plain", "-f", str(file))
    try:
        hutch(*compose, "up", "--no-start", timeout=120)
        name = "csub-app-1"
        (entry,) = json.loads(hutch("inspect", name).stdout)[0]["Mounts"]
        assert (entry["Name"], entry["SubPath"]) == ("csub_data", "a/b")
        assert hutch("start", "-a", name).stdout == "inner\n"
    finally:
        hutch(*compose, "down", check=False, timeout=120)
