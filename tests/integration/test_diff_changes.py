"""``hutch diff``: added, changed and deleted paths of a container, as podman lists them."""

from __future__ import annotations

import json

from harness import Hutch

SCRIPT = "echo new > /added; echo more >> /etc/passwd; rm /bin/true; rm -r /home; mkdir -p /d/e"


def test_diff_lists_added_changed_deleted(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", SCRIPT)
    lines = hutch("diff", "c").stdout.splitlines()
    for expected in ("A /added", "C /etc", "C /etc/passwd", "C /bin", "D /bin/true", "D /home"):
        assert expected in lines
    assert "A /d" in lines and "A /d/e" in lines
    assert lines == sorted(lines, key=lambda line: line[2:])
    # The runtime's own mount points (/etc/hosts and the like) are no change of the container.
    assert not any(line.endswith(("/etc/hosts", "/etc/resolv.conf")) for line in lines)


def test_diff_json(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", SCRIPT)
    data = json.loads(hutch("diff", "--format", "json", "c").stdout)
    assert "/added" in data["added"]
    assert "/etc/passwd" in data["changed"]
    assert "/bin/true" in data["deleted"]


def test_diff_of_a_fresh_container_is_empty(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "c", base_image, "true")
    assert hutch("container", "diff", "c").stdout == ""


def test_diff_of_a_recreated_directory_shows_what_it_hid(hutch: Hutch, base_image: str) -> None:
    # rm -r then mkdir makes an opaque directory: the old contents are deleted.
    hutch("run", "--name", "c", base_image, "sh", "-c", "rm -r /etc; mkdir /etc; echo x > /etc/a")
    lines = hutch("diff", "c").stdout.splitlines()
    assert "C /etc" in lines
    assert "A /etc/a" in lines
    assert "D /etc/passwd" in lines


def test_diff_unknown_container(hutch: Hutch, base_image: str) -> None:
    result = hutch("diff", "nosuch", check=False)
    assert result.returncode == 125
    # podman's words: diff looks for an image, then a container, then a layer
    assert result.stderr == "Error: nosuch not found: layer not known\n"
    result = hutch("container", "diff", "nosuch", check=False)
    assert result.stderr == "Error: nosuch not found: container not known\n"
